// The text of every statement `causa pull` sends (docs/pull.md). Values are bound here, as ClickHouse
// literals, because servers before 19.x have no query parameters (`{name:Type}`: 18.16 answers "Unknown
// setting param_…"): every value goes through `stringLiteral` or is a number this module formatted, and
// every identifier was checked by the profile's schema. The text built here is what the manifest records.
import type { PullProfile } from './profile';

/** A ClickHouse string literal: backslash escapes for the quote, the backslash and every control byte. */
export function stringLiteral(value: string): string {
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "'") out += "\\'";
    else if (ch === '\\') out += '\\\\';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** `name` quoted as an identifier (names were already checked to be plain; the quotes make keywords safe). */
export function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain identifier`);
  return `\`${name}\``;
}

export interface PullWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

export interface PullFilters {
  namespace?: string;
  user?: string;
  cluster?: string;
}

/** Parses --from/--to: RFC 3339 with a zone (Z or ±hh:mm); the window must not be empty or reversed. */
export function parseWindow(from: string, to: string): PullWindow {
  const parse = (text: string, option: string): Date => {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
      throw new RangeError(`--${option}: "${text}" is not an RFC 3339 time with a zone, like 2025-04-03T14:25:00Z`);
    }
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) throw new RangeError(`--${option}: "${text}" is not a valid time`);
    return date;
  };
  const window = { from: parse(from, 'from'), to: parse(to, 'to') };
  if (window.to.getTime() <= window.from.getTime()) throw new RangeError(`--to (${to}) must be after --from (${from})`);
  return window;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** 'YYYY-MM-DD hh:mm:ss[.fff]' in UTC, the text form ClickHouse reads and writes. */
function clickhouseTime(date: Date, withMillis: boolean): string {
  const base = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return withMillis ? `${base}.${pad(date.getUTCMilliseconds(), 3)}` : base;
}

/**
 * A bound instant of the profile's time column type. A DateTime holds whole seconds, so `t >= x` is
 * `t >= ceil(x)` and `t < y` is `t < ceil(y)`: the window is rounded up to the second, never widened.
 */
export function timeLiteral(profile: PullProfile, date: Date): string {
  if (profile.time_precision === 0) {
    const whole = new Date(Math.ceil(date.getTime() / 1000) * 1000);
    return `toDateTime(${stringLiteral(clickhouseTime(whole, false))}, 'UTC')`;
  }
  return `toDateTime64(${stringLiteral(clickhouseTime(date, true))}, ${profile.time_precision}, 'UTC')`;
}

/** A time as the server wrote it back (toString(t, 'UTC')), bound again for a page's cursor. */
function cursorTimeLiteral(profile: PullProfile, text: string): string {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/.test(text))
    throw new RangeError(`the server sent a time "${text}" that is not YYYY-MM-DD hh:mm:ss`);
  return profile.time_precision === 0
    ? `toDateTime(${stringLiteral(text)}, 'UTC')`
    : `toDateTime64(${stringLiteral(text)}, ${profile.time_precision}, 'UTC')`;
}

function table(profile: PullProfile): string {
  return `${identifier(profile.database)}.${identifier(profile.table)}`;
}

/** The window and the filters, as one WHERE condition. */
export function windowCondition(profile: PullProfile, window: PullWindow, filters: PullFilters = {}): string {
  const time = identifier(profile.time_column);
  const parts = [`${time} >= ${timeLiteral(profile, window.from)}`, `${time} < ${timeLiteral(profile, window.to)}`];
  for (const role of ['namespace', 'user', 'cluster'] as const) {
    const value = filters[role];
    if (value === undefined) continue;
    const column = profile.columns[role];
    if (!column) throw new RangeError(`--${role}: the profile names no ${role} column (columns.${role})`);
    parts.push(`${identifier(column)} = ${stringLiteral(value)}`);
  }
  return parts.join(' AND ');
}

/** Where the previous page stopped: the last row's time (as the server wrote it) and tiebreak. */
export interface PageCursor {
  time: string;
  key: string;
}

/** The names the page query gives its columns, in the order it selects them. */
export const PAGE_COLUMNS = { time: 'causa_time', bytes: 'causa_bytes', key: 'causa_key_hex', raw: 'causa_raw' } as const;

/**
 * The format the pages are asked in: each column's bytes as stored, tab-separated, with no escaping. The
 * raw record comes last and its length before it (core/pull/page-rows.ts reads exactly that many bytes),
 * the tiebreak as hexadecimal: a record's bytes arrive exactly as the server stores them, and none of it
 * is escaped by the server or parsed by Causa (JSONEachRow's escaping and parsing were most of a pull's
 * time). The time is ClickHouse's own formatting, which holds no tab.
 */
export const PAGE_FORMAT = 'TabSeparatedRaw';

/**
 * One page of the pull, in (time, tiebreak) order, starting strictly after the cursor: a retry from the
 * last row written neither repeats nor skips a row. The tiebreak is compared as text, the same order it
 * is sorted in, whatever its column type.
 */
export function pageQuery(
  profile: PullProfile,
  window: PullWindow,
  filters: PullFilters,
  cursor: PageCursor | undefined,
  limit: number,
): string {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`page size ${limit} is not a positive whole number`);
  const time = identifier(profile.time_column);
  const key = `toString(${identifier(profile.tiebreak_column)})`;
  const raw = identifier(profile.raw_column);
  let where = windowCondition(profile, window, filters);
  if (cursor) {
    const at = cursorTimeLiteral(profile, cursor.time);
    where += ` AND (${time} > ${at} OR (${time} = ${at} AND ${key} > ${stringLiteral(cursor.key)}))`;
  }
  return (
    `SELECT toString(${time}, 'UTC') AS ${PAGE_COLUMNS.time}, length(${raw}) AS ${PAGE_COLUMNS.bytes}, hex(${key}) AS ${PAGE_COLUMNS.key}, ${raw} AS ${PAGE_COLUMNS.raw} ` +
    `FROM ${table(profile)} WHERE ${where} ORDER BY ${time}, ${key} LIMIT ${limit}`
  );
}

/** The number of rows in the window, as the server counts them. */
export function countQuery(profile: PullProfile, window: PullWindow, filters: PullFilters = {}): string {
  return `SELECT count() AS row_count FROM ${table(profile)} WHERE ${windowCondition(profile, window, filters)}`;
}

/** The plan's aggregates, each computed by the server: rows per hour, and the busiest identities and namespaces. */
export function planQueries(
  profile: PullProfile,
  window: PullWindow,
  filters: PullFilters = {},
  top = 50,
): { part: 'hour' | 'user' | 'namespace'; query: string }[] {
  const where = windowCondition(profile, window, filters);
  const queries: { part: 'hour' | 'user' | 'namespace'; query: string }[] = [
    {
      part: 'hour',
      query: `SELECT toString(toStartOfHour(${identifier(profile.time_column)}), 'UTC') AS bucket, count() AS row_count FROM ${table(profile)} WHERE ${where} GROUP BY bucket ORDER BY bucket`,
    },
  ];
  for (const part of ['user', 'namespace'] as const) {
    const column = profile.columns[part];
    if (!column) continue;
    queries.push({
      part,
      query: `SELECT toString(${identifier(column)}) AS bucket, count() AS row_count FROM ${table(profile)} WHERE ${where} GROUP BY bucket ORDER BY row_count DESC, bucket LIMIT ${top}`,
    });
  }
  return queries;
}

/** The look-ups that come first: the server's version, the table's engine, and its columns. */
export const VERSION_QUERY = 'SELECT version() AS version';

export function tableQuery(profile: PullProfile): string {
  return `SELECT engine FROM system.tables WHERE database = ${stringLiteral(profile.database)} AND name = ${stringLiteral(profile.table)}`;
}

export function columnsQuery(profile: PullProfile): string {
  return `SELECT name, type FROM system.columns WHERE database = ${stringLiteral(profile.database)} AND table = ${stringLiteral(profile.table)}`;
}
