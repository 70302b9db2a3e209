// Agent conversation transcripts as OpenAI-style chat message arrays (`[{role, content, tool_calls,
// tool_call_id}]`, or `{"messages":[…]}`), the form agent frameworks save and replay their history in.
// A record is one message. A user message is a prompt; an assistant message is the model turn that wrote
// it (model_call, plus a reasoning event when it carries reasoning text) and one tool_call per tool call it
// requests; a tool message is that call's result. Transcripts have no timestamps: events keep null times
// and their position orders them. They name roles, not people or agents, so the actors are the roles.
import type { NormalizedEvent, Outcome, Target } from '../../shared/model';
import { compact, isObject, normalizedEvent, str, type Normalized, type RecordFormat, type RecordReader } from './format';
import { textOfContent } from './agent-messages';
import { targetOfToolArguments } from './agent-targets';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

interface CallSeen {
  name: string;
  target?: Target;
}

/**
 * Whether a tool's answer reports its own failure. Conservative on purpose: tools answer with logs and
 * listings that contain "ERROR" lines while having worked, so only an answer that starts as an error
 * report does (`Error: …`, kubectl's `Error from server (NotFound): …`, a Python traceback), or a JSON
 * object with a non-null `error` or `is_error: true`.
 */
export function toolAnswerFailed(content: string): boolean {
  const head = content.trimStart();
  if (/^(error|fatal)\b\s*(:|from server|\()/i.test(head) || head.startsWith('Traceback (most recent call last)')) return true;
  if (!head.startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(head);
    return isObject(value) && ((value.error !== undefined && value.error !== null && value.error !== false) || value.is_error === true);
  } catch {
    return false;
  }
}

function event(fields: Omit<NormalizedEvent, 'time_ns'>): NormalizedEvent {
  return normalizedEvent({ time_ns: null, ...fields });
}

function readAssistant(message: Record<string, unknown>, calls: Map<string, CallSeen>): Normalized {
  const actor = { type: 'agent' as const, id: str(message.name) ?? 'assistant' };
  const text = textOfContent(message.content);
  const events: NormalizedEvent[] = [];
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning);
  if (reasoning) events.push(event({ kind: 'reasoning', actor, outcome: 'success', taint: ['model'], text: reasoning }));
  events.push(
    event({ kind: 'model_call', action: str(message.model), actor, outcome: 'success', taint: text ? ['model'] : undefined, text }),
  );
  const toolCalls = message.tool_calls ?? [];
  if (!Array.isArray(toolCalls)) return { ok: false, reason: 'chat message: "tool_calls" is not an array' };
  for (const [i, call] of toolCalls.entries()) {
    const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
    const name = fn ? str(fn.name) : undefined;
    if (!isObject(call) || !fn || !name) return { ok: false, reason: `chat message: tool_calls[${i}] has no function name` };
    const id = str(call.id);
    const args = typeof fn.arguments === 'string' ? fn.arguments : fn.arguments === undefined ? undefined : JSON.stringify(fn.arguments);
    const target = targetOfToolArguments(name, fn.arguments);
    if (id) calls.set(id, { name, target });
    // The call is a request; whether it worked is its tool message's to say.
    events.push(
      event({
        kind: 'tool_call',
        action: name,
        actor,
        target,
        outcome: 'unknown',
        keys: compact({ tool_call_id: id }),
        taint: ['model'],
        text: args,
      }),
    );
  }
  return { ok: true, events };
}

function readTool(message: Record<string, unknown>, calls: Map<string, CallSeen>): Normalized {
  const id = str(message.tool_call_id);
  const seen = id ? calls.get(id) : undefined;
  const text =
    textOfContent(message.content) ??
    (message.content === undefined || message.content === null ? undefined : JSON.stringify(message.content));
  const outcome: Outcome = text !== undefined && toolAnswerFailed(text) ? 'failure' : 'success';
  return {
    ok: true,
    events: [
      event({
        kind: 'tool_result',
        action: seen?.name ?? str(message.name),
        target: seen?.target,
        outcome,
        keys: compact({ tool_call_id: id }),
        taint: ['tool_output'],
        text,
      }),
    ],
  };
}

function readMessage(value: unknown, calls: Map<string, CallSeen>): Normalized {
  if (!isObject(value)) return { ok: false, reason: 'not a chat message: not a JSON object' };
  const role = value.role;
  if (typeof role !== 'string') return { ok: false, reason: 'not a chat message: "role" is missing or not a string' };
  if (!ROLES.has(role))
    return { ok: false, reason: `not a chat message: role ${JSON.stringify(role)} is not system, developer, user, assistant or tool` };
  const text = textOfContent(value.content);
  switch (role) {
    case 'user':
      return {
        ok: true,
        events: [
          event({ kind: 'prompt', actor: { type: 'human', id: str(value.name) ?? 'user' }, outcome: 'success', taint: ['user'], text }),
        ],
      };
    case 'assistant':
      return readAssistant(value, calls);
    case 'tool':
    case 'function':
      return readTool(value, calls);
    default:
      // The system (or developer) prompt: the operator's instructions, not the user's.
      return { ok: true, events: [event({ kind: 'other', action: role, outcome: 'success', taint: ['system'], text })] };
  }
}

function isChatMessage(value: unknown): boolean {
  return isObject(value) && typeof value.role === 'string' && ROLES.has(value.role) && ('content' in value || 'tool_calls' in value);
}

export const openaiChat: RecordFormat = {
  name: 'openai-chat',
  title: 'OpenAI-style chat transcript',
  recognizes: isChatMessage,
  documentRecords(probe) {
    if (probe.root === 'array') return isChatMessage(probe.first.get('')) ? [['*']] : undefined;
    return isChatMessage(probe.first.get('messages')) ? [['messages', '*']] : undefined;
  },
  normalize: (value) => readMessage(value, new Map()),
  createReader(): RecordReader {
    const calls = new Map<string, CallSeen>();
    return (value) => readMessage(value, calls);
  },
};
