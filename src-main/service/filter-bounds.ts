// The time and verdict bounds of an event filter, as the store's queries take them: a --since/--until (or
// the API's since/until) parsed to nanoseconds, a verdict filter turned into source positions, and a query
// (service/query.ts) parsed to its tree.
import type { EventFilter } from '../shared/contract';
import { ServiceError } from '../shared/errors';
import { parseRfc3339Nanos } from '../shared/time';
import type { CaseStore } from '../store/case-store';
import type { TimeBounds } from '../store/queries';
import { markResolver, parseFilterQuery } from './query';
import { verdictSpans } from './verification';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const DAY_NS = 86_400n * 1_000_000_000n;

/**
 * Parses a --since/--until bound: an RFC 3339 time, or a date. Bounds are inclusive, so a date means the
 * whole day: its first nanosecond as `since`, its last as `until`.
 */
export function parseTimeBound(text: string, name: 'since' | 'until'): bigint {
  const dateOnly = DATE_ONLY.test(text);
  const ns = parseRfc3339Nanos(dateOnly ? `${text}T00:00:00Z` : text);
  if (ns === null) throw new ServiceError('invalid_input', `${name}: "${text}" is not an RFC 3339 time (e.g. 2025-04-03T14:31:00Z)`);
  return dateOnly && name === 'until' ? ns + DAY_NS - 1n : ns;
}

export function timeBounds(filter: EventFilter): TimeBounds {
  return {
    since: filter.since ? parseTimeBound(filter.since, 'since') : undefined,
    until: filter.until ? parseTimeBound(filter.until, 'until') : undefined,
  };
}

/** What the store needs besides the filter: its time bounds in nanoseconds, its verdicts as source positions, its query parsed. */
export function filterBounds(store: CaseStore, filter: EventFilter): TimeBounds {
  const node = filter.query ? parseFilterQuery(filter.query) : undefined;
  return {
    ...timeBounds(filter),
    ...(filter.verdict && filter.verdict.length > 0 ? { verdictSpans: verdictSpans(store, filter.verdict) } : {}),
    ...(node ? { query: { node, marks: markResolver(store) } } : {}),
  };
}
