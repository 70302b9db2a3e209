// Service glue of issue 20: the case's linked graph and events gathered for the pure analyses of
// core/analysis/guardrails and core/analysis/taint (docs/analyses-guardrails.md).
import { analyzeGuardrails, type GuardrailCall } from '../core/analysis/guardrails';
import { findInjections } from '../core/analysis/taint';
import type { LinkedCase } from '../core/link';
import { labelOf } from '../core/link/nodes';
import type { AnalysisState } from '../shared/analysis';
import type { GuardrailsReport, InjectionFinding, TaintReport } from '../shared/contract';
import type { GraphEdge, GraphNode } from '../shared/graph';
import type { EventJson } from '../shared/model';
import { parseRfc3339Nanos } from '../shared/time';
import type { CaseStore } from '../store/case-store';
import { getEvent, iterateEvents } from '../store/queries';

/** Rules along which a tainted step reaches what it caused: the call's own records, the cluster's response. */
const PROPAGATES = new Set([
  'taint',
  'otel-parent-span',
  'mcp-traceparent',
  'tool-call-id',
  'jsonrpc-id',
  'tool-target',
  'authz-annotation',
  'admission-annotation',
  'involved-object',
  'owner-reference',
  'event-message',
]);
const RBAC_RESOURCES = new Set(['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']);

const liveEdges = (linked: LinkedCase): GraphEdge[] =>
  [...linked.graph.edges, ...linked.backgroundEdges].filter((e) => e.status !== 'rejected');

/** Where the matched text sits in the raw record, in bytes, when the record holds it (JSON-escaped or not). */
function rawOffset(raw: Buffer | undefined, text: string, offset: number): number | undefined {
  if (!raw) return undefined;
  const probe = text.slice(offset, offset + 24);
  const rawText = raw.toString('utf8');
  for (const form of [JSON.stringify(probe).slice(1, -1), probe]) {
    const at = rawText.indexOf(form);
    if (at >= 0) return Buffer.byteLength(rawText.slice(0, at));
  }
  return undefined;
}

export function taintReport(store: CaseStore, linked: LinkedCase): TaintReport {
  const nodes = new Map(linked.graph.nodes.map((n) => [n.id, n]));
  const edges = liveEdges(linked);
  const first = (id: string) => nodes.get(id)?.event_ids[0];
  const taintEdges = edges.filter((e) => e.rule === 'taint' && e.fields[0]?.from === 'text');
  const report: TaintReport = {
    edges: taintEdges.flatMap((e) => {
      const [from, to] = [first(e.from), first(e.to)];
      if (from === undefined || to === undefined) return [];
      const span = e.fields[0]!.value;
      return [
        {
          from_event: from,
          to_event: to,
          span,
          match: /\(normalized\)/.test(e.note ?? '') ? ('normalized' as const) : ('exact' as const),
          words: Number(/repeats (\d+) words/.exec(e.note ?? '')?.[1] ?? 0),
        },
      ];
    }),
    findings: [],
    reached: [],
  };
  // Everything downstream of a taint edge carries the source's labels.
  const out = new Map<string, GraphEdge[]>();
  for (const e of edges) if (PROPAGATES.has(e.rule)) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const reached = new Map<number, { labels: Set<string>; from: number }>();
  for (const start of taintEdges) {
    const origin = first(start.from)!;
    const seen = new Set<string>([start.from]);
    const queue = [start.to];
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const eventId of nodes.get(id)?.event_ids ?? [])
        if (!reached.has(eventId)) reached.set(eventId, { labels: new Set(['tool_output', 'tainted']), from: origin });
      for (const e of out.get(id) ?? []) queue.push(e.to);
    }
  }
  report.reached = [...reached].sort(([a], [b]) => a - b).map(([event_id, r]) => ({ event_id, labels: [...r.labels], from_event: r.from }));
  const findings: InjectionFinding[] = [];
  for (const event of iterateEvents(store, { kind: ['tool_result'] }, {})) {
    if (!event.text) continue;
    for (const finding of findInjections({ event_id: event.id, source: event.source, position: event.position, text: event.text })) {
      const raw = rawOffset(getEvent(store, event.id)?.raw, event.text, finding.offset);
      findings.push({ ...finding, ...(raw !== undefined ? { raw_offset: raw } : {}) });
    }
  }
  report.findings = findings;
  return report;
}

const timeNs = (time: string | undefined): bigint | null => (time ? parseRfc3339Nanos(time) : null);

/** The identities agents used: the actors of the API requests a tool call is joined to. */
function agentActors(linked: LinkedCase, nodes: Map<string, GraphNode>): Map<string, { id: string; on_behalf_of?: string }> {
  const edges = liveEdges(linked);
  const requestOfDecision = new Map(edges.filter((e) => e.rule === 'authz-annotation').map((e) => [e.from, e.to]));
  const actors = new Map<string, { id: string; on_behalf_of?: string }>();
  for (const e of edges) {
    if (e.rule !== 'tool-target') continue;
    const request = nodes.get(requestOfDecision.get(e.to) ?? e.to);
    if (request?.kind !== 'k8s_api' || !request.actor) continue;
    actors.set(`${request.actor.id}\u0000${request.actor.on_behalf_of ?? ''}`, {
      id: request.actor.id,
      ...(request.actor.on_behalf_of ? { on_behalf_of: request.actor.on_behalf_of } : {}),
    });
  }
  return actors;
}

export function guardrailsReport(
  store: CaseStore,
  linked: LinkedCase,
  state: AnalysisState,
  taint: TaintReport,
  intendedIds?: readonly number[],
): GuardrailsReport {
  const nodes = new Map(linked.graph.nodes.map((n) => [n.id, n]));
  const calls: GuardrailCall[] = [];
  for (const actor of agentActors(linked, nodes).values()) {
    // The stages of one request are one call: the latest stage stands for it.
    const byRequest = new Map<string, EventJson>();
    for (const event of iterateEvents(store, { kind: ['k8s_api'], actor: actor.id }, {})) {
      if (event.actor?.id !== actor.id || event.actor.on_behalf_of !== actor.on_behalf_of) continue;
      const key = event.keys?.audit_id ? `${event.keys.audit_id}\u0000${event.action}` : `e${event.id}`;
      byRequest.set(key, event);
    }
    for (const event of byRequest.values()) calls.push({ event, timeNs: timeNs(event.time), label: labelOf(event) });
  }
  const admissionOf = new Map(
    liveEdges(linked)
      .filter((e) => e.rule === 'admission-annotation')
      .map((e) => [e.from, e.to]),
  );
  const policies = [...iterateEvents(store, { kind: ['policy_decision'] }, {})].map((event) => {
    const policyNode = linked.graph.nodes.find((n) => n.event_ids.includes(event.id));
    const request = policyNode ? nodes.get(admissionOf.get(policyNode.id) ?? '') : undefined;
    return { event, ...(request ? { request: { id: request.event_ids.at(-1)!, label: request.label } } : {}) };
  });
  const objects: unknown[] = [];
  for (const event of iterateEvents(store, { kind: ['snapshot'] }, {})) {
    if (!RBAC_RESOURCES.has(event.target?.resource ?? '')) continue;
    const raw = getEvent(store, event.id)?.raw;
    try {
      if (raw) objects.push(JSON.parse(raw.toString('utf8')));
    } catch {
      // A listing record that is not one object (it imported, so this does not happen); skipped.
    }
  }
  const tainted = new Set(taint.reached.map((r) => r.event_id));
  let intended: Parameters<typeof analyzeGuardrails>[0]['intended'] = { basis: 'all' };
  const rootTimes = state.roles
    .filter((r) => r.role === 'root_cause')
    .map((r) => timeNs(nodes.get(r.node)?.time))
    .filter((t): t is bigint => t !== null);
  const taintedTimes = calls.filter((c) => tainted.has(c.event.id) && c.timeNs !== null).map((c) => c.timeNs!);
  const min = (list: bigint[]) => list.reduce((a, b) => (b < a ? b : a));
  if (intendedIds) intended = { basis: 'analyst', ids: new Set(intendedIds) };
  else if (rootTimes.length > 0) intended = { basis: 'root_cause', beforeNs: min(rootTimes) };
  else if (taintedTimes.length > 0) intended = { basis: 'taint', beforeNs: min(taintedTimes) };
  return analyzeGuardrails({ calls, policies, objects, intended, tainted });
}
