import type { NormalizedEvent } from '../../shared/model';

/** One record may yield several events (an agent span that also carries the user's prompt). */
export type Normalized = { ok: true; events: NormalizedEvent[] } | { ok: false; reason: string };

/** One evidence format whose records are JSON values, one per line. */
export interface RecordFormat {
  /** Stable name stored with each source, e.g. `k8s-audit`. */
  name: string;
  /** What a user calls it, used in error messages ("not a Kubernetes audit event"). */
  title: string;
  /** Whether a parsed record is plausibly of this format (used to detect a file's format). */
  recognizes(value: unknown): boolean;
  /** Derives the normalized fields, or says why the record is not one of this format. */
  normalize(value: unknown): Normalized;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Drops undefined properties so that absent fields stay absent in JSON and in the case file. */
export function compact<T extends Record<string, unknown>>(value: T): T | undefined {
  let empty = true;
  for (const key in value) {
    if (value[key] === undefined) delete value[key];
    else empty = false;
  }
  return empty ? undefined : value;
}
