// The desktop app's lifecycle. Everything it serves comes from the same Workbench that web mode and the
// CLI use; this file only wires windows, dialogs and IPC to it.
import { app, dialog } from 'electron';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerIpc } from './host/ipc';
import { REPORT_MIME, renderReport, reportFileName, reportHtml } from './service/report';
import { Workbench } from './service/workbench';
import { ServiceError } from './shared/errors';
import { createWorkbenchWindow, isWorkbenchFrame, lockDownSession, printHtmlToPdf } from './window';

app.enableSandbox();

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

async function start(): Promise<void> {
  lockDownSession();
  const workbench = Workbench.open(casePathFromArgs(), { create: true, indexInBackground: true });
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
      // The report is written where the user's Save dialog says; PDF is printed by Electron itself.
      exportReport: async ({ format }) => {
        const fileName = reportFileName(workbench.store, format);
        const choice = await dialog.showSaveDialog(win, { title: 'Export postmortem', defaultPath: fileName, filters: [{ name: format.toUpperCase(), extensions: [format] }] });
        if (choice.canceled || !choice.filePath) throw new ServiceError('cancelled', 'no file chosen');
        const report = reportHtml(workbench.store);
        const data = format === 'pdf' ? await printHtmlToPdf(report.html, report.title) : await renderReport(workbench.store, format);
        await writeFile(choice.filePath, data);
        return { file_name: fileName, mime: REPORT_MIME[format], bytes: data.length, saved_to: choice.filePath };
      },
    },
    (frame) => isWorkbenchFrame(win, frame),
  );
  app.on('before-quit', () => workbench.close());
}

function failToStart(error: unknown): void {
  dialog.showErrorBox('Causa could not start', String(error));
  app.quit();
}

// Both can fail: Electron getting ready, and opening the case (a file that is not a case, say).
app.whenReady().then(() => start().catch(failToStart), failToStart);

app.on('window-all-closed', () => app.quit());
