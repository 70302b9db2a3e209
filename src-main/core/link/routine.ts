// Routine requests: most of a cluster's audit log is controllers and agents reading (get, list, watch)
// and keeping books (renewing leases, writing status, recording Events), allowed, with nothing in the case
// that could join them to anything. The linker would build each request a node and a decision node, find
// no edge but the decision's, and put both in a background group: a million of them cost gigabytes to
// learn nothing. A request whose every stage is routine by the rules below skips the node-building and
// goes straight to its group as event ids (docs/linking.md, "Routine requests"). So does a write to an
// object that nothing in the case can follow from (no Event names it, it owns nothing) and that follows
// from nothing (it has no owner): a quiet write, which a log of people patching objects is mostly made of.
// The rules are conservative: a request they let through is one the full linker would have left in the
// background with no edge but its own decision's, and whatever they cannot tell goes the full way.
import type { LinkEvent } from './nodes';
import { eventTimeNs, READ_VERBS, requestKeyOf, WRITE_VERBS } from './nodes';
import { changesObject } from './explicit';
import type { ObjectIndex } from './identity';
import { CLOCK_SKEW_NS, TOOL_WINDOW_NS } from './inferred';
import type { LeanStage, StageFields } from '../../shared/stage';

/** The correlation keys no join of a read's node uses (an object's uid and owners join writes and Events). */
const INERT_KEYS = new Set(['audit_id', 'object_uid', 'owner_uids']);

export type { LeanStage, StageFields } from '../../shared/stage';

/** What tells a routine read from the case as a whole. */
export interface RoutineContext {
  /** Every event of the case that carries an audit ID, counted and judged (`AuditIds.add`). */
  auditIds: AuditIds;
  /** The times of the case's timed tool calls, in nanoseconds, ascending. */
  toolCallTimes: readonly bigint[];
  /** Events an analyst's drawn edge names (its node must exist to be drawn to). */
  analystEvents: ReadonlySet<number>;
  /**
   * How many events carrying an audit ID are routine stages on their own: no more routine requests than
   * that (bar those without an audit ID), so their columns are made that long at once instead of doubling.
   */
  routineStages?: number;
  /** What tells a quiet write (`quietWrite`); without it, every write that changes an object goes the full way. */
  quiet?: QuietObjects;
}

/**
 * The objects a write can matter to: every uid a workload Event names (a write is joined to the Events of
 * its object that follow it) and every owner's uid (to the writes and Events of the objects it owns), and
 * the identity table that says which objects a write that names no uid changed, and who owns them. The
 * linker is handed the same index (core/link/index.ts `linkCaseEvents`).
 */
export interface QuietObjects {
  causes: ReadonlySet<string>;
  index: ObjectIndex;
}

/**
 * Whether a write that changes an object can be joined to nothing by the object rules (core/link/explicit.ts
 * `linkObjects`): no object it may have changed is named by an Event or owns another (so nothing follows
 * from it), and the record names no owner of its object, nor does the table (so it follows from nothing).
 * The objects it may have changed: the uid its record carries (as target or key), and every object that
 * held its name at any time in the case. Any time, not its own: the stages of a create are one node, at the
 * first stage's time, and only a later one names the object; the table is asked at the node's time.
 */
export function quietWrite(event: StageFields, quiet: QuietObjects): boolean {
  const owners = event.keys?.owner_uids;
  if (owners !== undefined && !(Array.isArray(owners) && owners.length === 0)) return false;
  for (const uid of [event.uid, event.keys?.object_uid]) {
    if (uid === undefined) continue;
    if (typeof uid !== 'string' || quiet.causes.has(uid) || quiet.index.ownersOf(uid).length > 0) return false;
  }
  if (event.name && event.resource) {
    const { rows, others } = quiet.index.holdersAt(event.resource, event.namespace, event.name, event.timeNs);
    for (const row of [...rows, ...others]) if (quiet.causes.has(row.uid)) return false;
  }
  return true;
}

/** The event ids an analyst's drawn edges name: `e<id>` is the node of event id, `a<id>` its decision. */
export function eventsOfDrawnEdges(edges: readonly { from: string; to: string }[]): Set<number> {
  const ids = new Set<number>();
  for (const edge of edges) {
    for (const node of [edge.from, edge.to]) {
      const id = /^[ea](\d+)$/.exec(node)?.[1];
      if (id !== undefined) ids.add(Number(id));
    }
  }
  return ids;
}

/** Whether a tool call falls where a request at `timeNs` could be joined to it (core/link/inferred.ts). */
function toolCallNear(times: readonly bigint[], timeNs: bigint): boolean {
  // A tool call at t is joined to requests in [t − skew, t + window]: it is at or after (time − window).
  const from = timeNs - TOOL_WINDOW_NS;
  let [low, high] = [0, times.length];
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (times[mid]! < from) low = mid + 1;
    else high = mid;
  }
  return low < times.length && times[low]! <= timeNs + CLOCK_SKEW_NS;
}

/**
 * Whether one event, on its own, is a routine stage: an API read (get, list, watch), or a write that
 * changes no object (to a Lease, an Event, a bookkeeping subresource such as `status`: core/link/explicit.ts
 * `changesObject`) or is quiet (`quietWrite`, when `quiet` is given), and did not fail; timed, neither
 * denied nor failed with an error, allowed (or with no decision recorded), carrying no correlation key a
 * join uses, no tool call within the window in which a tool call is joined to the requests it made, and
 * not named by an analyst's drawn edge.
 */
export function routineStage(
  event: StageFields,
  toolCallTimes: readonly bigint[],
  analystEvents: ReadonlySet<number>,
  quiet?: QuietObjects,
): boolean {
  if (event.kind !== 'k8s_api' || event.timeNs === null) return false;
  const read = READ_VERBS.has(event.action ?? '');
  const write = !read && WRITE_VERBS.has(event.action ?? '');
  if (!read && !write) return false;
  if (event.outcome === 'denied' || event.outcome === 'error' || (write && event.outcome === 'failure')) return false;
  if (event.authzDecision !== undefined && event.authzDecision !== 'allow') return false;
  for (const key of Object.keys(event.keys ?? {})) if (!INERT_KEYS.has(key)) return false;
  if (analystEvents.has(event.id)) return false;
  if (toolCallNear(toolCallTimes, event.timeNs)) return false;
  // Last, being the dearest: a name looked up in the identity table.
  return !write || !changesObject(event.resource) || (quiet !== undefined && quietWrite(event, quiet));
}

/** The most events an ID is counted to; a state of its own says one of them is not a routine stage. */
const MAX_COUNT = 254;
const MARKED = 255;
/** At most this share of the slots in use: linear probing stays short, the table small. */
const LOAD = 0.7;

/**
 * The case's audit IDs, each counted (up to 254) or marked when one of its events is not a routine stage,
 * in an open-addressed table keyed by a 32-bit hash of the ID (the hash itself is stored, 0 for an empty
 * slot). Two IDs with the same hash, about a hundred pairs among a million IDs, are counted together and
 * marked together: that only sends their requests the full way, or keeps one in `RoutineRequests'`
 * pending map until the end, never a wrong graph. Five bytes a slot, at most 70 % of the slots in use:
 * sized from the case's event count (no more IDs than events), it never grows.
 */
export class AuditIds {
  private hashes: Uint32Array;
  /** Each slot's count, or MARKED. */
  private counts: Uint8Array;
  private used = 0;

  /** `expected`: about how many IDs will be added, at most (the table grows past it when it must). */
  constructor(expected: number) {
    const size = Math.max(1 << 16, Math.ceil(expected / LOAD) + 1);
    [this.hashes, this.counts] = [new Uint32Array(size), new Uint8Array(size)];
  }

  private static hash(id: string): number {
    // FNV-1a over UTF-16 code units, then a finalizer that spreads the bits; never 0 (the empty slot).
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i += 1) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h >>> 0 || 1;
  }

  /** The slot holding `hash`, or the empty slot where it would go. */
  private slot(hash: number): number {
    const size = this.hashes.length;
    let at = hash % size;
    while (this.hashes[at] !== 0 && this.hashes[at] !== hash) at = at + 1 === size ? 0 : at + 1;
    return at;
  }

  private grow(): void {
    const [hashes, counts] = [this.hashes, this.counts];
    [this.hashes, this.counts] = [new Uint32Array(hashes.length * 2), new Uint8Array(hashes.length * 2)];
    for (let i = 0; i < hashes.length; i += 1) {
      if (hashes[i] === 0) continue;
      const at = this.slot(hashes[i]!);
      [this.hashes[at], this.counts[at]] = [hashes[i]!, counts[i]!];
    }
  }

  /** One event carrying `id`; `routine`: whether it is a routine stage on its own (`routineStage`). */
  add(id: string, routine: boolean): void {
    const hash = AuditIds.hash(id);
    let at = this.slot(hash);
    if (this.hashes[at] === 0) {
      if (this.used + 1 > this.hashes.length * LOAD) {
        this.grow();
        at = this.slot(hash);
      }
      this.hashes[at] = hash;
      this.used += 1;
    }
    if (!routine) this.counts[at] = MARKED;
    else if (this.counts[at]! < MAX_COUNT) this.counts[at]! += 1;
  }

  /** How many events carry `id`, never fewer than the truth (254 at most); 0 when one of them is not routine. */
  routineCount(id: string): number {
    const at = this.slot(AuditIds.hash(id));
    return this.hashes[at] === 0 || this.counts[at] === MARKED ? 0 : this.counts[at]!;
  }
}

/** The fields of a linker's event the rules read. */
export function stageFieldsOf(event: LinkEvent): StageFields {
  return {
    id: event.id,
    kind: event.kind,
    action: event.action,
    resource: event.target?.resource,
    namespace: event.target?.namespace,
    name: event.target?.name,
    uid: event.target?.uid,
    timeNs: eventTimeNs(event),
    outcome: event.outcome,
    authzDecision: event.authz?.decision,
    keys: event.keys,
  };
}

/** The lean stage of a linker's event: its stage fields and its actor's id. */
export function leanStageOf(event: LinkEvent): LeanStage {
  return { ...stageFieldsOf(event), actorId: event.actor?.id };
}

/** The largest event id a column of routine requests holds; an event beyond it goes the full way. */
const MAX_COLUMN_ID = 0xffffffff;

/**
 * Routine read requests as the linker keeps them: event ids in columns rather than node objects, which is
 * what lets a million of them cost megabytes. A request's stages are one member, as the linker's
 * requestKey makes them one node; a request with stages still to come waits in a map, which holds only the
 * requests in flight at one moment of the log.
 *
 * Requests are numbered in the order they arrive, which is the graph's node order: the linker reads events
 * by time, then id, and compareNodes orders nodes by time, then place in their source (the order of their
 * ids within a source), then first event id. So a request's number is all that places it among the other
 * members of its group: a node the linker built goes after the requests that arrived before its first
 * event (`routineBefore`, which `setAside` gives each event it lets through). Five bytes a request (its
 * first event, and its actor in one byte while there are no more than 256), where its time, source and
 * place took thirty-two.
 */
export class RoutineRequests {
  /** The requests kept (all, or each actor's first `sample`): first event and actor (interned), in arrival order. */
  private ids: Uint32Array;
  /** One byte a request while the case has no more than 256 actors reading, widened past that. */
  private actors: Uint8Array | Uint16Array | Uint32Array;
  /** When only a sample is kept: each kept request's number (otherwise its index is its number). */
  private numbers: Uint32Array | undefined;
  private kept = 0;
  /** Every request taken, kept or not: the next request's number. */
  private count = 0;
  /** Later stages of kept requests: the request (its index) and the event, in the order they came. */
  private laterOf = new Uint32Array(0);
  private laterIds = new Uint32Array(0);
  private laterCount = 0;
  readonly actorNames: string[] = [];
  private readonly actorIndex = new Map<string, number>();
  /** When only a sample is kept: per actor, the requests kept, and the requests and events left uncounted. */
  private readonly keptOf: number[] = [];
  readonly unkeptRequests: number[] = [];
  readonly unkeptEvents: number[] = [];
  /**
   * Requests with stages still to come, by request key: the request (its index, -1 when not kept), its
   * actor and how many stages it still awaits.
   */
  private readonly pending = new Map<string, { request: number; actor: number; awaited: number }>();

  /**
   * `sample`: keep only each actor's first `sample` requests and count the others (enough for a group's
   * counts and first event ids, when its members are not kept: core/link/index.ts `LinkOptions`).
   */
  constructor(
    private readonly context: RoutineContext,
    private readonly sample?: number,
  ) {
    // Sized once from the count of routine stages: doubling a million requests' columns left as much again
    // in discarded columns (outside the V8 heap, freed only at its next collection).
    const size = sample === undefined ? Math.max(1024, context.routineStages ?? 0) : 1024;
    [this.ids, this.actors] = [new Uint32Array(size), new Uint8Array(size)];
    if (sample !== undefined) this.numbers = new Uint32Array(size);
  }

  /** The identity table's index the rules asked, for the linker to ask too. */
  get quietIndex(): ObjectIndex | undefined {
    return this.context.quiet?.index;
  }

  /** How many requests were taken (kept or not). */
  get length(): number {
    return this.count;
  }

  /** How many requests are kept (`length` unless only a sample is). */
  get keptLength(): number {
    return this.kept;
  }

  /** Takes the event when it is a stage of a routine read; false when the linker must have it. */
  take(event: LinkEvent): boolean {
    return this.takeStage(leanStageOf(event));
  }

  /** `take`, of the event's lean stage. */
  takeStage(stage: LeanStage): boolean {
    if (stage.id > MAX_COLUMN_ID) return false;
    if (!routineStage(stage, this.context.toolCallTimes, this.context.analystEvents, this.context.quiet)) return false;
    const auditId = stage.keys?.audit_id;
    const stages = auditId === undefined ? 1 : this.context.auditIds.routineCount(auditId as string);
    if (stages === 0) return false;
    if (stages === 1) {
      this.addRequest(stage);
      return true;
    }
    const key = requestKeyOf(stage.kind, auditId, stage.action, stage.resource, stage.namespace, stage.name);
    const waiting = this.pending.get(key);
    if (waiting) {
      if (waiting.request < 0) {
        this.unkeptEvents[waiting.actor]! += 1;
      } else {
        if (this.laterCount === this.laterOf.length) this.moreLaterStages();
        this.laterOf[this.laterCount] = waiting.request;
        this.laterIds[this.laterCount] = stage.id;
        this.laterCount += 1;
      }
      waiting.awaited -= 1;
      if (waiting.awaited === 0) this.pending.delete(key);
    } else {
      this.pending.set(key, { ...this.addRequest(stage), awaited: stages - 1 });
    }
    return true;
  }

  /**
   * The events that are not stages of routine reads, each with `routineBefore`: how many routine requests
   * arrived before it. The routine ones are kept here.
   */
  *setAside(events: Iterable<LinkEvent>): Generator<LinkEvent> {
    for (const event of events) if (!this.take(event)) yield { ...event, routineBefore: this.count };
  }

  /**
   * `setAside` over lean stages: each stage the linker must have is read whole by `full` (a new object,
   * which is given its `routineBefore`), the others are kept here as they are.
   */
  *setAsideStages(stages: Iterable<LeanStage>, full: (stage: LeanStage) => LinkEvent): Generator<LinkEvent> {
    for (const stage of stages) {
      if (this.takeStage(stage)) continue;
      const event = full(stage);
      event.routineBefore = this.count;
      yield event;
    }
  }

  /**
   * Room for more later stages: at first for half the routine stages (a log's requests have two stages
   * each, RequestReceived and ResponseComplete, when it records both), then twice as much each time.
   */
  private moreLaterStages(): void {
    if (this.laterOf.length === 0) {
      const size = Math.max(1024, Math.ceil((this.sample === undefined ? (this.context.routineStages ?? 0) : 0) / 2));
      [this.laterOf, this.laterIds] = [new Uint32Array(size), new Uint32Array(size)];
    } else {
      [this.laterOf, this.laterIds] = [grown(this.laterOf), grown(this.laterIds)];
    }
  }

  /** The request's index among those kept (-1 when it is only counted) and its actor. */
  private addRequest(stage: LeanStage): { request: number; actor: number } {
    const number = this.count;
    this.count += 1;
    const known = this.actorNames.length;
    const actor = intern(this.actorIndex, this.actorNames, stage.actorId ?? 'unknown actor');
    if (this.sample !== undefined) {
      if (actor === known) [this.keptOf[actor], this.unkeptRequests[actor], this.unkeptEvents[actor]] = [0, 0, 0];
      if (this.keptOf[actor]! >= this.sample) {
        this.unkeptRequests[actor]! += 1;
        this.unkeptEvents[actor]! += 1;
        return { request: -1, actor };
      }
      this.keptOf[actor]! += 1;
    }
    const i = this.kept;
    if (i === this.ids.length) {
      [this.ids, this.actors] = [grown(this.ids), grown(this.actors)];
      if (this.numbers) this.numbers = grown(this.numbers);
    }
    this.ids[i] = stage.id;
    if (actor > 0xff && this.actors instanceof Uint8Array) this.actors = Uint16Array.from(this.actors);
    if (actor > 0xffff && this.actors instanceof Uint16Array) this.actors = Uint32Array.from(this.actors);
    this.actors[i] = actor;
    if (this.numbers) this.numbers[i] = number;
    this.kept += 1;
    return { request: i, actor };
  }

  /** The number of kept request `i`: how many requests arrived before it. */
  numberOf(i: number): number {
    return this.numbers ? this.numbers[i]! : i;
  }

  /**
   * Each kept request's event ids, first stage first, in the order the linker would have read them (`of`),
   * and how many it has (`count`, without making the list). Requests of one stage (most logs' every
   * request) need no column more.
   */
  eventIds(): { of: (i: number) => number[]; count: (i: number) => number } {
    if (this.laterCount === 0) return { of: (i) => [this.ids[i]!], count: () => 1 };
    const starts = new Uint32Array(this.kept + 1);
    for (let k = 0; k < this.laterCount; k += 1) starts[this.laterOf[k]! + 1]! += 1;
    for (let i = 0; i < this.kept; i += 1) starts[i + 1]! += starts[i]!;
    const filled = starts.slice(0, this.kept);
    const later = new Uint32Array(this.laterCount);
    for (let k = 0; k < this.laterCount; k += 1) later[filled[this.laterOf[k]!]!++] = this.laterIds[k]!;
    return {
      of: (i) => [this.ids[i]!, ...later.subarray(starts[i], starts[i + 1])],
      count: (i) => 1 + starts[i + 1]! - starts[i]!,
    };
  }

  /** The actor (its index in `actorNames`) of kept request `i`. */
  actorOf(i: number): number {
    return this.actors[i]!;
  }
}

/** A column twice as long, its values kept. */
export function grown<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array | BigInt64Array>(column: T): T {
  const longer = new (column.constructor as new (length: number) => T)(column.length * 2);
  longer.set(column as never);
  return longer;
}

function intern(index: Map<string, number>, names: string[], name: string): number {
  let at = index.get(name);
  if (at === undefined) {
    at = names.length;
    names.push(name);
    index.set(name, at);
  }
  return at;
}
