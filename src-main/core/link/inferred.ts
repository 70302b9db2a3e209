// Inferred joins: no identifier crosses from the agent's records to the cluster's, so a tool call is
// joined to the API requests that carried it out when time, actor and target agree. Each such edge says
// how far apart the two were and on which fields they agreed; the analyst accepts or rejects it.
import type { JoinField } from '../../shared/graph';
import { READ_VERBS, type NodeDraft } from './nodes';
import type { EdgeSet } from './explicit';

/** How long after a tool call its API requests may arrive, and how much earlier (clock skew between hosts). */
export const TOOL_WINDOW_NS = 10_000_000_000n;
export const CLOCK_SKEW_NS = 1_000_000_000n;

/** Which API verbs a tool of this name may issue: reads for get/list tools, writes for the others. */
function verbsFit(tool: string, verb: string): boolean {
  const name = tool.toLowerCase();
  const reads = /(^|[_\-./ ])(get|list|describe|read|logs?|top|watch|events?)([_\-./ ]|$)/.test(name);
  if (READ_VERBS.has(verb)) return true; // a write tool reads first (get before patch); never enough alone
  return !reads || /(create|update|apply|patch|delete|scale|exec|run|rollout|restart)/.test(name);
}

function sameTarget(tool: NodeDraft, api: NodeDraft): JoinField[] | undefined {
  const t = tool.target;
  const a = api.target;
  if (!t || !a) return undefined;
  if (!t.name) return sameCollection(tool, api);
  if (!a.name || t.name !== a.name) return undefined;
  if (t.namespace && a.namespace && t.namespace !== a.namespace) return undefined;
  const apiResource = a.resource?.split('/')[0];
  if (t.resource && apiResource && t.resource !== apiResource) return undefined;
  const fields: JoinField[] = [{ from: 'target.name', to: 'objectRef.name', value: a.name }];
  if (t.namespace && a.namespace) fields.push({ from: 'target.namespace', to: 'objectRef.namespace', value: a.namespace });
  if (t.resource && apiResource) fields.push({ from: 'target.resource', to: 'objectRef.resource', value: apiResource });
  return fields;
}

/**
 * A list tool names no object: it joins a list (or watch) of the same resource in the same namespace, or
 * at the cluster scope when neither names one.
 */
function sameCollection(tool: NodeDraft, api: NodeDraft): JoinField[] | undefined {
  const t = tool.target!;
  const a = api.target!;
  if (!t.resource || a.name || !['list', 'watch'].includes(api.action ?? '')) return undefined;
  if (a.resource?.split('/')[0] !== t.resource || (t.namespace ?? '') !== (a.namespace ?? '')) return undefined;
  return [
    { from: 'target.resource', to: 'objectRef.resource', value: t.resource },
    { from: 'target.namespace', to: 'objectRef.namespace', value: t.namespace ?? '(cluster scope)' },
  ];
}

/**
 * A tool server acts under its own identity (a service account), possibly impersonating the person the
 * agent works for; a person's own kubectl is not the agent's doing.
 */
function actorFits(tool: NodeDraft, api: NodeDraft): boolean {
  const actor = api.actor;
  if (!actor || actor.type === 'system' || actor.type === 'human') return false;
  if (actor.id.startsWith('system:serviceaccount:kube-system:')) return false; // controllers
  const person = tool.actor?.on_behalf_of;
  return !person || !actor.on_behalf_of || actor.on_behalf_of === person;
}

function seconds(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return `${ms >= 0 ? '+' : '−'}${(Math.abs(ms) / 1000).toFixed(3)} s`;
}

/**
 * Joins each tool call that reaches the cluster (the last tool call of its chain: the MCP request rather
 * than the span that sent it) to the API requests on its target within the window.
 */
export function linkToolTargets(nodes: NodeDraft[], edges: EdgeSet, authzOf: Map<string, string>, byId: Map<string, NodeDraft>): void {
  // Requests are found by the object's name, or for a collection by its resource.
  const lookupKey = (target: NodeDraft['target']): string | undefined =>
    target?.name ? `n:${target.name}` : target?.resource ? `r:${target.resource.split('/')[0]}` : undefined;
  const apis = nodes
    .filter((n) => n.kind === 'k8s_api' && n.timeNs !== null && lookupKey(n.target))
    .sort((a, b) => (a.timeNs! < b.timeNs! ? -1 : 1));
  const byName = new Map<string, NodeDraft[]>();
  for (const api of apis) {
    const key = lookupKey(api.target)!;
    const list = byName.get(key);
    if (list) list.push(api);
    else byName.set(key, [api]);
  }
  for (const tool of nodes) {
    const key = lookupKey(tool.target);
    if (tool.kind !== 'tool_call' || tool.timeNs === null || !key) continue;
    // The call that reached the cluster is the last of its chain that names the object: the MCP request
    // rather than the span that sent it, but the span when the request (an MCP client span) names none.
    const forwards = edges.outgoing(tool.id).some((e) => {
      const next = byId.get(e.to);
      return e.strength === 'explicit' && next?.kind === 'tool_call' && lookupKey(next.target) !== undefined;
    });
    if (forwards) continue;
    for (const api of byName.get(key) ?? []) {
      const gap = api.timeNs! - tool.timeNs;
      if (gap < -CLOCK_SKEW_NS || gap > TOOL_WINDOW_NS) continue;
      const fields = sameTarget(tool, api);
      if (!fields || !actorFits(tool, api) || !verbsFit(tool.action ?? '', api.action ?? '')) continue;
      if (api.actor?.on_behalf_of)
        fields.push({ from: 'actor.on_behalf_of', to: 'impersonatedUser.username', value: api.actor.on_behalf_of });
      const to = byId.get(authzOf.get(api.id) ?? '') ?? api;
      const note = `${seconds(gap)} after the tool call, by ${api.actor!.id}${api.actor!.on_behalf_of ? ` as ${api.actor!.on_behalf_of}` : ''}`;
      edges.add(tool, to, 'tool-target', 'inferred', fields, note);
    }
  }
}
