// Kubernaut audit events (the remediation platform's DataStorage `audit_events`): event_id,
// event_timestamp, event_type (`<service>.<object>.<action>`, e.g. aianalysis.approval.decision),
// event_category, event_action, event_outcome, actor_type/actor_id, resource_type/resource_id,
// correlation_id (the RemediationRequest: every event of one remediation shares it), namespace,
// event_data. JSON lines, a JSON array, or a `{data: […]}` query answer.
import type { Actor, ActorType, Authz, EventKind, Outcome } from '../../shared/model';
import { parseRfc3339Nanos } from '../../shared/time';
import { compact, isObject, normalizedEvent, str, type Normalized, type RecordFormat } from './format';
import { actorTypeOf } from './k8s-audit';
import { resourceOfKind } from './k8s-kinds';

/** Event type → kind, first match wins (docs/formats.md shows the same table). */
export const KUBERNAUT_KINDS: readonly [RegExp, EventKind][] = [
  [/\.approval\.decision$|^webhook\.|\.block\.cleared$/, 'human_action'],
  [/\.rego\.evaluation$|\.routing\.blocked$|\.admitted\.denied$|^actiontype\.denied\.|\.disable_denied$/, 'policy_decision'],
  [/^gateway\.signal\.|\.alert\.assessed$/, 'alert'],
  [/^aianalysis\.(analysis|investigation)\./, 'model_call'],
  [/^workflowexecution\.execution\.|\.admitted\.(create|update|delete)$|^datastorage\.(workflow|actiontype)\./, 'resource_change'],
];

export function kindOfEventType(eventType: string): EventKind {
  return KUBERNAUT_KINDS.find(([pattern]) => pattern.test(eventType))?.[1] ?? 'other';
}

function outcomeOf(outcome: string | undefined): Outcome {
  switch (outcome?.toLowerCase()) {
    case 'success':
    case 'succeeded':
      return 'success';
    case 'failure':
    case 'failed':
      return 'failure';
    case 'denied':
    case 'rejected':
      return 'denied';
    case 'error':
      return 'error';
    default:
      return 'unknown';
  }
}

const AGENT_CATEGORIES = new Set(['aianalysis', 'aiagent', 'holmesgpt']);

function actorOf(actorType: string | undefined, actorId: string | undefined, category: string | undefined): Actor | undefined {
  if (!actorId) return undefined;
  const type = actorType?.toLowerCase();
  let kind: ActorType = 'system';
  if (type === 'user' || type === 'human' || type === 'operator') kind = actorTypeOf(actorId);
  else if (type === 'serviceaccount' || type === 'service_account') kind = 'service_account';
  else if (type === 'agent' || (type === 'service' && category && AGENT_CATEGORIES.has(category))) kind = 'agent';
  return { type: kind, id: actorId };
}

/** A decision the event records (an approval, a Rego verdict), with its reason where given. */
function authzOf(data: Record<string, unknown>): Authz | undefined {
  const decision = str(data.decision) ?? str(data.approval_decision) ?? str(data.result);
  if (!decision) return undefined;
  return compact({ decision, reason: str(data.reason) ?? str(data.rationale) }) as Authz;
}

function textOf(data: Record<string, unknown>): string | undefined {
  for (const key of ['message', 'summary', 'root_cause', 'reason', 'rationale']) {
    const text = str(data[key]);
    if (text) return text;
  }
  return undefined;
}

function normalize(value: unknown): Normalized {
  if (!isObject(value)) return { ok: false, reason: 'not a Kubernaut audit event: not a JSON object' };
  for (const field of ['event_type', 'event_timestamp', 'correlation_id'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') {
      return { ok: false, reason: `not a Kubernaut audit event: "${field}" is missing or not a string` };
    }
  }
  const timeText = value.event_timestamp as string;
  const timeNs = parseRfc3339Nanos(timeText);
  if (timeNs === null) return { ok: false, reason: `event_timestamp ${JSON.stringify(timeText)} is not an RFC 3339 time` };
  const eventType = value.event_type as string;
  const data = isObject(value.event_data) ? value.event_data : {};
  const kind = kindOfEventType(eventType);
  const category = str(value.event_category) ?? eventType.split('.')[0];
  const resourceType = str(value.resource_type);
  const namespace = str(value.namespace);
  const target = compact({
    ...(resourceType ? resourceOfKind(resourceType) : {}),
    namespace,
    name: str(value.resource_id),
  });
  const text = textOf(data);
  return {
    ok: true,
    events: [
      normalizedEvent({
        time_ns: timeNs,
        time_text: timeText,
        kind,
        action: str(value.event_action) ?? eventType,
        actor: actorOf(str(value.actor_type), str(value.actor_id), category),
        target,
        outcome: outcomeOf(str(value.event_outcome)),
        authz: kind === 'human_action' || kind === 'policy_decision' ? authzOf(data) : undefined,
        keys: { conversation_id: value.correlation_id as string },
        taint: kind === 'model_call' && text ? ['model'] : undefined,
        text,
      }),
    ],
  };
}

const isKubernautEvent = (value: unknown): boolean =>
  isObject(value) && typeof value.event_type === 'string' && typeof value.correlation_id === 'string' && 'event_timestamp' in value;

export const kubernautAudit: RecordFormat = {
  name: 'kubernaut-audit',
  title: 'Kubernaut audit event',
  recognizes: isKubernautEvent,
  documentRecords(probe) {
    if (probe.root === 'array') return isKubernautEvent(probe.first.get('')) ? [['*']] : undefined;
    for (const key of ['data', 'events', 'items']) {
      if (isKubernautEvent(probe.first.get(key))) return [[key, '*']];
    }
    return undefined;
  },
  normalize,
};
