// The query grammar (docs/query.md has it in EBNF):
//
//   query   = [ or ] ;
//   or      = and { "OR" and } ;
//   and     = unary { [ "AND" ] unary } ;          (terms side by side are ANDed)
//   unary   = ( "NOT" | "-" ) unary | primary ;
//   primary = "(" or ")" | term ;
//   term    = field op value | value ;
//
// Every error names the column where it starts: an unclosed quote or parenthesis, an operator with
// nothing on one side, an unknown field or value, a time that is not one.
import { QUERY_FIELDS, type Comparison, type QueryField, type QueryFieldName, type QueryNode } from '../../shared/query';
import { QuerySyntaxError } from './errors';
import { tokenize, type Token } from './lexer';
import { parseQueryTime } from './time';

/** Parentheses and NOTs nest no deeper than this: the parser recurses, and a query is typed by a person. */
export const MAX_DEPTH = 64;
/** SQLite refuses an expression deeper than 1000; a query of more terms than this is not typed by hand. */
export const MAX_TERMS = 256;

const ALIASES = new Map<string, QueryFieldName>(
  Object.entries(QUERY_FIELDS).flatMap(([name, field]: [string, QueryField]) =>
    (field.aliases ?? []).map((alias) => [alias, name as QueryFieldName]),
  ),
);

function fieldNamed(name: string): QueryFieldName | undefined {
  const lower = name.toLowerCase();
  if (Object.hasOwn(QUERY_FIELDS, lower)) return lower as QueryFieldName;
  return ALIASES.get(lower);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

function suggestion(name: string, candidates: readonly string[]): string {
  const best = candidates.map((c) => ({ c, d: distance(name.toLowerCase(), c) })).sort((a, b) => a.d - b.d)[0];
  return best && best.d <= 2 ? ` (did you mean ${best.c}?)` : '';
}

const FIELD_NAMES = [...Object.keys(QUERY_FIELDS), ...ALIASES.keys()];

function termNode(token: Extract<Token, { type: 'term' }>): QueryNode {
  const { value, column, valueColumn } = token;
  if (!token.field) return { type: 'text', value, column };
  const { name, op } = token.field;
  const field = fieldNamed(name);
  if (!field)
    throw new QuerySyntaxError(column, `unknown field "${name}"${suggestion(name, FIELD_NAMES)}; the fields are in docs/query.md`);
  const spec: QueryField = QUERY_FIELDS[field];
  if (spec.match !== 'time' && spec.match !== 'number' && op !== ':') {
    throw new QuerySyntaxError(column, `${field} cannot be compared with ${op}: only time, id and position can (write ${field}:VALUE)`);
  }
  if (spec.match === 'time' || spec.match === 'number') return rangeNode(field as 'time' | 'id' | 'position', op, token);
  if (value.wildcard && spec.match === 'mark') throw new QuerySyntaxError(valueColumn, `${field}: takes no wildcard`);
  if (spec.values && !value.wildcard && !spec.values.includes(value.text)) {
    throw new QuerySyntaxError(
      valueColumn,
      `${field}: unknown value "${value.text}"${suggestion(value.text, spec.values)} (one of ${spec.values.join(', ')})`,
    );
  }
  if (spec.match === 'mark') return { type: 'mark', field: field as 'is' | 'has' | 'tag' | 'finding', value: value.text, column };
  return { type: 'field', field: field as Extract<QueryNode, { type: 'field' }>['field'], value, column };
}

function rangeNode(field: 'time' | 'id' | 'position', op: Comparison, token: Extract<Token, { type: 'term' }>): QueryNode {
  const { text } = token.value;
  if (field === 'time') {
    const time = parseQueryTime(text);
    if ('error' in time) throw new QuerySyntaxError(token.valueColumn, `time: ${time.error}`);
    return { type: 'range', field, op, ...time, column: token.column };
  }
  if (!/^\d{1,18}$/.test(text)) throw new QuerySyntaxError(token.valueColumn, `${field}: "${text}" is not a whole number`);
  return { type: 'range', field, op, first: BigInt(text), last: BigInt(text), column: token.column };
}

function describe(token: Token | undefined): string {
  if (!token) return 'the end of the query';
  if (token.type === 'term') return 'a term';
  return token.type === 'lparen' ? '"("' : token.type === 'rparen' ? '")"' : token.type.toUpperCase();
}

class Parser {
  private at = 0;
  private depth = 0;
  private terms = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private endColumn(): number {
    return this.length + 1;
  }

  parseQuery(): QueryNode | undefined {
    if (this.tokens.length === 0) return undefined;
    const node = this.parseOr();
    const rest = this.peek();
    if (rest) {
      if (rest.type === 'rparen') throw new QuerySyntaxError(rest.column, 'unmatched ")": no "(" opens it');
      throw new QuerySyntaxError(rest.column, `unexpected ${describe(rest)}`);
    }
    return node;
  }

  private operand(after: Token): QueryNode {
    const next = this.peek();
    if (!next || next.type === 'rparen' || next.type === 'and' || next.type === 'or') {
      const word = after.type === 'not' ? 'NOT' : after.type.toUpperCase();
      throw new QuerySyntaxError(after.column, `${word} has nothing after it (found ${describe(next)})`);
    }
    return after.type === 'not' ? this.parseUnary() : this.parseAnd();
  }

  private parseOr(): QueryNode {
    const items = [this.parseAnd()];
    for (let next = this.peek(); next?.type === 'or'; next = this.peek()) {
      this.at++;
      items.push(this.operand(next));
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  }

  private parseAnd(): QueryNode {
    const items = [this.parseUnary()];
    for (let next = this.peek(); next && next.type !== 'or' && next.type !== 'rparen'; next = this.peek()) {
      if (next.type === 'and') {
        this.at++;
        const after = this.peek();
        if (!after || after.type === 'rparen' || after.type === 'and' || after.type === 'or') {
          throw new QuerySyntaxError(next.column, `AND has nothing after it (found ${describe(after)})`);
        }
      }
      items.push(this.parseUnary());
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  }

  private parseUnary(): QueryNode {
    const token = this.peek();
    if (token?.type === 'not') {
      this.at++;
      if (++this.depth > MAX_DEPTH) throw new QuerySyntaxError(token.column, `NOT and parentheses nested deeper than ${MAX_DEPTH}`);
      const item = this.operand(token);
      this.depth--;
      return { type: 'not', item };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): QueryNode {
    const token = this.peek();
    if (!token) throw new QuerySyntaxError(this.endColumn(), 'the query ends where a term was expected');
    if (token.type === 'and' || token.type === 'or') {
      throw new QuerySyntaxError(token.column, `${token.type.toUpperCase()} has nothing before it`);
    }
    if (token.type === 'rparen') throw new QuerySyntaxError(token.column, 'unmatched ")": no "(" opens it');
    this.at++;
    if (token.type === 'term') {
      if (++this.terms > MAX_TERMS) throw new QuerySyntaxError(token.column, `more than ${MAX_TERMS} terms`);
      return termNode(token);
    }
    if (token.type === 'lparen') {
      if (++this.depth > MAX_DEPTH) throw new QuerySyntaxError(token.column, `NOT and parentheses nested deeper than ${MAX_DEPTH}`);
      if (this.peek()?.type === 'rparen') throw new QuerySyntaxError(token.column, 'empty parentheses "()"');
      const inner = this.parseOr();
      if (this.peek()?.type !== 'rparen') throw new QuerySyntaxError(token.column, 'unclosed parenthesis: the "(" here has no ")"');
      this.at++;
      this.depth--;
      return inner;
    }
    throw new QuerySyntaxError(token.column, `unexpected ${describe(token)}`);
  }
}

/** The query's tree, or undefined for an empty query (which matches every event). */
export function parseQuery(text: string): QueryNode | undefined {
  return new Parser(tokenize(text), text.length).parseQuery();
}
