// The open case as the UI sees it: its summary, the active filter, and the timeline's rows fetched a page
// at a time (a case may hold millions of events; only what is on screen is ever loaded).
import { create } from 'zustand';
import type { CaseInfo, EventFilter } from '../../../src-main/shared/contract';
import type { EventJson } from '../../../src-main/shared/model';
import { api } from '../api';

export const PAGE_SIZE = 200;

interface CaseDataState {
  info?: CaseInfo;
  error?: string;
  filter: EventFilter;
  /** Number of events matching the filter; undefined until the first page arrives. */
  total?: number;
  /** Bumped whenever the case or the filter changes, so late answers for an old query are dropped. */
  generation: number;
  pages: Record<number, EventJson[]>;
  refresh(): Promise<void>;
  setFilter(patch: Partial<EventFilter>): void;
  ensurePage(page: number): void;
}

const inFlight = new Set<string>();

export const useCaseData = create<CaseDataState>((set, get) => ({
  filter: {},
  generation: 0,
  pages: {},

  async refresh() {
    const generation = get().generation + 1;
    set({ generation, pages: {}, total: undefined });
    const info = await api.caseInfo({});
    if (!info.ok) return set({ error: info.message });
    set({ info: info.value, error: undefined });
    get().ensurePage(0);
  },

  setFilter(patch) {
    set((state) => ({ filter: { ...state.filter, ...patch }, generation: state.generation + 1, pages: {}, total: undefined }));
    get().ensurePage(0);
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
      set((state) => ({ total: result.value.total, pages: { ...state.pages, [page]: result.value.events } }));
    });
  },
}));

export function eventAt(pages: Record<number, EventJson[]>, index: number): EventJson | undefined {
  return pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
}
