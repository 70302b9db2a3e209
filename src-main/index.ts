// The desktop app's lifecycle. Everything it serves comes from the same Workbench that web mode and the
// CLI use, run in the case worker thread (host/case-worker.ts) so that this process's thread, which the
// window's IPC and repaints wait on, never waits on the case; this file only wires windows, dialogs and
// IPC to it.
import { app, dialog, type BrowserWindow } from 'electron';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaseClient } from './host/case-client';
import { registerIpc } from './host/ipc';
import type { ExportFile } from './service/exports';
import type { ExportedFile } from './shared/contract';
import { ServiceError } from './shared/errors';
import { createWorkbenchWindow, isWorkbenchFrame, lockDownSession, printHtmlToPdf, registerAppScheme } from './window';

app.enableSandbox();
// Before the app is ready, or Electron refuses it: app:// is where the workbench is served from.
registerAppScheme();

app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
});

function casePathFromArgs(): string {
  const given = process.argv.find((arg) => arg.endsWith('.causa'));
  if (given) return given;
  const dir = join(app.getPath('userData'), 'cases');
  mkdirSync(dir, { recursive: true });
  return join(dir, `case-${new Date().toISOString().replace(/[:.]/g, '-')}.causa`);
}

/** Writes an export where the user's own Save dialog says; a cancelled dialog is not an error in the UI. */
async function saveExport(
  win: BrowserWindow,
  title: string,
  make: () => ExportFile | Promise<ExportFile>,
  name: Promise<string>,
): Promise<ExportedFile> {
  const defaultName = await name;
  const extension = extname(defaultName).slice(1);
  const choice = await dialog.showSaveDialog(win, {
    title,
    defaultPath: defaultName,
    filters: [{ name: extension.toUpperCase(), extensions: [extension] }],
  });
  if (choice.canceled || !choice.filePath) throw new ServiceError('cancelled', 'no file chosen');
  const file = await make();
  await writeFile(choice.filePath, file.data);
  return {
    file_name: file.file_name,
    mime: file.mime,
    bytes: file.data.length,
    saved_to: choice.filePath,
    ...(file.summary ? { summary: file.summary } : {}),
  };
}

async function start(): Promise<void> {
  lockDownSession();
  const workbench = await CaseClient.start(
    fileURLToPath(new URL('./case-worker.js', import.meta.url)),
    { casePath: casePathFromArgs(), create: true },
    printHtmlToPdf,
  );
  const win = createWorkbenchWindow();
  registerIpc(
    {
      ...workbench.handlers,
      capabilities: () => ({ open_dialog: true, transport: 'ipc' as const }),
      // The path comes from the main side's own dialog, never from the renderer.
      openEvidence: async () => {
        const choice = await dialog.showOpenDialog(win, {
          title: 'Open evidence',
          properties: ['openFile', 'multiSelections'],
        });
        if (choice.canceled || choice.filePaths.length === 0) throw new ServiceError('cancelled', 'no file chosen');
        return workbench.importPaths(choice.filePaths);
      },
      // Exports are written where the user's Save dialog says; the PDF is printed by Electron itself.
      exportReport: ({ format }) =>
        saveExport(win, 'Export postmortem', () => workbench.reportFile(format), workbench.exportFileName(format)),
      exportExcerpt: () => saveExport(win, 'Export evidence excerpt', () => workbench.excerptFile(), workbench.exportFileName('excerpt')),
      exportOcsf: ({ filter }) =>
        saveExport(win, 'Export OCSF JSON lines', () => workbench.ocsfExportFile(filter), workbench.exportFileName('ocsf')),
    },
    (frame) => isWorkbenchFrame(win, frame),
  );
  // Quitting waits for the worker to close the case file (its last writes, its write-ahead log).
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void workbench.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}

function failToStart(error: unknown): void {
  dialog.showErrorBox('Causa could not start', String(error));
  app.quit();
}

// Both can fail: Electron getting ready, and opening the case (a file that is not a case, say).
app.whenReady().then(() => start().catch(failToStart), failToStart);

app.on('window-all-closed', () => app.quit());
