// Which file of the built renderer a request path names, for both shells: web mode's static files and the
// desktop app's app:// protocol. Pure path arithmetic, no I/O: a path that is malformed, or that would
// leave the renderer folder once decoded and normalized (`..`, `%2e%2e`, `%2f`, `%5c`, absolute paths),
// names no file, and the caller answers 404.
import { extname, isAbsolute, join, normalize, resolve, sep } from 'node:path';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type RendererPath = { ok: true; file: string } | { ok: false; reason: 'malformed' | 'outside' };

/**
 * The absolute file inside `rendererDir` that the URL path `pathname` (still percent-encoded, starting
 * with `/`) names; `/` is index.html. Anything that is not strictly inside the folder is refused.
 */
export function rendererFileFor(rendererDir: string, pathname: string): RendererPath {
  const root = resolve(rendererDir);
  let relativePath: string;
  try {
    relativePath = pathname === '/' || pathname === '' ? 'index.html' : decodeURIComponent(pathname.replace(/^\/+/, ''));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (relativePath.includes('\0') || relativePath.includes('\\') || isAbsolute(relativePath)) return { ok: false, reason: 'outside' };
  const file = normalize(join(root, relativePath));
  if (!file.startsWith(root + sep)) return { ok: false, reason: 'outside' };
  return { ok: true, file };
}
