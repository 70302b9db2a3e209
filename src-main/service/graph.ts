// The causal graph of a case: every event, with its source's format, through the linker; the analyst's
// decisions on inferred edges and the edges they drew come from the case's analysis tables. Filters and
// expanded background groups work on the linked case; they never link it again.
import {
  AuditIds,
  buildMemberNodes,
  eventsOfDrawnEdges,
  linkCaseEvents,
  memberEventIds,
  ObjectIndex,
  routineStage,
  type AnalystInput,
  type GroupMembers,
  type LinkedCase,
  type LeanEvents,
  type LinkEvent,
  type LinkOptions,
  type RoutineContext,
} from '../core/link';
import { internStrings } from '../core/link/intern';
import type { EventFilter, MethodOutput } from '../shared/contract';
import type { Graph, GraphEdge } from '../shared/graph';
import type { ObjectTable } from '../shared/objects';
import type { CaseStore } from '../store/case-store';
import { auditIdRows, causeUids, eventCount, eventsByIds, toolCallTimes } from '../store/event-lookups';
import { readObjectTable } from '../store/objects';
import { iterateTimedEvents, listSources, matchingEventIds, timedStages, type TimeBounds } from '../store/queries';
import { verdictLookup, verdictsKey } from './verification';

/**
 * Every event of the case as the linker reads it, lean: each as the few columns the routine rules read,
 * and read whole (with its source's format) only when the linker must have it (core/link LeanEvents).
 */
export function leanLinkEventsOf(store: CaseStore): LeanEvents {
  const formats = new Map(listSources(store).map((source) => [source.name, source.format]));
  const { stages, full } = timedStages(store, verdictLookup(store));
  return {
    stages,
    full: (stage) => {
      const linked: LinkEvent = full(stage);
      linked.format = formats.get(linked.source);
      return linked;
    },
  };
}

/** Every event of the case as the linker reads it (with its source's format), in time order. */
export function* linkEventsOf(store: CaseStore): Generator<LinkEvent> {
  const formats = new Map(listSources(store).map((source) => [source.name, source.format]));
  // Each event is a new object of its own: its format is set on it, not on a copy (a copy of every event of
  // the case was a tenth of what the linker allocated).
  for (const event of iterateTimedEvents(store, verdictLookup(store))) {
    const linked: LinkEvent = event;
    linked.format = formats.get(event.source);
    yield linked;
  }
}

/** Links the whole case; with a filter, keeps the nodes whose events match it (links still see everything). */
export function buildGraph(store: CaseStore, analyst: AnalystInput = {}, filter?: { filter: EventFilter; bounds: TimeBounds }): Graph {
  const linked = linkCase(store, analyst);
  return filterGraph(linked, filter && isFiltering(filter.filter) ? matchingEventIds(store, filter.filter, filter.bounds) : undefined);
}

/**
 * What tells a routine request from the case as a whole (core/link/routine.ts): its audit IDs counted, its
 * tool calls' times, the events the analyst drew edges to, and for writes, the objects something may
 * follow from, with the index of `objects` (the case's identity table) that the linker is then handed.
 */
export function routineContext(
  store: CaseStore,
  analyst: AnalystInput = {},
  objects: ObjectTable = readObjectTable(store),
): RoutineContext {
  const times = toolCallTimes(store);
  const analystEvents = eventsOfDrawnEdges(analyst.edges ?? []);
  const causes = causeUids(store);
  for (const row of objects.objects) for (const owner of row.owner_uids ?? []) causes.add(owner);
  const quiet = { causes, index: new ObjectIndex(objects) };
  const auditIds = new AuditIds(eventCount(store));
  let routineStages = 0;
  for (const row of auditIdRows(store)) {
    const stage = {
      id: row.id,
      kind: row.kind,
      action: row.action ?? undefined,
      resource: row.target_resource ?? undefined,
      namespace: row.target_namespace ?? undefined,
      name: row.target_name ?? undefined,
      uid: row.target_uid ?? undefined,
      // An integer, read as such; anything else a forger wrote there is no time (as causa_time gives none).
      timeNs: typeof row.time_ns === 'bigint' ? row.time_ns : null,
      outcome: row.outcome,
      authzDecision: row.authz_decision ?? undefined,
      keys: row.keys,
    };
    const routine = routineStage(stage, times, analystEvents, quiet);
    if (routine) routineStages += 1;
    auditIds.add(row.audit_id, routine);
  }
  return { auditIds, toolCallTimes: times, analystEvents, routineStages, quiet };
}

/**
 * The whole case through the linker, unfiltered, with its background groups' members. Routine reads go
 * to their groups without a node each (core/link/routine.ts); `linkCaseEvents` over every event, as
 * before, gives the same. Each node read its strings from its own row: they are held once afterwards
 * (the graph and report of a million events hold the graph while they work).
 */
export function linkCase(store: CaseStore, analyst: AnalystInput = {}, options: LinkOptions = {}): LinkedCase {
  const objects = readObjectTable(store);
  const linked = linkCaseEvents(leanLinkEventsOf(store), analyst, objects, routineContext(store, analyst, objects), options);
  const seen = new Map<string, string>();
  internStrings(linked.graph, seen);
  internStrings(linked.backgroundEdges, seen);
  return linked;
}

/**
 * What changes the linked graph of a case: its events and their verdicts (what the latest verifications
 * found, not how many ran: a verification that finds the case as it was keeps the key). A graph linked
 * under one key can be filtered again and again without linking the case anew.
 */
export function graphKey(store: CaseStore): string {
  const row = store.db.prepare('SELECT (SELECT count(*) FROM event) AS events, (SELECT max(id) FROM event) AS last').get() as {
    events: number;
    last: number | null;
  };
  return `${row.events}:${row.last ?? 0}:${verdictsKey(store)}`;
}

export function isFiltering(filter: EventFilter): boolean {
  return Object.values(filter).some((v) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0));
}

/** How many of each member's events are `matching`, member by member, without copying the members. */
function* matchingPerMember(members: GroupMembers, matching: ReadonlySet<number>): Generator<number> {
  const { events, starts } = members;
  for (let m = 0; m < starts.length; m += 1) {
    let hits = 0;
    for (let i = starts[m]!; i < (starts[m + 1] ?? events.length); i += 1) if (matching.has(events[i]!)) hits += 1;
    yield hits;
  }
}

/** The members to page through: all of them, or (the indexes of) those with an event `matching`. */
function shownMembers(
  members: GroupMembers,
  matching: ReadonlySet<number> | undefined,
): { total: number; page(offset: number, limit: number): number[][] } {
  if (matching === undefined) return { total: members.starts.length, page: (offset, limit) => memberEventIds(members, offset, limit) };
  const indexes: number[] = [];
  let m = 0;
  for (const hits of matchingPerMember(members, matching)) {
    if (hits > 0) indexes.push(m);
    m += 1;
  }
  return {
    total: indexes.length,
    page: (offset, limit) => indexes.slice(offset, offset + limit).flatMap((i) => memberEventIds(members, i, 1)),
  };
}

/**
 * Keeps the nodes of a linked case whose events are `matching` (all when undefined), and the edges, chains
 * and groups among them; a group counts its members' matching events and nodes.
 */
export function filterGraph(linked: LinkedCase, matching: ReadonlySet<number> | undefined): Graph {
  const { graph } = linked;
  if (matching === undefined) return graph;
  const nodes = graph.nodes.filter((node) => node.event_ids.some((id) => matching.has(id)));
  const kept = new Set(nodes.map((node) => node.id));
  const groups = graph.groups.flatMap((group) => {
    const members = linked.members.get(group.id);
    if (!members) return [];
    let [count, shown] = [0, 0];
    for (const hits of matchingPerMember(members, matching)) {
      count += hits;
      if (hits > 0) shown += 1;
    }
    const sample = group.event_ids.filter((id) => matching.has(id));
    return shown === 0 ? [] : [{ ...group, count, nodes: shown, event_ids: sample }];
  });
  // Said, not silently dropped: each shown node's links to a hidden one, and each lane's hidden nodes.
  const links: Record<string, number> = {};
  for (const edge of graph.edges) {
    if (edge.status === 'rejected' || kept.has(edge.from) === kept.has(edge.to)) continue;
    const shown = kept.has(edge.from) ? edge.from : edge.to;
    links[shown] = (links[shown] ?? 0) + 1;
  }
  const lanes: Record<string, number> = {};
  for (const node of graph.nodes) if (!kept.has(node.id)) lanes[node.lane] = (lanes[node.lane] ?? 0) + 1;
  return {
    nodes,
    edges: graph.edges.filter((edge) => kept.has(edge.from) && kept.has(edge.to)),
    groups,
    chains: graph.chains.filter((chain) => nodes.some((node) => node.chain === chain.id)),
    hidden: { links, lanes },
  };
}

export type GroupPage = MethodOutput<'groupMembers'>;

/**
 * A page of a background group's members (those with an event `matching`, when given) as graph nodes,
 * in time order: each with its decision when it is an API request (unless the graph already shows the
 * decision), and the edges that touch them.
 */
export function groupMembers(
  store: CaseStore,
  linked: LinkedCase,
  request: { group: string; offset: number; limit: number },
  matching: ReadonlySet<number> | undefined,
): GroupPage {
  const members = linked.members.get(request.group);
  if (!members) return { group: request.group, total: 0, offset: request.offset, nodes: [], edges: [] };
  const shownOf = shownMembers(members, matching);
  const page = shownOf.page(request.offset, request.limit);
  const formats = new Map(listSources(store).map((source) => [source.name, source.format]));
  const byId = new Map(
    eventsByIds(store, page.flat(), verdictLookup(store)).map((event) => [event.id, { ...event, format: formats.get(event.source) }]),
  );
  // Each member's events in the order the linker read them (time, then id), as eventsByIds returns them.
  const order = new Map([...byId.keys()].map((id, index) => [id, index]));
  const built = buildMemberNodes(
    page.map((ids) =>
      ids
        .filter((id) => byId.has(id))
        .sort((a, b) => order.get(a)! - order.get(b)!)
        .map((id) => byId.get(id)!),
    ),
  );
  const shown = new Set(linked.graph.nodes.map((node) => node.id));
  const nodes = built.nodes.filter((node) => !shown.has(node.id));
  const ids = new Set(built.nodes.map((node) => node.id));
  const touching: GraphEdge[] = linked.backgroundEdges.filter((edge) => ids.has(edge.from) || ids.has(edge.to));
  return { group: request.group, total: shownOf.total, offset: request.offset, nodes, edges: [...built.edges, ...touching] };
}
