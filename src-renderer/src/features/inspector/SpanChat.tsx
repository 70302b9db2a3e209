// An agent span read as a conversation: each message under its role, tool calls as cards with their
// arguments indented, tool results beside the call they answer, and the span's tokens, cost and latency.
// The exact bytes stay in the raw record below.
import type { ChatMessage, ChatPart, SpanChat as Chat, SpanUsage } from '../../../../src-main/shared/agent-trace';

/** A value for reading: JSON (or JSON text) indented, plain text as it is. */
function pretty(value: unknown): string {
  if (typeof value === 'string') {
    const trimmed = value.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.stringify(JSON.parse(value), null, 2);
      } catch {
        return value;
      }
    }
    return value;
  }
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

function latency(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function usageItems(usage: SpanUsage): string[] {
  const items: string[] = [];
  if (usage.model) items.push(usage.model);
  if (usage.input_tokens !== undefined) items.push(`${usage.input_tokens.toLocaleString('en')} in`);
  if (usage.output_tokens !== undefined) items.push(`${usage.output_tokens.toLocaleString('en')} out`);
  if (usage.input_tokens !== undefined && usage.output_tokens !== undefined)
    items.push(`${(usage.input_tokens + usage.output_tokens).toLocaleString('en')} tokens`);
  if (usage.cost !== undefined) items.push(`${usage.currency ? `${usage.currency} ` : '$'}${usage.cost.toFixed(4)}`);
  if (usage.latency_ms !== undefined) items.push(latency(usage.latency_ms));
  return items;
}

function Part({ part }: { part: ChatPart }) {
  if (part.type === 'text') return <p className="chat-text">{part.text}</p>;
  if (part.type === 'tool_call')
    return (
      <div className="chat-card tool-call" data-testid="chat-tool-call">
        <header>
          <span className="chat-card-kind">tool call</span> <strong>{part.name}</strong>
          {part.id && <code className="muted"> {part.id}</code>}
        </header>
        {part.arguments !== undefined && <pre>{pretty(part.arguments)}</pre>}
      </div>
    );
  return (
    <div className="chat-card tool-result" data-testid="chat-tool-result">
      <header>
        <span className="chat-card-kind">tool result</span>
        {part.id && <code className="muted"> {part.id}</code>}
      </header>
      <pre>{pretty(part.result)}</pre>
    </div>
  );
}

function Message({ message }: { message: ChatMessage }) {
  const body = message.parts.map((part, i) => <Part key={i} part={part} />);
  const label = (
    <>
      <span className={`chat-role role-${message.role}`}>{message.role}</span>
      {message.direction === 'output' && <span className="muted"> response</span>}
      {message.finish_reason && <span className="muted"> · {message.finish_reason}</span>}
    </>
  );
  // A system prompt is long and the same on every turn: folded, one click away.
  if (message.role === 'system')
    return (
      <details className={`chat-message role-${message.role}`} data-testid="chat-message" data-role={message.role}>
        <summary>{label}</summary>
        {body}
      </details>
    );
  return (
    <div className={`chat-message role-${message.role} ${message.direction}`} data-testid="chat-message" data-role={message.role}>
      <div className="chat-label">{label}</div>
      {body}
    </div>
  );
}

export function SpanChat({ chat }: { chat: Chat }) {
  const items = usageItems(chat.usage);
  return (
    <section className="span-chat" data-testid="span-chat" aria-label="Conversation">
      <header>
        <h3>{chat.messages.length > 0 ? 'Conversation' : 'Usage'}</h3>
        <a
          href="#raw-record"
          className="link-button"
          onClick={(e) => {
            e.preventDefault();
            document.getElementById('raw-record')?.scrollIntoView({ block: 'start' });
          }}
        >
          raw record
        </a>
      </header>
      {items.length > 0 && (
        <p className="chat-usage" data-testid="span-usage">
          {items.join(' · ')}
        </p>
      )}
      {chat.messages.map((message, i) => (
        <Message key={i} message={message} />
      ))}
    </section>
  );
}
