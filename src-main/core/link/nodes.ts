// Events become graph nodes: one node per event, except that the stages of one API request (one audit
// event per stage) are one node, and an API request's authorization annotations are a node of their own,
// the decision that let it through or stopped it.
import type { Lane } from '../../shared/graph';
import type { EventJson, Outcome } from '../../shared/model';
import { formatNanos, parseRfc3339Nanos } from '../../shared/time';

/**
 * An event as the linker reads it: the evidence model plus the format of its source, and, when routine
 * reads are set aside (core/link/routine.ts), how many of them arrived before it. `timeNs`: its time as
 * the reader holds it, an integer of nanoseconds (a case's row), or null when it has none; then `time` may
 * be left out, and is made from `timeNs` where a node shows it. Without `timeNs` (events from elsewhere),
 * the time is read from `time`.
 */
export type LinkEvent = EventJson & { format?: string; routineBefore?: number; timeNs?: bigint | null };

export interface NodeDraft {
  id: string;
  kind: EventJson['kind'];
  lane: Lane;
  /** Nanoseconds, or null for records without a time (ordered by source position instead). */
  timeNs: bigint | null;
  time?: string;
  label: string;
  action?: string;
  eventIds: number[];
  source: string;
  format?: string;
  position: number;
  actor?: EventJson['actor'];
  target?: EventJson['target'];
  outcome: Outcome;
  authz?: EventJson['authz'];
  keys: NonNullable<EventJson['keys']>;
  verdict?: string;
  text?: string;
  /** A Kubernetes Event's message at each recurrence (a controller's message names the next object). */
  messages?: { text: string; timeNs: bigint | null }[];
  /** Its first event's `routineBefore`: where it goes among the routine reads of its group. */
  routineBefore?: number;
}

const AGENT_FORMATS = /^(otlp|langfuse|openai|mcp|chat)/;

export function laneOf(kind: EventJson['kind'], format: string | undefined): Lane {
  switch (kind) {
    case 'prompt':
    case 'human_action':
      return 'prompt';
    case 'model_call':
    case 'reasoning':
      return 'agent';
    case 'tool_call':
    case 'tool_result':
      return 'tool';
    case 'authz_decision':
    case 'policy_decision':
      return 'authz';
    case 'k8s_api':
      return 'api';
    case 'workload_event':
    case 'resource_change':
    case 'alert':
      return 'workload';
    default:
      return format && AGENT_FORMATS.test(format) ? 'agent' : 'other';
  }
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function targetText(target: EventJson['target']): string {
  if (!target) return '';
  const name = target.name ? (target.namespace ? `${target.namespace}/${target.name}` : target.name) : (target.namespace ?? '');
  return [target.resource, name].filter(Boolean).join(' ');
}

export function labelOf(event: Pick<EventJson, 'kind' | 'action' | 'target' | 'text' | 'outcome' | 'authz'>): string {
  switch (event.kind) {
    case 'prompt':
      return event.text ? `“${clip(event.text, 70)}”` : 'prompt';
    case 'k8s_api':
      return clip(`${event.action ?? 'request'} ${targetText(event.target)}`, 80);
    case 'authz_decision':
      return clip(`${event.authz?.decision ?? 'decision'}${event.authz?.reason ? `: ${event.authz.reason}` : ''}`, 90);
    case 'policy_decision':
      return clip(`${event.action ?? 'policy'}: ${event.authz?.decision ?? event.outcome}`, 90);
    case 'workload_event':
      return clip(`${event.action ?? 'event'} ${event.target?.name ?? ''}`, 80);
    default: {
      const target = targetText(event.target);
      return clip(`${event.action ?? event.kind}${target ? ` ${target}` : ''}`, 80);
    }
  }
}

const VERDICT_RANK = ['intact', 'unsigned', 'unverifiable', 'broken'];

function worseVerdict(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return VERDICT_RANK.indexOf(b) > VERDICT_RANK.indexOf(a) ? b : a;
}

/** The event's time in nanoseconds, or null. */
export function eventTimeNs(event: LinkEvent): bigint | null {
  if (event.timeNs !== undefined) return event.timeNs;
  return event.time ? parseRfc3339Nanos(event.time) : null;
}

/** The event's time as a node shows it (RFC 3339), or undefined. */
function eventTimeText(event: LinkEvent): string | undefined {
  if (event.time) return event.time;
  return event.timeNs !== undefined && event.timeNs !== null ? formatNanos(event.timeNs) : undefined;
}

function draftOf(event: LinkEvent): NodeDraft {
  const time = eventTimeText(event);
  return {
    id: `e${event.id}`,
    kind: event.kind,
    lane: laneOf(event.kind, event.format),
    timeNs: eventTimeNs(event),
    ...(time ? { time } : {}),
    label: labelOf(event),
    ...(event.action ? { action: event.action } : {}),
    eventIds: [event.id],
    source: event.source,
    ...(event.format ? { format: event.format } : {}),
    position: event.position,
    ...(event.actor ? { actor: event.actor } : {}),
    ...(event.target ? { target: { ...event.target } } : {}),
    outcome: event.outcome,
    ...(event.authz ? { authz: event.authz } : {}),
    keys: { ...(event.keys ?? {}) },
    ...(event.verdict ? { verdict: event.verdict } : {}),
    ...(event.text ? { text: event.text } : {}),
    ...(event.kind === 'workload_event' && event.text ? { messages: [{ text: event.text, timeNs: eventTimeNs(event) }] } : {}),
    ...(event.routineBefore !== undefined ? { routineBefore: event.routineBefore } : {}),
  };
}

/**
 * The stages of one request share an auditID, verb and target. The auditID alone is client-settable, so
 * it is never enough on its own to merge two records.
 */
export function requestKey(event: LinkEvent): string | undefined {
  if ((event.kind !== 'k8s_api' && event.kind !== 'policy_decision') || !event.keys?.audit_id) return undefined;
  const t = event.target ?? {};
  return requestKeyOf(event.kind, event.keys.audit_id, event.action, t.resource, t.namespace, t.name);
}

/** The key `requestKey` makes of a request's fields (the routine requests make it of an event's lean stage). */
export function requestKeyOf(
  kind: string,
  auditId: unknown,
  action: string | undefined,
  resource: string | undefined,
  namespace: string | undefined,
  name: string | undefined,
): string {
  // A create's first stage has no name yet (the server may generate it): its name is left out of the key.
  return [kind, auditId, action, resource, namespace, action === 'create' ? '' : name].join('\u0000');
}

/** Folds a later stage into the request's node: the latest stage's outcome, every stage's keys. */
function addStage(node: NodeDraft, stage: LinkEvent): void {
  const stageTime = eventTimeNs(stage);
  node.eventIds.push(stage.id);
  const later = stageTime !== null && node.timeNs !== null ? stageTime >= node.timeNs : true;
  if (later && stage.outcome !== 'unknown') node.outcome = stage.outcome;
  if (stage.authz) node.authz = stage.authz;
  for (const [key, value] of Object.entries(stage.keys ?? {})) {
    if (value !== undefined && (node.keys as Record<string, unknown>)[key] === undefined)
      (node.keys as Record<string, unknown>)[key] = value;
  }
  if (stage.target?.uid && node.target && !node.target.uid) node.target.uid = stage.target.uid;
  if (stage.target?.name && node.target && !node.target.name) {
    node.target.name = stage.target.name;
    node.label = labelOf({ ...node, kind: 'k8s_api' });
  }
  node.verdict = worseVerdict(node.verdict, stage.verdict);
  if (stageTime !== null && (node.timeNs === null || stageTime < node.timeNs)) {
    node.timeNs = stageTime;
    node.time = eventTimeText(stage);
  }
}

export interface BuiltNodes {
  nodes: NodeDraft[];
  /** The node each event belongs to. */
  nodeOfEvent: Map<number, string>;
  /** The authorization decision node of an API request node. */
  authzOf: Map<string, string>;
}

/** An Event's message without the count the importer adds ("… (×12 since …)"). */
const messageOf = (text: string | undefined): string => (text ?? '').replace(/ \(×\d+(?: since [^)]*)?\)$/, '');

/**
 * A Kubernetes Event recurs: the API server updates it in place (count, lastTimestamp) and a watch or a
 * capture keeps every update. One object's Events of one reason and message are one node, however often
 * they recur (the API server's own rule for when an Event is the same one); another message is another
 * Event ("Scaled down replica set … to 0" is not "Scaled up … to 3").
 */
function recurrenceKey(event: LinkEvent): string | undefined {
  if (event.kind !== 'workload_event' || !event.action) return undefined;
  const uid = event.keys?.object_uid ?? event.target?.uid;
  return uid ? [event.source, uid, event.action, messageOf(event.text)].join('\u0000') : undefined;
}

function addRecurrence(node: NodeDraft, event: LinkEvent): void {
  node.eventIds.push(event.id);
  if (event.text) node.messages = [...(node.messages ?? []), { text: event.text, timeNs: eventTimeNs(event) }];
  if (event.outcome === 'failure' || event.outcome === 'error') node.outcome = event.outcome;
  node.verdict = worseVerdict(node.verdict, event.verdict);
  node.label = `${labelOf(node)} (×${node.eventIds.length})`;
}

export function buildNodes(events: Iterable<LinkEvent>): BuiltNodes {
  const nodes: NodeDraft[] = [];
  const nodeOfEvent = new Map<number, string>();
  const requests = new Map<string, NodeDraft>();
  const recurring = new Map<string, NodeDraft>();
  for (const event of events) {
    const key = requestKey(event);
    const recurrence = key ? undefined : recurrenceKey(event);
    const existing = key ? requests.get(key) : recurrence ? recurring.get(recurrence) : undefined;
    if (existing) {
      if (key) addStage(existing, event);
      else addRecurrence(existing, event);
      nodeOfEvent.set(event.id, existing.id);
      continue;
    }
    const node = draftOf(event);
    if (key) requests.set(key, node);
    if (recurrence) recurring.set(recurrence, node);
    nodes.push(node);
    nodeOfEvent.set(event.id, node.id);
  }
  const authzOf = new Map<string, string>();
  for (const node of [...nodes]) {
    if (node.kind !== 'k8s_api' || !node.authz) continue;
    const decision: NodeDraft = {
      ...node,
      id: `a${node.id.slice(1)}`,
      kind: 'authz_decision',
      lane: 'authz',
      label: labelOf({ kind: 'authz_decision', outcome: node.outcome, authz: node.authz }),
      outcome: node.authz.decision === 'forbid' ? 'denied' : node.authz.decision === 'allow' ? 'success' : 'unknown',
      eventIds: [...node.eventIds],
      keys: { ...node.keys },
    };
    nodes.push(decision);
    authzOf.set(node.id, decision.id);
  }
  return { nodes, nodeOfEvent, authzOf };
}

/**
 * Orders nodes by time, then by their place in their source, then by first event; nodes without a time
 * after every timed one, as the linker reads their events (store/queries.ts, iterateTimedEvents: time
 * NULLS LAST). One order, the reading's: a background group's members (core/link/routine.ts) are placed
 * by it. A timeless node kept among the timed ones of its file ordered nothing: the same node came before
 * a timed one of its file and after a timed one of another file at an earlier time, so the sort's result
 * hung on the order it compared them in.
 */
export function compareNodes(a: NodeDraft, b: NodeDraft): number {
  if (a.timeNs !== b.timeNs) {
    if (a.timeNs === null) return 1;
    if (b.timeNs === null) return -1;
    return a.timeNs < b.timeNs ? -1 : 1;
  }
  if (a.source === b.source && a.position !== b.position) return a.position - b.position;
  return a.eventIds[0]! - b.eventIds[0]!;
}

export const READ_VERBS = new Set(['get', 'list', 'watch']);
export const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export function isNotable(node: NodeDraft): boolean {
  if (node.outcome === 'denied' || node.outcome === 'error') return true;
  if (node.kind === 'policy_decision') return node.outcome === 'failure';
  // A read that found nothing (a 404 on get) is routine; a write that failed is not.
  if (node.outcome === 'failure') return node.kind !== 'k8s_api' || !READ_VERBS.has(node.action ?? '');
  return false;
}
