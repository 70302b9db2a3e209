// The only way Causa talks to a cluster. @kubernetes/client-node reads the user's kubeconfig and supplies
// the credential (token, client certificate, exec plugin, OIDC) and the TLS settings for each request;
// the request itself is made here, through `openGated`, which asks the read-only gate first. The
// library's generated API clients are not used: they decode responses into typed models, which drops
// unknown fields and reformats timestamps, and evidence must be what the server sent.
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { checkReadOnly, type GateRequest } from '../../core/capture/read-only-gate';

export type FailureKind =
  | 'refused'
  | 'unreachable'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'gone'
  | 'http'
  | 'timeout'
  | 'credential'
  | 'cancelled'
  | 'protocol'
  | 'too_large';

/**
 * The default bound on one API response (a list page of PAGE_SIZE objects, a self-review) and on one line
 * of a watch: far above what a page of 500 objects needs, far below what would endanger the process.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Why a request failed, as data: the kind decides what the capture does, the message is for people. */
export class KubeRequestError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'KubeRequestError';
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

function describeNetworkError(
  error: NodeJS.ErrnoException,
  server: string,
  state: { cancelled: boolean; timedOut: boolean },
): KubeRequestError {
  if (state.cancelled) return new KubeRequestError('cancelled', 'cancelled by the user');
  if (state.timedOut) return new KubeRequestError('timeout', `${server} did not answer in time`);
  const code = error.code ?? '';
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return new KubeRequestError(
      'tls',
      `TLS verification of ${server} failed (${code}: ${error.message}); the server's certificate does not match the cluster's certificate-authority in the kubeconfig`,
    );
  }
  if (NETWORK_CODES.has(code)) return new KubeRequestError('unreachable', `cannot reach ${server} (${code}: ${error.message})`);
  return new KubeRequestError('unreachable', `request to ${server} failed (${code || error.name}: ${error.message})`);
}

function statusMessage(body: Buffer): string {
  try {
    const status = JSON.parse(body.toString('utf8')) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // Not a Status object: the first bytes say more than nothing.
  }
  return body.toString('utf8').slice(0, 200).trim();
}

/** A non-2xx answer as a failure naming the reason. */
export function failureForStatus(status: number, body: Buffer, what: string): KubeRequestError {
  const detail = statusMessage(body);
  switch (status) {
    case 401:
      return new KubeRequestError(
        'unauthorized',
        `the credential was rejected (401 Unauthorized) reading ${what}: the token or certificate may have expired${detail ? ` (${detail})` : ''}`,
        401,
      );
    case 403:
      return new KubeRequestError('forbidden', `not visible to this credential (403 Forbidden${detail ? `: ${detail}` : ''})`, 403);
    case 404:
      return new KubeRequestError('not_found', `the cluster does not serve ${what} (404 Not Found)`, 404);
    case 410:
      return new KubeRequestError('gone', `${what}: resource version expired (410 Gone${detail ? `: ${detail}` : ''})`, 410);
    default:
      return new KubeRequestError('http', `${what}: HTTP ${status}${detail ? ` (${detail})` : ''}`, status);
  }
}

export interface KubeClientOptions {
  /** How long one non-watch request may take. */
  timeoutMs?: number;
  /** Aborts every request in flight (the user's Ctrl+C). */
  signal?: AbortSignal;
  /** The largest response body, or watch line, read (default DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 === 0 ? 0 : 1)} MiB`;
}

export class ReadOnlyKubeClient {
  private readonly base: URL;
  /** Requests that passed the gate, for the capture's report. */
  sent = 0;
  private agent: Agent | undefined;

  constructor(
    private readonly config: KubeConfig,
    server: string,
    private readonly options: KubeClientOptions = {},
  ) {
    this.base = new URL(server.endsWith('/') ? server : `${server}/`);
  }

  get server(): string {
    return this.base.origin + this.base.pathname.replace(/\/$/, '');
  }

  /**
   * The single gate: every request is checked by checkReadOnly before anything is connected, and no
   * caller chooses headers, so nothing can smuggle in a method override or a connection upgrade.
   */
  private async openGated(
    request: GateRequest,
    timeoutMs: number | undefined,
  ): Promise<{ response: IncomingMessage; timeout?: AbortSignal }> {
    const decision = checkReadOnly(request);
    if (!decision.ok) throw new KubeRequestError('refused', decision.reason);
    const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
    const url = new URL(request.path.replace(/^\//, ''), this.base);
    const options: HttpsRequestOptions = {
      method: request.method.toUpperCase(),
      headers: {
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
      },
    };
    try {
      // Runs the exec plugin or refreshes the OIDC token when the kubeconfig says so.
      await this.config.applyToHTTPSOptions(options);
    } catch (error) {
      throw new KubeRequestError(
        'credential',
        `the kubeconfig's credential for ${this.server} could not be obtained (${(error as Error).message.trim()})`,
      );
    }
    const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const signals = [timeout, this.options.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = AbortSignal.any(signals);
    this.agent = options.agent instanceof Agent ? options.agent : this.agent;
    if (this.options.signal?.aborted) throw new KubeRequestError('cancelled', 'cancelled by the user');
    this.sent += 1;
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { ...options, signal }, (response) => resolve({ response, ...(timeout ? { timeout } : {}) }));
      req.on('error', (error: NodeJS.ErrnoException) => reject(this.describe(error, timeout)));
      req.end(body);
    });
  }

  private describe(error: NodeJS.ErrnoException, timeout?: AbortSignal): KubeRequestError {
    return describeNetworkError(error, this.server, {
      cancelled: this.options.signal?.aborted === true,
      timedOut: timeout?.aborted === true,
    });
  }

  private get maxResponseBytes(): number {
    return this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  private tooLarge(what: string, size: string): KubeRequestError {
    return new KubeRequestError(
      'too_large',
      `${what}: the server's answer is ${size}, over the limit of ${mib(this.maxResponseBytes)} for one response (causa capture --max-response MIB); not read`,
    );
  }

  /**
   * The whole body of a response, within the response limit: a declared Content-Length over it is refused
   * before reading, and the bytes that arrive are counted; at the limit the connection is dropped.
   */
  private async readBody(response: IncomingMessage, what: string, timeout?: AbortSignal): Promise<Buffer> {
    const max = this.maxResponseBytes;
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      response.destroy();
      throw this.tooLarge(what, `${mib(declared)} (declared)`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response) {
        size += (chunk as Buffer).length;
        if (size > max) {
          response.destroy();
          throw this.tooLarge(what, `more than ${mib(max)}`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof KubeRequestError) throw error;
      throw this.describe(error as NodeJS.ErrnoException, timeout);
    }
    return Buffer.concat(chunks);
  }

  /** Closes kept-alive connections, so that a finished capture lets the process exit. */
  close(): void {
    this.agent?.destroy();
  }

  /** A GET or a self-review POST whose whole answer is read; a non-2xx answer is a KubeRequestError. */
  async send(request: GateRequest, what = request.path): Promise<Buffer> {
    const { response, timeout } = await this.openGated(request, this.options.timeoutMs ?? 30_000);
    const body = await this.readBody(response, what, timeout);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) throw failureForStatus(status, body, what);
    return body;
  }

  /** A watch: the lines of the stream as they arrive, until the server ends it or `until` passes. */
  async *watchLines(path: string, what: string, until: AbortSignal): AsyncGenerator<Buffer> {
    const { response } = await this.openGated({ method: 'GET', path }, undefined);
    const status = response.statusCode ?? 0;
    if (status !== 200) throw failureForStatus(status, await this.readBody(response, what), what);
    const stop = () => response.destroy();
    until.addEventListener('abort', stop, { once: true });
    this.options.signal?.addEventListener('abort', stop, { once: true });
    let pending = Buffer.alloc(0);
    try {
      for await (const chunk of response) {
        pending = Buffer.concat([pending, chunk as Buffer]);
        for (let nl = pending.indexOf(0x0a); nl !== -1; nl = pending.indexOf(0x0a)) {
          const line = pending.subarray(0, nl);
          pending = pending.subarray(nl + 1);
          if (line.length > 0) yield line;
        }
        // One line is one watch event: a line that never ends is not buffered past the limit.
        if (pending.length > this.maxResponseBytes)
          throw this.tooLarge(`${what} (watch)`, `a line of more than ${mib(this.maxResponseBytes)}`);
      }
    } catch (error) {
      if (error instanceof KubeRequestError) throw error;
      if (until.aborted || this.options.signal?.aborted) return;
      throw this.describe(error as NodeJS.ErrnoException);
    } finally {
      until.removeEventListener('abort', stop);
      this.options.signal?.removeEventListener('abort', stop);
      response.destroy();
    }
  }
}
