// The workbench window, locked down per docs/design.md's security baseline and Electron's security checklist:
// sandboxed renderer, context isolation, no Node, a strict CSP, the page served from app://causa (never
// file://), no navigation, no new windows, no downloads, no permissions, no webviews.
import { app, BrowserWindow, protocol, session, type DownloadItem, type Event, type WebFrameMain } from 'electron';
import { fileURLToPath } from 'node:url';
import { APP_INDEX_URL, APP_SCHEME, appProtocolHandler, isAppUrl } from './host/app-protocol';
import { CONTENT_SECURITY_POLICY } from './shared/security';

const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));
const preloadFile = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));

/**
 * Where the renderer is loaded from: the built files over app://causa, or, in development only (an app
 * that is not packaged), the electron-vite dev server that ELECTRON_RENDERER_URL names, if that is a
 * loopback http URL. A packaged app ignores the variable: whoever sets its environment must not choose
 * the page that gets the preload's API.
 */
export function rendererUrl(packaged: boolean, env: NodeJS.ProcessEnv): string {
  const dev = env.ELECTRON_RENDERER_URL;
  if (packaged || !dev) return APP_INDEX_URL;
  try {
    const url = new URL(dev);
    if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return url.href;
  } catch {
    // Not a URL: the built files, as when packaged.
  }
  return APP_INDEX_URL;
}

function currentRendererUrl(): string {
  return rendererUrl(app.isPackaged, process.env);
}

/**
 * Registers app:// as a standard, secure scheme (an origin of its own, 'self' in the CSP, fetch and
 * module workers allowed). Electron accepts this only before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Nothing is ever downloaded: exports are written by the main side where the Save dialog says. */
export function refuseDownload(event: Pick<Event, 'preventDefault'>, item: Pick<DownloadItem, 'cancel'>): void {
  event.preventDefault();
  item.cancel();
}

export function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir));
  ses.on('will-download', refuseDownload);
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
  void win.loadURL(currentRendererUrl());
  return win;
}

/** IPC is answered only for the window's own top-level frame showing the workbench. */
export function isWorkbenchFrame(win: BrowserWindow, frame: WebFrameMain | null): boolean {
  if (!frame || win.isDestroyed() || frame !== win.webContents.mainFrame) return false;
  const expected = currentRendererUrl();
  if (expected === APP_INDEX_URL) return isAppUrl(frame.url);
  try {
    return new URL(frame.url).origin === new URL(expected).origin;
  } catch {
    return false;
  }
}

/**
 * Prints a report's HTML to PDF with Electron's own engine: a hidden, sandboxed window with no preload
 * and no JavaScript loads the document from a data: URL (the report fetches nothing; its CSP says so).
 */
export async function printHtmlToPdf(html: string, title: string): Promise<Buffer> {
  const win = new BrowserWindow({
    show: false,
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      webSecurity: true,
      spellcheck: false,
    },
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
