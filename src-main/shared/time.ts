// Time in Causa is nanoseconds since the Unix epoch, UTC, as a bigint: audit logs carry microseconds and
// OpenTelemetry carries nanoseconds, and a JavaScript number cannot hold either exactly.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp into nanoseconds since the epoch; null if it is not one. */
export function parseRfc3339Nanos(text: string): bigint | null {
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
export function formatNanos(ns: bigint): string {
  // Floor division: bigint division truncates toward zero, which is a second off before 1970.
  const ms = ns >= 0n ? ns / 1_000_000n : -((-ns + 999_999n) / 1_000_000n);
  const iso = new Date(Number(ms)).toISOString(); // 2025-04-03T14:31:04.123Z
  const fraction = (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}
