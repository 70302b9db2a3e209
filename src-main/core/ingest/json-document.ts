// JSON documents whose records are values inside them (`kubectl get … -o json` lists, OTLP exports, chat
// message arrays). A streaming scanner finds each selected value and hands back its exact bytes, so a
// record of a document is kept byte for byte like a line of JSON lines, and memory holds one record at a
// time however large the document grows.
import { DEFAULT_LIMITS, formatBytes } from '../limits';

/** Where a value sits: object keys and array indexes from the document's root. */
export type JsonPath = readonly (string | number)[];

/** `$.items[3]`, `$["odd key"][0]`: the locator stored with a record and named in errors. */
export function formatJsonPath(path: JsonPath): string {
  let out = '$';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/**
 * A pattern of record paths: keys, `'*'` for any array index or object key. `['items', '*']` selects every
 * element of the top-level `items` array; `[]` selects the whole document as one record.
 */
export type PathPattern = readonly (string | '*')[];

function matches(path: (string | number)[], pattern: PathPattern): boolean {
  if (path.length !== pattern.length) return false;
  for (let i = 0; i < path.length; i += 1) {
    const want = pattern[i]!;
    const got = path[i]!;
    if (want !== '*' && want !== got) return false;
  }
  return true;
}

/** One selected value: where it is, the line it starts on, and its bytes exactly as written. */
export interface DocumentElement {
  path: (string | number)[];
  line: number;
  /** The value's bytes; empty when it was oversized. */
  bytes: Buffer;
  /** Set when the value was larger than the maximum record size: its size; its bytes were not kept. */
  oversized?: number;
  /**
   * Set on a boundary mark rather than a value: the container at `path`, which a boundary pattern
   * selects, has just closed (`bytes` is empty). Readers that hold records until their enclosing element
   * is complete (OTLP spans and their resource) flush them here.
   */
  closed?: true;
}

/** What a scanner holds to: the largest value it keeps, and how deep a document may nest. */
export interface ScanLimits {
  maxRecordBytes: number;
  maxNestingDepth: number;
}

/** An object key outside a record is decoded to match paths; none needs to be longer than this. */
const MAX_KEY_BYTES = 1 << 20;

export class JsonSyntaxError extends Error {
  /** The values completed in the chunk before the error (the rest of the document cannot be located). */
  elements: DocumentElement[] = [];
  /** The document broke a limit (nesting, key length) rather than the JSON grammar. */
  overLimit = false;

  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`invalid JSON at line ${line}, column ${column}: ${detail}`);
  }
}

interface Frame {
  type: 'object' | 'array';
  /** The key of the value being read (objects) or the index of the next element (arrays). */
  key: string | number;
  state: 'key' | 'colon' | 'value' | 'after';
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const BOM = [0xef, 0xbb, 0xbf];
const EMPTY = Buffer.alloc(0);

/** The index of the next `"` or `\\` at or after `from`, or the chunk's length. */
function nextSpecial(chunk: Buffer, from: number): number {
  const quote = chunk.indexOf(QUOTE, from);
  const backslash = chunk.indexOf(BACKSLASH, from);
  if (quote === -1) return backslash === -1 ? chunk.length : backslash;
  return backslash === -1 || quote < backslash ? quote : backslash;
}

/**
 * Byte-level scanner: tracks nesting, strings and keys, and captures the values whose path one of the
 * patterns selects. Keys are decoded only outside captured values, so a large record costs one copy.
 */
export class JsonElementScanner {
  private readonly stack: Frame[] = [];
  private rootDone = false;
  private started = false;
  private inString = false;
  private escape = false;
  /** Whether the open string is an object key, and whether its text is kept (only outside a capture). */
  private stringIsKey = false;
  private keepKey = false;
  private bomSkipped = 0;
  private keyBytes: number[] = [];
  private inScalar = false;
  private line = 1;
  private column = 0;
  /** The value being captured; once it passes the record limit its pieces are dropped and only `size` counts. */
  private capture:
    | { depth: number; pieces: Buffer[]; size: number; oversized: boolean; path: (string | number)[]; line: number; scalar: boolean }
    | undefined;
  private captureFrom = -1;
  private readonly limits: ScanLimits;

  /**
   * `patterns` select the values to capture; `boundaries` select containers whose end is reported (as an
   * element with `closed` set and no bytes), without capturing them. `limits` bound a captured value's
   * size and the document's nesting.
   */
  constructor(
    private readonly patterns: readonly PathPattern[],
    private readonly boundaries: readonly PathPattern[] = [],
    limits: Partial<ScanLimits> = {},
  ) {
    this.limits = {
      maxRecordBytes: limits.maxRecordBytes ?? DEFAULT_LIMITS.maxRecordBytes,
      maxNestingDepth: limits.maxNestingDepth ?? DEFAULT_LIMITS.maxNestingDepth,
    };
  }

  /** Feeds the next chunk; returns the values completed within it. */
  push(chunk: Buffer): DocumentElement[] {
    const out: DocumentElement[] = [];
    try {
      this.scan(chunk, out);
    } catch (error) {
      if (error instanceof JsonSyntaxError) error.elements = out;
      throw error;
    }
    return out;
  }

  private scan(chunk: Buffer, out: DocumentElement[]): void {
    this.captureFrom = this.capture ? 0 : -1;
    for (let i = 0; i < chunk.length; i += 1) {
      const byte = chunk[i]!;
      if (byte === 0x0a) {
        this.line += 1;
        this.column = 0;
      } else {
        this.column += 1;
      }
      if (this.inString) {
        if (!this.escape && !this.keepKey && byte !== QUOTE && byte !== BACKSLASH) {
          // Inside a string whose text is not kept, jump to the next quote or backslash: strings hold no
          // raw newlines, so line counting is unaffected (control characters are left to JSON.parse).
          const next = nextSpecial(chunk, i + 1);
          this.column += next - i - 1;
          i = next - 1;
          continue;
        }
        this.readStringByte(byte, chunk, i, out);
        continue;
      }
      if (this.inScalar) {
        if (WS.has(byte) || byte === 0x2c || byte === 0x5d || byte === 0x7d) {
          this.inScalar = false;
          this.endValue(chunk, i, out);
        } else {
          continue;
        }
      }
      if (WS.has(byte)) continue;
      if (!this.started && this.bomSkipped < 3 && byte === BOM[this.bomSkipped]) {
        this.bomSkipped += 1; // a UTF-8 byte order mark before the document
        continue;
      }
      this.readStructural(byte, chunk, i, out);
    }
    if (this.capture && this.captureFrom >= 0) this.keepPiece(chunk.subarray(this.captureFrom));
  }

  /** Adds a piece of the captured value, or only its size once the value is over the record limit. */
  private keepPiece(piece: Buffer): void {
    const capture = this.capture!;
    capture.size += piece.length;
    if (!capture.oversized && capture.size > this.limits.maxRecordBytes) {
      capture.oversized = true;
      capture.pieces = [];
    }
    if (!capture.oversized) capture.pieces.push(Buffer.from(piece));
  }

  /** Ends the input; throws when the document is cut short. Returns a value completed by the end (a scalar). */
  end(): DocumentElement[] {
    const out: DocumentElement[] = [];
    if (this.inScalar) {
      this.inScalar = false;
      this.endValue(Buffer.alloc(0), 0, out);
    }
    if (!this.started) throw new JsonSyntaxError(this.line, this.column, 'the document is empty');
    if (this.inString || this.stack.length > 0) {
      const inside = this.stack.length > 0 ? ` inside ${formatJsonPath(this.currentPath())}` : '';
      throw new JsonSyntaxError(this.line, this.column, `the document is cut off${inside} (truncated file?)`);
    }
    return out;
  }

  private currentPath(): (string | number)[] {
    return this.stack.map((frame) => frame.key);
  }

  private fail(detail: string, overLimit = false): never {
    const error = new JsonSyntaxError(this.line, this.column, detail);
    error.overLimit = overLimit;
    throw error;
  }

  private readStringByte(byte: number, chunk: Buffer, i: number, out: DocumentElement[]): void {
    if (this.escape) {
      this.escape = false;
      if (this.keepKey) this.keyBytes.push(byte);
      return;
    }
    if (byte === BACKSLASH) {
      this.escape = true;
      if (this.keepKey) this.keyBytes.push(byte);
      return;
    }
    if (byte === QUOTE) {
      this.inString = false;
      if (this.stringIsKey) {
        const frame = this.stack[this.stack.length - 1]!;
        frame.key = this.keepKey ? this.decodeKey() : '';
        frame.state = 'colon';
        this.stringIsKey = false;
        this.keepKey = false;
      } else {
        this.endValue(chunk, i + 1, out);
      }
      return;
    }
    if (byte < 0x20) this.fail('control character inside a string');
    if (this.keepKey) {
      if (this.keyBytes.length >= MAX_KEY_BYTES) this.fail(`an object key longer than ${formatBytes(MAX_KEY_BYTES)}`, true);
      this.keyBytes.push(byte);
    }
  }

  private decodeKey(): string {
    const raw = Buffer.from(this.keyBytes).toString('utf8');
    this.keyBytes = [];
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return this.fail(`invalid object key "${raw.slice(0, 40)}"`);
    }
  }

  private readStructural(byte: number, chunk: Buffer, i: number, out: DocumentElement[]): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame?.type === 'object' && frame.state === 'key') {
      if (byte === QUOTE) {
        this.inString = true;
        this.stringIsKey = true;
        this.keepKey = !this.capture;
        this.afterComma = false;
        return;
      }
      if (byte === 0x7d && !this.afterComma) return this.closeContainer(chunk, i, out);
      return this.fail(`expected a key string, found "${String.fromCharCode(byte)}"`);
    }
    if (frame?.type === 'object' && frame.state === 'colon') {
      if (byte !== 0x3a) this.fail(`expected ":", found "${String.fromCharCode(byte)}"`);
      frame.state = 'value';
      return;
    }
    if (frame && frame.state === 'after') {
      if (byte === 0x2c) {
        if (frame.type === 'array') {
          frame.key = (frame.key as number) + 1;
          frame.state = 'value';
        } else {
          frame.state = 'key';
        }
        this.afterComma = true;
        return;
      }
      if ((byte === 0x5d && frame.type === 'array') || (byte === 0x7d && frame.type === 'object')) {
        return this.closeContainer(chunk, i, out);
      }
      return this.fail(`expected "," or "${frame.type === 'array' ? ']' : '}'}", found "${String.fromCharCode(byte)}"`);
    }
    if (frame?.type === 'array' && byte === 0x5d && !this.afterComma) return this.closeContainer(chunk, i, out);
    if (!frame && this.rootDone) this.fail('more data after the end of the document');
    this.startValue(byte, i);
  }

  /** A "," was just read, so "]" or "}" would close a container after a trailing comma (not JSON). */
  private afterComma = false;

  private startValue(byte: number, i: number): void {
    this.started = true;
    this.afterComma = false;
    if (!this.capture) {
      const path = this.currentPath();
      if (this.patterns.some((pattern) => matches(path, pattern))) {
        this.capture = {
          depth: this.stack.length,
          pieces: [],
          size: 0,
          oversized: false,
          path,
          line: this.line,
          scalar: byte !== 0x7b && byte !== 0x5b,
        };
        this.captureFrom = i;
      }
    }
    if (byte === 0x7b || byte === 0x5b) {
      // Each open array or object costs a frame; a line of a million "[" must not cost a million.
      if (this.stack.length >= this.limits.maxNestingDepth)
        this.fail(`nested deeper than ${this.limits.maxNestingDepth} levels (the maximum nesting depth)`, true);
      this.stack.push({ type: byte === 0x7b ? 'object' : 'array', key: byte === 0x7b ? '' : 0, state: byte === 0x7b ? 'key' : 'value' });
      return;
    }
    if (byte === QUOTE) {
      this.inString = true;
      this.stringIsKey = false;
      return;
    }
    if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39) || byte === 0x74 || byte === 0x66 || byte === 0x6e) {
      this.inScalar = true;
      return;
    }
    this.fail(`unexpected "${String.fromCharCode(byte)}"`);
  }

  private closeContainer(chunk: Buffer, i: number, out: DocumentElement[]): void {
    this.afterComma = false;
    if (!this.capture && this.boundaries.length > 0) {
      const path = this.stack.slice(0, -1).map((frame) => frame.key);
      if (this.boundaries.some((pattern) => matches(path, pattern))) out.push({ path, line: this.line, bytes: EMPTY, closed: true });
    }
    this.stack.pop();
    this.endValue(chunk, i + 1, out);
  }

  /** A value ended just before `end` in `chunk`: emit it if captured, and move its parent on. */
  private endValue(chunk: Buffer, end: number, out: DocumentElement[]): void {
    if (this.capture && this.stack.length === this.capture.depth) {
      this.keepPiece(chunk.subarray(Math.max(this.captureFrom, 0), end));
      const { pieces, path, line, size, oversized } = this.capture;
      if (oversized) out.push({ path, line, bytes: Buffer.alloc(0), oversized: size });
      else out.push({ path, line, bytes: pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces) });
      this.capture = undefined;
      this.captureFrom = -1;
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.state = 'after';
    else this.rootDone = true;
  }
}

/** Streams the selected values of a document; a syntax error or a cut-off document ends it by throwing. */
export async function* scanJsonDocument(
  content: AsyncIterable<Buffer>,
  patterns: readonly PathPattern[],
  boundaries: readonly PathPattern[] = [],
  limits: Partial<ScanLimits> = {},
): AsyncGenerator<DocumentElement> {
  const scanner = new JsonElementScanner(patterns, boundaries, limits);
  for await (const chunk of content) {
    let elements;
    try {
      elements = scanner.push(chunk);
    } catch (error) {
      // The values the chunk completed before the break are records like any other.
      if (error instanceof JsonSyntaxError) yield* error.elements;
      throw error;
    }
    yield* elements;
  }
  yield* scanner.end();
}

/** Whether a path is selected by one of the patterns. */
export function matchesAny(path: readonly (string | number)[], patterns: readonly PathPattern[]): boolean {
  return patterns.some((pattern) => matches(path as (string | number)[], pattern));
}
