// The shapes in which agent frameworks write chat messages, read into one form: who spoke and the text.
// OpenTelemetry's gen_ai.input.messages (`{role, parts:[{type:'text', content}]}`), OpenAI chat
// (`{role, content}` with a string or `[{type:'text', text}]`), Gemini (`{role, parts:[{text}]}`),
// LangChain (`{type:'human', content}`), and the single-prompt forms (`{prompt}`). Used by the OTLP and
// Langfuse readers (span inputs) and the chat transcript reader, so a prompt reads the same in all three.
import { isObject } from './format';

export interface ChatText {
  role: string;
  text: string;
}

/** Parses a JSON string when it is one (attribute values and Langfuse inputs are often JSON text). */
export function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The text of a message's content: a string, or the text parts of a part list joined by newlines. */
export function textOfContent(content: unknown): string | undefined {
  if (typeof content === 'string') return content === '' ? undefined : content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') texts.push(part);
    else if (
      isObject(part) &&
      (part.type === undefined || part.type === 'text' || part.type === 'input_text' || part.type === 'output_text')
    ) {
      // OTel TextPart carries `content`, OpenAI and Anthropic `text`, Gemini a bare `{text}`.
      const text = typeof part.content === 'string' ? part.content : part.text;
      if (typeof text === 'string' && text !== '') texts.push(text);
    }
  }
  return texts.length > 0 ? texts.join('\n') : undefined;
}

function roleOf(message: Record<string, unknown>): string | undefined {
  if (typeof message.role === 'string') return message.role === 'human' ? 'user' : message.role;
  // LangChain messages name their role by type.
  if (message.type === 'human') return 'user';
  if (message.type === 'ai') return 'assistant';
  if (message.type === 'system' || message.type === 'tool') return message.type;
  return undefined;
}

function chatTextOf(message: unknown): ChatText | undefined {
  if (!isObject(message)) return undefined;
  const role = roleOf(message);
  if (!role) return undefined;
  const text = textOfContent(message.parts) ?? textOfContent(message.content);
  return text === undefined ? undefined : { role, text };
}

/**
 * The messages a model input holds, in order, from any of the shapes above; [] when it holds none.
 * Accepts a message list, one message, `{messages:[…]}`, Gemini's `{contents:[…]}`, and `{prompt}`
 * (the Vercel AI SDK's and Claude Agent SDK's single prompt, which is the user's).
 */
export function chatTextsOf(input: unknown): ChatText[] {
  const value = parseMaybeJson(input);
  if (Array.isArray(value)) return value.map(chatTextOf).filter((m): m is ChatText => m !== undefined);
  if (!isObject(value)) return [];
  if (Array.isArray(value.messages)) return chatTextsOf(value.messages);
  if (Array.isArray(value.contents)) return chatTextsOf(value.contents);
  if (typeof value.prompt === 'string' && value.prompt !== '') return [{ role: 'user', text: value.prompt }];
  const one = chatTextOf(value);
  return one ? [one] : [];
}

/** The user messages of a model input, in order. */
export function userTextsOf(input: unknown): string[] {
  return chatTextsOf(input)
    .filter((message) => message.role === 'user')
    .map((message) => message.text);
}

/**
 * The text a model answered with, from the output shapes seen in traces: a message list, one message,
 * an OpenAI choice (`{message}`), a Gemini response (`{content:{parts}}`), or plain text.
 */
export function outputTextOf(output: unknown): string | undefined {
  const value = parseMaybeJson(output);
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (isObject(value) && isObject(value.message)) return outputTextOf(value.message);
  if (isObject(value) && isObject(value.content)) return textOfContent(value.content.parts);
  if (isObject(value) && Array.isArray(value.content) && value.role === undefined) return textOfContent(value.content);
  const texts = chatTextsOf(value)
    .filter((message) => message.role === 'assistant' || message.role === 'model')
    .map((message) => message.text);
  return texts.length > 0 ? texts.join('\n') : undefined;
}
