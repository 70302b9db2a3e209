// What the full-text index reads of a raw record (migration 0026): the record, then the same record with
// each escape read as a separator, then its word pairs.
//
// Words are runs of letters and digits (FTS5's unicode61 tokenizer). An escape glues the word after it to
// its own letters: `app%3Dapi-service` in a request URI holds the word `3dapi`, and `\napi` in a JSON
// string the word `napi`; so a record with escapes is indexed a second time with each escape read as a
// space. The index keeps no positions, so the words the two readings share cost nothing more.
//
// Without positions the index cannot say that two words are adjacent, and the words of a typical search
// (`api-service`, `kube-system`, `v3.2.1-beta`) are each in most records of a cluster's log. So two words
// joined by one separator character of the kind names are made of (`-`, `.`, `/`, `_`, `:`, `@`) are also
// indexed as one word, the pair, joined by PAIR_JOINER (a private-use character, which the tokenizer keeps
// inside a word): `api-service` is looked up as the pair `api·service`, found in few records.

/** A percent-encoded byte, or a JSON string escape that is written with letters. */
/**
 * Every function and constant of this module, made by one self-contained function: nothing in it refers
 * to anything outside it but JavaScript's and Node's globals, so that the search index's worker, a script
 * given as text (store/search-builder.ts), makes the search text of each record with this very code
 * (`searchTextFunctions.toString()`), and the import's thread need not.
 */
export function searchTextFunctions() {
  const ESCAPE = /%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\[nrtbf]/g;
  /** A word as the index's tokenizer reads one. */
  const WORD = /[\p{L}\p{N}\p{Co}]+/gu;
  /** The separators a pair is made across: one of these characters alone between two words. */
  const PAIR_SEPARATORS = new Set(['-', '.', '/', '_', ':', '@']);
  /** Joins the two words of a pair into one word of the index (Unicode private use: never in a record). */
  const PAIR_JOINER = '\uE000';

  const HEX = /^[0-9A-Fa-f]+$/;

  /**
   * Whether two adjacent words are indexed as a pair. Not when both are hexadecimal: the segments of UIDs and
   * audit IDs, the parts of dates, times and addresses, which would add millions of words seen once; each of
   * those is rare enough alone, or too short to mean much.
   */
  function pairable(first: string, second: string): boolean {
    return !(HEX.test(first) && HEX.test(second));
  }

  /** The pairs of adjacent words of `text`, each as one word, space-separated. */
  function wordPairs(text: string): string {
    return NON_ASCII.test(text) ? unicodePairs(text) : asciiPairs(text);
  }

  const NON_ASCII = /[\u0080-\uffff]/;
  const PAIR_CODES = new Set([...PAIR_SEPARATORS].map((c) => c.charCodeAt(0)));

  /** Word characters of ASCII (1), those that are hexadecimal digits too (3); 0 for every other byte. */
  const ASCII_CLASS = new Uint8Array(256);
  for (let c = 48; c <= 57; c += 1) ASCII_CLASS[c] = 3;
  for (let c = 65; c <= 90; c += 1) ASCII_CLASS[c] = c <= 70 ? 3 : 1;
  for (let c = 97; c <= 122; c += 1) ASCII_CLASS[c] = c <= 102 ? 3 : 1;

  function isAsciiWordCode(c: number): boolean {
    return c < 256 && ASCII_CLASS[c] !== 0;
  }

  /** The same as unicodePairs for text that is all ASCII, a character code at a time (most records). */
  function asciiPairs(text: string): string {
    let out = '';
    let previousStart = -1;
    let previousEnd = -1;
    for (let i = 0; i < text.length;) {
      while (i < text.length && !isAsciiWordCode(text.charCodeAt(i))) i += 1;
      if (i === text.length) break;
      const start = i;
      while (i < text.length && isAsciiWordCode(text.charCodeAt(i))) i += 1;
      if (previousEnd >= 0 && start === previousEnd + 1 && PAIR_CODES.has(text.charCodeAt(previousEnd))) {
        const [first, second] = [text.slice(previousStart, previousEnd), text.slice(start, i)];
        if (pairable(first, second)) out += `${first}${PAIR_JOINER}${second} `;
      }
      previousStart = start;
      previousEnd = i;
    }
    return out;
  }

  function unicodePairs(text: string): string {
    const pairs: string[] = [];
    let previous: { word: string; end: number } | undefined;
    for (const match of text.matchAll(WORD)) {
      const word = match[0];
      if (previous && match.index === previous.end + 1 && PAIR_SEPARATORS.has(text[previous.end]!) && pairable(previous.word, word))
        pairs.push(`${previous.word}${PAIR_JOINER}${word}`);
      previous = { word, end: match.index + word.length };
    }
    return pairs.join(' ');
  }

  function searchableText(raw: string): string {
    ESCAPE.lastIndex = 0;
    const text = ESCAPE.test(raw) ? `${raw}\n${raw.replace(ESCAPE, ' ')}` : raw;
    return `${text}\n${wordPairs(text)}`;
  }

  const PAIR_BYTE = new Uint8Array(256);
  for (const c of PAIR_CODES) PAIR_BYTE[c] = 1;
  /** The joiner in UTF-8: three bytes. */
  const JOINER_BYTES = Buffer.from(PAIR_JOINER, 'utf8');
  const [BACKSLASH, PERCENT, U] = [0x5c, 0x25, 0x75];
  const LETTER_ESCAPES = new Set([...'nrtbf'].map((c) => c.charCodeAt(0)));

  /** Whether the byte at `at` (before `end`) is a hexadecimal digit. */
  function hexAt(bytes: Buffer, at: number, end: number): boolean {
    return at < end && (ASCII_CLASS[bytes[at]!]! & 2) !== 0;
  }

  /** The length of the escape (ESCAPE) that starts at `i`, or 0. */
  function escapeAt(bytes: Buffer, i: number, end: number): number {
    const first = bytes[i];
    if (first === PERCENT) return hexAt(bytes, i + 1, end) && hexAt(bytes, i + 2, end) ? 3 : 0;
    if (first !== BACKSLASH || i + 1 >= end) return 0;
    if (bytes[i + 1] === U && hexAt(bytes, i + 2, end) && hexAt(bytes, i + 3, end) && hexAt(bytes, i + 4, end) && hexAt(bytes, i + 5, end))
      return 6;
    return LETTER_ESCAPES.has(bytes[i + 1]!) ? 2 : 0;
  }

  /** Whether the record holds an escape: only where a `%` or a backslash is. */
  function hasEscape(raw: Buffer): boolean {
    for (const mark of [PERCENT, BACKSLASH]) {
      for (let at = raw.indexOf(mark); at >= 0; at = raw.indexOf(mark, at + 1)) if (escapeAt(raw, at, raw.length) > 0) return true;
    }
    return false;
  }

  /**
   * `searchableText` of a raw record, as UTF-8 bytes, made from the bytes themselves when the record is all
   * ASCII (most records: decoding each to a string, building the text as strings and encoding it again for
   * SQLite took the import most of 10 s a million records). The bytes are `searchableText`'s to the byte
   * (test/unit/store/search.test.ts); a record with any other byte goes that way. The result is a view of a
   * buffer the next call reuses: bind it at once (SQLite copies it).
   */
  function searchableBytes(raw: Buffer): Buffer {
    const n = raw.length;
    // A record over BYTES_PATH_LIMIT goes the string way too: the reused buffer is ten times the record's
    // size, and would stay that large for the rest of the import.
    if (n > BYTES_PATH_LIMIT) return Buffer.from(searchableText(raw.toString('utf8')), 'utf8');
    for (let i = 0; i < n; i += 1) if (raw[i]! >= 0x80) return Buffer.from(searchableText(raw.toString('utf8')), 'utf8');
    // The text: the record, then (when it has escapes) the record with each escape read as one space.
    const escaped = hasEscape(raw);
    // At most: the text twice over and a newline, then a pair for each word but the first, each at most
    // both words, a joiner and a space (fewer bytes than 4 × the text).
    const room = (2 * n + 2) * 5 + 16;
    if (scratch.length < room) scratch = Buffer.allocUnsafe(Math.max(room, 2 * scratch.length));
    const out = scratch;
    raw.copy(out, 0);
    let length = n;
    if (escaped) {
      out[length++] = 0x0a;
      for (let i = 0; i < n;) {
        const size = escapeAt(raw, i, n);
        if (size > 0) {
          out[length++] = 0x20;
          i += size;
        } else out[length++] = raw[i++]!;
      }
    }
    const textEnd = length;
    out[length++] = 0x0a;
    // The pairs of adjacent words, as asciiPairs makes them.
    let previousStart = -1;
    let previousEnd = -1;
    let previousHex = false;
    for (let i = 0; i < textEnd;) {
      while (i < textEnd && ASCII_CLASS[out[i]!] === 0) i += 1;
      if (i === textEnd) break;
      const start = i;
      let hex = true;
      for (let kind = ASCII_CLASS[out[i]!]!; i < textEnd && kind !== 0; kind = ASCII_CLASS[out[++i]!]!) if (kind !== 3) hex = false;
      if (previousEnd >= 0 && start === previousEnd + 1 && PAIR_BYTE[out[previousEnd]!] === 1 && !(previousHex && hex)) {
        // Byte by byte: words are short, and a native copy for each costs more than the copying.
        for (let k = previousStart; k < previousEnd; k += 1) out[length++] = out[k]!;
        out[length++] = JOINER_BYTES[0]!;
        out[length++] = JOINER_BYTES[1]!;
        out[length++] = JOINER_BYTES[2]!;
        for (let k = start; k < i; k += 1) out[length++] = out[k]!;
        out[length++] = 0x20;
      }
      previousStart = start;
      previousEnd = i;
      previousHex = hex;
    }
    return out.subarray(0, length);
  }

  let scratch = Buffer.allocUnsafe(64 * 1024);
  /** The largest record whose search text is made from its bytes (in at most 10 × as much reused buffer). */
  const BYTES_PATH_LIMIT = 256 * 1024;

  return { WORD, PAIR_SEPARATORS, PAIR_JOINER, pairable, wordPairs, searchableText, searchableBytes };
}

export const { WORD, PAIR_SEPARATORS, PAIR_JOINER, pairable, wordPairs, searchableText, searchableBytes } = searchTextFunctions();
