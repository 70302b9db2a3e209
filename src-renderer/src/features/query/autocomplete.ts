// Autocomplete for the query box: which word the caret is in, and what may complete it — a field name
// while no `:` is typed, then the field's values (its fixed list, or the case's own values).

export interface FieldInfo {
  name: string;
  doc: string;
  values?: string[];
  aliases?: string[];
}

/** The word around the caret: where it starts and ends, and the field and value typed so far. */
export interface CaretWord {
  start: number;
  end: number;
  field?: string;
  /** Where the value begins (after `field:`), when a field is typed. */
  valueStart?: number;
  partial: string;
}

const BREAK = /[\s()]/;

export function wordAt(text: string, caret: number): CaretWord {
  let start = caret;
  while (start > 0 && !BREAK.test(text[start - 1]!)) start--;
  let end = caret;
  while (end < text.length && !BREAK.test(text[end]!)) end++;
  const upto = text.slice(start, caret);
  const prefix = upto.startsWith('-') ? 1 : 0;
  const field = /^([A-Za-z_][A-Za-z0-9_.]*)(:|>=|<=|>|<|=)/.exec(upto.slice(prefix));
  if (field) {
    const valueStart = start + prefix + field[0].length;
    return {
      start: start + prefix,
      end,
      field: field[1]!.toLowerCase(),
      valueStart,
      partial: text.slice(valueStart, caret).replace(/^"/, ''),
    };
  }
  return { start: start + prefix, end, partial: upto.slice(prefix) };
}

export interface Suggestion {
  /** What the box shows. */
  label: string;
  detail?: string;
  /** The text that replaces the word (or the value) at the caret. */
  insert: string;
  /** Where the replacement starts and ends in the query. */
  from: number;
  to: number;
}

function quoted(value: string): string {
  return /^[^\s()"]+$/.test(value) && !/^[A-Za-z_][A-Za-z0-9_.]*(:|>|<|=)/.test(value)
    ? value
    : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Up to `limit` completions of the word at the caret. `caseValues` gives a field's values in this case. */
export function suggest(
  fields: readonly FieldInfo[],
  caseValues: (field: string) => readonly string[],
  word: CaretWord,
  limit = 8,
): Suggestion[] {
  if (word.field !== undefined && word.valueStart !== undefined) {
    const info = fields.find((f) => f.name === word.field || f.aliases?.includes(word.field!));
    if (!info) return [];
    const values = info.values ?? caseValues(info.name);
    const lower = word.partial.toLowerCase();
    return values
      .filter((v) => v.toLowerCase().startsWith(lower) && v !== word.partial)
      .slice(0, limit)
      .map((v) => ({ label: v, insert: `${quoted(v)} `, from: word.valueStart!, to: word.end }));
  }
  const lower = word.partial.toLowerCase();
  if (lower === '') return [];
  return fields
    .filter((f) => f.name.startsWith(lower) || f.aliases?.some((a) => a.startsWith(lower)))
    .slice(0, limit)
    .map((f) => ({ label: `${f.name}:`, detail: f.doc, insert: `${f.name}:`, from: word.start, to: word.end }));
}
