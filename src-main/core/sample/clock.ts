// Time in the sample generator: every instant is an integer of microseconds since the epoch, so that sums
// stay exact, and each source formats it the way its producer does (audit: microseconds; core/v1 Events:
// whole seconds; events.k8s.io/v1: microseconds; OTLP: nanoseconds as a decimal string).

/** A clock for one incident day: `at('14:31:06', 112_408)` is that UTC time plus the microseconds. */
export function dayClock(year: number, month: number, day: number): (hhmmss: string, micros?: number) => number {
  return (hhmmss, micros = 0) => {
    const [h, m, s] = hhmmss.split(':').map(Number) as [number, number, number];
    return Date.UTC(year, month - 1, day, h, m, s) * 1000 + micros;
  };
}

/** RFC 3339 with six fractional digits, as kube-apiserver writes audit and MicroTime fields. */
export function formatMicros(us: number): string {
  const seconds = Math.floor(us / 1_000_000);
  const micros = us - seconds * 1_000_000;
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
}

/** RFC 3339 in whole seconds, as metav1.Time serializes (creationTimestamp, firstTimestamp…). */
export function formatSeconds(us: number): string {
  return `${new Date(Math.floor(us / 1_000_000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** OTLP/JSON's fixed64 nanoseconds: a decimal string, because JSON numbers cannot hold them exactly. */
export function unixNanos(us: number): string {
  return `${BigInt(us) * 1000n}`;
}
