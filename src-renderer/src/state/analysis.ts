// The analyst's work on the open case, as the main side replays it from the journal. Every action goes
// to the server and the state that comes back replaces ours: the journal is the truth, so the UI never
// diverges from it (no optimistic updates).
import { create } from 'zustand';
import type { AnalysisState, JournalAction, JournalReport } from '../../../src-main/shared/analysis';
import type { Api, ApiResult } from '../../../src-main/shared/contract';

export interface AnalysisStore {
  state?: AnalysisState;
  journal?: JournalReport;
  error?: string;
  busy: boolean;
  load(): Promise<boolean>;
  /** Resolves true once the journal holds the action; false (with `error` set) if it was refused. */
  record(action: JournalAction): Promise<boolean>;
  undo(): Promise<boolean>;
  redo(): Promise<boolean>;
  loadJournal(): Promise<void>;
}

export function createAnalysisStore(api: Pick<Api, 'analysis' | 'record' | 'undo' | 'redo' | 'journal'>) {
  return create<AnalysisStore>((set) => {
    async function apply(request: () => Promise<ApiResult<AnalysisState>>): Promise<boolean> {
      set({ busy: true });
      const result = await request();
      if (!result.ok) {
        set({ busy: false, error: result.message });
        return false;
      }
      // The journal view reloads the entries itself when the entry count changes.
      set({ busy: false, state: result.value, error: undefined });
      return true;
    }
    return {
      busy: false,
      load: () => apply(() => api.analysis({})),
      record: (action) => apply(() => api.record({ action })),
      undo: () => apply(() => api.undo({})),
      redo: () => apply(() => api.redo({})),
      async loadJournal() {
        const result = await api.journal({});
        set(result.ok ? { journal: result.value } : { error: result.message });
      },
    };
  });
}

export function tagsOf(state: AnalysisState | undefined, node: string): string[] {
  return state?.tags.find((t) => t.node === node)?.tags ?? [];
}
