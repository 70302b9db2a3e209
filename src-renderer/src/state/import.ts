// Evidence arriving from the analyst: files dropped on the window (both shells) or chosen in Electron's
// own Open dialog. Files travel as bytes; the renderer never names a path on disk.
import { create } from 'zustand';
import type { ApiResult, ImportProgress, ImportReport } from '../../../src-main/shared/contract';
import { api } from '../api';
import { useCaseData } from './case-data';
import type { DroppedFile } from '../features/import/dropped-entries';
import { useSelection } from './selection';

/** Files dropped on the window, on their way to the main side. */
export interface DroppedFiles {
  files: number;
  bytes: number;
}

interface ImportState {
  busy: boolean;
  /** What the main side says it is doing, polled while busy. */
  progress?: ImportProgress;
  /** What was dropped, while it is handed over (the main side reports nothing of it until it has it). */
  sending?: DroppedFiles;
  report?: ImportReport;
  error?: string;
  /** Files dropped on the window, each named by its path relative to the drop (a folder's files under its name). */
  importDropped(files: DroppedFile[]): Promise<void>;
  openDialog(): Promise<void>;
  cancel(): Promise<void>;
  dismiss(): void;
}

const POLL_MS = 250;

export const useImport = create<ImportState>((set, get) => {
  /** Asks for progress until the import ends (the request that runs it has not answered yet). */
  function poll(): void {
    setTimeout(() => {
      if (!get().busy) return;
      void api.importProgress({}).then((result) => {
        if (get().busy && result.ok) set({ progress: result.value });
        poll();
      });
    }, POLL_MS);
  }
  async function run(request: () => Promise<ApiResult<ImportReport>>, sending?: DroppedFiles): Promise<void> {
    set({ busy: true, error: undefined, report: undefined, progress: undefined, sending });
    poll();
    const result = await request();
    set({ progress: undefined, sending: undefined });
    if (result.ok) {
      set({ busy: false, report: result.value });
      await useCaseData.getState().refresh();
      // Evidence dropped into an empty workbench opens on its incident, as a case does.
      await useSelection.getState().openOnIncident();
    } else {
      set({ busy: false, error: result.code === 'cancelled' ? undefined : result.message });
    }
  }
  return {
    busy: false,
    importDropped: (files) =>
      run(
        async () => {
          const uploads = await Promise.all(files.map(async ({ name, file }) => ({ name, data: new Uint8Array(await file.arrayBuffer()) })));
          return api.importFiles({ files: uploads });
        },
        { files: files.length, bytes: files.reduce((sum, { file }) => sum + file.size, 0) },
      ),
    openDialog: () => run(() => api.openEvidence({})),
    cancel: async () => {
      await api.cancelImport({});
    },
    dismiss: () => set({ report: undefined, error: undefined }),
  };
});
