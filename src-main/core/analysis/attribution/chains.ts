// Chains of responsibility: human → agent → tool server → Kubernetes identity → API calls, read off the
// linked graph (its edges are the evidence: rule, strength, joined fields) and the identities' own
// records of whom they impersonated. Pure.
import type { Hop, HopEvidence, Party, ResponsibilityChain } from '../../../shared/attribution';
import type { Graph, GraphEdge, GraphNode } from '../../../shared/graph';

const EXAMPLES = 10;

/** An identity's impersonation of a human, or a human's own calls (`direct`), from IdentityFolder.principals. */
export interface Principal {
  identity: string;
  type: string;
  human: string;
  count: number;
  ids: number[];
  direct: boolean;
}

class HopBook {
  private readonly hops = new Map<string, { from: Party; to: Party; evidence: Map<string, HopEvidence> }>();

  add(
    from: Party,
    to: Party,
    rule: string,
    strength: HopEvidence['strength'],
    fields: string,
    eventIds: readonly number[],
    count = 1,
  ): void {
    const key = `${from.kind}:${from.id}>${to.kind}:${to.id}`;
    let hop = this.hops.get(key);
    if (!hop) {
      hop = { from, to, evidence: new Map() };
      this.hops.set(key, hop);
    }
    const evKey = `${rule}|${strength}|${fields}`;
    const ev = hop.evidence.get(evKey) ?? { rule, strength, fields, count: 0, event_ids: [] };
    ev.count += count;
    for (const id of eventIds) if (ev.event_ids.length < EXAMPLES && !ev.event_ids.includes(id)) ev.event_ids.push(id);
    hop.evidence.set(evKey, ev);
  }

  get(from: Party, to: Party): Hop | undefined {
    const hop = this.hops.get(`${from.kind}:${from.id}>${to.kind}:${to.id}`);
    if (!hop) return undefined;
    const evidence = [...hop.evidence.values()].sort((a, b) => rank(a.strength) - rank(b.strength) || b.count - a.count);
    return { from: hop.from, to: hop.to, strength: evidence[0]?.strength ?? 'inferred', evidence };
  }

  pairs(fromKind: Party['kind'], toKind: Party['kind']): [Party, Party][] {
    return [...this.hops.values()].filter((h) => h.from.kind === fromKind && h.to.kind === toKind).map((h) => [h.from, h.to]);
  }
}

const rank = (s: HopEvidence['strength']): number => (s === 'explicit' ? 0 : s === 'analyst' ? 1 : 2);
const fieldsOf = (edge: GraphEdge): string => edge.fields.map((f) => `${f.from} = ${f.to}`).join(', ') || edge.rule;
const human = (id: string): Party => ({ kind: 'human', id });
const agent = (id: string): Party => ({ kind: 'agent', id });
const server = (id: string): Party => ({ kind: 'tool_server', id });
const identity = (id: string): Party => ({ kind: 'identity', id });

/** The humans of each graph chain: its prompts' authors and the people its agents acted for. */
function humansByChain(nodes: readonly GraphNode[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const node of nodes) {
    if (node.chain === undefined || !node.actor) continue;
    const who =
      node.kind === 'prompt' && node.actor.type === 'human'
        ? node.actor.id
        : node.actor.type === 'agent'
          ? node.actor.on_behalf_of
          : undefined;
    if (!who) continue;
    const set = out.get(node.chain) ?? new Set<string>();
    set.add(who);
    out.set(node.chain, set);
  }
  return out;
}

interface PathAcc {
  human: string;
  agent?: string | undefined;
  server?: string | undefined;
  identity?: string | undefined;
  api: Set<number>;
}

export interface ChainsResult {
  chains: ResponsibilityChain[];
  /** Identities an agent reached through a tool call. */
  agentIdentities: Set<string>;
  /** Per identity, the humans of the chains that reached it. */
  chainHumans: Map<string, Set<string>>;
}

export function buildChains(graph: Pick<Graph, 'nodes' | 'edges'>, principals: readonly Principal[]): ChainsResult {
  const book = new HopBook();
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const chainHumans = humansByChain(graph.nodes);
  const humanOf = (node: GraphNode): string | undefined => {
    if (node.actor?.on_behalf_of) return node.actor.on_behalf_of;
    const set = node.chain === undefined ? undefined : chainHumans.get(node.chain);
    return set && set.size === 1 ? [...set][0] : undefined;
  };
  const live = graph.edges.filter((e) => e.status !== 'rejected');
  // human → agent: a prompt joined to the agent's step, and agent records naming whom they act for.
  for (const node of graph.nodes) {
    if (node.actor?.type === 'agent' && node.actor.on_behalf_of) {
      book.add(
        human(node.actor.on_behalf_of),
        agent(node.actor.id),
        'on-behalf-of',
        'explicit',
        'actor.on_behalf_of (user.id, enduser.id)',
        node.event_ids,
      );
    }
  }
  const serverOf = new Map<string, string>();
  const decisionOf = new Map<string, string>();
  for (const edge of live) {
    const [from, to] = [byId.get(edge.from), byId.get(edge.to)];
    if (!from || !to) continue;
    if (edge.rule === 'authz-annotation') decisionOf.set(edge.from, edge.to);
    if (from.kind === 'prompt' && from.actor?.type === 'human' && to.actor?.type === 'agent') {
      book.add(human(from.actor.id), agent(to.actor.id), edge.rule, edge.strength, fieldsOf(edge), [...from.event_ids, ...to.event_ids]);
    }
    // agent → tool server: the server answered the agent's request (JSON-RPC id, tool call id).
    if (
      (edge.rule === 'jsonrpc-id' || edge.rule === 'tool-call-id') &&
      from.actor?.type === 'agent' &&
      to.actor &&
      to.actor.type !== 'agent' &&
      to.actor.type !== 'human' &&
      to.kind !== 'k8s_api'
    ) {
      book.add(agent(from.actor.id), server(to.actor.id), edge.rule, edge.strength, fieldsOf(edge), [...from.event_ids, ...to.event_ids]);
      if (from.kind === 'tool_call') serverOf.set(from.id, to.actor.id);
    }
  }
  const paths = new Map<string, PathAcc>();
  const agentIdentities = new Set<string>();
  const reached = new Map<string, Set<string>>();
  for (const edge of live) {
    if (edge.rule !== 'tool-target') continue;
    const call = byId.get(edge.from);
    let api = byId.get(edge.to);
    if (api?.kind === 'authz_decision') api = byId.get(decisionOf.get(api.id) ?? '') ?? api;
    if (!call || !api?.actor || call.actor?.type !== 'agent') continue;
    const who = humanOf(call);
    const [a, t, k] = [call.actor.id, serverOf.get(call.id), api.actor.id];
    agentIdentities.add(k);
    const strength = edge.status === 'accepted' ? 'analyst' : edge.strength;
    // The fields that agreed, not the edge's note: each join's time gap differs, and would make one line each.
    book.add(
      t ? server(t) : agent(a),
      identity(k),
      'tool-target',
      strength,
      edge.status === 'accepted' ? `${fieldsOf(edge)}; accepted by the analyst` : fieldsOf(edge),
      [...call.event_ids, ...api.event_ids],
    );
    if (!who) continue;
    const key = `${who}|${a}|${t ?? ''}|${k}`;
    const path = paths.get(key) ?? { human: who, agent: a, server: t, identity: k, api: new Set<number>() };
    for (const id of api.event_ids) path.api.add(id);
    paths.set(key, path);
    const set = reached.get(k) ?? new Set<string>();
    set.add(who);
    reached.set(k, set);
  }
  for (const p of principals) {
    if (p.direct) book.add(human(p.human), identity(p.identity), 'user', 'explicit', 'user.username', p.ids, p.count);
    else book.add(identity(p.identity), human(p.human), 'impersonation', 'explicit', 'impersonatedUser.username', p.ids, p.count);
  }
  // Agents that never reached the cluster (or whose calls nothing joined) still have their chain's first hops.
  for (const [h, a] of book.pairs('human', 'agent')) {
    if ([...paths.values()].some((p) => p.human === h.id && p.agent === a.id)) continue;
    const t = book.pairs('agent', 'tool_server').find(([from]) => from.id === a.id)?.[1].id;
    paths.set(`${h.id}|${a.id}|${t ?? ''}|`, { human: h.id, agent: a.id, server: t, api: new Set() });
  }
  const chains: ResponsibilityChain[] = [];
  for (const p of paths.values()) {
    const hops: Hop[] = [];
    const steps: Party[] = [
      human(p.human),
      ...(p.agent ? [agent(p.agent)] : []),
      ...(p.server ? [server(p.server)] : []),
      ...(p.identity ? [identity(p.identity)] : []),
    ];
    for (let i = 0; i + 1 < steps.length; i += 1) {
      const hop = book.get(steps[i]!, steps[i + 1]!);
      if (hop) hops.push(hop);
    }
    if (p.identity) {
      const acted = book.get(identity(p.identity), human(p.human));
      if (acted) hops.push(acted);
    }
    const ids = [...p.api].sort((a, b) => a - b);
    chains.push({
      human: p.human,
      ...(p.agent ? { agent: p.agent } : {}),
      ...(p.server ? { tool_server: p.server } : {}),
      ...(p.identity ? { identity: p.identity } : {}),
      hops,
      api_calls: ids.length,
      api_event_ids: ids.slice(0, 200),
    });
  }
  // Identities acting for a human with no agent chain: impersonation by some other path, or the person's own user.
  for (const p of principals) {
    if (chains.some((c) => c.human === p.human && c.identity === p.identity)) continue;
    const hop = p.direct ? book.get(human(p.human), identity(p.identity)) : book.get(identity(p.identity), human(p.human));
    chains.push({ human: p.human, identity: p.identity, hops: hop ? [hop] : [], api_calls: p.count, api_event_ids: p.ids });
    if (!p.direct) {
      const set = reached.get(p.identity) ?? new Set<string>();
      set.add(p.human);
      reached.set(p.identity, set);
    }
  }
  chains.sort((a, b) => Number(!!b.agent) - Number(!!a.agent) || b.api_calls - a.api_calls || a.human.localeCompare(b.human));
  return { chains, agentIdentities, chainHumans: reached };
}
