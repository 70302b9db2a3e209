// Locates values inside a JSON document without re-encoding them, so that a captured object can be kept
// byte for byte as the API server sent it. The input must already be known to be valid JSON (it was
// parsed); the scanner only tracks strings, escapes and nesting.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x7b, 0x5b]); // { [
const CLOSERS = new Set([0x7d, 0x5d]); // } ]
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The index just past the string that starts at `start` (a quote). */
function skipString(data: Uint8Array, start: number): number {
  let i = start + 1;
  while (i < data.length) {
    const byte = data[i]!;
    if (byte === BACKSLASH) i += 2;
    else if (byte === QUOTE) return i + 1;
    else i += 1;
  }
  throw new Error('unterminated string');
}

/** The index just past the value that starts at `start`. */
function skipValue(data: Uint8Array, start: number): number {
  const first = data[start]!;
  if (first === QUOTE) return skipString(data, start);
  if (!OPENERS.has(first)) {
    let i = start;
    while (i < data.length && !isSpace(data[i]) && data[i] !== COMMA && !CLOSERS.has(data[i]!)) i += 1;
    return i;
  }
  let depth = 0;
  let i = start;
  while (i < data.length) {
    const byte = data[i]!;
    if (byte === QUOTE) {
      i = skipString(data, i);
      continue;
    }
    if (OPENERS.has(byte)) depth += 1;
    else if (CLOSERS.has(byte)) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  throw new Error('unterminated value');
}

function skipSpace(data: Uint8Array, i: number): number {
  while (isSpace(data[i])) i += 1;
  return i;
}

/** The byte span [start, end) of the value of a top-level key of the object in `data`, if present. */
export function findMemberSpan(data: Uint8Array, key: string): [number, number] | undefined {
  let i = skipSpace(data, 0);
  if (data[i] !== 0x7b) return undefined;
  i = skipSpace(data, i + 1);
  while (i < data.length && data[i] === QUOTE) {
    const keyEnd = skipString(data, i);
    const name = JSON.parse(Buffer.from(data.subarray(i, keyEnd)).toString('utf8')) as string;
    i = skipSpace(data, keyEnd);
    if (data[i] !== COLON) return undefined;
    const valueStart = skipSpace(data, i + 1);
    const valueEnd = skipValue(data, valueStart);
    if (name === key) return [valueStart, valueEnd];
    i = skipSpace(data, valueEnd);
    if (data[i] === COMMA) i = skipSpace(data, i + 1);
  }
  return undefined;
}

/** The exact bytes of each element of the array that spans [start, end) of `data`. */
export function splitArrayElements(data: Buffer, [start, end]: [number, number]): Buffer[] {
  if (data[start] !== 0x5b) throw new Error('not an array');
  const elements: Buffer[] = [];
  let i = skipSpace(data, start + 1);
  while (i < end - 1) {
    const valueEnd = skipValue(data, i);
    elements.push(data.subarray(i, valueEnd));
    i = skipSpace(data, valueEnd);
    if (data[i] === COMMA) i = skipSpace(data, i + 1);
  }
  return elements;
}
