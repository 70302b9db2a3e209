// An event's correlation keys as the case stores them: a JSON object, most often of strings alone
// (`{"audit_id":"…"}`). JSON.parse internalizes every string value shorter than ten characters, and V8's
// string table, which holds them, lives outside its heap and grows with the strings made between two full
// collections, not with those still used: a million short audit IDs read once each by the linker grew it
// by 23 MB (docs/limits.md, "Memory"). An object of plain strings is read here without that; anything
// else goes to JSON.parse, which gives the same value.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** The keys `text` holds, exactly as JSON.parse gives them (and its error when `text` is not JSON). */
export function parseKeys(text: string): Record<string, unknown> {
  // Anything but text (what a forger may leave in the column) is JSON.parse's to read, as it reads it.
  if (typeof text !== 'string') return JSON.parse(text) as Record<string, unknown>;
  return plainStringObject(text) ?? (JSON.parse(text) as Record<string, unknown>);
}

/**
 * `text` read as an object whose every value is a string, when it is one written without whitespace,
 * escapes or a key named `__proto__` (which JSON.parse makes an own property and an assignment would not);
 * undefined otherwise, for JSON.parse to read.
 */
function plainStringObject(text: string): Record<string, unknown> | undefined {
  const last = text.length - 1;
  if (last < 1 || text.charCodeAt(0) !== OPEN || text.charCodeAt(last) !== CLOSE) return undefined;
  const object: Record<string, unknown> = {};
  if (last === 1) return object;
  let at = 1;
  for (;;) {
    const keyEnd = plainStringEnd(text, at);
    if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== COLON) return undefined;
    const valueEnd = plainStringEnd(text, keyEnd + 2);
    if (valueEnd < 0) return undefined;
    const key = text.slice(at + 1, keyEnd);
    if (key === '__proto__') return undefined;
    object[key] = text.slice(keyEnd + 3, valueEnd);
    const next = text.charCodeAt(valueEnd + 1);
    if (valueEnd + 1 === last) return object;
    if (next !== COMMA) return undefined;
    at = valueEnd + 2;
  }
}

/** Where the string opening at `at` closes, when it holds neither an escape nor a control character; -1 otherwise. */
function plainStringEnd(text: string, at: number): number {
  if (text.charCodeAt(at) !== QUOTE) return -1;
  for (let i = at + 1; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20) return -1;
  }
  return -1;
}
