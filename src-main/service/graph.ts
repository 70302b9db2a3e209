// The causal graph of a case: every event, with its source's format, through the linker; the analyst's
// decisions on inferred edges and the edges they drew come from the case's analysis tables.
import { linkEvents, type AnalystInput, type LinkEvent } from '../core/link';
import type { EventFilter } from '../shared/contract';
import type { Graph } from '../shared/graph';
import type { CaseStore } from '../store/case-store';
import { iterateEvents, listSources, matchingEventIds, type TimeBounds } from '../store/queries';
import { verdictLookup } from './verification';

function* withFormats(store: CaseStore): Generator<LinkEvent> {
  const formats = new Map(listSources(store).map((source) => [source.name, source.format]));
  for (const event of iterateEvents(store, {}, {}, verdictLookup(store))) yield { ...event, format: formats.get(event.source) };
}

/** Links the whole case; with a filter, keeps the nodes whose events match it (links still see everything). */
export function buildGraph(store: CaseStore, analyst: AnalystInput = {}, filter?: { filter: EventFilter; bounds: TimeBounds }): Graph {
  return filterGraph(store, linkCase(store, analyst), filter);
}

/** The whole case through the linker, unfiltered. */
export function linkCase(store: CaseStore, analyst: AnalystInput = {}): Graph {
  return linkEvents(withFormats(store), analyst);
}

/**
 * What changes the linked graph of a case: its events and their verdicts (verification runs). A graph
 * linked under one key can be filtered again and again without linking the case anew.
 */
export function graphKey(store: CaseStore): string {
  const row = store.db
    .prepare('SELECT (SELECT count(*) FROM event) AS events, (SELECT max(id) FROM event) AS last, (SELECT max(id) FROM verification) AS verified')
    .get() as { events: number; last: number | null; verified: number | null };
  return `${row.events}:${row.last ?? 0}:${row.verified ?? 0}`;
}

/** Keeps the nodes of a linked graph whose events match the filter, and the edges, groups and chains among them. */
export function filterGraph(store: CaseStore, graph: Graph, filter?: { filter: EventFilter; bounds: TimeBounds }): Graph {
  if (!filter || Object.values(filter.filter).every((v) => v === undefined || (Array.isArray(v) && v.length === 0))) return graph;
  const matching = matchingEventIds(store, filter.filter, filter.bounds);
  const nodes = graph.nodes.filter((node) => node.event_ids.some((id) => matching.has(id)));
  const kept = new Set(nodes.map((node) => node.id));
  return {
    nodes,
    edges: graph.edges.filter((edge) => kept.has(edge.from) && kept.has(edge.to)),
    groups: graph.groups
      .map((group) => ({ ...group, event_ids: group.event_ids.filter((id) => matching.has(id)) }))
      .filter((group) => group.event_ids.length > 0),
    chains: graph.chains.filter((chain) => nodes.some((node) => node.chain === chain.id)),
  };
}
