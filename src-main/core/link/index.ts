// The linker: the case's events in, the causal graph out (nodes, edges with rule, strength and the
// fields that joined them, chains, and background groups). Pure: the same events give the same graph.
import type { ChainSummary, Graph, GraphEdge, GraphNode, NodeGroup } from '../../shared/graph';
import type { ObjectTable } from '../../shared/objects';
import { EdgeSet, linkDecisions, linkExplicit } from './explicit';
import { ObjectIndex, objectTableOf } from './identity';
import { linkToolTargets } from './inferred';
import { linkTaintEdges } from './taint';
import { sightingsOfEvents } from './objects';
import { buildNodes, compareNodes, isNotable, type LinkEvent, type NodeDraft } from './nodes';
import { grown, RoutineRequests, type LeanStage, type RoutineContext } from './routine';

export type { LinkEvent };
export { objectTableOf };
export { AuditIds, eventsOfDrawnEdges, routineStage, type LeanStage, type QuietObjects, type RoutineContext } from './routine';
export { ObjectIndex } from './identity';

/** What the analyst has said about edges: decisions on inferred ones, and edges drawn by hand. */
export interface AnalystInput {
  decisions?: ReadonlyMap<string, 'accepted' | 'rejected'>;
  edges?: readonly { id: string; from: string; to: string; note?: string }[];
}

/** Kinds an analyst looks for even when nothing links them (a lone prompt or tool call is a lead). */
const ALWAYS_SHOWN = new Set(['prompt', 'tool_call', 'tool_result', 'human_action', 'alert', 'policy_decision']);
const GROUP_SAMPLE = 200;

/**
 * The members of one background group, as event ids only: a case of a million routine requests must not
 * keep a million nodes alive between two expansions. The nodes are built again from their events.
 */
export interface GroupMembers {
  /** Every member node's event ids, one node after another, in the graph's time order. */
  events: Float64Array;
  /** Where each member node's ids start in `events`. */
  starts: Uint32Array;
}

/**
 * A group's members as they are added, into columns made as long as the group was counted to be (a
 * million routine reads doubled their way there and were copied to length at the end: three times the
 * columns at once); they still grow should the count fall short.
 */
class MembersBuilder {
  private events: Float64Array;
  private starts: Uint32Array;
  private eventCount = 0;
  private memberCount = 0;

  constructor(size: { members: number; events: number } = { members: 16, events: 16 }) {
    [this.events, this.starts] = [new Float64Array(Math.max(1, size.events)), new Uint32Array(Math.max(1, size.members))];
  }

  add(eventIds: readonly number[]): void {
    if (this.memberCount === this.starts.length) this.starts = grown(this.starts);
    this.starts[this.memberCount++] = this.eventCount;
    while (this.eventCount + eventIds.length > this.events.length) this.events = grown(this.events);
    for (const id of eventIds) this.events[this.eventCount++] = id;
  }

  done(): GroupMembers {
    const cut = <T extends Float64Array | Uint32Array>(column: T, length: number): T =>
      column.length === length ? column : (column.slice(0, length) as T);
    return { events: cut(this.events, this.eventCount), starts: cut(this.starts, this.memberCount) };
  }
}

/** The case's graph with what it leaves out: each background group's members, to expand on demand. */
export interface LinkedCase {
  graph: Graph;
  members: ReadonlyMap<string, GroupMembers>;
  /**
   * Edges with a background end other than a request's own decision (which is built with the request):
   * by the rule for chains, only edges the analyst rejected. Kept so that an expanded member still lists them.
   */
  backgroundEdges: readonly GraphEdge[];
  /**
   * Linked for the graph alone: `members` is empty (a group still has its counts and first event ids). A
   * filter or an expanded group needs the case linked with them (`LinkOptions.members`).
   */
  membersLeftOut?: true;
}

export interface LinkOptions {
  /** Whether to keep each background group's members (the default): a million routine reads are 12 MB. */
  members?: boolean;
}

/** What a group's members go into when they are not kept: nothing. */
const LEFT_OUT = { add(): void {}, done: (): GroupMembers => ({ events: new Float64Array(0), starts: new Uint32Array(0) }) };

function toNode(draft: NodeDraft, chain: number | undefined): GraphNode {
  return {
    id: draft.id,
    kind: draft.kind,
    lane: draft.lane,
    ...(draft.time ? { time: draft.time } : {}),
    label: draft.label,
    event_ids: draft.eventIds,
    source: draft.source,
    ...(draft.actor ? { actor: draft.actor } : {}),
    ...(draft.target ? { target: draft.target } : {}),
    outcome: draft.outcome,
    ...(draft.authz ? { authz: draft.authz } : {}),
    ...(Object.keys(draft.keys).length > 0 ? { keys: draft.keys } : {}),
    ...(draft.verdict ? { verdict: draft.verdict } : {}),
    notable: isNotable(draft),
    ...(chain !== undefined ? { chain } : {}),
  };
}

/**
 * Connected chains over the edges the analyst has not rejected. A decision and the request it decided
 * are one step, not a chain of their own: every API request has one, so decisions join their request's
 * chain instead of making one.
 */
function findChains(nodes: NodeDraft[], edges: GraphEdge[]): Map<string, number> {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let at = id; at !== root;) {
      const next = parent.get(at)!;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  const linked = new Set<string>();
  const decisionOf = new Map<string, string>();
  const joinedElsewhere = new Set<string>();
  for (const edge of edges) {
    if (edge.rule !== 'authz-annotation' && edge.rule !== 'taint' && edge.status !== 'rejected')
      joinedElsewhere.add(edge.from).add(edge.to);
  }
  const join = (edge: GraphEdge) => {
    for (const id of [edge.from, edge.to]) if (!parent.has(id)) parent.set(id, id);
    linked.add(edge.from).add(edge.to);
    const [a, b] = [find(edge.from), find(edge.to)];
    if (a !== b) parent.set(a, b);
  };
  // A controller's Event naming the next object (event-message) joins a chain only when its own Event is
  // in one: a cluster's controllers name objects all day, and their cascades are not each a chain.
  let cascades: GraphEdge[] = [];
  for (const edge of edges) {
    // A taint edge is drawn over chains, never joins two: a later turn copying an earlier result is still its own task.
    if (edge.status === 'rejected' || edge.rule === 'taint') continue;
    // A decision joins a chain only when something else (a tool call) leads to it.
    if (edge.rule === 'authz-annotation' && !joinedElsewhere.has(edge.from)) {
      decisionOf.set(edge.from, edge.to);
      continue;
    }
    if (edge.rule === 'event-message') cascades.push(edge);
    else join(edge);
  }
  for (let grew = true; grew;) {
    const before = cascades.length;
    cascades = cascades.filter((edge) => {
      if (!linked.has(edge.from)) return true;
      join(edge);
      return false;
    });
    grew = cascades.length < before;
  }
  const roots = new Map<string, number>();
  const chainOf = new Map<string, number>();
  for (const node of [...nodes].sort(compareNodes)) {
    if (!linked.has(node.id)) continue;
    const root = find(node.id);
    if (!roots.has(root)) roots.set(root, roots.size + 1);
    chainOf.set(node.id, roots.get(root)!);
  }
  for (const [decision, request] of decisionOf) {
    const chain = chainOf.get(request);
    if (chain !== undefined) chainOf.set(decision, chain);
  }
  return chainOf;
}

function summarize(nodes: GraphNode[]): ChainSummary[] {
  const byChain = new Map<number, GraphNode[]>();
  for (const node of nodes) {
    if (node.chain === undefined) continue;
    const list = byChain.get(node.chain);
    if (list) list.push(node);
    else byChain.set(node.chain, [node]);
  }
  const chains = [...byChain].map(([id, members]): ChainSummary => {
    const timed = members
      .filter((m) => m.time)
      .map((m) => m.time!)
      .sort();
    const lead = members.find((m) => m.kind === 'prompt') ?? members.find((m) => m.kind === 'tool_call') ?? members[0]!;
    return {
      id,
      nodes: members.length,
      notable: members.filter((m) => m.notable).length,
      ...(timed.length > 0 ? { first_time: timed[0], last_time: timed.at(-1) } : {}),
      label: lead.label,
    };
  });
  const agentic = (c: ChainSummary) => (byChain.get(c.id)!.some((n) => n.lane === 'prompt' || n.lane === 'tool') ? 1 : 0);
  return chains.sort((a, b) => agentic(b) - agentic(a) || b.notable - a.notable || b.nodes - a.nodes || a.id - b.id);
}

function groupBackground(
  nodes: NodeDraft[],
  routine: RoutineRequests | undefined,
  keepMembers: boolean,
): { groups: NodeGroup[]; members: Map<string, GroupMembers> } {
  const groups = new Map<string, NodeGroup>();
  const building = new Map<string, Pick<MembersBuilder, 'add' | 'done'>>();
  const sizes = new Map<string, { members: number; events: number }>();
  type Members = Pick<MembersBuilder, 'add' | 'done'>;
  const groupOf = (id: string, lane: NodeDraft['lane'], kind: NodeDraft['kind'], who: string): [NodeGroup, Members] => {
    let group = groups.get(id);
    let of = building.get(id);
    if (!group || !of) {
      group = { id, label: `${kind} by ${who}`, lane, count: 0, nodes: 0, event_ids: [] };
      of = keepMembers ? new MembersBuilder(sizes.get(id)) : LEFT_OUT;
      groups.set(id, group);
      building.set(id, of);
    }
    return [group, of];
  };
  const addMember = (group: NodeGroup, of: Members, eventIds: readonly number[]): void => {
    group.count += eventIds.length;
    group.nodes += 1;
    if (group.event_ids.length < GROUP_SAMPLE) group.event_ids.push(...eventIds.slice(0, GROUP_SAMPLE - group.event_ids.length));
    of.add(eventIds);
  };
  const groupIdOf = (lane: string, kind: string, who: string): string => `g:${lane}:${kind}:${who}`;
  // Each group's size, counted before its columns are made.
  const counted = (id: string, members: number, events: number): void => {
    const size = sizes.get(id) ?? { members: 0, events: 0 };
    sizes.set(id, { members: size.members + members, events: size.events + events });
  };
  for (const node of nodes) counted(groupIdOf(node.lane, node.kind, node.actor?.id ?? 'unknown actor'), 1, node.eventIds.length);
  // An actor's routine reads go to the group of its API requests, merged into the other members in node
  // order: the nodes come in node order, and before each, the reads that arrived before its first event.
  const eventIdsOf = routine?.eventIds();
  const readGroups = (routine?.actorNames ?? []).map((who) => groupIdOf('api', 'k8s_api', who));
  if (routine) {
    const [members, events] = [new Float64Array(readGroups.length), new Float64Array(readGroups.length)];
    for (let i = 0; i < routine.keptLength; i += 1) {
      members[routine.actorOf(i)]! += 1;
      events[routine.actorOf(i)]! += eventIdsOf!.count(i);
    }
    readGroups.forEach((id, actor) => counted(id, members[actor]!, events[actor]!));
  }
  const readTargets: ([NodeGroup, Members] | undefined)[] = [];
  let read = 0;
  /** Adds the routine reads numbered below `until` that are not added yet, each to its actor's group. */
  const readsUntil = (until: number): void => {
    if (!routine) return;
    for (; read < routine.keptLength && routine.numberOf(read) < until; read += 1) {
      const actor = routine.actorOf(read);
      const [group, of] = (readTargets[actor] ??= groupOf(readGroups[actor]!, 'api', 'k8s_api', routine.actorNames[actor]!));
      addMember(group, of, eventIdsOf!.of(read));
    }
  };
  for (const node of nodes) {
    readsUntil(node.routineBefore ?? Number.POSITIVE_INFINITY);
    const who = node.actor?.id ?? 'unknown actor';
    const [group, of] = groupOf(groupIdOf(node.lane, node.kind, who), node.lane, node.kind, who);
    addMember(group, of, node.eventIds);
  }
  readsUntil(Number.POSITIVE_INFINITY);
  // Only a sample kept (no members): the reads past each actor's sample are counted, not added.
  routine?.unkeptRequests.forEach((requests, actor) => {
    if (requests === 0) return;
    const [group] = (readTargets[actor] ??= groupOf(readGroups[actor]!, 'api', 'k8s_api', routine.actorNames[actor]!));
    group.nodes += requests;
    group.count += routine.unkeptEvents[actor]!;
  });
  const members = new Map(keepMembers ? [...building].map(([id, of]) => [id, of.done()]) : []);
  return { groups: [...groups.values()].sort((a, b) => b.count - a.count || a.id.localeCompare(b.id)), members };
}

/** The event ids of each member node of a group, from `offset`, `limit` nodes at most. */
export function memberEventIds(members: GroupMembers, offset: number, limit: number): number[][] {
  const out: number[][] = [];
  for (let i = offset; i < Math.min(members.starts.length, offset + limit); i += 1) {
    out.push(Array.from(members.events.subarray(members.starts[i], members.starts[i + 1] ?? members.events.length)));
  }
  return out;
}

/**
 * Background members as graph nodes, each built from its own events exactly as the linker built it
 * (the stages of a request are one node; a recurring Event is one), with the authorization decision a
 * request brings and the edge between the two. Members are in no chain.
 */
export function buildMemberNodes(members: readonly (readonly LinkEvent[])[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges = new EdgeSet();
  for (const events of members) {
    const built = buildNodes(events);
    linkDecisions(built, new Map(built.nodes.map((node) => [node.id, node])), edges);
    for (const draft of built.nodes) nodes.push(toNode(draft, undefined));
  }
  return { nodes, edges: edges.all() };
}

/**
 * A case's events as a store can hand them over cheaply: each as its lean stage, in the order the linker
 * reads events, and `full`, which reads the whole event of a stage (a new object). With a routine context,
 * only the events the linker must have are read whole: a million routine requests' rows are read as a
 * dozen columns, not two dozen and a subquery.
 */
export interface LeanEvents {
  stages: Iterable<LeanStage>;
  full: (stage: LeanStage) => LinkEvent;
}

function isLean(events: Iterable<LinkEvent> | LeanEvents): events is LeanEvents {
  return 'stages' in events && 'full' in events;
}

function* everyEvent(events: LeanEvents): Generator<LinkEvent> {
  for (const stage of events.stages) yield events.full(stage);
}

/**
 * The linker, keeping what a background group needs to be expanded later. `objects` is the case's
 * identity table (built at import from the raw records); without it, the events' own targets make one.
 * With `routine` (and `objects`), routine reads skip the nodes and go to their background group as they
 * are (core/link/routine.ts): the graph is the same, its cost no longer grows with them. Its `quiet`, if
 * any, must index `objects`: the linker asks that index.
 */
export function linkCaseEvents(
  events: Iterable<LinkEvent> | LeanEvents,
  analyst: AnalystInput = {},
  objects?: ObjectTable,
  routine?: RoutineContext,
  options: LinkOptions = {},
): LinkedCase {
  const keepMembers = options.members ?? true;
  // Without members, a group needs of its routine reads only their counts and its first event ids.
  const reads = objects && routine ? new RoutineRequests(routine, keepMembers ? undefined : GROUP_SAMPLE) : undefined;
  let list: Iterable<LinkEvent>;
  if (isLean(events)) list = reads ? reads.setAsideStages(events.stages, events.full) : everyEvent(events);
  else list = reads ? reads.setAside(events) : events;
  if (!objects) list = [...list];
  const built = buildNodes(list);
  const byId = new Map(built.nodes.map((node) => [node.id, node]));
  const edges = new EdgeSet();
  // The routine rules asked the case's table through an index of it already (`RoutineContext.quiet`).
  const index = reads?.quietIndex ?? new ObjectIndex(objects ?? objectTableOf(sightingsOfEvents(list as LinkEvent[])));
  linkExplicit(built, byId, edges, index);
  linkToolTargets(built.nodes, edges, built.authzOf, byId);
  linkTaintEdges(built.nodes, edges, byId);
  for (const drawn of analyst.edges ?? []) {
    const [from, to] = [byId.get(drawn.from), byId.get(drawn.to)];
    if (from && to) edges.add(from, to, 'analyst', 'analyst', [], drawn.note);
  }
  const graphEdges: GraphEdge[] = edges.all().map((edge) => {
    const decided = analyst.decisions?.get(edge.id);
    if (edge.strength === 'analyst')
      return { ...edge, id: analyst.edges?.find((d) => d.from === edge.from && d.to === edge.to)?.id ?? edge.id };
    if (edge.strength !== 'inferred') return edge;
    return { ...edge, status: decided ?? 'proposed' };
  });
  const chainOf = findChains(built.nodes, graphEdges);
  const shown: GraphNode[] = [];
  const background: NodeDraft[] = [];
  const visible = (draft: NodeDraft) => chainOf.has(draft.id) || ALWAYS_SHOWN.has(draft.kind) || isNotable(draft);
  const requestOf = new Map([...built.authzOf].map(([request, decision]) => [decision, request]));
  for (const draft of [...built.nodes].sort(compareNodes)) {
    // A decision is shown with its request; a request that is shown brings its decision.
    const request = requestOf.get(draft.id);
    const show = request !== undefined ? visible(byId.get(request)!) || isNotable(draft) : visible(draft);
    if (show) shown.push(toNode(draft, chainOf.get(draft.id)));
    else if (request === undefined) background.push(draft);
  }
  const kept = new Set(shown.map((node) => node.id));
  const keptEdges = graphEdges.filter((edge) => kept.has(edge.from) && kept.has(edge.to));
  // A background request's decision comes back with it when its group is expanded.
  const backgroundIds = new Set(background.flatMap((draft) => [draft.id, built.authzOf.get(draft.id) ?? draft.id]));
  const backgroundEdges = graphEdges.filter(
    (edge) => edge.rule !== 'authz-annotation' && (backgroundIds.has(edge.from) || backgroundIds.has(edge.to)),
  );
  const { groups, members } = groupBackground(background, reads, keepMembers);
  const graph = { nodes: shown, edges: keptEdges, groups, chains: summarize(shown) };
  return { graph, members, backgroundEdges, ...(keepMembers ? {} : { membersLeftOut: true as const }) };
}
