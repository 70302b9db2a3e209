// Times in a query: a date (its whole day, UTC), or an RFC 3339 time to the minute, the second or a
// fraction of it, with its zone. A value covers its precision: `2025-04-03T14:30Z` is that minute, so
// `time:` matches within it, `time>` after its end and `time>=` from its start.
import { parseRfc3339Nanos } from '../../shared/time';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})$/;

const SECOND = 1_000_000_000n;

/** The first and last nanosecond the value covers, or a reason it is not a time. */
export function parseQueryTime(text: string): { first: bigint; last: bigint } | { error: string } {
  const date = DATE.exec(text);
  if (date) {
    const first = parseRfc3339Nanos(`${text}T00:00:00Z`);
    if (first === null) return { error: `"${text}" is not a calendar date` };
    return { first, last: first + 86_400n * SECOND - 1n };
  }
  const time = TIME.exec(text);
  if (!time) return { error: `"${text}" is not a time (write 2025-04-03, 2025-04-03T14:30Z or 2025-04-03T14:30:05.120+02:00)` };
  const [, day, hour, minute, second, fraction, zone] = time;
  const first = parseRfc3339Nanos(`${day}T${hour}:${minute}:${second ?? '00'}${fraction ? `.${fraction}` : ''}${zone}`);
  if (first === null) return { error: `"${text}" is not a valid time (month, day, hour, minute or zone out of range)` };
  const width = second === undefined ? 60n * SECOND : fraction === undefined ? SECOND : 10n ** BigInt(9 - fraction.length);
  return { first, last: first + width - 1n };
}
