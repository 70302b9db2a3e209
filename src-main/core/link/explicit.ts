// Explicit joins: an identifier that one record names and another carries. Each rule is a function that
// adds edges with the fields that joined them; docs/linking.md has one example per rule.
import type { GraphEdge, JoinField } from '../../shared/graph';
import type { ObjectIndex } from './identity';
import { addObjectEdge, linkControllerMessages, writesOf, type Write } from './objects';
import { compareNodes, WRITE_VERBS, type BuiltNodes, type NodeDraft } from './nodes';

export type EdgeDraft = Omit<GraphEdge, 'id' | 'status'>;

export class EdgeSet {
  private readonly byId = new Map<string, EdgeDraft>();
  private readonly out = new Map<string, EdgeDraft[]>();

  add(from: NodeDraft, to: NodeDraft, rule: string, strength: EdgeDraft['strength'], fields: JoinField[], note?: string): void {
    if (from.id === to.id) return;
    const pair = `${from.id}->${to.id}`;
    // One edge per pair: the first (strongest) rule that joined them stands.
    for (const prefix of ['explicit', 'inferred', 'analyst']) if (this.byId.has(`${prefix}:${pair}`)) return;
    const edge = { from: from.id, to: to.id, rule, strength, fields, ...(note ? { note } : {}) };
    this.byId.set(`${strength}:${pair}`, edge);
    push(this.out, from.id, edge);
  }

  has(from: string, to: string): boolean {
    return ['explicit', 'inferred', 'analyst'].some((s) => this.byId.has(`${s}:${from}->${to}`));
  }

  all(): (EdgeDraft & { id: string })[] {
    return [...this.byId.values()].map((edge) => ({ id: `${edge.rule}:${edge.from}->${edge.to}`, ...edge }));
  }

  outgoing(from: string): EdgeDraft[] {
    return this.out.get(from) ?? [];
  }
}

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const isMcp = (node: NodeDraft): boolean => node.format?.startsWith('mcp') === true;

/** OTel parent span, and W3C traceparent carried in MCP `params._meta`: parent span → child. */
function linkSpans(nodes: NodeDraft[], edges: EdgeSet): void {
  const bySpan = new Map<string, NodeDraft[]>();
  for (const node of nodes) {
    if (node.kind === 'prompt' || !node.keys.span_id || !node.keys.trace_id) continue;
    push(bySpan, `${node.keys.trace_id}/${node.keys.span_id}`, node);
  }
  for (const child of nodes) {
    const { trace_id: trace, parent_span_id: parent } = child.keys;
    if (!trace || !parent || child.kind === 'prompt') continue;
    // An MCP response answers its request (jsonrpc-id below); only the request hangs off the caller's span.
    if (isMcp(child) && child.kind === 'tool_result') continue;
    for (const owner of bySpan.get(`${trace}/${parent}`) ?? []) {
      const rule = isMcp(child) && !isMcp(owner) ? 'mcp-traceparent' : 'otel-parent-span';
      const fields = [
        { from: 'keys.span_id', to: rule === 'mcp-traceparent' ? 'params._meta.traceparent' : 'keys.parent_span_id', value: parent },
      ];
      edges.add(owner, child, rule, 'explicit', fields);
    }
  }
}

/** A prompt taken from a span's input messages hangs off that span; elsewhere, off its conversation turn. */
function linkPrompts(nodes: NodeDraft[], edges: EdgeSet): void {
  const bySpan = new Map<string, NodeDraft>();
  for (const node of nodes) {
    if (node.kind !== 'prompt' && node.keys.span_id && node.keys.trace_id) bySpan.set(`${node.keys.trace_id}/${node.keys.span_id}`, node);
  }
  for (const prompt of nodes) {
    if (prompt.kind !== 'prompt' || !prompt.keys.span_id || !prompt.keys.trace_id) continue;
    const carrier = bySpan.get(`${prompt.keys.trace_id}/${prompt.keys.span_id}`);
    if (carrier)
      edges.add(prompt, carrier, 'prompt-in-span', 'explicit', [{ from: 'keys.span_id', to: 'keys.span_id', value: prompt.keys.span_id }]);
  }
}

/**
 * `gen_ai.tool.call.id` ↔ the tool's result and ↔ the JSON-RPC id of the MCP request that carried it; an
 * MCP request ↔ its response by JSON-RPC id within one transcript.
 */
function linkToolCalls(nodes: NodeDraft[], edges: EdgeSet): void {
  const results = new Map<string, NodeDraft[]>();
  const requestsByRpc = new Map<string, NodeDraft[]>();
  const responsesByRpc = new Map<string, NodeDraft[]>();
  for (const node of nodes) {
    if (node.kind === 'tool_result' && node.keys.tool_call_id) push(results, node.keys.tool_call_id, node);
    if (isMcp(node) && node.keys.jsonrpc_id) push(node.kind === 'tool_result' ? responsesByRpc : requestsByRpc, node.keys.jsonrpc_id, node);
  }
  for (const call of nodes) {
    if (call.kind !== 'tool_call') continue;
    const id = call.keys.tool_call_id;
    if (id) {
      for (const result of results.get(id) ?? []) {
        edges.add(call, result, 'tool-call-id', 'explicit', [{ from: 'keys.tool_call_id', to: 'keys.tool_call_id', value: id }]);
      }
      if (!isMcp(call)) {
        for (const request of requestsByRpc.get(id) ?? []) {
          edges.add(call, request, 'tool-call-id', 'explicit', [{ from: 'gen_ai.tool.call.id', to: 'jsonrpc id', value: id }]);
        }
      }
    }
    const rpc = call.keys.jsonrpc_id;
    if (!rpc) continue;
    if (isMcp(call)) {
      for (const response of responsesByRpc.get(rpc) ?? []) {
        if (response.source === call.source) edges.add(call, response, 'jsonrpc-id', 'explicit', [{ from: 'id', to: 'id', value: rpc }]);
      }
    } else {
      // An MCP client span names the request id it sent (`jsonrpc.request.id`).
      for (const request of requestsByRpc.get(rpc) ?? []) {
        if (!edges.has(call.id, request.id))
          edges.add(call, request, 'jsonrpc-id', 'explicit', [{ from: 'jsonrpc.request.id', to: 'id', value: rpc }]);
      }
    }
  }
}

/** An API request's authorization annotations: the decision node → the request it decided. */
export function linkDecisions(built: BuiltNodes, byId: Map<string, NodeDraft>, edges: EdgeSet): void {
  for (const [api, decision] of built.authzOf) {
    const node = byId.get(api)!;
    edges.add(byId.get(decision)!, node, 'authz-annotation', 'explicit', [
      {
        from: 'annotations["authorization.k8s.io/decision"]',
        to: 'auditID',
        value: `${node.authz!.decision} (${node.keys.audit_id ?? ''})`,
      },
    ]);
  }
}

/**
 * Subresources whose writes change the object itself (`scale` sets replicas, `binding` places a pod,
 * `eviction` removes it, `ephemeralcontainers` and `exec` act inside it); `status` is bookkeeping.
 */
const CHANGING_SUBRESOURCES = new Set(['scale', 'eviction', 'binding', 'ephemeralcontainers', 'exec']);

/** Whether a write to this resource changes an object (not an Event, a Lease, or a bookkeeping subresource). */
export function changesObject(targetResource: string | undefined): boolean {
  const [resource, subresource] = (targetResource ?? '').split('/');
  if (subresource !== undefined && !CHANGING_SUBRESOURCES.has(subresource)) return false;
  return !['events', 'leases'].includes(resource ?? '');
}

export const isWrite = (node: NodeDraft): boolean => {
  if (node.kind !== 'k8s_api' || !WRITE_VERBS.has(node.action ?? '') || node.outcome !== 'success') return false;
  return changesObject(node.target?.resource);
};

/** An admission policy's verdict recorded on the request it judged (the same audit event). */
function linkPolicies(nodes: NodeDraft[], edges: EdgeSet): void {
  const requests = new Map<string, NodeDraft>();
  for (const node of nodes) if (node.kind === 'k8s_api' && node.keys.audit_id) requests.set(`${node.source}|${node.keys.audit_id}`, node);
  for (const policy of nodes) {
    if (policy.kind !== 'policy_decision' || !policy.keys.audit_id) continue;
    const request = requests.get(`${policy.source}|${policy.keys.audit_id}`);
    if (request) {
      edges.add(
        policy,
        request,
        'admission-annotation',
        'explicit',
        [{ from: 'annotations["validation.policy.admission.k8s.io/validation_failure"]', to: 'auditID', value: policy.keys.audit_id }],
        policy.authz?.reason,
      );
    }
  }
}

const EVENT_PRECISION_NS = 1_000_000_000n;

/**
 * Kubernetes objects: a workload Event names its object's uid (`involvedObject`/`regarding`); an object
 * names its owners' uids (`ownerReferences`). Each is joined to the latest successful write to that
 * object before it (the change it followed from) and, when the case holds no write to the object (and no
 * controller's Event named it), to the latest write to its nearest owner. A write that names its object
 * only by name is the object's when the identity table says which uid held that name then: `inferred`.
 */
function linkObjects(nodes: NodeDraft[], edges: EdgeSet, index: ObjectIndex, named: ReadonlySet<string>): void {
  const writes = new Map<string, Write[]>();
  const sorted = [...nodes].sort(compareNodes);
  for (const node of sorted) {
    if (!isWrite(node)) continue;
    for (const write of writesOf(node, index)) push(writes, write.uid, write);
  }
  const latestWriteBefore = (uid: string, node: NodeDraft): Write | undefined => {
    const list = writes.get(uid);
    if (!list || node.timeNs === null) return undefined;
    // A core/v1 Event's time is in whole seconds: a write later in the same second may be its cause.
    const until = node.kind === 'workload_event' ? node.timeNs + EVENT_PRECISION_NS : node.timeNs;
    let found: Write | undefined;
    for (const write of list) {
      if (write.node.id === node.id || write.node.timeNs === null || write.node.timeNs >= until + (until === node.timeNs ? 1n : 0n)) break;
      found = write;
    }
    return found;
  };
  const ownersOf = (node: NodeDraft, uid: string | undefined): readonly string[] =>
    node.keys.owner_uids ?? (uid ? index.ownersOf(uid) : []);
  for (const node of sorted) {
    if (node.kind === 'workload_event') {
      const uid = node.keys.object_uid ?? node.target?.uid;
      if (!uid) continue;
      const cause = latestWriteBefore(uid, node);
      if (cause) {
        addObjectEdge(edges, cause, node, 'involved-object', { from: 'objectRef uid', to: 'involvedObject.uid', value: uid });
        continue;
      }
      if (named.has(node.id)) continue; // a controller's Event named this object: that is the nearer cause
      for (const owner of ownersOf(node, uid)) {
        const ownerCause = latestWriteBefore(owner, node);
        if (ownerCause)
          addObjectEdge(edges, ownerCause, node, 'owner-reference', {
            from: 'objectRef uid',
            to: 'ownerReferences[].uid of the involved object',
            value: owner,
          });
      }
    } else if (isWrite(node)) {
      // A controller's create or update of an owned object follows the latest change to its owner (named
      // by the record's body, or by another record of the object, e.g. a listing).
      const own = writesOf(node, index).find((w) => w.byName === undefined)?.uid;
      for (const owner of ownersOf(node, own)) {
        const cause = latestWriteBefore(owner, node);
        if (cause)
          addObjectEdge(edges, cause, node, 'owner-reference', { from: 'objectRef uid', to: 'ownerReferences[].uid', value: owner });
      }
    }
  }
}

/**
 * Transcript order within one conversation: a prompt leads to the agent's next step, and a tool's result
 * to the step after it. Joined by the conversation (or the transcript), ordered by time or position.
 */
function linkTurns(nodes: NodeDraft[], edges: EdgeSet): void {
  const conversations = new Map<string, NodeDraft[]>();
  for (const node of nodes) {
    if (!['prompt', 'model_call', 'tool_call', 'tool_result', 'reasoning'].includes(node.kind) || isMcp(node)) continue;
    const conversation = node.keys.conversation_id;
    // Spans are joined by their parents; only untimed transcripts and conversation ids need turns.
    if (!conversation && node.timeNs !== null) continue;
    push(conversations, conversation ? `c:${conversation}` : `s:${node.source}`, node);
  }
  for (const [group, members] of conversations) {
    members.sort(compareNodes);
    for (let i = 0; i < members.length - 1; i += 1) {
      const node = members[i]!;
      if (node.kind !== 'prompt' && node.kind !== 'tool_result') continue;
      const next = members
        .slice(i + 1)
        .find((m) => m.kind !== 'prompt' && m.kind !== 'tool_result' && (node.kind === 'prompt' || m.position !== node.position));
      if (!next || (node.kind === 'prompt' && edges.outgoing(node.id).length > 0)) continue;
      const value = group.slice(2);
      const field = group.startsWith('c:') ? 'keys.conversation_id' : 'source order';
      edges.add(
        node,
        next,
        'conversation-turn',
        'explicit',
        [{ from: field, to: field, value }],
        node.timeNs === null ? 'next in transcript order (no timestamps)' : undefined,
      );
    }
  }
}

export function linkExplicit(built: BuiltNodes, byId: Map<string, NodeDraft>, edges: EdgeSet, index: ObjectIndex): void {
  linkSpans(built.nodes, edges);
  linkPrompts(built.nodes, edges);
  linkToolCalls(built.nodes, edges);
  linkDecisions(built, byId, edges);
  linkPolicies(built.nodes, edges);
  const named = linkControllerMessages(built.nodes, edges, index);
  linkObjects(built.nodes, edges, index, named);
  linkTurns(built.nodes, edges);
}
