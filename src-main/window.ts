// The workbench window, locked down per docs/design.md's security baseline: sandboxed renderer, context
// isolation, no Node, a strict CSP, no navigation, no new windows, no permissions, no webviews.
import { BrowserWindow, session, type WebFrameMain } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from './shared/security';

const rendererFile = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const preloadFile = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));

/** Where the renderer is loaded from: the dev server under `electron-vite dev`, the built file otherwise. */
function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(rendererFile).href;
}

export function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}

export function createWorkbenchWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Causa',
    show: false,
    webPreferences: {
      preload: preloadFile,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  const contents = win.webContents;
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl());
  return win;
}

/** IPC is answered only for the window's own top-level frame showing the workbench. */
export function isWorkbenchFrame(win: BrowserWindow, frame: WebFrameMain | null): boolean {
  if (!frame || win.isDestroyed() || frame !== win.webContents.mainFrame) return false;
  return frame.url.startsWith(rendererUrl().split('#')[0]!.split('?')[0]!);
}

/**
 * Prints a report's HTML to PDF with Electron's own engine: a hidden, sandboxed window with no preload
 * and no JavaScript loads the document from a data: URL (the report fetches nothing; its CSP says so).
 */
export async function printHtmlToPdf(html: string, title: string): Promise<Buffer> {
  const win = new BrowserWindow({
    show: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, spellcheck: false },
  });
  try {
    await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
    const style = 'font-family: Helvetica, Arial, sans-serif; font-size: 8px; color: #666; width: 100%; padding: 0 14mm;';
    const safeTitle = title.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
    return await win.webContents.printToPDF({
      pageSize: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style="${style}">${safeTitle}</div>`,
      footerTemplate: `<div style="${style} text-align: right;">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`,
      margins: { top: 0.7, bottom: 0.63, left: 0.55, right: 0.55 },
    });
  } finally {
    win.destroy();
  }
}
