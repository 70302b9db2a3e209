// Evidence arriving from the analyst: files dropped on the window (both shells) or chosen in Electron's
// own Open dialog. Files travel as bytes; the renderer never names a path on disk. What an import that
// succeeded sets off (the case data read again, the case opened on its incident) is a reaction declared
// in app-stores.ts, run on `onImported`.
import { create } from 'zustand';
import type { Api, ApiResult, ImportProgress, ImportReport } from '../../../src-main/shared/contract';
import { pollWhileBusy } from '../lib/poll';

/** A dropped file and its path relative to what was dropped, "/" separated. */
export interface DroppedFile {
  name: string;
  file: File;
}

/** Files dropped on the window, on their way to the main side. */
export interface DroppedFiles {
  files: number;
  bytes: number;
}

export interface ImportState {
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

export const POLL_MS = 250;

export interface ImportDeps {
  api: Pick<Api, 'importFiles' | 'openEvidence' | 'importProgress' | 'cancelImport'>;
  /** Run after an import succeeded, before `busy` callers resume (app-stores.ts: refresh, open on incident). */
  onImported: () => Promise<void>;
}

export function createImportStore({ api, onImported }: ImportDeps) {
  return create<ImportState>((set, get) => {
    async function run(request: () => Promise<ApiResult<ImportReport>>, sending?: DroppedFiles): Promise<void> {
      set({ busy: true, error: undefined, report: undefined, progress: undefined, sending });
      void pollWhileBusy({
        busy: () => get().busy,
        fetch: () => api.importProgress({}),
        onProgress: (result) => result.ok && set({ progress: result.value }),
        intervalMs: POLL_MS,
      });
      const result = await request();
      set({ progress: undefined, sending: undefined });
      if (result.ok) {
        set({ busy: false, report: result.value });
        await onImported();
      } else {
        set({ busy: false, error: result.code === 'cancelled' ? undefined : result.message });
      }
    }
    return {
      busy: false,
      importDropped: (files) =>
        run(
          async () => {
            const uploads = await Promise.all(
              files.map(async ({ name, file }) => ({ name, data: new Uint8Array(await file.arrayBuffer()) })),
            );
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
}
