// The query parser: every construct of the grammar (docs/query.md) and every error, each error naming
// the column where it starts.
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, MAX_TERMS, parseQuery, QuerySyntaxError } from '../../../../src-main/core/query';
import type { QueryNode } from '../../../../src-main/shared/query';

const field = (name: string, text: string, column: number, wildcard = false): QueryNode =>
  ({ type: 'field', field: name, value: { text, wildcard }, column }) as QueryNode;
const text = (value: string, column: number, wildcard = false): QueryNode => ({ type: 'text', value: { text: value, wildcard }, column });

function errorOf(query: string): { column: number; reason: string } {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return { column: error.column, reason: error.reason };
    throw error;
  }
  throw new Error(`"${query}" parsed without an error`);
}

describe('parseQuery: constructs', () => {
  it('reads an empty or blank query as no condition', () => {
    expect(parseQuery('')).toBeUndefined();
    expect(parseQuery('   \t ')).toBeUndefined();
  });

  it('reads field:value, with the field names and their aliases', () => {
    expect(parseQuery('actor:james.w')).toEqual({ type: 'field', field: 'actor', value: { text: 'james.w', wildcard: false }, column: 1 });
    expect(parseQuery('verb:delete')).toEqual(field('action', 'delete', 1));
    expect(parseQuery('ns:production')).toEqual(field('namespace', 'production', 1));
    expect(parseQuery('outcome:denied')).toEqual(field('outcome', 'denied', 1));
    expect(parseQuery('kind:tool_call')).toEqual(field('kind', 'tool_call', 1));
    expect(parseQuery('keys.trace_id:4bf92f3577b34da6')).toEqual(field('keys.trace_id', '4bf92f3577b34da6', 1));
    expect(parseQuery('Kind:prompt')).toEqual(field('kind', 'prompt', 1)); // field names are case-insensitive
    expect(parseQuery('actor.id=system:serviceaccount:ci:deployer')).toEqual(field('actor.id', 'system:serviceaccount:ci:deployer', 1));
  });

  it('reads quoted phrases, bare and as a field value, with \\" and \\\\ escapes', () => {
    expect(parseQuery('authz.reason:"ClusterRole edit"')).toEqual(field('authz.reason', 'ClusterRole edit', 1));
    expect(parseQuery('"rm -rf /"')).toEqual(text('rm -rf /', 1));
    expect(parseQuery('"say \\"hi\\" \\\\ now"')).toEqual(text('say "hi" \\ now', 1));
    // Inside quotes, operators, parentheses and stars are text.
    expect(parseQuery('"a OR (b*)"')).toEqual(text('a OR (b*)', 1));
  });

  it('reads bare words as full-text terms', () => {
    expect(parseQuery('kubectl')).toEqual(text('kubectl', 1));
    expect(parseQuery('10.0.0.1:443')).toEqual(text('10.0.0.1:443', 1)); // not a field: starts with a digit
  });

  it('ANDs terms side by side, and reads AND, OR and NOT with OR binding loosest', () => {
    expect(parseQuery('kind:k8s_api outcome:denied')).toEqual({
      type: 'and',
      items: [field('kind', 'k8s_api', 1), field('outcome', 'denied', 14)],
    });
    expect(parseQuery('kind:k8s_api AND outcome:denied')).toEqual({
      type: 'and',
      items: [field('kind', 'k8s_api', 1), field('outcome', 'denied', 18)],
    });
    expect(parseQuery('a b OR c')).toEqual({ type: 'or', items: [{ type: 'and', items: [text('a', 1), text('b', 3)] }, text('c', 8)] });
    expect(parseQuery('NOT ns:prod')).toEqual({ type: 'not', item: field('namespace', 'prod', 5) });
    expect(parseQuery('-ns:prod')).toEqual({ type: 'not', item: field('namespace', 'prod', 2) });
    expect(parseQuery('NOT NOT a')).toEqual({ type: 'not', item: { type: 'not', item: text('a', 9) } });
    expect(parseQuery('a OR b OR c')).toEqual({ type: 'or', items: [text('a', 1), text('b', 6), text('c', 11)] });
  });

  it('keeps lower-case and, or, not as words and a lone - or a hyphenated word as text', () => {
    expect(parseQuery('rock and roll')).toEqual({ type: 'and', items: [text('rock', 1), text('and', 6), text('roll', 10)] });
    expect(parseQuery('foo-bar')).toEqual(text('foo-bar', 1));
    expect(parseQuery('a - b')).toEqual({ type: 'and', items: [text('a', 1), text('-', 3), text('b', 5)] });
  });

  it('groups with parentheses, nested, with NOT in front', () => {
    expect(parseQuery('(a OR b) c')).toEqual({ type: 'and', items: [{ type: 'or', items: [text('a', 2), text('b', 7)] }, text('c', 10)] });
    expect(parseQuery('-(a OR b)')).toEqual({ type: 'not', item: { type: 'or', items: [text('a', 3), text('b', 8)] } });
    expect(parseQuery('((a))')).toEqual(text('a', 3));
    expect(parseQuery('NOT (kind:prompt OR (ns:a AND ns:b))')).toEqual({
      type: 'not',
      item: {
        type: 'or',
        items: [field('kind', 'prompt', 6), { type: 'and', items: [field('namespace', 'a', 22), field('namespace', 'b', 31)] }],
      },
    });
  });

  it('marks a * in an unquoted value as a wildcard, and not in a quoted one', () => {
    expect(parseQuery('name:web-*')).toEqual(field('name', 'web-*', 1, true));
    expect(parseQuery('name:"web-*"')).toEqual(field('name', 'web-*', 1));
    expect(parseQuery('kind:tool_*')).toEqual(field('kind', 'tool_*', 1, true)); // a wildcard skips the value check
    expect(parseQuery('secr*ts')).toEqual(text('secr*ts', 1, true));
  });

  it('reads time comparisons to the day, minute, second and fraction, each covering its precision', () => {
    const minute = Date.UTC(2025, 3, 3, 14, 30);
    const ns = (ms: number) => BigInt(ms) * 1_000_000n;
    expect(parseQuery('time>2025-04-03T14:30Z')).toEqual({
      type: 'range',
      field: 'time',
      op: '>',
      first: ns(minute),
      last: ns(minute + 60_000) - 1n,
      column: 1,
    });
    expect(parseQuery('time>=2025-04-03T14:30:05Z')).toMatchObject({ op: '>=', first: ns(minute + 5000), last: ns(minute + 6000) - 1n });
    expect(parseQuery('time<2025-04-03T16:30:05.25+02:00')).toMatchObject({
      op: '<',
      first: ns(minute + 5250),
      last: ns(minute + 5260) - 1n,
    });
    expect(parseQuery('time<=2025-04-03')).toMatchObject({
      op: '<=',
      first: ns(Date.UTC(2025, 3, 3)),
      last: ns(Date.UTC(2025, 3, 4)) - 1n,
    });
    expect(parseQuery('time:2025-04-03')).toMatchObject({ op: ':', first: ns(Date.UTC(2025, 3, 3)) });
    expect(parseQuery('time=2025-04-03')).toMatchObject({ op: ':' });
    expect(parseQuery('id>=12')).toEqual({ type: 'range', field: 'id', op: '>=', first: 12n, last: 12n, column: 1 });
    expect(parseQuery('position:7')).toMatchObject({ field: 'position', op: ':', first: 7n });
  });

  it("reads the analyst's marks", () => {
    expect(parseQuery('is:starred')).toEqual({ type: 'mark', field: 'is', value: 'starred', column: 1 });
    expect(parseQuery('tag:suspicious')).toEqual({ type: 'mark', field: 'tag', value: 'suspicious', column: 1 });
    expect(parseQuery('has:comment')).toEqual({ type: 'mark', field: 'has', value: 'comment', column: 1 });
    expect(parseQuery('finding:root_cause')).toEqual({ type: 'mark', field: 'finding', value: 'root_cause', column: 1 });
    expect(parseQuery('tag:"needs review"')).toEqual({ type: 'mark', field: 'tag', value: 'needs review', column: 1 });
  });
});

describe('parseQuery: errors name their column', () => {
  it.each([
    ['kind:k8s_api "unclosed', 14, /unclosed quote/],
    ['authz.reason:"ClusterRole', 14, /unclosed quote/],
    ['(a OR b', 1, /unclosed parenthesis/],
    ['a ((b) OR c', 3, /unclosed parenthesis/],
    ['a OR b)', 7, /unmatched "\)"/],
    [')', 1, /unmatched "\)"/],
    ['()', 1, /empty parentheses/],
    ['actr:james', 1, /unknown field "actr" \(did you mean actor\?\)/],
    ['kind:k8s_api nope.field:x', 14, /unknown field "nope\.field"/],
    ['kind:toolcall', 6, /kind: unknown value "toolcall" \(did you mean tool_call\?\)/],
    ['outcome:blocked', 9, /outcome: unknown value "blocked"/],
    ['is:pinned', 4, /is: unknown value "pinned"/],
    ['finding:cause', 9, /finding: unknown value "cause"/],
    ['time>yesterday', 6, /time: "yesterday" is not a time/],
    ['time>2025-13-03', 6, /not a calendar date/],
    ['time>2025-04-03T14:30', 6, /not a time/], // no zone
    ['time>2025-04-03T25:30Z', 6, /out of range/],
    ['id>twelve', 4, /not a whole number/],
    ['ns>prod', 1, /namespace cannot be compared with >/],
    ['tag:sus*', 5, /takes no wildcard/],
    ['a OR', 3, /OR has nothing after it/],
    ['a AND', 3, /AND has nothing after it/],
    ['NOT', 1, /NOT has nothing after it/],
    ['a NOT', 3, /NOT has nothing after it/],
    ['OR a', 1, /OR has nothing before it/],
    ['AND a', 1, /AND has nothing before it/],
    ['a OR OR b', 3, /OR has nothing after it/],
    ['a AND OR b', 3, /AND has nothing after it/],
    ['(a OR) b', 4, /OR has nothing after it/],
    ['kind:', 6, /kind: has no value/],
    ['time> x', 6, /time> has no value/],
    ['ns:""', 4, /empty value/],
    ['""', 1, /empty phrase/],
  ])('%s → column %i', (query, column, reason) => {
    const error = errorOf(query);
    expect(error.column).toBe(column);
    expect(error.reason).toMatch(reason);
  });

  it('says where in its message too', () => {
    expect(() => parseQuery('a (b')).toThrow('column 3: unclosed parenthesis');
  });

  it(`refuses parentheses nested deeper than ${MAX_DEPTH} instead of overflowing the stack`, () => {
    const deep = `${'('.repeat(MAX_DEPTH + 1)}a${')'.repeat(MAX_DEPTH + 1)}`;
    expect(errorOf(deep)).toEqual({ column: MAX_DEPTH + 1, reason: `NOT and parentheses nested deeper than ${MAX_DEPTH}` });
    expect(parseQuery(`${'('.repeat(MAX_DEPTH)}a${')'.repeat(MAX_DEPTH)}`)).toEqual(text('a', MAX_DEPTH + 1));
    expect(errorOf(`${'NOT '.repeat(5000)}a`)).toEqual({
      column: MAX_DEPTH * 4 + 1,
      reason: `NOT and parentheses nested deeper than ${MAX_DEPTH}`,
    });
    expect(errorOf(`${'-'.repeat(1)}(${'-('.repeat(100)}a`).reason).toMatch(/nested deeper/);
  });

  it(`refuses more than ${MAX_TERMS} terms (SQLite's expression depth stays far off)`, () => {
    const many = Array.from({ length: MAX_TERMS + 1 }, (_, i) => `t${i}`).join(' ');
    expect(errorOf(many).reason).toBe(`more than ${MAX_TERMS} terms`);
    expect(() => parseQuery(many.slice(0, many.lastIndexOf(' ')))).not.toThrow();
  });
});
