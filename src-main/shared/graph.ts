// The causal graph as every side sees it (CLI `causa graph --json`, the API, the graph view, reports).
// Nodes are evidence (one event, or the stages of one API request, or the authorization decision an API
// request's annotations record); edges say which rule joined two nodes and on which fields.
import { z } from 'zod';
import { Actor, Authz, CorrelationKeys, EVENT_KINDS, OUTCOMES, Target } from './model';

/** The graph view's rows, top to bottom: time flows left to right within each. */
export const LANES = ['prompt', 'agent', 'tool', 'authz', 'api', 'workload', 'other'] as const;
export type Lane = (typeof LANES)[number];

export const STRENGTHS = ['explicit', 'inferred', 'analyst'] as const;
export type Strength = (typeof STRENGTHS)[number];

export const GraphNode = z.object({
  id: z.string(),
  kind: z.enum(EVENT_KINDS),
  lane: z.enum(LANES),
  time: z.string().optional(),
  label: z.string(),
  /** The case events this node stands for (one, or every stage of an API request). */
  event_ids: z.array(z.number().int()),
  source: z.string().optional(),
  actor: Actor.optional(),
  target: Target.optional(),
  outcome: z.enum(OUTCOMES),
  authz: Authz.optional(),
  keys: CorrelationKeys.optional(),
  verdict: z.string().optional(),
  /** A failure, a denial, an error or a Warning: what the view starts from. */
  notable: z.boolean(),
  /** The connected chain the node belongs to (absent for nodes linked to nothing). */
  chain: z.number().int().optional(),
});
export type GraphNode = z.infer<typeof GraphNode>;

/** One field of each side that joined them, e.g. `keys.span_id` = `keys.parent_span_id` = "b7ad…". */
export const JoinField = z.object({ from: z.string(), to: z.string(), value: z.string() });
export type JoinField = z.infer<typeof JoinField>;

export const GraphEdge = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  rule: z.string(),
  strength: z.enum(STRENGTHS),
  fields: z.array(JoinField),
  /** Why, in words, for the inspector (the time gap of an inferred join, the binding of a decision). */
  note: z.string().optional(),
  /** The analyst's decision on an inferred edge; rejected edges are hidden in the view. */
  status: z.enum(['proposed', 'accepted', 'rejected']).optional(),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

/** Background events linked to nothing, counted by kind and actor instead of drawn one by one. */
export const NodeGroup = z.object({
  id: z.string(),
  label: z.string(),
  lane: z.enum(LANES),
  /** How many events the group holds, and how many nodes they make (the stages of a request are one). */
  count: z.number().int(),
  nodes: z.number().int(),
  /** At most a few hundred of the group's event ids (the API's groupMembers expands the group as nodes). */
  event_ids: z.array(z.number().int()),
});
export type NodeGroup = z.infer<typeof NodeGroup>;

export const ChainSummary = z.object({
  id: z.number().int(),
  nodes: z.number().int(),
  notable: z.number().int(),
  first_time: z.string().optional(),
  last_time: z.string().optional(),
  label: z.string(),
});
export type ChainSummary = z.infer<typeof ChainSummary>;

export const Graph = z.object({
  nodes: z.array(GraphNode),
  edges: z.array(GraphEdge),
  groups: z.array(NodeGroup),
  /** Chains ordered by what matters first: those reaching failures, denials and warnings. */
  chains: z.array(ChainSummary),
  /**
   * What a filter hides, said rather than silently dropped (present only when a filter narrows the graph):
   * per node shown, how many of its links lead to a node the filter hides; per lane, how many nodes it hides.
   */
  hidden: z
    .object({
      links: z.record(z.string(), z.number().int().positive()),
      lanes: z.record(z.string(), z.number().int().positive()),
    })
    .optional(),
});
export type Graph = z.infer<typeof Graph>;
