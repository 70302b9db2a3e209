import { useEffect, useState } from 'react';
import type { EventKind } from '../../../../src-main/shared/model';
import { useCaseData } from '../../state/case-data';

/** Text inputs apply after a short pause so that typing does not flood the case file with queries. */
function useDebounced(value: string, apply: (value: string) => void, delay = 250) {
  useEffect(() => {
    const timer = setTimeout(() => apply(value), delay);
    return () => clearTimeout(timer);
  }, [value, apply, delay]);
}

export function FilterBar() {
  const setFilter = useCaseData((s) => s.setFilter);
  const total = useCaseData((s) => s.total);
  const kinds = useCaseData((s) => s.info?.kinds);
  const [search, setSearch] = useState('');
  const [actor, setActor] = useState('');
  const [kind, setKind] = useState('');
  const [stages, setStages] = useState(false);
  useDebounced(search, (value) => {
    if ((useCaseData.getState().filter.search ?? '') !== value) setFilter({ search: value || undefined });
  });
  useDebounced(actor, (value) => {
    if ((useCaseData.getState().filter.actor ?? '') !== value) setFilter({ actor: value || undefined });
  });
  return (
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
      <select
        value={kind}
        onChange={(e) => {
          setKind(e.target.value);
          setFilter({ kind: e.target.value ? [e.target.value as EventKind] : undefined });
        }}
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
          checked={stages}
          onChange={(e) => {
            setStages(e.target.checked);
            setFilter({ stages: e.target.checked || undefined });
          }}
          data-testid="filter-stages"
        />{' '}
        every stage
      </label>
      <span className="muted" data-testid="filter-count">
        {total === undefined ? '…' : `${total.toLocaleString('en')} matching`}
      </span>
    </div>
  );
}
