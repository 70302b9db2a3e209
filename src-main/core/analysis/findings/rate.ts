// Rate: each identity's calls per minute over its active span (quiet minutes count as zero), against its
// own median and MAD (robust to the very bursts it looks for). A minute is flagged when its robust z-score
// (count − median) / max(1.4826 × MAD, 1) reaches the threshold and it exceeds the median by a minimum;
// consecutive flagged minutes are one finding. Memory: one counter per identity per minute of its span.
import type { Finding } from '../../../shared/attribution';
import type { ApiCall } from '../attribution/calls';
import { complete, duration, extend, iso, startDraft, type FindingDraft } from './draft';
import type { FindingsOptions } from './options';

const MINUTE = 60_000;
/** Fewer minutes than this make no baseline. */
const MIN_MINUTES = 10;

interface Series {
  start: number;
  counts: number[];
}

interface Run {
  actor: string;
  from: number;
  to: number;
  peak: number;
  z: number;
  median: number;
  mad: number;
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export class RateCounter {
  private readonly series = new Map<string, Series>();

  constructor(private readonly options: FindingsOptions) {}

  add(call: ApiCall): void {
    const minute = Math.floor(call.ms / MINUTE);
    const s = this.series.get(call.actor);
    if (!s) {
      this.series.set(call.actor, { start: minute, counts: [1] });
      return;
    }
    const at = minute - s.start;
    while (s.counts.length <= at) s.counts.push(0);
    s.counts[at]! += 1;
  }

  /** The flagged runs of minutes, per identity. */
  runs(): Run[] {
    const { rateZ, rateMinExcess } = this.options;
    const out: Run[] = [];
    for (const [actor, s] of this.series) {
      if (s.counts.length < MIN_MINUTES) continue;
      const sorted = [...s.counts].sort((a, b) => a - b);
      const med = median(sorted);
      const mad = median(sorted.map((c) => Math.abs(c - med)).sort((a, b) => a - b));
      const scale = Math.max(1.4826 * mad, 1);
      let run: Run | undefined;
      s.counts.forEach((count, i) => {
        const z = (count - med) / scale;
        if (z >= rateZ && count - med >= rateMinExcess) {
          const minute = s.start + i;
          if (run && run.to === minute - 1) {
            run.to = minute;
            run.peak = Math.max(run.peak, count);
            run.z = Math.max(run.z, z);
          } else {
            run = { actor, from: minute, to: minute, peak: count, z, median: med, mad };
            out.push(run);
          }
        }
      });
    }
    return out;
  }
}

/** Collects each run's calls in a second pass over the same calls, and words the findings. */
export class RateRuns {
  private readonly byActor = new Map<string, { run: Run; draft?: FindingDraft }[]>();

  constructor(
    runs: readonly Run[],
    private readonly options: FindingsOptions,
  ) {
    for (const run of runs) {
      const list = this.byActor.get(run.actor) ?? [];
      list.push({ run });
      this.byActor.set(run.actor, list);
    }
  }

  get empty(): boolean {
    return this.byActor.size === 0;
  }

  add(call: ApiCall): void {
    const list = this.byActor.get(call.actor);
    if (!list) return;
    const minute = Math.floor(call.ms / MINUTE);
    const entry = list.find((e) => minute >= e.run.from && minute <= e.run.to);
    if (!entry) return;
    if (entry.draft) return extend(entry.draft, call);
    const { run } = entry;
    const parameters = {
      z_threshold: this.options.rateZ,
      min_excess: this.options.rateMinExcess,
      median_per_minute: run.median,
      mad: run.mad,
    };
    entry.draft = startDraft(
      'rate',
      `${run.actor}|${iso(run.from * MINUTE)}`,
      run.actor,
      call,
      parameters,
      Math.min(1, run.z / (4 * this.options.rateZ)),
      (d) =>
        `${run.actor} made ${d.count} calls in ${duration((run.to - run.from + 1) * MINUTE)} from ${iso(run.from * MINUTE)} (at most ${run.peak} in one minute), against its usual ${run.median} a minute (MAD ${run.mad}); robust z-score ${run.z.toFixed(1)}, the threshold ${this.options.rateZ}.`,
    );
  }

  finish(): Omit<Finding, 'dismissed'>[] {
    return [...this.byActor.values()].flatMap((list) => list.flatMap((e) => (e.draft ? [complete(e.draft)] : [])));
  }
}
