// Distinctive spans of a tool result repeated later: the words of each text are tokenized the same way
// (case folded, NFKC, JSON escapes and hidden characters dropped, so `\n` and a zero-width space do not
// hide a repeat), and a later text that repeats at least MIN_WORDS consecutive words of an earlier one,
// MIN_CHARS long with MIN_CONTENT words that are not common English, shares a span. Shingles the user's
// own prompt (or the system prompt) holds never count: an agent repeating its instructions is not taint.

export const MIN_WORDS = 6;
export const MIN_CHARS = 30;
export const MIN_CONTENT = 4;

/** Format characters that render as nothing: zero-width, joiners, bidi controls, word joiner, BOM, tags. */
export const HIDDEN = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/gu;

const TOKEN =
  /\\u[0-9a-fA-F]{4}|\\[nrtbf"\\/]|[\p{L}\p{N}]+(?:(?:[\u200B-\u200F\u2060-\u2064\uFEFF]|[\u{E0000}-\u{E007F}])+[\p{L}\p{N}]+)*/gu;

const STOPWORDS = new Set(
  (
    "a an and are as at be but by can do does for from has have i if in into is it its it's may me my no not of on or our please " +
    'so than that the their them then there these they this those to up us was we were what when which will with would you your ' +
    'all any each now only also just should must could one two new get set'
  ).split(' '),
);

export interface Tokens {
  words: string[];
  /** Each word's start and end in the original text. */
  starts: number[];
  ends: number[];
}

export function tokenize(text: string): Tokens {
  const out: Tokens = { words: [], starts: [], ends: [] };
  for (const match of text.matchAll(TOKEN)) {
    if (match[0].startsWith('\\')) continue;
    out.words.push(match[0].replace(HIDDEN, '').normalize('NFKC').toLowerCase());
    out.starts.push(match.index);
    out.ends.push(match.index + match[0].length);
  }
  return out;
}

const shingle = (words: readonly string[], i: number) => words.slice(i, i + MIN_WORDS).join(' ');

/** Every MIN_WORDS-word shingle of a text, for blocking those of the prompts. */
export function shinglesOf(text: string): Set<string> {
  const { words } = tokenize(text);
  const out = new Set<string>();
  for (let i = 0; i + MIN_WORDS <= words.length; i += 1) out.add(shingle(words, i));
  return out;
}

export interface SharedSpan {
  /** The span as the earlier text wrote it. */
  span: string;
  words: number;
  exact: boolean;
}

function distinctive(words: readonly string[], chars: number): boolean {
  if (words.length < MIN_WORDS || chars < MIN_CHARS) return false;
  const content = new Set(words.filter((w) => w.length >= 3 && !STOPWORDS.has(w) && !/^\d+$/.test(w)));
  return content.size >= MIN_CONTENT;
}

/** A shingle index of one earlier text, to test later texts against it. */
export class SpanSource {
  readonly tokens: Tokens;
  private readonly at = new Map<string, number[]>();

  constructor(
    readonly text: string,
    blocked: ReadonlySet<string>,
  ) {
    this.tokens = tokenize(text);
    const { words } = this.tokens;
    for (let i = 0; i + MIN_WORDS <= words.length; i += 1) {
      const key = shingle(words, i);
      if (blocked.has(key)) continue;
      const list = this.at.get(key);
      if (list) list.push(i);
      else this.at.set(key, [i]);
    }
  }

  get empty(): boolean {
    return this.at.size === 0;
  }

  /** The longest distinctive span of this text that `later` repeats, if any. */
  longestIn(later: string): SharedSpan | undefined {
    if (this.empty) return undefined;
    const target = tokenize(later);
    const w = this.tokens.words;
    const t = target.words;
    let best: { from: number; length: number } | undefined;
    for (let j = 0; j + MIN_WORDS <= t.length; j += 1) {
      for (const i of this.at.get(shingle(t, j)) ?? []) {
        let length = MIN_WORDS;
        while (
          i + length < w.length &&
          j + length < t.length &&
          w[i + length] === t[j + length] &&
          this.at.has(shingle(w, i + length - MIN_WORDS + 1))
        )
          length += 1;
        if (!best || length > best.length) best = { from: i, length };
      }
    }
    if (!best) return undefined;
    const start = this.tokens.starts[best.from]!;
    const end = this.tokens.ends[best.from + best.length - 1]!;
    const span = this.text.slice(start, end);
    if (!distinctive(w.slice(best.from, best.from + best.length), span.replace(HIDDEN, '').length)) return undefined;
    return { span, words: best.length, exact: later.includes(span) };
  }
}
