// Web mode: the workbench's renderer and the API contract over loopback HTTP. Bound to 127.0.0.1 only;
// the Host header must name this server (no DNS rebinding); no CORS headers are ever sent, so other
// origins cannot read anything. A random per-start token guards every API request (checked before any
// routing) and travels only as `Authorization: Bearer`: the printed URL carries it in its fragment, which
// the browser never sends anywhere, and the page keeps it to itself. No cookie is ever set: cookies ignore
// ports, so every other server on 127.0.0.1 would receive one. The page and its assets are the public
// build output and need no token. Request bodies are bounded by their declared and their actual length,
// and a body that trickles in is cut off.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Handlers } from '../shared/contract';
import { decodeFileFrames, FILE_FRAMES_TYPE } from './file-frames';
import { CONTENT_SECURITY_POLICY } from '../shared/security';
import { dispatch } from './dispatch';
import { contentTypeOf, rendererFileFor } from './renderer-files';

/** The default bound on one request's body: dropped files arrive in it (framed bytes, or base64 in JSON). */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
/** After refusing a body unread, how long the client has to read the answer before the connection is cut. */
const HANG_UP_AFTER_MS = 1000;
/** A body that sends nothing for this long is cut off (408). */
export const DEFAULT_BODY_IDLE_TIMEOUT_MS = 30_000;
/** A body still arriving after this long is cut off (408), however steadily it trickles. */
export const DEFAULT_BODY_TIMEOUT_MS = 10 * 60_000;

export interface HttpHost {
  /** The URL to open: the token rides in its fragment (`#token=…`), which no request carries. */
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
  /** The largest request body accepted, in bytes, declared or actual (default DEFAULT_MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** How long a body may send nothing before it is cut off (default DEFAULT_BODY_IDLE_TIMEOUT_MS). */
  bodyIdleTimeoutMs?: number;
  /** How long a body may take in all (default DEFAULT_BODY_TIMEOUT_MS). */
  bodyTimeoutMs?: number;
}

interface BodyLimits {
  maxBytes: number;
  idleMs: number;
  totalMs: number;
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value));
}

/**
 * Hangs up once the answer is sent, never reading the rest of the body (Node would otherwise drain it,
 * however large it claims to be). The connection is half-closed first and cut a moment later: cutting it
 * at once, with the client's bytes still unread, resets it, and a client busy sending would lose the
 * answer with it.
 */
function hangUpAfter(req: IncomingMessage, res: ServerResponse): void {
  req.pause();
  // Marks the body as taken, so that Node does not drain it once the answer is sent.
  req.read(0);
  res.once('finish', () => {
    const socket = req.socket;
    socket.end();
    setTimeout(() => socket.destroy(), HANG_UP_AFTER_MS).unref();
  });
}

/** Answers a request whose body was refused before it was read to its end, and hangs up. */
function refuseBody(req: IncomingMessage, res: ServerResponse, status: number, message: string, code = 'invalid_input'): void {
  if (!req.complete) hangUpAfter(req, res);
  sendJson(res, status, { ok: false, code, message });
}

/**
 * Answers a request whose body is not wanted at all: one declared within `maxBytes` is left for Node to
 * drain (the connection lives on); one larger, or of no declared length, is never read.
 */
function refuseUnread(
  req: IncomingMessage,
  res: ServerResponse,
  maxBytes: number,
  status: number,
  message: string,
  code = 'invalid_input',
): void {
  const declared = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (declared === undefined || Number(declared) <= maxBytes)) return sendJson(res, status, { ok: false, code, message });
  refuseBody(req, res, status, message, code);
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 === 0 ? 0 : 1)} MiB`;
}

type BodyResult = { ok: true; body: Buffer } | { ok: false; status: number; message: string };

/**
 * Reads a request body within `limits`: a declared Content-Length over the limit is refused before a byte
 * is read, the bytes actually sent are counted as they arrive (whatever was declared, chunked or not), and a
 * body that stalls or takes too long is cut off. On refusal the stream is left paused, never drained.
 */
function readBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyResult> {
  const tooLarge = (what: string): BodyResult => ({
    ok: false,
    status: 413,
    message: `request body too large: ${what}; the limit is ${mib(limits.maxBytes)} (causa serve --max-body)`,
  });
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const length = Number(declared);
    if (!/^\d+$/.test(declared) || !Number.isSafeInteger(length)) {
      return Promise.resolve({ ok: false, status: 400, message: `Content-Length "${declared}" is not a byte count` });
    }
    if (length > limits.maxBytes) return Promise.resolve(tooLarge(`${mib(length)} declared`));
  }
  return new Promise((settle) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let idle: NodeJS.Timeout | undefined;
    const finish = (result: BodyResult): void => {
      clearTimeout(idle);
      clearTimeout(total);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (!result.ok) {
        req.pause();
        chunks.length = 0;
      }
      settle(result);
    };
    const slow = (what: string): BodyResult => ({ ok: false, status: 408, message: `request body too slow: ${what}` });
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(slow(`nothing arrived for ${limits.idleMs / 1000} s`)), limits.idleMs);
    };
    const total = setTimeout(() => finish(slow(`not complete after ${limits.totalMs / 1000} s`)), limits.totalMs);
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.maxBytes) return finish(tooLarge(`more than ${mib(limits.maxBytes)} sent`));
      chunks.push(chunk);
      armIdle();
    };
    const onEnd = (): void => finish({ ok: true, body: Buffer.concat(chunks) });
    const onError = (error: Error): void => finish({ ok: false, status: 400, message: `the request body broke off: ${error.message}` });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    armIdle();
  });
}

async function serveApi(req: IncomingMessage, res: ServerResponse, handlers: Handlers, method: string, limits: BodyLimits): Promise<void> {
  if (req.method !== 'POST') return refuseUnread(req, res, limits.maxBytes, 405, 'use POST');
  const type = req.headers['content-type'] ?? '';
  // Files dropped on the window come as framed bytes (importFiles only); everything else is JSON.
  const framed = method === 'importFiles' && type.startsWith(FILE_FRAMES_TYPE);
  if (!framed && !type.startsWith('application/json')) {
    return refuseUnread(req, res, limits.maxBytes, 415, 'the body must be application/json');
  }
  const read = await readBody(req, limits);
  if (!read.ok) return refuseBody(req, res, read.status, read.message);
  const body = read.body;
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
  const target = rendererFileFor(rendererDir, pathname);
  if (!target.ok)
    return target.reason === 'malformed' ? send(res, 400, 'malformed path', 'text/plain') : send(res, 404, 'not found', 'text/plain');
  try {
    const info = await stat(target.file);
    if (!info.isFile()) return send(res, 404, 'not found', 'text/plain');
  } catch {
    return send(res, 404, 'not found', 'text/plain');
  }
  res.writeHead(200, { 'Content-Type': contentTypeOf(target.file), 'Cache-Control': 'no-store' });
  createReadStream(target.file).pipe(res);
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  let port = 0;
  const limits: BodyLimits = {
    maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    idleMs: options.bodyIdleTimeoutMs ?? DEFAULT_BODY_IDLE_TIMEOUT_MS,
    totalMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
  };

  // Node's own deadlines as a backstop to readBody's: the headers within a minute, the whole request
  // within the body deadline.
  const server = createServer({ requestTimeout: limits.totalMs, headersTimeout: Math.min(60_000, limits.totalMs) }, (req, res) => {
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
        const message = 'missing or wrong token: open the URL that `causa serve` printed (it carries the token after #token=)';
        return refuseUnread(req, res, limits.maxBytes, 401, message, 'unauthorized');
      }
      serveApi(req, res, options.handlers, url.pathname.slice('/api/'.length), limits).catch((error: Error) =>
        sendJson(res, 500, { ok: false, code: 'internal', message: error.message }),
      );
      return;
    }
    // Pages and assets are the public build output: no token, and never a cookie. The page takes the token
    // from the fragment of the URL it was opened with, which reaches no server.
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain');
    serveStatic(res, rendererDir, url.pathname).catch(() => send(res, 500, 'internal error', 'text/plain'));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
