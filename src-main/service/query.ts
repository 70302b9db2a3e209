// The query of a filter (docs/query.md) made ready for the store: parsed by core/query, a syntax error
// turned into the API's invalid_input naming the column, and the analyst's marks it names (`is:starred`,
// `tag:x`, `has:comment`, `finding:root_cause`) resolved from the journal to the events they mark.
import { parseQuery, QuerySyntaxError } from '../core/query';
import type { AnalysisState } from '../shared/analysis';
import { ServiceError } from '../shared/errors';
import type { MarkResolver, QueryNode } from '../shared/query';
import type { CaseStore } from '../store/case-store';
import { eventsOfNodes } from '../store/query-sql';
import { analysisState } from './analysis';

/** The query's tree, or undefined when it is empty; a syntax error is `invalid_input` "query: column N: …". */
export function parseFilterQuery(text: string): QueryNode | undefined {
  try {
    return parseQuery(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw new ServiceError('invalid_input', `query: ${error.message}`);
    throw error;
  }
}

/** The nodes a mark names in the analysis state. */
export function markedNodes(state: AnalysisState, mark: Parameters<MarkResolver>[0]): string[] {
  const tagged = () => state.tags.filter((t) => t.tags.length > 0).map((t) => t.node);
  const commented = () => state.comments.map((c) => c.node);
  switch (mark.field) {
    case 'is':
      return mark.value === 'starred' ? state.starred : mark.value === 'tagged' ? tagged() : commented();
    case 'has':
      if (mark.value === 'star') return state.starred;
      if (mark.value === 'tag') return tagged();
      if (mark.value === 'comment') return commented();
      return state.roles.map((r) => r.node);
    case 'tag':
      return state.tags.filter((t) => t.tags.includes(mark.value)).map((t) => t.node);
    case 'finding':
      return state.roles.filter((r) => r.role === mark.value).map((r) => r.node);
  }
}

/** Resolves marks against the journal, read once and only when the query names a mark. */
export function markResolver(store: CaseStore): MarkResolver {
  let state: AnalysisState | undefined;
  return (mark) => {
    state ??= analysisState(store);
    return eventsOfNodes(store, markedNodes(state, mark));
  };
}
