// Web mode: the workbench's renderer and the API contract over loopback HTTP. Bound to 127.0.0.1 only;
// a random per-start token guards every request (checked before any routing); the Host header must name
// this server (no DNS rebinding); no CORS headers are ever sent, so other origins cannot read anything.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Handlers } from '../shared/contract';
import { decodeFileFrames, FILE_FRAMES_TYPE } from './file-frames';
import { CONTENT_SECURITY_POLICY } from '../shared/security';
import { dispatch } from './dispatch';

/** Bounds one request's body: dropped files arrive in it (framed bytes, or base64 in plain JSON). */
const MAX_BODY_BYTES = 768 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
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

export interface HttpHost {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export interface HttpHostOptions {
  handlers: Handlers;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  token?: string;
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value));
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function serveApi(req: IncomingMessage, res: ServerResponse, handlers: Handlers, method: string): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { ok: false, code: 'invalid_input', message: 'use POST' });
  const type = req.headers['content-type'] ?? '';
  // Files dropped on the window come as framed bytes (importFiles only); everything else is JSON.
  const framed = method === 'importFiles' && type.startsWith(FILE_FRAMES_TYPE);
  if (!framed && !type.startsWith('application/json')) {
    return sendJson(res, 415, { ok: false, code: 'invalid_input', message: 'the body must be application/json' });
  }
  const body = await readBody(req);
  if (!body) return sendJson(res, 413, { ok: false, code: 'invalid_input', message: 'request body too large' });
  let input: unknown;
  try {
    input = framed ? { files: decodeFileFrames(body) } : body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (error) {
    const reason = framed ? `the upload is malformed: ${(error as Error).message}` : 'the body is not valid JSON';
    return sendJson(res, 400, { ok: false, code: 'invalid_input', message: reason });
  }
  const result = await dispatch(handlers, method, input);
  const status = result.ok ? 200 : result.code === 'invalid_input' ? 400 : result.code === 'not_found' ? 404 : 200;
  sendJson(res, status, result);
}

async function serveStatic(res: ServerResponse, rendererDir: string, pathname: string): Promise<void> {
  let relativePath: string;
  try {
    relativePath = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  } catch {
    return send(res, 400, 'malformed path', 'text/plain');
  }
  const file = normalize(join(rendererDir, relativePath));
  if (!file.startsWith(rendererDir + sep)) return send(res, 404, 'not found', 'text/plain');
  try {
    const info = await stat(file);
    if (!info.isFile()) return send(res, 404, 'not found', 'text/plain');
  } catch {
    return send(res, 404, 'not found', 'text/plain');
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-store',
  });
  createReadStream(file).pipe(res);
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  let port = 0;
  const cookieName = () => `causa_token_${port}`;

  const server = createServer((req, res) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');

    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      return send(res, 421, 'this server answers only to 127.0.0.1', 'text/plain');
    }
    const url = new URL(req.url ?? '/', `http://${host}`);

    // The token is checked before any routing: a request without it learns nothing, whatever its path.
    // The raw path counts too, so that /api/../x is still an API request and not a page.
    if (url.pathname.startsWith('/api/') || (req.url ?? '').startsWith('/api/')) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!sameSecret(bearer, token)) {
        return sendJson(res, 401, { ok: false, code: 'unauthorized', message: 'missing or wrong token' });
      }
      serveApi(req, res, options.handlers, url.pathname.slice('/api/'.length)).catch((error: Error) =>
        sendJson(res, 500, { ok: false, code: 'internal', message: error.message }),
      );
      return;
    }
    // Pages and assets: the token arrives once in the URL the CLI printed; a strict, HTTP-only cookie
    // (named per port, as cookies ignore ports) carries it for the assets and reloads that follow.
    const queryToken = url.searchParams.get('token') ?? undefined;
    if (sameSecret(queryToken, token)) {
      res.setHeader('Set-Cookie', `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    } else if (!sameSecret(cookieToken(req, cookieName()), token)) {
      return send(res, 401, 'open the URL that `causa serve` printed (it carries the access token)', 'text/plain');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain');
    serveStatic(res, rendererDir, url.pathname).catch(() => send(res, 500, 'internal error', 'text/plain'));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
