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
const ESCAPE = /%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\[nrtbf]/g;
/** A word as the index's tokenizer reads one. */
export const WORD = /[\p{L}\p{N}\p{Co}]+/gu;
/** The separators a pair is made across: one of these characters alone between two words. */
export const PAIR_SEPARATORS = new Set(['-', '.', '/', '_', ':', '@']);
/** Joins the two words of a pair into one word of the index (Unicode private use: never in a record). */
export const PAIR_JOINER = '\uE000';

const HEX = /^[0-9A-Fa-f]+$/;

/**
 * Whether two adjacent words are indexed as a pair. Not when both are hexadecimal: the segments of UIDs and
 * audit IDs, the parts of dates, times and addresses, which would add millions of words seen once; each of
 * those is rare enough alone, or too short to mean much.
 */
export function pairable(first: string, second: string): boolean {
  return !(HEX.test(first) && HEX.test(second));
}

/** The pairs of adjacent words of `text`, each as one word, space-separated. */
export function wordPairs(text: string): string {
  return NON_ASCII.test(text) ? unicodePairs(text) : asciiPairs(text);
}

const NON_ASCII = /[\u0080-\uffff]/;
const PAIR_CODES = new Set([...PAIR_SEPARATORS].map((c) => c.charCodeAt(0)));

function isAsciiWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
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

export function searchableText(raw: string): string {
  ESCAPE.lastIndex = 0;
  const text = ESCAPE.test(raw) ? `${raw}\n${raw.replace(ESCAPE, ' ')}` : raw;
  return `${text}\n${wordPairs(text)}`;
}
