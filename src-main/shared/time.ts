// Time in Causa is nanoseconds since the Unix epoch, UTC, as a bigint: audit logs carry microseconds and
// OpenTelemetry carries nanoseconds, and a JavaScript number cannot hold either exactly.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

// Records of one file share their seconds: the date arithmetic of a second is done once and looked up
// after (a bounded cache, cleared when full), and only the fraction is read per record. The fast path
// takes the form nearly every producer writes, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`; anything else, and
// the first sighting of each second, goes through the full parse below.
const SECOND_CACHE_LIMIT = 4096;
const secondNanos = new Map<string, bigint | null>();

function fastRfc3339Nanos(text: string): bigint | null | undefined {
  const n = text.length;
  if (n < 20 || n > 30) return undefined;
  const last = text.charCodeAt(n - 1);
  if (last !== 90 /* Z */ && last !== 122 /* z */) return undefined;
  let fraction = 0;
  if (n > 20) {
    if (text.charCodeAt(19) !== 46 /* . */ || n === 21) return undefined;
    for (let i = 20; i < n - 1; i += 1) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return undefined;
      fraction = fraction * 10 + digit;
    }
    fraction *= 10 ** (30 - n); // n - 21 digits read, nine wanted
  }
  const prefix = text.slice(0, 19);
  let base = secondNanos.get(prefix);
  if (base === undefined) {
    base = slowRfc3339Nanos(`${prefix}Z`);
    if (secondNanos.size >= SECOND_CACHE_LIMIT) secondNanos.clear();
    secondNanos.set(prefix, base);
  }
  return base === null ? null : base + BigInt(fraction);
}

/** Parses an RFC 3339 timestamp into nanoseconds since the epoch; null if it is not one. */
export function parseRfc3339Nanos(text: string): bigint | null {
  const fast = fastRfc3339Nanos(text);
  return fast !== undefined ? fast : slowRfc3339Nanos(text);
}

function slowRfc3339Nanos(text: string): bigint | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const frac = m[7] ?? '';
  const zone = m[8]!;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as they are (Go's zero time is 0001-01-01).
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return null; // 2025-02-30
  date.setUTCHours(hour, minute, second, 0);
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetMins = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const nanosFraction = BigInt(frac.padEnd(9, '0') || '0');
  return (BigInt(date.getTime()) - BigInt(offsetMinutes) * 60_000n) * 1_000_000n + nanosFraction;
}

/** Formats nanoseconds as a fixed-width RFC 3339 UTC string with nine fraction digits (sorts as text). */
// The text of the last second formatted: consecutive records mostly share it.
let formattedSecond: bigint | undefined;
let formattedPrefix = '';

export function formatNanos(ns: bigint): string {
  // Floor division: bigint division truncates toward zero, which is a second off before 1970.
  const second = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  if (second !== formattedSecond) {
    formattedPrefix = new Date(Number(second) * 1000).toISOString().slice(0, 19); // 2025-04-03T14:31:04
    formattedSecond = second;
  }
  const fraction = String(Number(ns - second * 1_000_000_000n)).padStart(9, '0');
  return `${formattedPrefix}.${fraction}Z`;
}
