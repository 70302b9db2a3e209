// Generic hash-chained JSONL ledgers (osModa's audit ledger and its kin): each record carries its own
// `hash` and the `prev_hash` (or `previous_hash`) of the record before it, beside `id|seq`,
// `timestamp|ts`, `event_type|action|type`, `agent|actor` and `payload|details`. Importing reads the
// events; the embedded chain is verified by core/verify/ledger.ts, by the ledger's own rule.
import type { Actor, ActorType, EventKind, Outcome, Target } from '../../shared/model';
import { compact, isObject, normalizedEvent, str, type Normalized, type RecordFormat } from './format';
import { parseLooseTime } from './loose-time';
import { toolTarget } from './mcp-targets';

const MAX_TEXT = 4000;

/** Entry type → kind, first match wins (docs/formats.md shows the same table). */
export const LEDGER_KINDS: readonly [RegExp, EventKind][] = [
  [/tool[._-]?(result|response|output)/, 'tool_result'],
  [/tool/, 'tool_call'],
  [/prompt|user[._-]?message/, 'prompt'],
  [/llm|model|completion|inference/, 'model_call'],
  [/polic|guardrail|deny|denied|block/, 'policy_decision'],
  [/config|nixos|generation|deploy|rollback|install|secret[._-]?(write|set|rotate)/, 'resource_change'],
  [/crash|restart|watchdog|recover|oom|health|process|agent[._-]?(start|stop|exit)/, 'workload_event'],
  [/ssh|login|logout|session|auth/, 'human_action'],
  [/alert|incident|anomal/, 'alert'],
];

export function kindOfEntryType(type: string): EventKind {
  const lower = type.toLowerCase();
  return LEDGER_KINDS.find(([pattern]) => pattern.test(lower))?.[1] ?? 'other';
}

const SYSTEM_ACTOR = /^(system|root|kernel|systemd|watchdog|osmoda|nixos)|daemon|(^|[-_.])d$|agentd|watchd/i;

function actorOf(value: Record<string, unknown>): Actor | undefined {
  const agent = value.agent;
  const actor = value.actor;
  if (isObject(actor ?? agent)) {
    const object = (actor ?? agent) as Record<string, unknown>;
    const id = str(object.id) ?? str(object.name);
    const type = str(object.type);
    if (!id) return undefined;
    const known: readonly string[] = ['human', 'agent', 'service_account', 'system'];
    return {
      type: (type && known.includes(type) ? type : 'agent') as ActorType,
      id,
      ...(str(object.on_behalf_of) ? { on_behalf_of: str(object.on_behalf_of)! } : {}),
    };
  }
  if (str(agent)) return { type: 'agent', id: str(agent)! };
  const id = str(actor);
  if (!id) return undefined;
  if (id.includes('@') || /^(user|human):/i.test(id)) return { type: 'human', id };
  if (id.startsWith('system:serviceaccount:')) return { type: 'service_account', id };
  return { type: SYSTEM_ACTOR.test(id) ? 'system' : 'agent', id };
}

function outcomeOf(payload: Record<string, unknown>, value: Record<string, unknown>): Outcome {
  const word = (
    str(value.outcome) ??
    str(value.status) ??
    str(payload.outcome) ??
    str(payload.status) ??
    str(payload.result)
  )?.toLowerCase();
  if (payload.success === true || payload.ok === true) return 'success';
  if (payload.success === false || payload.ok === false) return 'failure';
  if (word === undefined) return typeof payload.error === 'string' ? 'error' : 'unknown';
  if (/^(ok|success|succeeded|completed|allowed?)$/.test(word)) return 'success';
  if (/^(denied|deny|forbidden|blocked|rejected)$/.test(word)) return 'denied';
  if (/^(error|errored)$/.test(word)) return 'error';
  if (/^(fail|failed|failure|timeout)$/.test(word)) return 'failure';
  return 'unknown';
}

function truncate(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… [${text.length - MAX_TEXT} more characters in the raw record]` : text;
}

const HEX32 = /^[\da-f]{32}$/;

function normalize(value: unknown): Normalized {
  if (!isObject(value)) return { ok: false, reason: 'not a hash-chained ledger record: not a JSON object' };
  if (typeof value.hash !== 'string') return { ok: false, reason: 'not a hash-chained ledger record: "hash" is missing or not a string' };
  const type = str(value.event_type) ?? str(value.action) ?? str(value.type) ?? str(value.event);
  if (!type) return { ok: false, reason: 'ledger record without an event_type, action or type' };
  const time = parseLooseTime(value.timestamp ?? value.ts ?? value.time);
  if ('bad' in time) return { ok: false, reason: `ledger record ${JSON.stringify(value.id ?? value.seq ?? '')}: ${time.bad}` };
  const payload = isObject(value.payload) ? value.payload : isObject(value.details) ? value.details : {};
  const kind = kindOfEntryType(type);
  const tool = str(payload.tool) ?? str(payload.tool_name) ?? str(payload.name);
  const args = payload.input ?? payload.args ?? payload.arguments ?? payload.params;
  const target: Target | undefined = kind === 'tool_call' || kind === 'tool_result' ? toolTarget(tool ?? type, args) : undefined;
  const message = str(payload.message) ?? str(payload.summary) ?? str(payload.text) ?? str(payload.output) ?? str(payload.error);
  const text = message ?? (Object.keys(payload).length > 0 ? JSON.stringify(payload) : undefined);
  const traceId = str(value.trace_id) ?? str(payload.trace_id);
  const event = normalizedEvent({
    time_ns: time.ns,
    time_text: time.text,
    kind,
    action: (kind === 'tool_call' || kind === 'tool_result') && tool ? tool : type,
    actor: actorOf(value),
    target,
    outcome: outcomeOf(payload, value),
    keys: compact({
      conversation_id: str(value.session_id) ?? str(payload.session_id) ?? str(payload.conversation_id),
      tool_call_id: str(payload.tool_call_id) ?? str(payload.call_id),
      trace_id: traceId && HEX32.test(traceId) ? traceId : undefined,
    }),
    taint: kind === 'tool_result' ? ['tool_output'] : kind === 'prompt' ? ['user'] : undefined,
    text: text ? truncate(text) : undefined,
  });
  return { ok: true, events: [event] };
}

const isLedgerRecord = (value: unknown): boolean =>
  isObject(value) && typeof value.hash === 'string' && ('prev_hash' in value || 'previous_hash' in value);

export const hashLedger: RecordFormat = {
  name: 'hash-ledger',
  title: 'hash-chained ledger record',
  recognizes: isLedgerRecord,
  normalize,
};
