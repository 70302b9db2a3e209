import { useEffect, useRef, useState } from 'react';
import type { EventKind } from '../../../../src-main/shared/model';
import { useCaseData } from '../../state/case-data';
import { TimeBrush } from './TimeBrush';

const TIME_BOUND = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2}))?$/;

/**
 * A text filter field: typing applies after a short pause (so that typing does not flood the case file
 * with queries), and the field follows the filter when something else sets it (a background group).
 */
function useFilterText(name: 'search' | 'actor' | 'namespace', delay = 250): [string, (value: string) => void] {
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

export function FilterBar() {
  const setFilter = useCaseData((s) => s.setFilter);
  const total = useCaseData((s) => s.total);
  const kinds = useCaseData((s) => s.info?.kinds);
  const kindFilter = useCaseData((s) => s.filter.kind);
  const stages = useCaseData((s) => s.filter.stages);
  const filtered = useCaseData((s) => Object.values(s.filter).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  const [search, setSearch] = useFilterText('search');
  const [actor, setActor] = useFilterText('actor');
  const [namespace, setNamespace] = useFilterText('namespace');
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
        <input
          type="search"
          className="namespace"
          placeholder="Namespace"
          value={namespace}
          onChange={(e) => setNamespace(e.target.value)}
          data-testid="filter-namespace"
          aria-label="Filter by the target's namespace"
          title="The target's namespace, exactly"
        />
        <select
          value={kindFilter?.length === 1 ? kindFilter[0] : ''}
          onChange={(e) => setFilter({ kind: e.target.value ? [e.target.value as EventKind] : undefined })}
          data-testid="filter-kind"
          aria-label="Filter by kind"
        >
          <option value="">All kinds</option>
          {kinds?.map(({ kind: k, count }) => (
            <option key={k} value={k}>
              {k.replace('_', ' ')} ({count.toLocaleString('en')})
            </option>
          ))}
        </select>
        <label className="toggle" title="An audited API call is one row (its latest stage) unless every stage is shown">
          <input
            type="checkbox"
            checked={stages === true}
            onChange={(e) => setFilter({ stages: e.target.checked || undefined })}
            data-testid="filter-stages"
          />{' '}
          every stage
        </label>
        <TimeBoundInput name="since" />
        <TimeBoundInput name="until" />
        <button
          onClick={() => setFilter({ search: undefined, actor: undefined, namespace: undefined, kind: undefined, since: undefined, until: undefined })}
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
