// The `taint` rule: a tool result's distinctive span repeated in a later model turn or tool call's
// arguments (core/analysis/taint decides), drawn as an inferred edge naming the span; a tainted model
// turn hands the taint on to the tool call it asked for.
import { linkTaint } from '../analysis/taint';
import type { EdgeSet } from './explicit';
import type { NodeDraft } from './nodes';

const KINDS = new Set(['prompt', 'tool_result', 'tool_call', 'model_call', 'reasoning']);

export function linkTaintEdges(nodes: readonly NodeDraft[], edges: EdgeSet, byId: ReadonlyMap<string, NodeDraft>): void {
  const items = nodes
    .filter((n) => KINDS.has(n.kind))
    .map((n) => ({
      id: n.id,
      kind: n.kind,
      ...(n.text ? { text: n.text } : {}),
      timeNs: n.timeNs,
      source: n.source,
      position: n.position,
      ...(n.keys.trace_id ? { traceId: n.keys.trace_id } : {}),
    }));
  for (const link of linkTaint(items)) {
    const [from, to] = [byId.get(link.from), byId.get(link.to)];
    if (!from || !to) continue;
    const fields = link.span
      ? [{ from: 'text', to: 'text', value: link.span }]
      : [{ from: 'keys.trace_id', to: 'keys.trace_id', value: to.keys.trace_id ?? '' }];
    edges.add(from, to, 'taint', 'inferred', fields, link.note);
  }
}
