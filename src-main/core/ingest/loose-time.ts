// Times as loggers and ledgers write them when they are not Kubernetes or OTLP: RFC 3339 text, or a Unix
// time as a number whose magnitude says its unit (seconds, milliseconds, micro- or nanoseconds).
import { parseRfc3339Nanos } from '../../shared/time';

export type LooseTime = { text?: string; ns: bigint | null } | { bad: string };

export function parseLooseTime(value: unknown): LooseTime {
  if (value === undefined || value === null) return { ns: null };
  if (typeof value === 'string') {
    if (/^\d{9,19}$/.test(value)) return unixNanos(value);
    const ns = parseRfc3339Nanos(value);
    return ns === null ? { bad: `time ${JSON.stringify(value)} is not an RFC 3339 time` } : { text: value, ns };
  }
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return unixNanos(String(Math.trunc(value)), value);
  return { bad: `time ${JSON.stringify(value)} is neither RFC 3339 text nor a Unix time` };
}

/** From the digits, so nanoseconds beyond 2^53 stay exact when the record wrote them as a string. */
function unixNanos(digits: string, written: unknown = digits): LooseTime {
  const n = BigInt(digits);
  const scale = digits.length > 17 ? 1n : digits.length > 14 ? 1_000n : digits.length > 11 ? 1_000_000n : 1_000_000_000n;
  return { text: String(written), ns: n * scale };
}
