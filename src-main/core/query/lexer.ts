// The query's tokens: parentheses, the operators AND, OR and NOT (upper case, or `-` before a term), and
// terms: a bare word, a "quoted phrase", or field, comparison and value (`ns:prod`, `time>2025-04-03`,
// `authz.reason:"ClusterRole edit"`). Every token carries the 1-based column where it starts.
import type { Comparison, QueryValue } from '../../shared/query';
import { QuerySyntaxError } from './errors';

export type Token =
  | { type: 'lparen' | 'rparen' | 'and' | 'or' | 'not'; column: number }
  | { type: 'term'; column: number; value: QueryValue; valueColumn: number; field?: { name: string; op: Comparison } };

const FIELD_TERM = /^([A-Za-z_][A-Za-z0-9_.]*)(:|>=|<=|>|<|=)/;
const KEYWORDS: Record<string, 'and' | 'or' | 'not'> = { AND: 'and', OR: 'or', NOT: 'not' };

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Ends a bare word: space, a parenthesis, a quote, or the end. */
function endsWord(c: string | undefined): boolean {
  return c === undefined || isSpace(c) || c === '(' || c === ')' || c === '"';
}

/** Reads the quoted string starting at `start` (its opening quote); `\"` and `\\` are the only escapes. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i++;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  throw new QuerySyntaxError(start + 1, 'unclosed quote: a phrase opened here has no closing "');
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const column = i + 1;
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', column });
      i++;
    } else if (c === '"') {
      const quoted = readQuoted(text, i);
      if (quoted.value === '') throw new QuerySyntaxError(column, 'an empty phrase ""');
      tokens.push({ type: 'term', column, valueColumn: column, value: { text: quoted.value, wildcard: false } });
      i = quoted.end;
    } else if (
      c === '-' &&
      text[i + 1] !== undefined &&
      !isSpace(text[i + 1]) &&
      text[i + 1] !== ')' &&
      (i === 0 || endsWord(text[i - 1]))
    ) {
      tokens.push({ type: 'not', column });
      i++;
    } else {
      let end = i;
      while (!endsWord(text[end])) end++;
      const word = text.slice(i, end);
      const keyword = KEYWORDS[word];
      const field = FIELD_TERM.exec(word);
      if (keyword) {
        tokens.push({ type: keyword, column });
        i = end;
      } else if (field) {
        const [prefix, name, rawOp] = field as unknown as [string, string, string];
        const op: Comparison = rawOp === '=' ? ':' : (rawOp as Comparison);
        const valueColumn = column + prefix.length;
        if (prefix.length < word.length) {
          const value = word.slice(prefix.length);
          tokens.push({ type: 'term', column, valueColumn, field: { name, op }, value: { text: value, wildcard: value.includes('*') } });
          i = end;
        } else if (text[end] === '"') {
          const quoted = readQuoted(text, end);
          if (quoted.value === '') throw new QuerySyntaxError(valueColumn, `${name}${rawOp} has an empty value ""`);
          tokens.push({ type: 'term', column, valueColumn, field: { name, op }, value: { text: quoted.value, wildcard: false } });
          i = quoted.end;
        } else {
          throw new QuerySyntaxError(
            valueColumn,
            `${name}${rawOp} has no value (write ${name}${rawOp}VALUE, or quote a value with spaces)`,
          );
        }
      } else {
        tokens.push({ type: 'term', column, valueColumn: column, value: { text: word, wildcard: word.includes('*') } });
        i = end;
      }
    }
  }
  return tokens;
}
