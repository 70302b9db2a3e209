// A sample's audit log as a stream of lines in stage order, however many lines it has: the story and the
// cluster's ordinary noise (a few thousand lines) are made and sorted up front, and the scaling reads are
// made one at a time in order of arrival and merged in. A read's line is due at its request time plus its
// latency, so a line can be written once a later request has arrived past it: only the lines of the last
// few milliseconds of requests are ever pending, whatever the size of the log.
import { auditLines, type AuditCall, type AuditLine } from './audit-writer';
import type { SeededRandom } from './random';

export interface MergeStats {
  /** The most scaling-noise lines held at once, waiting for their turn. */
  maxPending: number;
}

interface Pending {
  stageUs: number;
  seq: number;
  line: string;
}

/** A binary min-heap on (stage time, order of making), which keeps ties in the order they were made. */
class PendingLines {
  private readonly items: Pending[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Pending | undefined {
    return this.items[0];
  }

  push(item: Pending): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Pending | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < items.length && before(items[left]!, items[least]!)) least = left;
      if (right < items.length && before(items[right]!, items[least]!)) least = right;
      if (least === i) break;
      [items[i], items[least]] = [items[least]!, items[i]!];
      i = least;
    }
    return top;
  }
}

const before = (a: Pending, b: Pending): boolean => a.stageUs < b.stageUs || (a.stageUs === b.stageUs && a.seq < b.seq);

/**
 * The lines of `fixed` (already in stage order) and of `noise` (calls in order of arrival, every one
 * taking at least a microsecond) merged into stage order; on a tie a fixed line comes first. `random`
 * gives the noise lines their audit IDs.
 */
export function* mergeAuditLines(
  fixed: readonly AuditLine[],
  noise: Iterable<AuditCall>,
  random: SeededRandom,
  stats?: MergeStats,
): Generator<string> {
  const pending = new PendingLines();
  let next = 0;
  let seq = 0;
  function* emitThrough(stageUs: number): Generator<string> {
    for (let top = pending.peek(); top !== undefined && top.stageUs <= stageUs; top = pending.peek()) {
      while (next < fixed.length && fixed[next]!.stageUs <= top.stageUs) yield fixed[next++]!.line;
      yield pending.pop()!.line;
    }
  }
  for (const call of noise) {
    // Every line still to come is due after this request arrives: those due by then can go.
    yield* emitThrough(call.atUs);
    for (const line of auditLines(call, random)) pending.push({ ...line, seq: seq++ });
    if (stats && pending.size > stats.maxPending) stats.maxPending = pending.size;
  }
  yield* emitThrough(Infinity);
  while (next < fixed.length) yield fixed[next++]!.line;
}
