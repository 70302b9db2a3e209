// `causa pull` and `causa pull --plan` (docs/pull.md): read-only, from a ClickHouse log store, over the
// profile's table. First the look-ups (version, the table, its columns) and the server's count of the
// window; then either the plan (aggregates the server computes) or the pull: pages in (time, tiebreak)
// order streamed into a sealed bundle as they arrive, a failed page retried from the last row written,
// and, when the pull is whole, an import into the case.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname, userInfo } from 'node:os';
import { loadPrivateKey, keyFingerprint } from '../../core/bundle/signing';
import { parseProfile, profileColumns, ProfileError, type PullProfile } from '../../core/pull/profile';
import {
  columnsQuery,
  countQuery,
  pageQuery,
  parseWindow,
  planQueries,
  tableQuery,
  VERSION_QUERY,
  type PageCursor,
  type PullFilters,
  type PullWindow,
} from '../../core/pull/query';
import type { ImportReport } from '../../shared/contract';
import { ServiceError } from '../../shared/errors';
import { CAUSA_VERSION } from '../../shared/version';
import { countCompleteLines, PULL_KEYS_FILE, PULL_STATE_FILE, StreamingBundleWriter } from './bundle-writer';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../../core/bundle/manifest';
import { PullRequestError, ReadOnlyClickHouse, type ClickHouseCredentials } from './client';
import { createPublicKey } from 'node:crypto';

export interface PullTarget {
  /** The profile file (JSON), or the profile itself. */
  profile: string | PullProfile;
  from: string;
  to: string;
  filters?: PullFilters;
  /** Where credentials named by the profile are looked up (default process.env). */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Called with the statement log as it grows (tests), and for progress. */
  onProgress?: (progress: PullProgress) => void;
}

export interface PullProgress {
  phase: 'connecting' | 'counting' | 'pulling' | 'sealing' | 'importing';
  rows: number;
  server_rows?: number;
}

export interface PullRequest extends PullTarget {
  out: string;
  /**
   * Imports the finished bundle into a case (service/pull/import-pulled.ts for a case file); called only
   * when the pull is complete. Injected so this module does not depend on the workbench that uses it.
   */
  importBundle?: (bundle: string) => Promise<ImportReport>;
  key?: string;
  /** Rows per page (default 1,000,000): each page is one SELECT; a failed one resumes after its last row written. */
  pageSize?: number;
  /** How many times a failed page is asked again from where it stopped (default 2). */
  retries?: number;
  /** Milliseconds before the first retry (doubles each time; default 500). */
  retryDelayMs?: number;
  /**
   * Continue the unfinished pull at `out` (one sealed partial, or one whose process was killed) after its
   * last row. Without it, an `out` that holds an unfinished pull of the same window is resumed too; with
   * it, an `out` that does not exist is an error.
   */
  resume?: boolean;
}

/** An earlier run of a resumed pull, as the final manifest records it. */
export interface EarlierRun {
  started_at?: string;
  finished_at?: string;
  rows: number;
  failed?: string;
  statements?: string[];
}

interface PullState {
  profile: PullProfile;
  window: { from: string; to: string };
  filters: PullFilters;
  keys_from: number;
  started_at: string;
  earlier: EarlierRun[];
}

export interface PullResult {
  out: string;
  complete: boolean;
  rows: number;
  server_rows: number;
  failed?: string;
  warnings: string[];
  signed_by?: string;
  statements: string[];
  imported?: ImportReport;
  /** Rows an earlier run had written when this run resumed after them. */
  resumed_after?: number;
}

export interface PlanBucket {
  bucket: string;
  rows: number;
}

export interface PullPlan {
  server: string;
  server_version: string;
  table: string;
  engine: string;
  window: { from: string; to: string };
  rows: number;
  per_hour: PlanBucket[];
  per_user?: PlanBucket[];
  per_namespace?: PlanBucket[];
  statements: string[];
}

async function loadProfile(profile: string | PullProfile): Promise<{ profile: PullProfile; source: string }> {
  if (typeof profile !== 'string') return { profile, source: 'the profile' };
  let text: string;
  try {
    text = await readFile(profile, 'utf8');
  } catch (error) {
    throw new ServiceError('io', `${profile}: cannot read the profile (${(error as Error).message})`);
  }
  try {
    return { profile: parseProfile(text, profile), source: profile };
  } catch (error) {
    if (error instanceof ProfileError) throw new ServiceError('invalid_input', error.message);
    throw error;
  }
}

async function credentialsOf(profile: PullProfile, env: Record<string, string | undefined>): Promise<ClickHouseCredentials> {
  const { credentials } = profile;
  let username = 'default';
  let password = '';
  if (credentials.file) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(credentials.file, 'utf8'));
    } catch (error) {
      throw new ServiceError('io', `${credentials.file}: cannot read the credentials file (${(error as Error).message})`);
    }
    const file = json as { username?: unknown; password?: unknown };
    if (typeof file?.username !== 'string' || (file.password !== undefined && typeof file.password !== 'string')) {
      throw new ServiceError('invalid_input', `${credentials.file}: a credentials file is {"username": "…", "password": "…"}`);
    }
    username = file.username;
    password = file.password ?? '';
  }
  for (const [field, name] of [
    ['user_env', credentials.user_env],
    ['password_env', credentials.password_env],
  ] as const) {
    if (!name) continue;
    const value = env[name];
    if (value === undefined) throw new ServiceError('invalid_input', `the profile's credentials.${field} names ${name}, which is not set`);
    if (field === 'user_env') username = value;
    else password = value;
  }
  return { username, password };
}

function asServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof PullRequestError)
    return new ServiceError(error.kind === 'cancelled' ? 'cancelled' : error.kind === 'gate' ? 'internal' : 'io', error.message);
  return new ServiceError('internal', (error as Error).message);
}

interface Prepared {
  profile: PullProfile;
  window: PullWindow;
  filters: PullFilters;
  client: ReadOnlyClickHouse;
  version: string;
  engine: string;
  table: string;
  serverRows: number;
}

const STRING_TYPE = /^(LowCardinality\()?(Nullable\()?String\)?\)?$/;

/**
 * Connects, looks the table and its columns up, checks them against the profile, and counts the window.
 * A profile that does not fit the server is `not_found` (table, column) or `unsupported` (a column's type),
 * not `invalid_input`: the command's arguments were fine, the store is not what the profile says.
 */
async function prepare(target: PullTarget): Promise<Prepared> {
  const { profile, source } = await loadProfile(target.profile);
  let window: PullWindow;
  try {
    window = parseWindow(target.from, target.to);
  } catch (error) {
    throw new ServiceError('invalid_input', (error as Error).message);
  }
  const filters = target.filters ?? {};
  for (const role of ['namespace', 'user', 'cluster'] as const) {
    if (filters[role] !== undefined && !profile.columns[role])
      throw new ServiceError('invalid_input', `--${role}: ${source} names no ${role} column (columns.${role})`);
  }
  const credentials = await credentialsOf(profile, target.env ?? process.env);
  const table = `${profile.database}.${profile.table}`;
  const client = new ReadOnlyClickHouse(profile.url, credentials, { tables: [table], ...(target.signal ? { signal: target.signal } : {}) });
  try {
    target.onProgress?.({ phase: 'connecting', rows: 0 });
    const [{ version } = { version: '' }] = await client.rows<{ version: string }>(VERSION_QUERY);
    const tables = await client.rows<{ engine: string }>(tableQuery(profile));
    if (tables.length === 0)
      throw new ServiceError('not_found', `${profile.url}: there is no table ${table} (ClickHouse ${version}; ${source})`);
    const columns = await client.rows<{ name: string; type: string }>(columnsQuery(profile));
    const types = new Map(columns.map((c) => [c.name, c.type]));
    for (const { role, column } of profileColumns(profile)) {
      if (!types.has(column)) {
        throw new ServiceError(
          'not_found',
          `${source}: ${role} names the column "${column}", which ${table} does not have (it has ${columns.map((c) => c.name).join(', ')})`,
        );
      }
    }
    const rawType = types.get(profile.raw_column)!;
    if (!STRING_TYPE.test(rawType))
      throw new ServiceError(
        'unsupported',
        `${source}: raw_column "${profile.raw_column}" is ${rawType}; the raw record must be a String column`,
      );
    const timeType = types.get(profile.time_column)!.replace(/^Nullable\((.*)\)$/, '$1');
    const expected = profile.time_precision === 0 ? /^DateTime(\(.*\))?$/ : new RegExp(`^DateTime64\\(${profile.time_precision}(,.*)?\\)$`);
    if (!expected.test(timeType)) {
      throw new ServiceError(
        'unsupported',
        `${source}: time_column "${profile.time_column}" is ${timeType}, but time_precision ${profile.time_precision} means ${profile.time_precision === 0 ? 'DateTime' : `DateTime64(${profile.time_precision})`}`,
      );
    }
    target.onProgress?.({ phase: 'counting', rows: 0 });
    const [{ row_count } = { row_count: '0' }] = await client.rows<{ row_count: string | number }>(countQuery(profile, window, filters));
    return { profile, window, filters, client, version, engine: tables[0]!.engine, table, serverRows: Number(row_count) };
  } catch (error) {
    await client.close();
    throw asServiceError(error);
  }
}

/** `causa pull --plan`: what the window holds, counted and grouped by the server; nothing is pulled. */
export async function planPull(target: PullTarget): Promise<PullPlan> {
  const prepared = await prepare(target);
  const { client, profile, window, filters } = prepared;
  try {
    const plan: PullPlan = {
      server: profile.url,
      server_version: prepared.version,
      table: prepared.table,
      engine: prepared.engine,
      window: { from: window.from.toISOString(), to: window.to.toISOString() },
      rows: prepared.serverRows,
      per_hour: [],
      statements: client.sent,
    };
    for (const { part, query } of planQueries(profile, window, filters)) {
      const buckets = (await client.rows<{ bucket: string; row_count: string | number }>(query)).map((b) => ({
        bucket: b.bucket,
        rows: Number(b.row_count),
      }));
      if (part === 'hour') plan.per_hour = buckets;
      else if (part === 'user') plan.per_user = buckets;
      else plan.per_namespace = buckets;
    }
    return plan;
  } catch (error) {
    throw asServiceError(error);
  } finally {
    await client.close();
  }
}

async function readKey(path: string) {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    throw new ServiceError('io', `${path}: cannot read the key (${(error as Error).message})`);
  }
  try {
    return loadPrivateKey(pem, path);
  } catch (error) {
    throw new ServiceError('invalid_input', (error as Error).message);
  }
}

function creator(): { tool: string; version: string; user?: string; host?: string } {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = undefined;
  }
  return { tool: 'causa pull', version: CAUSA_VERSION, ...(user ? { user } : {}), host: hostname() };
}

/** A row that cannot be sealed as one record of a line stream: the pull stops there (retrying cannot help). */
class UnsealableRow extends Error {}

function sameTarget(out: string, earlier: { profile: unknown; window: unknown; filters?: unknown }, now: PullState): void {
  const differs = (a: unknown, b: unknown): boolean => JSON.stringify(a) !== JSON.stringify(b);
  const what = differs(earlier.profile, now.profile)
    ? 'profile'
    : differs(earlier.window, now.window)
      ? `window (${JSON.stringify(earlier.window)})`
      : differs(earlier.filters ?? {}, now.filters)
        ? `filters (${JSON.stringify(earlier.filters ?? {})})`
        : undefined;
  if (what) throw new ServiceError('invalid_input', `${out}: holds a pull with another ${what}; a resume must ask for the same rows`);
}

/**
 * Opens the unfinished pull at `out` to continue it: a sealed partial (its manifest says how many rows and
 * the last one) or one whose process stopped before sealing (its working files say which rows are whole).
 */
async function resumeWriter(
  out: string,
  sourcePath: string,
  type: string,
  state: PullState,
): Promise<{ writer: StreamingBundleWriter; cursor: PageCursor | undefined; state: PullState }> {
  const manifestPath = join(out, MANIFEST_FILE);
  const statePath = join(out, PULL_STATE_FILE);
  let records: number;
  let last: [string, string] | undefined;
  if (existsSync(manifestPath)) {
    let capture: Record<string, unknown> | undefined;
    try {
      capture = (JSON.parse(await readFile(manifestPath, 'utf8')) as { capture?: Record<string, unknown> }).capture;
    } catch (error) {
      throw new ServiceError('invalid_input', `${manifestPath}: cannot read the manifest (${(error as Error).message})`);
    }
    if (capture?.tool !== 'causa pull' || capture.source !== 'clickhouse')
      throw new ServiceError('io', `${out}: already exists and is not a pull's bundle; choose a new output path`);
    if (capture.complete === true)
      throw new ServiceError('io', `${out}: already holds the whole pull (complete); choose a new output path`);
    sameTarget(out, capture as { profile: unknown; window: unknown; filters?: unknown }, state);
    records = Number(capture.rows);
    const row = capture.last_row as PageCursor | undefined;
    last = row ? [row.time, row.key] : undefined;
    state.earlier = [
      ...((capture.earlier_runs as EarlierRun[] | undefined) ?? []),
      {
        started_at: capture.started_at as string,
        finished_at: capture.finished_at as string,
        rows: records,
        ...(capture.failed ? { failed: capture.failed as string } : {}),
        statements: capture.statements as string[],
      },
    ];
  } else if (existsSync(statePath)) {
    let earlier: PullState;
    try {
      earlier = JSON.parse(await readFile(statePath, 'utf8')) as PullState;
    } catch (error) {
      throw new ServiceError('invalid_input', `${statePath}: cannot read the unfinished pull's state (${(error as Error).message})`);
    }
    sameTarget(out, earlier, state);
    const keyLines = (await readFile(join(out, PULL_KEYS_FILE), 'utf8').catch(() => '')).split('\n');
    keyLines.pop(); // the text after the last newline: empty, or a line the kill cut
    const whole = await countCompleteLines(join(out, ...sourcePath.split('/')));
    records = Math.min(whole, earlier.keys_from + keyLines.length);
    last = records > 0 ? (JSON.parse(keyLines[records - 1 - earlier.keys_from]!) as [string, string]) : undefined;
    state.earlier = [
      ...earlier.earlier,
      { started_at: earlier.started_at, rows: records, failed: 'the process stopped before it sealed what it pulled' },
    ];
  } else {
    throw new ServiceError('io', `${out}: already exists and is not an unfinished pull; choose a new output path`);
  }
  state.keys_from = Math.max(records - 1, 0);
  await writeFile(statePath, `${JSON.stringify(state)}\n`);
  await rm(manifestPath, { force: true });
  await rm(join(out, SIGNATURE_FILE), { force: true });
  let writer: StreamingBundleWriter;
  try {
    writer = await StreamingBundleWriter.resume(out, sourcePath, type, records, last);
  } catch (error) {
    throw new ServiceError('io', `${out}: cannot resume the pull (${(error as Error).message})`);
  }
  return { writer, cursor: last ? { time: last[0], key: last[1] } : undefined, state };
}

/** `causa pull`: the window into a sealed bundle at `out`, then imported into the case (when whole). */
export async function pullToBundle(request: PullRequest): Promise<PullResult> {
  const resuming = existsSync(request.out);
  if (request.resume && !resuming) throw new ServiceError('not_found', `${request.out}: there is no unfinished pull to resume`);
  if (/\.zip$/i.test(request.out))
    throw new ServiceError('invalid_input', `${request.out}: a pull writes a bundle folder as rows arrive; zip it afterwards if needed`);
  const pageSize = request.pageSize ?? 1_000_000;
  const retries = request.retries ?? 2;
  const key = request.key ? await readKey(request.key) : undefined;
  const started = new Date();
  const prepared = await prepare(request);
  const { client, profile, window, filters } = prepared;
  const progress = (phase: PullProgress['phase'], rows: number): void =>
    request.onProgress?.({ phase, rows, server_rows: prepared.serverRows });
  if (prepared.serverRows === 0) {
    await client.close();
    throw new ServiceError(
      'not_found',
      `${profile.url}: ${prepared.table} has no rows from ${window.from.toISOString()} to ${window.to.toISOString()}${Object.keys(filters).length > 0 ? ` matching ${JSON.stringify(filters)}` : ''}; nothing written`,
    );
  }
  const sourcePath = `sources/clickhouse/${profile.database}.${profile.table}.jsonl`;
  let state: PullState = {
    profile: { ...profile },
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    filters,
    keys_from: 0,
    started_at: started.toISOString(),
    earlier: [],
  };
  let writer: StreamingBundleWriter;
  let cursor: PageCursor | undefined;
  if (resuming) {
    try {
      ({ writer, cursor, state } = await resumeWriter(request.out, sourcePath, profile.format, state));
    } catch (error) {
      await client.close();
      throw error;
    }
  } else {
    try {
      writer = await StreamingBundleWriter.create(request.out, sourcePath, profile.format);
      await writeFile(join(request.out, PULL_STATE_FILE), `${JSON.stringify(state)}\n`);
    } catch (error) {
      await client.close();
      throw new ServiceError('io', `${request.out}: cannot write the bundle (${(error as Error).message})`);
    }
  }
  const resumedAfter = resuming ? writer.records : undefined;
  const warnings: string[] = [];
  let failed: string | undefined;
  let cancelled = false;
  let pages = 0;
  let retried = 0;
  try {
    let attempt = 0;
    for (;;) {
      let inPage = 0;
      try {
        for await (const row of client.pageRows(pageQuery(profile, window, filters, cursor, pageSize))) {
          // Rows already received are not sealed after a cancel: the client may hold a page's rest.
          if (request.signal?.aborted) throw new PullRequestError('cancelled', 'cancelled');
          const { raw } = row;
          if (raw.includes(0x0a) || raw.length === 0)
            throw new UnsealableRow(
              `the row at ${row.time} with ${profile.tiebreak_column} ${JSON.stringify(row.key)}: its ${profile.raw_column} is ${raw.length === 0 ? 'empty' : 'more than one line'}; a pull seals one record per line`,
            );
          const behind = writer.add(raw, [row.time, row.key]);
          if (behind) await behind;
          cursor = { time: row.time, key: row.key };
          inPage += 1;
          if ((writer.records & 0x3fff) === 0) progress('pulling', writer.records);
        }
        pages += 1;
        attempt = 0;
        progress('pulling', writer.records);
        if (inPage < pageSize) break;
      } catch (error) {
        if (error instanceof UnsealableRow) {
          failed = error.message;
          break;
        }
        const failure = error instanceof PullRequestError ? error : new PullRequestError('server', (error as Error).message);
        if (failure.kind === 'cancelled' || request.signal?.aborted) {
          cancelled = true;
          failed = 'cancelled';
          break;
        }
        // Made progress: this is a new failure, with its own retries.
        if (inPage > 0) attempt = 0;
        if ((failure.kind === 'cut' || failure.kind === 'unreachable' || failure.kind === 'server') && attempt < retries) {
          attempt += 1;
          retried += 1;
          warnings.push(
            `page ${pages + 1} failed after ${writer.records} rows (${failure.message}); asked again from the last row written`,
          );
          await new Promise((resolve) => setTimeout(resolve, (request.retryDelayMs ?? 500) * 2 ** (attempt - 1)));
          continue;
        }
        failed = `${failure.message} (after ${writer.records} of ${prepared.serverRows} rows${attempt > 0 ? `, ${attempt} retries` : ''})`;
        break;
      }
    }
  } finally {
    await client.close();
  }
  if (!failed && writer.records !== prepared.serverRows) {
    warnings.push(
      `the server counted ${prepared.serverRows} rows in the window before the pull and ${writer.records} were pulled: rows arrived or went while pulling`,
    );
  }
  progress('sealing', writer.records);
  const finished = new Date();
  const complete = failed === undefined;
  const capture = {
    tool: 'causa pull',
    causa_version: CAUSA_VERSION,
    source: 'clickhouse',
    server: profile.url,
    server_version: prepared.version,
    table: prepared.table,
    engine: prepared.engine,
    profile: { ...profile },
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
    server_row_count: prepared.serverRows,
    rows: writer.records,
    page_size: pageSize,
    pages,
    retried,
    statements: [...client.sent],
    settings: { readonly: 1 },
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    complete,
    cancelled,
    ...(failed ? { failed } : {}),
    ...(cursor ? { last_row: cursor } : {}),
    ...(state.earlier.length > 0 ? { earlier_runs: state.earlier } : {}),
    warnings,
  };
  try {
    await writer.seal({
      case: { title: `pull from ${prepared.table}`, window: { start: capture.window.from, end: capture.window.to } },
      createdAt: finished.toISOString(),
      creator: creator(),
      capture,
      ...(key ? { key } : {}),
    });
  } catch (error) {
    await writer.abandon();
    throw new ServiceError('io', `${request.out}: cannot seal the bundle (${(error as Error).message})`);
  }
  const result: PullResult = {
    out: request.out,
    complete,
    rows: writer.records,
    server_rows: prepared.serverRows,
    ...(failed ? { failed } : {}),
    warnings,
    ...(key ? { signed_by: keyFingerprint(createPublicKey(key)) } : {}),
    statements: [...client.sent],
    ...(resumedAfter !== undefined ? { resumed_after: resumedAfter } : {}),
  };
  if (request.importBundle && complete) {
    progress('importing', writer.records);
    result.imported = await request.importBundle(request.out);
  }
  return result;
}
