// The evidence model of docs/design.md: one canonical event per imported record. The normalized fields are
// derived from the raw record; the raw record (kept byte for byte in the case file) is the evidence.
import { z } from 'zod';

export const EVENT_KINDS = [
  'prompt',
  'model_call',
  'reasoning',
  'tool_call',
  'tool_result',
  'authz_decision',
  'policy_decision',
  'k8s_api',
  'resource_change',
  'workload_event',
  'human_action',
  'alert',
  // One object of a resource listing: its state when it was listed, timed by its creationTimestamp.
  'snapshot',
  'other',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const OUTCOMES = ['success', 'failure', 'denied', 'error', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A record's verification verdict (docs/design.md "Verification verdicts"), shown on every row and node. */
export const RECORD_VERDICTS = ['intact', 'untrusted', 'unsigned', 'sealed_whole', 'broken', 'unverifiable'] as const;
export type RecordVerdict = (typeof RECORD_VERDICTS)[number];

export const ACTOR_TYPES = ['human', 'agent', 'service_account', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const Actor = z.object({
  type: z.enum(ACTOR_TYPES),
  id: z.string(),
  on_behalf_of: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;

export const Target = z.object({
  api_group: z.string().optional(),
  resource: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
});
export type Target = z.infer<typeof Target>;

export const Authz = z.object({
  decision: z.string(),
  reason: z.string().optional(),
});
export type Authz = z.infer<typeof Authz>;

export const CorrelationKeys = z.object({
  trace_id: z.string().optional(),
  span_id: z.string().optional(),
  parent_span_id: z.string().optional(),
  conversation_id: z.string().optional(),
  tool_call_id: z.string().optional(),
  jsonrpc_id: z.string().optional(),
  audit_id: z.string().optional(),
  object_uid: z.string().optional(),
  owner_uids: z.array(z.string()).optional(),
});
export type CorrelationKeys = z.infer<typeof CorrelationKeys>;

/** What an importer derives from one record. Identity (id, source, position, hash) is added by the store. */
export interface NormalizedEvent {
  /** Nanoseconds since the Unix epoch, UTC; null when the record carries no usable time. */
  time_ns: bigint | null;
  /** The time string exactly as the record wrote it. */
  time_text?: string;
  kind: EventKind;
  action?: string;
  actor?: Actor;
  target?: Target;
  outcome: Outcome;
  authz?: Authz;
  keys?: CorrelationKeys;
  taint?: string[];
  text?: string;
  /**
   * For one stage of an audited API request: the stage and its stageTimestamp as the record wrote them.
   * Derived like the rest; the store groups stages into API calls with it (it is not part of EventJson).
   */
  stage?: { name: string; time?: string };
}

/**
 * Formats whose records are an envelope around a Kubernetes audit event (a cloud provider's record, or for
 * GKE its translation of one; a node name before the event). The envelope is the evidence kept;
 * EventJson.wrapper names it.
 */
export const AUDIT_WRAPPERS = ['eks-cloudwatch', 'aks-diagnostics', 'gke-cloud-logging', 'openshift-node-logs'] as const;
export type AuditWrapper = (typeof AUDIT_WRAPPERS)[number];

/** The event as docs/design.md writes it in JSON (CLI output, exports, the API). Absent fields are omitted. */
export const EventJson = z.object({
  id: z.number().int(),
  source: z.string(),
  position: z.number().int(),
  raw_sha256: z.string(),
  time: z.string().optional(),
  kind: z.enum(EVENT_KINDS),
  action: z.string().optional(),
  actor: Actor.optional(),
  target: Target.optional(),
  outcome: z.enum(OUTCOMES),
  authz: Authz.optional(),
  keys: CorrelationKeys.optional(),
  taint: z.array(z.string()).optional(),
  verdict: z.string().optional(),
  text: z.string().optional(),
  /** The envelope the event came in (its source's format), for events read out of a provider's wrapper. */
  wrapper: z.enum(AUDIT_WRAPPERS).optional(),
});
export type EventJson = z.infer<typeof EventJson>;

/** One record that could not be imported: where it is and why. */
export const RecordError = z.object({
  file: z.string(),
  line: z.number().int(),
  /** Where in a JSON document the record is, when records are not lines (e.g. `$.items[3]`). */
  path: z.string().optional(),
  reason: z.string(),
});
export type RecordError = z.infer<typeof RecordError>;
