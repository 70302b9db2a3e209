// The desktop app's own URL scheme, app://causa/…, in place of file://: a page from file:// may read any
// file its URL can name, a page from app://causa only the renderer build. Electron calls the handler made
// here for every app:// request (protocol.handle, in window.ts); it answers only for files inside the
// renderer folder, once their real path (symbolic links followed) is still inside it.
import { readFile, realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../shared/security';
import { contentTypeOf, rendererFileFor } from './renderer-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'causa';
/** Where the desktop app loads the workbench from. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Whether `url` is a page or file of the workbench served over app:// (any path, query or fragment). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === `${APP_SCHEME}:` && parsed.host.toLowerCase() === APP_HOST && parsed.username === '' && parsed.password === ''
    );
  } catch {
    return false;
  }
}

export type AppTarget = { ok: true; file: string } | { ok: false; status: 400 | 404; reason: string };

/** The renderer file an app:// URL names, by path arithmetic alone; anything else is refused. */
export function appUrlToFile(url: string, rendererDir: string): AppTarget {
  if (!isAppUrl(url)) return { ok: false, status: 404, reason: 'not an app://causa/ URL' };
  const target = rendererFileFor(rendererDir, new URL(url).pathname);
  if (!target.ok)
    return target.reason === 'malformed'
      ? { ok: false, status: 400, reason: 'malformed path' }
      : { ok: false, status: 404, reason: 'outside the renderer folder' };
  return target;
}

function refusal(status: number, reason: string): Response {
  return new Response(reason, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  });
}

/** The handler for protocol.handle('app', …): GET and HEAD of renderer files, nothing else. */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rendererDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405, 'method not allowed');
    const target = appUrlToFile(request.url, root);
    if (!target.ok) return refusal(target.status, target.reason);
    try {
      const [realRoot, real] = await Promise.all([realpath(root), realpath(target.file)]);
      if (!real.startsWith(realRoot + sep) || !(await stat(real)).isFile()) return refusal(404, 'not found');
      const body = request.method === 'HEAD' ? null : await readFile(real);
      return new Response(body, {
        status: 200,
        headers: {
          'Content-Type': contentTypeOf(real),
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-store',
        },
      });
    } catch {
      return refusal(404, 'not found');
    }
  };
}
