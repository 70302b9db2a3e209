// The only file in the renderer that knows how it reaches the main side: Electron's preload bridge when
// it exists, loopback HTTP with the per-start token otherwise. Everything else imports `api`.
import type { Api, ApiResult, UploadedFile } from '../../src-main/shared/contract';
import { pageToken } from './page-token';
import { encodeFileFrames, FILE_FRAMES_TYPE } from './upload-frames';

declare global {
  interface Window {
    causa?: Api;
  }
}

function httpApi(token: string): Api {
  /** Dropped files go as raw bytes in a Blob the browser streams, never as a JSON string of base64. */
  const body = (method: string, input: unknown): { type: string; body: BodyInit } => {
    const files = method === 'importFiles' ? (input as { files: UploadedFile[] }).files : undefined;
    if (files?.every((file) => 'data' in file)) {
      return { type: FILE_FRAMES_TYPE, body: new Blob(encodeFileFrames(files)) };
    }
    return { type: 'application/json', body: JSON.stringify(input ?? {}) };
  };
  const call = async (method: string, input: unknown): Promise<ApiResult<unknown>> => {
    try {
      const request = body(method, input);
      const response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': request.type, Authorization: `Bearer ${token}` },
        body: request.body,
      });
      return (await response.json()) as ApiResult<unknown>;
    } catch (error) {
      return { ok: false, code: 'io', message: `the workbench server did not answer: ${String(error)}` };
    }
  };
  return new Proxy({} as Api, {
    get: (_target, method: string) => (input: unknown) => call(method, input),
  });
}

export const api: Api = window.causa ?? httpApi(pageToken(window.location, window.history, window.sessionStorage));
