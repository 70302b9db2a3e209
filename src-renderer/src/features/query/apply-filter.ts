// Setting the whole filter at once (a saved view, "around this event"): every field the view does not
// name is cleared, so what shows is exactly the view.
import type { EventFilter } from '../../../../src-main/shared/contract';
import { useCaseData } from '../../state/stores';

const CLEARED: { [K in keyof Required<EventFilter>]: undefined } = {
  kind: undefined,
  actor: undefined,
  namespace: undefined,
  outcome: undefined,
  verdict: undefined,
  taint: undefined,
  since: undefined,
  until: undefined,
  search: undefined,
  query: undefined,
  sources: undefined,
  stages: undefined,
};

export function replaceFilter(filter: EventFilter): void {
  useCaseData.getState().setFilter({ ...CLEARED, ...filter });
}

/** Sets only the query, keeping the other fields (the source toggles, every-stage). */
export function setQuery(query: string): void {
  useCaseData.getState().setFilter({ query: query.trim() || undefined });
}
