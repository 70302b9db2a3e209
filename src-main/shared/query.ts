// The query language's fields and the tree a query parses to (docs/query.md). Shared because three sides
// read it: core/query parses into it, store/query-sql.ts compiles it to SQL, and the API lists the fields
// for the search box's autocomplete. The grammar itself lives in core/query/parser.ts.
import { ROLES } from './analysis';
import { ACTOR_TYPES, EVENT_KINDS, OUTCOMES } from './model';

/**
 * How a field matches its value:
 * - exact: the column equals the value (case-sensitive); `*` in an unquoted value is a wildcard;
 * - contains: the value is a case-insensitive substring (`*` anchors it: `james*` starts with james);
 * - time: an RFC 3339 time or date, compared with `:` (within its precision), `>`, `>=`, `<`, `<=`;
 * - number: a whole number, compared the same way;
 * - mark: the analyst's own marks from the journal (stars, tags, comments, findings).
 */
export type FieldMatch = 'exact' | 'contains' | 'time' | 'number' | 'mark';

export interface QueryField {
  match: FieldMatch;
  doc: string;
  /** The only values the field takes, checked when the query is parsed. */
  values?: readonly string[];
  /** Other names for the field (`verb` for `action`, `ns` for `namespace`). */
  aliases?: readonly string[];
}

export const KEY_FIELDS = [
  'trace_id',
  'span_id',
  'parent_span_id',
  'conversation_id',
  'tool_call_id',
  'jsonrpc_id',
  'audit_id',
  'object_uid',
  'owner_uids',
] as const;

/** The marks `is:` and `has:` name; `tag:` and `finding:` take the tag or the role. */
export const IS_MARKS = ['starred', 'tagged', 'commented'] as const;
export const HAS_MARKS = ['comment', 'tag', 'star', 'finding'] as const;

export const QUERY_FIELDS = {
  kind: { match: 'exact', doc: 'the event kind', values: EVENT_KINDS },
  actor: { match: 'contains', doc: 'the actor or the person it acted for, as a substring' },
  'actor.id': { match: 'exact', doc: 'the actor id, exactly' },
  'actor.type': { match: 'exact', doc: 'human, agent, service_account or system', values: ACTOR_TYPES },
  principal: { match: 'exact', doc: 'the person an agent acted for (actor.on_behalf_of)', aliases: ['actor.on_behalf_of'] },
  action: { match: 'exact', doc: 'the action or API verb', aliases: ['verb'] },
  resource: { match: 'exact', doc: 'the target resource (pods, secrets …)' },
  namespace: { match: 'exact', doc: 'the target namespace', aliases: ['ns'] },
  name: { match: 'exact', doc: 'the target object name' },
  uid: { match: 'exact', doc: 'the target object uid' },
  group: { match: 'exact', doc: 'the target API group', aliases: ['api_group'] },
  outcome: { match: 'exact', doc: 'success, failure, denied, error or unknown', values: OUTCOMES },
  'authz.decision': { match: 'exact', doc: 'the authorization decision (allow, forbid …)', aliases: ['authz'] },
  'authz.reason': { match: 'contains', doc: 'the authorization reason, as a substring' },
  taint: { match: 'exact', doc: 'a taint label of the record (user, model, tool_output …)' },
  source: { match: 'exact', doc: 'the source file name' },
  format: { match: 'exact', doc: 'the source format (k8s-audit, otlp-json …)' },
  text: { match: 'contains', doc: 'the normalized message text, as a substring' },
  stage: { match: 'exact', doc: 'the audit stage (RequestReceived, ResponseComplete …)' },
  ...(Object.fromEntries(KEY_FIELDS.map((key) => [`keys.${key}`, { match: 'exact', doc: `the correlation key ${key}` }])) as Record<
    `keys.${(typeof KEY_FIELDS)[number]}`,
    QueryField
  >),
  time: { match: 'time', doc: 'the event time: 2025-04-03, 2025-04-03T14:30Z, … with :, >, >=, <, <=' },
  id: { match: 'number', doc: 'the event id' },
  position: { match: 'number', doc: 'the line or element number of the record in its source' },
  is: { match: 'mark', doc: 'the analyst marked it: starred, tagged, commented', values: IS_MARKS },
  has: { match: 'mark', doc: 'the analyst added one: comment, tag, star, finding', values: HAS_MARKS },
  tag: { match: 'mark', doc: 'an analyst tag' },
  finding: { match: 'mark', doc: 'a finding role the analyst assigned', values: ROLES },
} as const satisfies Record<string, QueryField>;

export type QueryFieldName = keyof typeof QUERY_FIELDS;

/** Comparison operators: `:` and `=` mean "equals", within the value's precision for times. */
export type Comparison = ':' | '>' | '>=' | '<' | '<=';

/** A value as written: quoted values are literal; `*` in an unquoted one is a wildcard. */
export interface QueryValue {
  text: string;
  wildcard: boolean;
}

/** The parsed query. `column` is 1-based, where the term starts in the query text. */
export type QueryNode =
  | { type: 'and'; items: QueryNode[] }
  | { type: 'or'; items: QueryNode[] }
  | { type: 'not'; item: QueryNode }
  /** A bare word or quoted phrase: a substring of the raw record (full-text index). */
  | { type: 'text'; value: QueryValue; column: number }
  | {
      type: 'field';
      field: Exclude<QueryFieldName, 'time' | 'id' | 'position' | 'is' | 'has' | 'tag' | 'finding'>;
      value: QueryValue;
      column: number;
    }
  /** A time or number range: the first and last value the written value covers (a date covers its day). */
  | { type: 'range'; field: 'time' | 'id' | 'position'; op: Comparison; first: bigint; last: bigint; column: number }
  | { type: 'mark'; field: 'is' | 'has' | 'tag' | 'finding'; value: string; column: number };

/** The event ids each mark the query names covers, resolved from the journal by the service. */
export type MarkResolver = (mark: { field: 'is' | 'has' | 'tag' | 'finding'; value: string }) => readonly number[];

/** The fields as the API lists them for autocomplete. */
export function describeQueryFields(): { name: string; doc: string; values?: string[]; aliases?: string[] }[] {
  return Object.entries(QUERY_FIELDS).map(([name, field]: [string, QueryField]) => ({
    name,
    doc: field.doc,
    ...(field.values ? { values: [...field.values] } : {}),
    ...(field.aliases ? { aliases: [...field.aliases] } : {}),
  }));
}
