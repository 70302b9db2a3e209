// The event filter on the command line, one set of options for `causa events`, `causa graph` and
// `causa export`, read into the contract's EventFilter and checked by its schema, as the API checks it.
// A list option takes one value (`--kind k8s_api`), repeats (`--kind k8s_api --kind authz_decision`), or
// takes several separated by commas (`--outcome failure,denied`); several values match any of them.
import { parseFilterQuery } from '../service/query';
import { EventFilter } from '../shared/contract';
import { ServiceError } from '../shared/errors';
import { EVENT_KINDS, OUTCOMES, RECORD_VERDICTS } from '../shared/model';

export const FILTER_OPTIONS = {
  kind: { type: 'string', multiple: true },
  actor: { type: 'string' },
  namespace: { type: 'string', multiple: true },
  outcome: { type: 'string', multiple: true },
  verdict: { type: 'string', multiple: true },
  taint: { type: 'string', multiple: true },
  since: { type: 'string' },
  until: { type: 'string' },
  search: { type: 'string' },
  query: { type: 'string', short: 'q' },
} as const;

export const FILTER_USAGE = `  filters (events, graph, export):           --kind K, --outcome O, --verdict V, --namespace NS,
                                             --taint T (each repeats, or takes values split by commas:
                                             any of them matches), --actor A, --since T, --until T,
                                             --search TEXT, --query Q (the query language of
                                             docs/query.md); combined with AND`;

const LIST_OPTIONS = ['kind', 'namespace', 'outcome', 'verdict', 'taint'] as const;

/** The words a list option accepts, named in its error ("unknown kind"); namespaces and taints are free. */
const KNOWN: Partial<Record<(typeof LIST_OPTIONS)[number], readonly string[]>> = {
  kind: EVENT_KINDS,
  outcome: OUTCOMES,
  verdict: RECORD_VERDICTS,
};

type FilterValues = { [K in keyof typeof FILTER_OPTIONS]?: (typeof FILTER_OPTIONS)[K] extends { multiple: true } ? string[] : string };

function listOf(option: (typeof LIST_OPTIONS)[number], values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const list = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  const known = KNOWN[option];
  for (const value of list) {
    if (value === '') throw new ServiceError('invalid_input', `--${option}: an empty value (in "${values.join(' ')}")`);
    if (known && !known.includes(value))
      throw new ServiceError('invalid_input', `--${option}: unknown ${option} "${value}" (${option}s: ${known.join(', ')})`);
  }
  return list;
}

/** The filter the options name; bad values exit 2 with the option and the reason. */
export function filterFromOptions(values: FilterValues, extra: { stages?: boolean } = {}): EventFilter {
  const lists = Object.fromEntries(
    LIST_OPTIONS.map((option) => [option, listOf(option, values[option])]).filter(([, list]) => list !== undefined),
  );
  const scalars = Object.fromEntries(
    (['actor', 'since', 'until', 'search', 'query'] as const).filter((k) => values[k] !== undefined).map((k) => [k, values[k]]),
  );
  const parsed = EventFilter.safeParse({ ...lists, ...scalars, ...(extra.stages ? { stages: true } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ServiceError('invalid_input', `--${String(issue.path[0] ?? 'filter')}: ${issue.message}`);
  }
  // A malformed query is refused here, before any command opens a case or creates a file.
  if (parsed.data.query) parseFilterQuery(parsed.data.query);
  return parsed.data;
}
