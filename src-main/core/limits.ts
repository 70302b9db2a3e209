// The limits every reader of evidence holds to (docs/limits.md). Evidence may come from an attacker, so
// no input decides how much memory, disk or time a read takes: a record larger than `maxRecordBytes` is
// skipped (reported with its file and line), a gzip stream or zip entry that inflates past
// `maxInflatedBytes` or past `maxInflateRatio` times its compressed size is stopped there (what came
// before it is kept), and a JSON document nested deeper than `maxNestingDepth` ends where it does.

export interface Limits {
  /** Largest record (a JSON line, or a document's selected value) read; a larger one is skipped. */
  maxRecordBytes: number;
  /** Most bytes one gzip stream or zip entry may inflate to. */
  maxInflatedBytes: number;
  /** Most inflated bytes per compressed byte, checked once a stream has inflated past `ratioFloorBytes`. */
  maxInflateRatio: number;
  /** Deepest nesting of arrays and objects in a JSON document. */
  maxNestingDepth: number;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxRecordBytes: 64 * MiB,
  maxInflatedBytes: 16 * GiB,
  // Deflate's own ceiling is about 1032:1; JSON logs compress 10–30:1, their most repetitive about 100:1.
  maxInflateRatio: 200,
  maxNestingDepth: 512,
});

/** Below this many inflated bytes the ratio is not checked: a small file of spaces harms nobody. */
export const RATIO_FLOOR_BYTES = 16 * MiB;

/** Bundle metadata (manifest, signature, timestamp, leaves) is read whole; it may be no larger than this. */
export const MAX_METADATA_BYTES = 256 * MiB;

/**
 * How much of a file is read at a time when it is streamed (evidence, bundle files). 1 MiB chunks were
 * measured to pile up as garbage outside the V8 heap until a collection: folding a million-record leaves
 * file peaked at 116 MiB against 63 for a tenth of it; in 64 KiB chunks, 57 MiB at both sizes.
 */
export const READ_CHUNK_BYTES = 64 * 1024;

/** The environment variable of each limit, for `causa` run from scripts (`CAUSA_MAX_RECORD_BYTES=…`). */
export const LIMIT_ENV: Readonly<Record<keyof Limits, string>> = Object.freeze({
  maxRecordBytes: 'CAUSA_MAX_RECORD_BYTES',
  maxInflatedBytes: 'CAUSA_MAX_INFLATED_BYTES',
  maxInflateRatio: 'CAUSA_MAX_INFLATE_RATIO',
  maxNestingDepth: 'CAUSA_MAX_NESTING_DEPTH',
});

export class LimitError extends Error {}

const SIZE = /^(\d+(?:\.\d+)?)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)$/i;
const UNIT: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: MiB, mb: MiB, mib: MiB, g: GiB, gb: GiB, gib: GiB };

/** `64MiB`, `512k`, `1048576`: a size in bytes (binary units), or a LimitError naming `what`. */
export function parseSize(text: string, what: string): number {
  const match = SIZE.exec(text.trim());
  const value = match ? Math.floor(Number(match[1]) * UNIT[match[2]!.toLowerCase()]!) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new LimitError(`${what}: "${text}" is not a size (e.g. 64MiB, 512KiB, 1048576)`);
  return value;
}

function parseCount(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new LimitError(`${what}: "${text}" is not a positive whole number`);
  return value;
}

/** The limits in force: the defaults, then the environment, then what the caller was told (CLI options). */
export function resolveLimits(overrides: Partial<Limits> = {}, env: Readonly<Record<string, string | undefined>> = process.env): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_ENV) as (keyof Limits)[]) {
    const text = env[LIMIT_ENV[key]];
    if (text === undefined || text === '') continue;
    limits[key] =
      key === 'maxInflateRatio' || key === 'maxNestingDepth' ? parseCount(text, LIMIT_ENV[key]) : parseSize(text, LIMIT_ENV[key]);
  }
  for (const [key, value] of Object.entries(overrides) as [keyof Limits, number | undefined][])
    if (value !== undefined) limits[key] = value;
  return limits;
}

/** `67108864` → `64 MiB`, for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${Math.round((bytes / GiB) * 10) / 10} GiB`;
  if (bytes >= MiB) return `${Math.round((bytes / MiB) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}

/**
 * Counts what a decompressor consumed and produced, and throws a LimitError once the output passes
 * either limit. `where` names the stream in the message (a file, a zip entry).
 */
export class InflateGuard {
  private compressed = 0;
  private inflated = 0;

  constructor(
    private readonly limits: Limits,
    private readonly where: string,
  ) {}

  consumed(bytes: number): void {
    this.compressed += bytes;
  }

  produced(bytes: number): void {
    this.inflated += bytes;
    if (this.inflated > this.limits.maxInflatedBytes) {
      throw new LimitError(
        `${this.where} inflates past the maximum inflated size (${formatBytes(this.limits.maxInflatedBytes)}); stopped there`,
      );
    }
    if (this.inflated > RATIO_FLOOR_BYTES && this.inflated > this.compressed * this.limits.maxInflateRatio) {
      throw new LimitError(
        `${this.where} inflates more than ${this.limits.maxInflateRatio} times its compressed size (${formatBytes(this.inflated)} from ${formatBytes(this.compressed)}): a decompression bomb? stopped there`,
      );
    }
  }
}
