// The open case as the UI sees it: its summary, the active filter, and the timeline's rows fetched a page
// at a time (a case may hold millions of events; only what is on screen is ever loaded).
import { create } from 'zustand';
import type { Api, CaseInfo, EventFilter, MethodOutput } from '../../../src-main/shared/contract';
import type { EventJson } from '../../../src-main/shared/model';

export const PAGE_SIZE = 200;
/**
 * The most pages of rows kept (10,000 rows, a few MiB): when a page comes beyond them, those farthest from
 * it are dropped, and asked for again if the analyst scrolls back to them. Scrolling through a case of
 * millions of events would otherwise keep every row passed on the way.
 */
export const KEPT_PAGES = 50;

type FilterValues = MethodOutput<'filterValues'>;

export interface CaseDataState {
  info?: CaseInfo;
  /** Namespaces, outcomes and taint labels with their counts: fetched when a filter menu first needs them. */
  values?: FilterValues;
  error?: string;
  filter: EventFilter;
  /** Number of events matching the filter; undefined until the first page arrives. */
  total?: number;
  /** Bumped whenever the case or the filter changes, so late answers for an old query are dropped. */
  generation: number;
  /**
   * The generation whose first page was last asked for: the graph of that filter is asked for right after
   * (the timeline's page first in the server's queue, the graph beside it rather than after its answer).
   */
  firstPageAsked?: number;
  pages: Record<number, EventJson[]>;
  /**
   * The rows of the generation before, kept when the case is read again for the same rows (a verification
   * run or a trusted key changes their verdicts, not which they are): shown until their page is answered
   * again, so the timeline neither blanks nor loses its place.
   */
  stale: Record<number, EventJson[]>;
  /** Reads the case again; `keepRows` when the rows are the same and only what is shown of them changed. */
  refresh(options?: { keepRows?: boolean }): Promise<void>;
  setFilter(patch: Partial<EventFilter>): void;
  ensurePage(page: number): void;
  loadValues(): void;
}

export type CaseDataStore = ReturnType<typeof createCaseDataStore>;

export function createCaseDataStore(api: Pick<Api, 'caseInfo' | 'filterValues' | 'listEvents'>) {
  const inFlight = new Set<string>();
  /** Bumped by each refresh (an import changes the counts); a filter change does not change them. */
  let valuesSeq = 0;

  return create<CaseDataState>((set, get) => ({
    filter: {},
    generation: 0,
    pages: {},
    stale: {},

    async refresh({ keepRows = false } = {}) {
      valuesSeq += 1;
      inFlight.delete('values');
      // The case's first reading keeps what the timeline asked for meanwhile: nothing older is dropped, and
      // the first page and the graph are not asked for twice.
      if (get().info !== undefined) {
        set((state) => ({
          generation: state.generation + 1,
          pages: {},
          stale: keepRows ? { ...state.stale, ...state.pages } : {},
          total: keepRows ? state.total : undefined,
          values: undefined,
        }));
      }
      const info = await api.caseInfo({});
      if (!info.ok) return set({ error: info.message });
      set({ info: info.value, error: undefined });
      get().ensurePage(0);
    },

    setFilter(patch) {
      set((state) => ({
        filter: { ...state.filter, ...patch },
        generation: state.generation + 1,
        pages: {},
        stale: {},
        total: undefined,
      }));
      get().ensurePage(0);
    },

    loadValues() {
      if (get().values || inFlight.has('values')) return;
      inFlight.add('values');
      const seq = valuesSeq;
      void api.filterValues({}).then((result) => {
        if (seq !== valuesSeq) return;
        inFlight.delete('values');
        if (result.ok) set({ values: result.value });
      });
    },

    ensurePage(page) {
      const { generation, filter, pages } = get();
      const key = `${generation}:${page}`;
      if (pages[page] || inFlight.has(key)) return;
      inFlight.add(key);
      void api.listEvents({ filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then((result) => {
        inFlight.delete(key);
        if (get().generation !== generation) return;
        if (!result.ok) return set({ error: result.message });
        set((state) => {
          const { [page]: _answered, ...stale } = state.stale;
          return {
            total: result.value.total,
            pages: nearest({ ...state.pages, [page]: result.value.events }, page),
            stale: nearest(stale, page),
          };
        });
      });
      if (page === 0 && get().firstPageAsked !== generation) set({ firstPageAsked: generation });
    },
  }));
}

/** `pages` with at most KEPT_PAGES of them, those nearest `page`. */
function nearest(pages: Record<number, EventJson[]>, page: number): Record<number, EventJson[]> {
  const numbers = Object.keys(pages).map(Number);
  if (numbers.length <= KEPT_PAGES) return pages;
  const kept = numbers.sort((a, b) => Math.abs(a - page) - Math.abs(b - page)).slice(0, KEPT_PAGES);
  return Object.fromEntries(kept.map((n) => [n, pages[n]!]));
}

/** The row at `index`: from its page, or until that page is answered again, as it was shown before. */
export function rowAt(state: Pick<CaseDataState, 'pages' | 'stale'>, index: number): EventJson | undefined {
  return eventAt(state.pages, index) ?? eventAt(state.stale, index);
}

export function eventAt(pages: Record<number, EventJson[]>, index: number): EventJson | undefined {
  return pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
}
