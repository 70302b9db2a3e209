// Evidence arriving from the analyst: files dropped on the window (both shells) or chosen in Electron's
// own Open dialog. Files travel as bytes; the renderer never names a path on disk.
import { create } from 'zustand';
import type { ApiResult, ImportReport } from '../../../src-main/shared/contract';
import { api } from '../api';
import { useCaseData } from './case-data';

interface ImportState {
  busy: boolean;
  report?: ImportReport;
  error?: string;
  importDropped(files: File[]): Promise<void>;
  openDialog(): Promise<void>;
  dismiss(): void;
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = reader.result as string;
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`cannot read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

export const useImport = create<ImportState>((set) => {
  async function run(request: () => Promise<ApiResult<ImportReport>>): Promise<void> {
    set({ busy: true, error: undefined, report: undefined });
    const result = await request();
    if (result.ok) {
      set({ busy: false, report: result.value });
      await useCaseData.getState().refresh();
    } else {
      set({ busy: false, error: result.code === 'cancelled' ? undefined : result.message });
    }
  }
  return {
    busy: false,
    importDropped: (files) =>
      run(async () => {
        const uploads = await Promise.all(
          files.map(async (file) => ({ name: file.name, data_base64: await readAsBase64(file) })),
        );
        return api.importFiles({ files: uploads });
      }),
    openDialog: () => run(() => api.openEvidence({})),
    dismiss: () => set({ report: undefined, error: undefined }),
  };
});
