import { describe, expect, it } from 'vitest';
import { formatNanos, parseRfc3339Nanos } from '../../../src-main/shared/time';

const SECOND = 1_000_000_000n;

/** Nanoseconds from Date for whole milliseconds, to check the parser against an independent source. */
function fromDate(iso: string): bigint {
  return BigInt(new Date(iso).getTime()) * 1_000_000n;
}

describe('parseRfc3339Nanos', () => {
  it('parses UTC times exactly, to the nanosecond', () => {
    expect(parseRfc3339Nanos('1970-01-01T00:00:00Z')).toBe(0n);
    expect(parseRfc3339Nanos('2023-05-17T15:08:22.763960Z')).toBe(1684336102763960000n);
    expect(parseRfc3339Nanos('2025-04-03T14:31:04.123456789Z')).toBe(fromDate('2025-04-03T14:31:04Z') + 123_456_789n);
    // One nanosecond apart: beyond what a JavaScript number holds at this magnitude.
    const a = parseRfc3339Nanos('2025-04-03T14:31:04.000000001Z')!;
    const b = parseRfc3339Nanos('2025-04-03T14:31:04.000000002Z')!;
    expect(b - a).toBe(1n);
    expect(Number(a) === Number(b)).toBe(true);
  });

  it('reads a short fraction as a decimal fraction', () => {
    const whole = parseRfc3339Nanos('2025-04-03T14:31:04Z')!;
    expect(parseRfc3339Nanos('2025-04-03T14:31:04.5Z')! - whole).toBe(500_000_000n);
    expect(parseRfc3339Nanos('2025-04-03T14:31:04.05Z')! - whole).toBe(50_000_000n);
    expect(parseRfc3339Nanos('2025-04-03T14:31:04.000001Z')! - whole).toBe(1_000n);
  });

  it('applies offsets', () => {
    const utc = parseRfc3339Nanos('2025-04-03T14:31:04.25Z');
    expect(parseRfc3339Nanos('2025-04-03T16:31:04.25+02:00')).toBe(utc);
    expect(parseRfc3339Nanos('2025-04-03T09:01:04.25-05:30')).toBe(utc);
    expect(parseRfc3339Nanos('2025-04-03T14:31:04.25+00:00')).toBe(utc);
    expect(parseRfc3339Nanos('2025-04-03T14:31:04.25-00:00')).toBe(utc);
    // Across a day and a year boundary.
    expect(parseRfc3339Nanos('2025-01-01T01:00:00+02:00')).toBe(fromDate('2024-12-31T23:00:00Z'));
  });

  it('accepts the lower-case and space forms RFC 3339 allows', () => {
    const utc = parseRfc3339Nanos('2025-04-03T14:31:04Z');
    expect(parseRfc3339Nanos('2025-04-03t14:31:04z')).toBe(utc);
    expect(parseRfc3339Nanos('2025-04-03 14:31:04Z')).toBe(utc);
  });

  it('accepts 29 February in a leap year only', () => {
    expect(parseRfc3339Nanos('2024-02-29T00:00:00Z')).toBe(fromDate('2024-02-29T00:00:00Z'));
    expect(parseRfc3339Nanos('2025-02-29T00:00:00Z')).toBeNull();
    expect(parseRfc3339Nanos('2100-02-29T00:00:00Z')).toBeNull();
  });

  it.each([
    '2025-02-30T00:00:00Z',
    '2025-04-31T12:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-00-10T00:00:00Z',
    '2025-01-00T00:00:00Z',
    '2025-01-01T24:00:00Z',
    'garbage',
    '',
    '2025-04-03',
    '2025-04-03T14:31:04',
    '2025-04-03T14:31Z',
    '2025-04-03T14:31:04.1234567890Z',
    '2025-04-03T14:31:04.Z',
    '2025-04-03T14:31:04+0200',
    ' 2025-04-03T14:31:04Z',
    '2025-04-03T14:31:04Z\n',
    '1684336102',
  ])('returns null for %j', (text) => {
    expect(parseRfc3339Nanos(text)).toBeNull();
  });

  // Date arithmetic rolls out-of-range fields over ("10:75:00" would become 11:15:00): they must be refused.
  it.each(['2025-04-03T10:75:00Z', '2025-04-03T10:00:99Z', '2025-04-03T10:00:00+05:99', '2025-04-03T10:00:00+99:00'])(
    'returns null for the out-of-range time %j',
    (text) => {
      expect(parseRfc3339Nanos(text)).toBeNull();
    },
  );

  // Date.UTC maps years 0–99 to 1900–1999; Go's zero time (Kubernetes' unset timestamp) must stay year 1.
  it('parses years before 100 as written (Go zero time 0001-01-01)', () => {
    expect(parseRfc3339Nanos('0001-01-01T00:00:00Z')).toBe(-62135596800n * SECOND);
    expect(parseRfc3339Nanos('0099-12-31T23:59:59Z')).toBe(fromDate('0099-12-31T23:59:59Z'));
  });
});

describe('formatNanos', () => {
  it('writes fixed-width UTC with nine fraction digits', () => {
    expect(formatNanos(0n)).toBe('1970-01-01T00:00:00.000000000Z');
    expect(formatNanos(1684336102763960000n)).toBe('2023-05-17T15:08:22.763960000Z');
    expect(formatNanos(1684336102000000001n)).toBe('2023-05-17T15:08:22.000000001Z');
  });

  it('sorts as text in time order', () => {
    const times = [0n, 1n, 999_999_999n, SECOND, 1684336102763960000n, 1684336102763960001n, 4102444800n * SECOND];
    const texts = times.map(formatNanos);
    expect([...texts].sort()).toEqual(texts);
    expect(new Set(texts.map((t) => t.length))).toEqual(new Set([30]));
  });

  it.each([
    '2023-05-17T15:08:22.763960000Z',
    '2025-04-03T14:31:04.123456789Z',
    '2025-04-03T14:31:04.000000001Z',
    '2025-12-31T23:59:59.999999999Z',
    '2024-02-29T12:00:00.000000000Z',
    '1970-01-01T00:00:00.000000000Z',
    '1969-07-20T20:17:40.000000000Z',
    '1969-12-31T23:59:59.500000000Z',
  ])('round-trips %s', (text) => {
    const ns = parseRfc3339Nanos(text);
    expect(ns).not.toBeNull();
    expect(formatNanos(ns!)).toBe(text);
  });

  it('round-trips offset times to their UTC form', () => {
    expect(formatNanos(parseRfc3339Nanos('2025-04-03T16:31:04.1+02:00')!)).toBe('2025-04-03T14:31:04.100000000Z');
    expect(formatNanos(parseRfc3339Nanos('2025-04-03T14:31:04.123456-07:00')!)).toBe('2025-04-03T21:31:04.123456000Z');
  });

  it('round-trips every nanosecond of a second boundary', () => {
    const base = parseRfc3339Nanos('2025-04-03T14:31:04Z')!;
    for (const delta of [-1_000_001n, -1_000_000n, -999_999n, -1n, 0n, 1n, 999_999n, 1_000_000n]) {
      expect(parseRfc3339Nanos(formatNanos(base + delta))).toBe(base + delta);
    }
  });

  // Truncating division toward zero would print -1n as 1970-01-01T00:00:00.999999999Z.
  it('formats times just before the epoch', () => {
    expect(formatNanos(-1n)).toBe('1969-12-31T23:59:59.999999999Z');
    expect(formatNanos(parseRfc3339Nanos('1969-07-20T20:17:40.999999999Z')!)).toBe('1969-07-20T20:17:40.999999999Z');
  });
});

describe('the per-second fast paths', () => {
  // A deterministic stream of times, as an import sees them: runs within one second, jumps, times before
  // the epoch, every fraction length, and more distinct seconds than the parser's cache holds.
  function* times(count: number): Generator<{ iso: string; ns: bigint }> {
    let seed = 7;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < count; i += 1) {
      const seconds = next() % 3 === 0 ? BigInt(next() % 250_000_000) * 1000n - 62_000_000_000n : 1_743_690_664n + BigInt(i >> 3);
      const digits = next() % 10;
      const fraction = digits === 0 ? 0n : BigInt(next() % 10 ** digits) * 10n ** BigInt(9 - digits);
      const ms = Number(seconds) * 1000;
      const prefix = new Date(ms).toISOString().slice(0, 19);
      const text = digits === 0 ? `${prefix}Z` : `${prefix}.${(fraction / 10n ** BigInt(9 - digits)).toString().padStart(digits, '0')}Z`;
      yield { iso: text, ns: seconds * SECOND + fraction };
    }
  }

  it('parse and format agree with the Date arithmetic for every time of a long stream', () => {
    let checked = 0;
    for (const { iso, ns } of times(20_000)) {
      expect(parseRfc3339Nanos(iso), iso).toBe(ns);
      expect(parseRfc3339Nanos(iso.toLowerCase().replace('t', 'T')), iso).toBe(ns);
      expect(formatNanos(ns)).toBe(`${iso.slice(0, 19)}.${(((ns % SECOND) + SECOND) % SECOND).toString().padStart(9, '0')}Z`);
      checked += 1;
    }
    expect(checked).toBe(20_000);
  });

  it('still refuses what is not RFC 3339 once the second is known', () => {
    expect(parseRfc3339Nanos('2025-04-03T14:31:04.5Z')).toBe(parseRfc3339Nanos('2025-04-03T14:31:04Z')! + 500_000_000n);
    for (const bad of [
      '2025-04-03T14:31:04.Z',
      '2025-04-03T14:31:04.1234567890Z',
      '2025-04-03T14:31:04.12a4Z',
      '2025-04-03T14:31:04.5',
      '2025-02-30T14:31:04.5Z',
      '2025-04-03X14:31:04.5Z',
    ])
      expect(parseRfc3339Nanos(bad), bad).toBeNull();
    expect(parseRfc3339Nanos('2025-04-03T14:31:04.5+02:00')).toBe(parseRfc3339Nanos('2025-04-03T12:31:04.5Z'));
  });
});
