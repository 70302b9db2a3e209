// The workbench window, locked down per DESIGN.md's security baseline: sandboxed renderer, context
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
