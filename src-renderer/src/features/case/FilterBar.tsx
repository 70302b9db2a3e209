import { useEffect, useRef, useState } from 'react';
import type { Outcome, RecordVerdict } from '../../../../src-main/shared/model';
import { useCaseData } from '../../state/stores';
import { MultiSelect } from './MultiSelect';
import { TimeBrush } from './TimeBrush';
import './case.css';

const TIME_BOUND = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2}))?$/;

/**
 * A text filter field: typing applies after a short pause (so that typing does not flood the case file
 * with queries), and the field follows the filter when something else sets it (a background group).
 */
function useFilterText(name: 'search' | 'actor', delay = 250): [string, (value: string) => void] {
  const applied = useCaseData((s) => s.filter[name] ?? '');
  const setFilter = useCaseData((s) => s.setFilter);
  const [draft, setDraft] = useState(applied);
  const lastApplied = useRef(applied);
  useEffect(() => {
    if (applied !== lastApplied.current) {
      lastApplied.current = applied;
      setDraft(applied);
    }
  }, [applied]);
  useEffect(() => {
    if (draft === lastApplied.current) return;
    const timer = setTimeout(() => {
      lastApplied.current = draft;
      setFilter({ [name]: draft.trim() || undefined });
    }, delay);
    return () => clearTimeout(timer);
  }, [draft, name, delay, setFilter]);
  return [draft, setDraft];
}

/** since/until as typed RFC 3339 (or a date); applied on Enter or leaving the field, refused when malformed. */
function TimeBoundInput({ name }: { name: 'since' | 'until' }) {
  const applied = useCaseData((s) => s.filter[name] ?? '');
  const setFilter = useCaseData((s) => s.setFilter);
  const [draft, setDraft] = useState<string>();
  const value = draft ?? applied;
  const valid = value === '' || TIME_BOUND.test(value.trim());
  const apply = () => {
    if (draft === undefined || !valid) return;
    setDraft(undefined);
    if (draft.trim() !== applied) setFilter({ [name]: draft.trim() || undefined });
  };
  return (
    <input
      type="text"
      className={`time-bound${valid ? '' : ' invalid'}`}
      placeholder={name === 'since' ? 'Since (RFC 3339)' : 'Until (RFC 3339)'}
      value={value}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={apply}
      onKeyDown={(e) => e.key === 'Enter' && apply()}
      data-testid={`filter-${name}`}
      aria-label={name === 'since' ? 'Events since' : 'Events until'}
      aria-invalid={!valid}
      title="e.g. 2025-04-03T14:31:00Z, or a date for the whole day"
    />
  );
}

/** Outcomes and verdicts are the contract's words, listed in the order an investigator reads them. */
const OUTCOME_ORDER: readonly Outcome[] = ['failure', 'denied', 'error', 'success', 'unknown'];
const VERDICTS: readonly RecordVerdict[] = ['broken', 'unsigned', 'untrusted', 'sealed_whole', 'unverifiable', 'intact'];

const kindLabel = (kind: string) => kind.replaceAll('_', ' ');

/** The list fields: kind, outcome, verdict, namespace and taint, each any-of several values. */
type ListField = 'kind' | 'outcome' | 'verdict' | 'namespace' | 'taint';

function useListField(name: ListField): [string[], (values: string[]) => void] {
  const selected = useCaseData((s) => s.filter[name]) as string[] | undefined;
  const setFilter = useCaseData((s) => s.setFilter);
  return [selected ?? EMPTY, (values) => setFilter({ [name]: values.length > 0 ? values : undefined })];
}
const EMPTY: string[] = [];

function ListFilters() {
  const kinds = useCaseData((s) => s.info?.kinds);
  const values = useCaseData((s) => s.values);
  const loadValues = useCaseData((s) => s.loadValues);
  const [kind, setKind] = useListField('kind');
  const [outcome, setOutcome] = useListField('outcome');
  const [verdict, setVerdict] = useListField('verdict');
  const [namespace, setNamespace] = useListField('namespace');
  const [taint, setTaint] = useListField('taint');
  const outcomeCount = (o: string) => values?.outcomes.find((c) => c.value === o)?.count;
  return (
    <>
      <MultiSelect
        name="kind"
        title="Kind"
        choices={kinds?.map(({ kind: k, count }) => ({ value: k, label: kindLabel(k), count }))}
        selected={kind}
        onChange={setKind}
      />
      <MultiSelect
        name="outcome"
        title="Outcome"
        choices={OUTCOME_ORDER.map((o) => ({ value: o, count: outcomeCount(o) ?? (values ? 0 : undefined) }))}
        selected={outcome}
        onChange={setOutcome}
        onOpen={loadValues}
      />
      <MultiSelect name="verdict" title="Verdict" choices={VERDICTS.map((v) => ({ value: v }))} selected={verdict} onChange={setVerdict} />
      <MultiSelect
        name="namespace"
        title="Namespace"
        choices={values?.namespaces}
        selected={namespace}
        onChange={setNamespace}
        onOpen={loadValues}
      />
      <MultiSelect name="taint" title="Taint" choices={values?.taints} selected={taint} onChange={setTaint} onOpen={loadValues} />
    </>
  );
}

export function FilterBar() {
  const setFilter = useCaseData((s) => s.setFilter);
  const total = useCaseData((s) => s.total);
  const stages = useCaseData((s) => s.filter.stages);
  const filtered = useCaseData((s) => Object.values(s.filter).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  const [search, setSearch] = useFilterText('search');
  const [actor, setActor] = useFilterText('actor');
  return (
    <div className="filters">
      <div className="filter-bar" role="search">
        <input
          type="search"
          placeholder="Search raw records…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="filter-search"
          aria-label="Search raw records"
        />
        <input
          type="search"
          placeholder="Actor or on-behalf-of…"
          value={actor}
          onChange={(e) => setActor(e.target.value)}
          data-testid="filter-actor"
          aria-label="Filter by actor"
        />
        <ListFilters />
        <label className="toggle" title="An audited API call is one row (its latest stage) unless every stage is shown">
          <input
            type="checkbox"
            checked={stages === true}
            onChange={(e) => setFilter({ stages: e.target.checked || undefined })}
            data-testid="filter-stages"
          />{' '}
          every stage
        </label>
        <span className="time-bounds">
          <TimeBoundInput name="since" />
          <TimeBoundInput name="until" />
        </span>
        <button
          onClick={() =>
            setFilter({
              search: undefined,
              actor: undefined,
              kind: undefined,
              outcome: undefined,
              verdict: undefined,
              namespace: undefined,
              taint: undefined,
              since: undefined,
              until: undefined,
            })
          }
          disabled={!filtered}
          data-testid="filter-clear"
        >
          Clear filters
        </button>
        <span className="muted" data-testid="filter-count">
          {total === undefined ? '…' : `${total.toLocaleString('en')} matching`}
        </span>
      </div>
      <TimeBrush />
    </div>
  );
}
