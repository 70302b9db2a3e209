// A parsed query (shared/query.ts) compiled to one SQL condition over `event e`. Every value the analyst
// typed travels as a bound parameter; the SQL text is built only from the field table below and the
// operators of the tree, so no value can change the statement. Fields with an index are compared so that
// the index answers them (`e.col = ?`, a GLOB with a literal prefix), and text goes to the full-text
// index of words (migration 0026), then is checked on the records it hands back.
import type { MarkResolver, QueryNode, QueryValue } from '../shared/query';
import type { CaseStore } from './case-store';
import { pairable, PAIR_JOINER, PAIR_SEPARATORS, WORD } from './search-text';
import { authzReasonSql } from './event-columns';
import { rawSql } from './raw-blocks';

export interface CompiledQuery {
  sql: string;
  params: unknown[];
}

/** The column (or expression over `e`) each exact field compares. Constants: never built from input. */
const EXACT_COLUMNS: Record<string, string> = {
  kind: 'e.kind',
  'actor.id': 'e.actor_id',
  'actor.type': 'e.actor_type',
  principal: 'e.on_behalf_of',
  action: 'e.action',
  resource: 'e.target_resource',
  namespace: 'e.target_namespace',
  name: 'e.target_name',
  uid: 'e.target_uid',
  group: 'e.target_api_group',
  outcome: 'e.outcome',
  'authz.decision': 'e.authz_decision',
  stage: 'e.stage',
  'keys.trace_id': "json_extract(e.keys, '$.trace_id')",
  'keys.span_id': "json_extract(e.keys, '$.span_id')",
  'keys.parent_span_id': "json_extract(e.keys, '$.parent_span_id')",
  'keys.conversation_id': "json_extract(e.keys, '$.conversation_id')",
  'keys.tool_call_id': "json_extract(e.keys, '$.tool_call_id')",
  'keys.jsonrpc_id': "json_extract(e.keys, '$.jsonrpc_id')",
  'keys.audit_id': "json_extract(e.keys, '$.audit_id')",
  'keys.object_uid': "json_extract(e.keys, '$.object_uid')",
};

const RANGE_COLUMNS = { time: 'e.time_ns', id: 'e.id', position: 'e.position' } as const;

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern: a substring, or with `*`, the value anchored at both ends with `*` as any run. */
function likePattern(value: QueryValue): string {
  if (!value.wildcard) return `%${likeEscape(value.text)}%`;
  return value.text.split('*').map(likeEscape).join('%');
}

/** A GLOB pattern for a wildcard value: `*` stays, GLOB's other special characters are made literal. */
function globPattern(text: string): string {
  return text.replace(/[[?]/g, (c) => `[${c}]`);
}

/** `=`, or GLOB for a wildcard (a literal prefix lets SQLite use the column's index as a range). */
function compare(column: string, value: QueryValue): CompiledQuery {
  return value.wildcard ? { sql: `${column} GLOB ?`, params: [globPattern(value.text)] } : { sql: `${column} = ?`, params: [value.text] };
}

/** Any element of a JSON array column (or of the array at `path` inside it) matches. */
function inList(column: string, path: '' | '$.owner_uids', value: QueryValue): CompiledQuery {
  const test = compare('x.value', value);
  return { sql: `EXISTS (SELECT 1 FROM json_each(${column}${path ? `, '${path}'` : ''}) x WHERE ${test.sql})`, params: test.params };
}

function fieldCondition(node: Extract<QueryNode, { type: 'field' }>): CompiledQuery {
  const { field, value } = node;
  const column = EXACT_COLUMNS[field];
  if (column) return compare(column, value);
  switch (field) {
    case 'actor': {
      // A case has few distinct names among many events: the pattern is matched against the actor table,
      // and the events are found through the two indexes on actor_id and on_behalf_of.
      const names = "SELECT name FROM actor WHERE name LIKE ? ESCAPE '\\'";
      const pattern = likePattern(value);
      return { sql: `(e.actor_id IN (${names}) OR e.on_behalf_of IN (${names}))`, params: [pattern, pattern] };
    }
    case 'authz.reason':
      return { sql: `${authzReasonSql('e')} LIKE ? ESCAPE '\\'`, params: [likePattern(value)] };
    case 'text':
      return { sql: "e.text LIKE ? ESCAPE '\\'", params: [likePattern(value)] };
    case 'taint':
      return inList('e.taint', '', value);
    case 'keys.owner_uids':
      return inList('e.keys', '$.owner_uids', value);
    case 'source': {
      const test = compare('name', value);
      return { sql: `e.source_id IN (SELECT id FROM source WHERE ${test.sql})`, params: test.params };
    }
    case 'format': {
      const test = compare('format', value);
      return { sql: `e.source_id IN (SELECT id FROM source WHERE ${test.sql})`, params: test.params };
    }
    default:
      throw new Error(`no SQL for the query field ${field}`);
  }
}

function rangeCondition(node: Extract<QueryNode, { type: 'range' }>): CompiledQuery {
  const column = RANGE_COLUMNS[node.field];
  switch (node.op) {
    case ':':
      return node.first === node.last
        ? { sql: `${column} = ?`, params: [node.first] }
        : { sql: `${column} BETWEEN ? AND ?`, params: [node.first, node.last] };
    case '>':
      return { sql: `${column} > ?`, params: [node.last] };
    case '>=':
      return { sql: `${column} >= ?`, params: [node.first] };
    case '<':
      return { sql: `${column} < ?`, params: [node.first] };
    case '<=':
      return { sql: `${column} <= ?`, params: [node.last] };
  }
}

/**
 * The shortest word an index term is made of. Shorter ones ("1", "v3"'s neighbours in a version, a
 * two-letter beginning) are in nearly every record or expand to thousands of words: the check on the
 * record answers them instead.
 */
const MIN_TERM = 2;
const MIN_PREFIX = 3;

/**
 * The index terms a piece of searched text implies, for an FTS5 query joined by AND. A search finds text
 * that begins at the beginning of a word, so every word of the piece followed by a separator is a whole
 * word of the record, and a word the piece ends with is the beginning of one (a prefix term). Two words
 * joined by one separator of a name are looked up as their pair (store/search-text.ts), the second as a
 * beginning when the piece ends with it: a pair is in far fewer records than either word. A piece that
 * follows a `*` may begin inside a word: its first word, when the piece starts with it, says nothing the
 * index can look up, alone or in a pair.
 */
export function searchTerms(piece: string, insideWord: boolean): string[] {
  const words = [...piece.matchAll(WORD)].map((m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }));
  const usable = words.map((w) => !(insideWord && w.start === 0));
  const terms: string[] = [];
  const paired = new Set<number>();
  const term = (text: string, last: boolean, length: number): string | undefined =>
    last ? (length >= MIN_PREFIX ? `"${text}"*` : undefined) : length >= MIN_TERM ? `"${text}"` : undefined;
  for (let i = 1; i < words.length; i += 1) {
    const [a, b] = [words[i - 1]!, words[i]!];
    if (!usable[i - 1] || b.start !== a.end + 1 || !PAIR_SEPARATORS.has(piece[a.end]!) || !pairable(a.word, b.word)) continue;
    const last = b.end === piece.length;
    // A pair is selective even when its second word is short: the first word narrows it.
    const found = last ? `"${a.word}${PAIR_JOINER}${b.word}"*` : `"${a.word}${PAIR_JOINER}${b.word}"`;
    terms.push(found);
    paired.add(i - 1).add(i);
  }
  words.forEach((w, i) => {
    if (!usable[i] || paired.has(i)) return;
    const found = term(w.word, w.end === piece.length, [...w.word].length);
    if (found) terms.push(found);
  });
  return terms;
}

/**
 * Text searched in the raw record: its words through the full-text index (migration 0026), then the text
 * itself, case-insensitively, on the records the index hands back (the index has no positions, so it
 * cannot say the words are adjacent). A search the index can say nothing of (no word long enough, or a
 * piece after `*` inside a word) reads the records; so do the events the background indexer has not
 * reached yet, so a search is complete whatever the index holds.
 */
export function textCondition(store: CaseStore, value: QueryValue): CompiledQuery {
  const pieces = value.wildcard ? value.text.split('*') : [value.text];
  const nonEmpty = pieces.filter((p) => p !== '');
  if (nonEmpty.length === 0) return { sql: '1', params: [] };
  const like = `%${nonEmpty.map(likeEscape).join('%')}%`;
  const scan = { sql: `CAST(${rawSql('e')} AS TEXT) LIKE ? ESCAPE '\\'`, params: [like] };
  const terms = pieces.flatMap((piece, i) => (piece === '' ? [] : searchTerms(piece, i > 0)));
  if (terms.length === 0) return scan;
  const indexed = 'e.id IN (SELECT rowid FROM event_search WHERE event_search MATCH ?)';
  const match = terms.join(' AND ');
  const upto = store.searchIndexedUpto();
  if (upto < store.lastEventId()) return { sql: `((${indexed} OR e.id > ?) AND ${scan.sql})`, params: [match, upto, like] };
  const matches = textMatches(store, match, { sql: `${indexed} AND ${scan.sql}`, params: [match, like] });
  if (matches) return { sql: 'e.id IN (SELECT value FROM json_each(?))', params: [matches] };
  return { sql: `(${indexed} AND ${scan.sql})`, params: [match, like] };
}

/** The most records the index may hand back for a search whose matches are read once and kept. */
export const KEPT_TEXT_CANDIDATES = 20_000;

/**
 * The events a search matches (a JSON array of ids), read once while the case is unchanged: checking the
 * text reads each candidate's record, inflating its block, and a listing asks for the same search in its
 * count, its page, its histogram, its graph and the selected event's row. Only when the index hands back
 * few enough candidates; a broad search is checked in each query as before (undefined).
 */
function textMatches(store: CaseStore, match: string, matching: CompiledQuery): string | undefined {
  return store.memoRead(`text\n${JSON.stringify(matching.params)}`, () => {
    const candidates = store.db
      .prepare(`SELECT count(*) FROM (SELECT 1 FROM event_search WHERE event_search MATCH ? LIMIT ${KEPT_TEXT_CANDIDATES + 1})`)
      .pluck()
      .get(match) as number;
    if (candidates > KEPT_TEXT_CANDIDATES) return undefined;
    const ids = store.db
      .prepare(`SELECT e.id FROM event e WHERE ${matching.sql}`)
      .pluck()
      .all(...matching.params) as number[];
    return JSON.stringify(ids);
  });
}

export function compileQuery(store: CaseStore, node: QueryNode, marks: MarkResolver): CompiledQuery {
  switch (node.type) {
    case 'and':
    case 'or': {
      const parts = node.items.map((item) => compileQuery(store, item, marks));
      return { sql: `(${parts.map((p) => p.sql).join(node.type === 'and' ? ' AND ' : ' OR ')})`, params: parts.flatMap((p) => p.params) };
    }
    case 'not': {
      // A field an event lacks is NULL, and NOT NULL is NULL: "NOT ns:prod" must keep the events that
      // have no namespace, so the inner condition counts as false when it is unknown.
      const inner = compileQuery(store, node.item, marks);
      return { sql: `NOT coalesce(${inner.sql}, 0)`, params: inner.params };
    }
    case 'text':
      return textCondition(store, node.value);
    case 'field':
      return fieldCondition(node);
    case 'range':
      return rangeCondition(node);
    case 'mark':
      return { sql: 'e.id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(marks({ field: node.field, value: node.value }))] };
  }
}

/**
 * The events graph nodes stand for, from their ids (`e123` is event 123's node, `a123` the authorization
 * decision read from it): with every stage of the API call the event is a stage of, since a request's
 * node is named after its first stage and the listing shows its latest.
 */
export function eventsOfNodes(store: CaseStore, nodeIds: readonly string[]): number[] {
  const ids = [
    ...new Set(
      nodeIds
        .map((id) => /^[ea](\d{1,15})$/.exec(id)?.[1])
        .filter((id): id is string => id !== undefined)
        .map(Number),
    ),
  ];
  if (ids.length === 0) return [];
  const stages = store.db
    .prepare(
      `SELECT b.event_id FROM audit_stage a JOIN audit_stage b ON b.audit_id = a.audit_id
       WHERE a.event_id IN (SELECT value FROM json_each(?))`,
    )
    .pluck()
    .all(JSON.stringify(ids)) as number[];
  return [...new Set([...ids, ...stages])];
}
