// The only file in the renderer that knows how it reaches the main side: Electron's preload bridge when
// it exists, loopback HTTP with the per-start token otherwise. Everything else imports `api`.
import type { Api, ApiResult } from '../../src-main/shared/contract';

declare global {
  interface Window {
    causa?: Api;
  }
}

const TOKEN_KEY = 'causa-token';

/** Takes the token from the URL `causa serve` printed, keeps it for reloads, and removes it from the bar. */
function pageToken(): string {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const query = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${query ? `?${query}` : ''}`);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function httpApi(token: string): Api {
  const call = async (method: string, input: unknown): Promise<ApiResult<unknown>> => {
    try {
      const response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
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

export const api: Api = window.causa ?? httpApi(pageToken());
