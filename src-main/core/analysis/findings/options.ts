// The findings rules' parameters, with the defaults docs/analyses.md states. Every finding carries the
// parameters it was found under.

export interface WorkingHours {
  /** Days worked, 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** Start and end hour of the working day (end excluded), in the zone below. */
  start: number;
  end: number;
  /** The zone's offset from UTC in minutes (e.g. 60 for CET). */
  utcOffsetMinutes: number;
}

/** The ordered steps of an annotated root cause in another case (`--like CASE`). */
export interface ReferenceSequence {
  /** The case it comes from (a label). */
  name: string;
  steps: { verb: string; resource: string }[];
}

export interface FindingsOptions {
  /** Calls before this time (ms) are the baseline; default the first prompt, else the first quarter. */
  baselineUntil?: number;
  baselineReason?: string;
  /** Rate: robust z-score (count − median) / (1.4826 × MAD, at least 1) at or past which a minute is flagged. */
  rateZ: number;
  /** Rate: and at least this many calls above the identity's median minute. */
  rateMinExcess: number;
  /** Denial bursts: this many denied calls or more from one identity … */
  denialCount: number;
  /** … within this many ms. */
  denialWindowMs: number;
  /** Identities an agent reached (from attribution); their destructive calls are findings. */
  agentIdentities: ReadonlySet<string>;
  hours: WorkingHours;
  /** Calls of one identity closer than this are one finding (destructive, off-hours). */
  groupGapMs: number;
  /** First-seen ignores the cluster's own components (`system:` users, controllers) unless asked. */
  includeSystem: boolean;
  sequences: ReferenceSequence[];
  /** A sequence's steps must all fall within this many ms. */
  sequenceWindowMs: number;
}

export const DEFAULT_HOURS: WorkingHours = { days: [1, 2, 3, 4, 5], start: 8, end: 18, utcOffsetMinutes: 0 };

export function findingsOptions(partial: Partial<FindingsOptions> = {}): FindingsOptions {
  return {
    rateZ: 6,
    rateMinExcess: 20,
    denialCount: 5,
    denialWindowMs: 60_000,
    agentIdentities: new Set(),
    hours: DEFAULT_HOURS,
    groupGapMs: 10 * 60_000,
    includeSystem: false,
    sequences: [],
    sequenceWindowMs: 15 * 60_000,
    ...partial,
  };
}

/** `Mon–Fri 08:00–18:00 UTC` */
export function describeHours(h: WorkingHours): string {
  const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const days = h.days.length === 5 && h.days.join() === '1,2,3,4,5' ? 'Mon–Fri' : h.days.map((d) => names[d]).join(',');
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = h.utcOffsetMinutes < 0 ? '−' : '+';
  const abs = Math.abs(h.utcOffsetMinutes);
  const zone = h.utcOffsetMinutes === 0 ? 'UTC' : `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${days} ${pad(h.start)}:00–${pad(h.end)}:00 ${zone}`;
}

/** Parses `HH-HH` with an optional `@±HH:MM` offset and `/days` (e.g. `8-18@+01:00/1-5`). */
export function parseHours(text: string): WorkingHours {
  const m = /^(\d{1,2})-(\d{1,2})(?:@([+-])(\d{2}):(\d{2}))?(?:\/(\d)-(\d))?$/.exec(text.trim());
  if (!m) throw new Error(`working hours "${text}" are not HH-HH[@±HH:MM][/D-D] (e.g. 8-18@+01:00/1-5)`);
  const [start, end] = [Number(m[1]), Number(m[2])];
  if (start > 23 || end > 24 || start >= end) throw new Error(`working hours "${text}": the start must be before the end, within 0–24`);
  const offset = m[3] ? (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5])) : 0;
  const [from, to] = m[6] ? [Number(m[6]), Number(m[7])] : [1, 5];
  if (from > 6 || to > 6 || from > to) throw new Error(`working hours "${text}": days run 0 (Sunday) to 6 (Saturday)`);
  const days: number[] = [];
  for (let d = from; d <= to; d += 1) days.push(d);
  return { days, start, end, utcOffsetMinutes: offset };
}
