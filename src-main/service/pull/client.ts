// The only way `causa pull` talks to a log store: @clickhouse/client over HTTP, every statement through
// the read-only gate (core/pull/gate.ts) first, and `readonly=1` as a setting of every request, so that
// the server refuses a write even if the gate were wrong. What passed the gate is kept, in order: the
// manifest records it and the tests compare it with what reached the server.
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { checkStatement } from '../../core/pull/gate';
import { MalformedAnswer, PageRowReader, SERVER_EXCEPTION, ServerException, type PageRow } from '../../core/pull/page-rows';
import { PAGE_FORMAT } from '../../core/pull/query';

export type PullFailureKind = 'unreachable' | 'credentials' | 'refused' | 'server' | 'cut' | 'cancelled' | 'gate';

export class PullRequestError extends Error {
  constructor(
    readonly kind: PullFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'PullRequestError';
  }
}

export interface ClickHouseCredentials {
  username: string;
  password: string;
}

/** ClickHouse error codes that mean the credentials were refused (18.16 and current servers). */
const AUTH_CODES = new Set(['192', '193', '194', '195', '516']);

/** What a failure was, in words that name the server, from whatever the library or the socket threw. */
export function describeFailure(server: string, error: unknown, signal?: AbortSignal): PullRequestError {
  if (error instanceof PullRequestError) return error;
  const err = error as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const message = err?.message ?? String(error);
  if (signal?.aborted) return new PullRequestError('cancelled', 'cancelled');
  const socketCode = err.code && /^E[A-Z]+$/.test(err.code) ? err.code : err.cause?.code;
  if (socketCode === 'ECONNREFUSED' || socketCode === 'ENOTFOUND' || socketCode === 'EHOSTUNREACH' || socketCode === 'EAI_AGAIN') {
    return new PullRequestError('unreachable', `${server}: cannot reach the server (${socketCode})`);
  }
  if (socketCode === 'ECONNRESET' || socketCode === 'EPIPE' || /socket hang up|aborted|premature close|terminated/i.test(message)) {
    return new PullRequestError('cut', `${server}: the connection was cut (${socketCode ?? message.split('\n')[0]})`);
  }
  if (/timeout/i.test(message)) return new PullRequestError('cut', `${server}: the server stopped answering (${message.split('\n')[0]})`);
  const code = err.code && /^\d+$/.test(err.code) ? err.code : SERVER_EXCEPTION.exec(message)?.[1];
  if (code && AUTH_CODES.has(code))
    return new PullRequestError('credentials', `${server}: the server refused the credentials (${firstLine(message)})`);
  if (code === '164')
    return new PullRequestError('refused', `${server}: the server refused the statement in readonly mode (${firstLine(message)})`);
  if (code) return new PullRequestError('server', `${server}: ${firstLine(message)}`);
  return new PullRequestError('server', `${server}: ${firstLine(message)}`);
}

function firstLine(text: string): string {
  return text
    .split('\n')[0]!
    .replace(/, e\.what\(\) = DB::Exception$/, '')
    .slice(0, 500);
}

export interface GatedClientOptions {
  /** The tables ("database.table") a statement may read besides the system look-ups. */
  tables: readonly string[];
  signal?: AbortSignal;
  /** Milliseconds without an answer after which a request fails (default 5 minutes). */
  requestTimeoutMs?: number;
}

/**
 * The read-only ClickHouse client. Settings: `readonly=1` on every request; nothing else is asked of the
 * server (no session, no compression: 18.16 knows neither `enable_http_compression` defaults of newer
 * servers nor query parameters, and a session would be state on the server).
 */
export class ReadOnlyClickHouse {
  /** Every statement that passed the gate, in the order it was sent. */
  readonly sent: string[] = [];
  private readonly client: ClickHouseClient;

  constructor(
    readonly server: string,
    credentials: ClickHouseCredentials,
    private readonly options: GatedClientOptions,
  ) {
    this.client = createClient({
      url: server,
      username: credentials.username,
      password: credentials.password,
      application: 'causa-pull',
      request_timeout: options.requestTimeoutMs ?? 300_000,
      compression: { request: false, response: false },
      keep_alive: { enabled: false },
      clickhouse_settings: { readonly: '1' },
      // Failures are reported by Causa, naming the server; the library's own log would repeat them.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  private pass(sql: string): void {
    const decision = checkStatement(sql, this.options.tables);
    if (!decision.ok) throw new PullRequestError('gate', decision.reason);
    this.sent.push(sql);
  }

  /** A small answer (a look-up, an aggregate), every row parsed. */
  async rows<T>(sql: string): Promise<T[]> {
    this.pass(sql);
    try {
      const result = await this.client.query({
        query: sql,
        format: 'JSONEachRow',
        ...(this.options.signal ? { abort_signal: this.options.signal } : {}),
      });
      return await result.json<T>();
    } catch (error) {
      throw describeFailure(this.server, error, this.options.signal);
    }
  }

  /**
   * A page of the pull, row by row as it arrives (core/pull/page-rows.ts): asked in PAGE_FORMAT, whose
   * bytes are read here as they come, each record's exactly as stored. A server that fails after it began
   * to answer writes its exception into the body instead of a row: that is thrown, as is a cut connection
   * or an answer that is not the page's rows.
   */
  async *pageRows(sql: string): AsyncGenerator<PageRow> {
    this.pass(sql);
    let result;
    try {
      result = await this.client.exec({
        query: `${sql} \nFORMAT ${PAGE_FORMAT}`,
        ...(this.options.signal ? { abort_signal: this.options.signal } : {}),
      });
    } catch (error) {
      throw describeFailure(this.server, error, this.options.signal);
    }
    const reader = new PageRowReader();
    const stream = result.stream;
    try {
      for await (const chunk of stream) yield* reader.push(chunk as Buffer);
      reader.end();
    } catch (error) {
      if (error instanceof ServerException)
        throw new PullRequestError('server', `${this.server}: failed while answering: ${firstLine(error.message)}`);
      if (error instanceof MalformedAnswer) throw new PullRequestError('server', `${this.server}: ${error.message}`);
      throw describeFailure(this.server, error, this.options.signal);
    } finally {
      stream.destroy();
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
