// Attribution and anomaly findings (issue 19) as every side sees them: the CLI's --json, the API, the
// Actors panel and Findings list, the report. Computed by core/analysis/attribution and findings.
import { z } from 'zod';

/** What stands at each step of a chain of responsibility. */
export const PARTY_KINDS = ['human', 'agent', 'tool_server', 'identity'] as const;
export const Party = z.object({ kind: z.enum(PARTY_KINDS), id: z.string() });
export type Party = z.infer<typeof Party>;

/** One kind of evidence behind a hop: the rule (a linker rule, or a field), how strong, how often, examples. */
export const HopEvidence = z.object({
  rule: z.string(),
  strength: z.enum(['explicit', 'inferred', 'analyst']),
  /** The fields that joined the two sides, in words (`actor.on_behalf_of`, `impersonatedUser.username`). */
  fields: z.string(),
  count: z.number().int(),
  /** A few of the events that carry it (up to 10). */
  event_ids: z.array(z.number().int()),
});
export type HopEvidence = z.infer<typeof HopEvidence>;

export const Hop = z.object({
  from: Party,
  to: Party,
  /** The strongest evidence's strength: explicit when any identifier joins the two sides. */
  strength: z.enum(['explicit', 'inferred', 'analyst']),
  evidence: z.array(HopEvidence),
});
export type Hop = z.infer<typeof Hop>;

/** One chain: a human, the agent and tool server that acted for them (when any), the cluster identity, its calls. */
export const ResponsibilityChain = z.object({
  human: z.string(),
  agent: z.string().optional(),
  tool_server: z.string().optional(),
  identity: z.string().optional(),
  hops: z.array(Hop),
  /** The API calls this chain reached (tool-target joins), or the identity's calls for the human when direct. */
  api_calls: z.number().int(),
  api_event_ids: z.array(z.number().int()),
});
export type ResponsibilityChain = z.infer<typeof ResponsibilityChain>;

export const DESTRUCTIVE_CLASSES = ['delete', 'scale_down', 'rbac_write', 'secret_read', 'exec', 'admission_change'] as const;
export type DestructiveClass = (typeof DESTRUCTIVE_CLASSES)[number];

export const DestructiveCalls = z.object({
  class: z.enum(DESTRUCTIVE_CLASSES),
  verb: z.string(),
  resource: z.string(),
  namespace: z.string().optional(),
  count: z.number().int(),
  /** Up to 20 of the calls. */
  event_ids: z.array(z.number().int()),
});
export type DestructiveCalls = z.infer<typeof DestructiveCalls>;

export const IdentitySummary = z.object({
  id: z.string(),
  type: z.string(),
  calls: z.number().int(),
  allowed: z.number().int(),
  denied: z.number().int(),
  failed: z.number().int(),
  namespaces: z.array(z.string()),
  first: z.string().optional(),
  last: z.string().optional(),
  verbs: z.array(z.object({ verb: z.string(), resource: z.string(), count: z.number().int() })),
  destructive: z.array(DestructiveCalls),
  /** The people it acted for: impersonated users and the humans of the chains that reached it. */
  humans: z.array(z.string()),
  /** Reached by an agent (a tool-target join) or impersonating people: its destructive calls are findings. */
  agent: z.boolean(),
});
export type IdentitySummary = z.infer<typeof IdentitySummary>;

export const Attribution = z.object({
  chains: z.array(ResponsibilityChain),
  identities: z.array(IdentitySummary),
  /** Identities that acted for more than one human. */
  shared_identities: z.array(z.object({ identity: z.string(), humans: z.array(z.string()) })),
  /** Humans whose requests reached the cluster through more than one identity. */
  multi_identity_humans: z.array(z.object({ human: z.string(), identities: z.array(z.string()) })),
});
export type Attribution = z.infer<typeof Attribution>;

export const FINDING_RULES = ['first_seen', 'rate', 'denial_burst', 'agent_destructive', 'off_hours', 'sequence'] as const;
export type FindingRule = (typeof FINDING_RULES)[number];

export const Finding = z.object({
  /** Stable over recomputation of the same events: the rule and what it matched. Dismissals name it. */
  id: z.string(),
  rule: z.enum(FINDING_RULES),
  /** The rule's parameters as applied (threshold, window, baseline …). */
  parameters: z.record(z.string(), z.union([z.string(), z.number()])),
  /** 0 to 1: how far past its rule's threshold (each rule says how in docs/analyses.md). */
  score: z.number(),
  identity: z.string(),
  sentence: z.string(),
  first: z.string().optional(),
  last: z.string().optional(),
  /** The supporting events (up to 200), and how many there are in all. */
  event_ids: z.array(z.number().int()),
  event_count: z.number().int(),
  dismissed: z.boolean(),
  /** The analyst's reason, when dismissed with one. */
  dismissed_reason: z.string().optional(),
});
export type Finding = z.infer<typeof Finding>;

export const FindingsReport = z.object({
  findings: z.array(Finding),
  /** Calls read, the baseline's end and how it was chosen, and the working hours applied. */
  calls: z.number().int(),
  baseline_until: z.string().optional(),
  baseline: z.string(),
  like: z.array(z.string()),
});
export type FindingsReport = z.infer<typeof FindingsReport>;
