// The Electron shell without an Electron binary: `electron` is replaced by fakes that record what the shell
// hands them (window options, handlers, exposed API), and the tests drive those handlers as Electron would.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow, WebFrameMain } from 'electron';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateInc0047Audit } from '../../../src-main/core/sample';
import { ensureBuilt } from '../hostile/watchdog';
import { registerIpc } from '../../../src-main/host/ipc';
import { ipcChannel, METHOD_NAMES, type Handlers, type MethodName } from '../../../src-main/shared/contract';
import { ServiceError } from '../../../src-main/shared/errors';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/shared/security';
import { createWorkbenchWindow, isWorkbenchFrame, lockDownSession, refuseDownload, rendererUrl } from '../../../src-main/window';

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;

  class Emitter {
    listeners = new Map<string, Listener[]>();
    on(name: string, listener: Listener): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
      return this;
    }
    once(name: string, listener: Listener): this {
      return this.on(name, listener);
    }
    emit(name: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(name) ?? []) listener(...args);
    }
  }

  class FakeFrame {
    constructor(public url = '') {}
  }

  class FakeWebContents extends Emitter {
    mainFrame = new FakeFrame();
    windowOpenHandler?: (details: { url: string }) => unknown;
    setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
      this.windowOpenHandler = handler;
    }
  }

  class FakeBrowserWindow extends Emitter {
    static instances: FakeBrowserWindow[] = [];
    readonly webContents = new FakeWebContents();
    loadedUrl?: string;
    shown = false;
    destroyed = false;
    constructor(readonly options: { show?: boolean; webPreferences?: Record<string, unknown> }) {
      super();
      FakeBrowserWindow.instances.push(this);
    }
    loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    show(): void {
      this.shown = true;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
  }

  const state = {
    ipcHandlers: new Map<string, Listener>(),
    permissionRequest: undefined as Listener | undefined,
    permissionCheck: undefined as Listener | undefined,
    headersReceived: undefined as Listener | undefined,
    protocolHandlers: new Map<string, Listener>(),
    sessionListeners: new Map<string, Listener>(),
    privilegedSchemes: [] as unknown[],
    exposed: [] as [string, Record<string, unknown>][],
    /** What app.whenReady() settles with; start() runs when it resolves. */
    readyError: undefined as Error | undefined,
    /** Settles once whatever index.ts chained on whenReady() has run. */
    startup: Promise.resolve(),
    /** Why that chain rejected, if it did: an error index.ts left unhandled. */
    startupRejection: undefined as unknown,
  };

  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    enableSandbox: vi.fn(),
    getPath: vi.fn((_name: string) => ''),
    quit: vi.fn(),
    whenReady: vi.fn(() => {
      const ready = state.readyError ? Promise.reject(state.readyError) : Promise.resolve();
      return {
        then(onReady: Listener, onFailure?: Listener) {
          const chained = ready.then(onReady, onFailure);
          // What index.ts does not handle must not become an unhandled rejection in the test run.
          state.startup = chained.then(
            () => undefined,
            (error: unknown) => void (state.startupRejection = error),
          );
          return chained;
        },
      };
    }),
  });

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener) => void (state.permissionRequest = handler),
        setPermissionCheckHandler: (handler: Listener) => void (state.permissionCheck = handler),
        webRequest: {
          onHeadersReceived: (...args: unknown[]) => void (state.headersReceived = args.at(-1) as Listener),
        },
        protocol: {
          handle: vi.fn((scheme: string, handler: Listener) => void state.protocolHandlers.set(scheme, handler)),
        },
        on: vi.fn((name: string, listener: Listener) => void state.sessionListeners.set(name, listener)),
      },
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn((schemes: unknown[]) => void state.privilegedSchemes.push(...schemes)),
    },
    ipcMain: {
      handle: vi.fn((channel: string, handler: Listener) => {
        // As Electron does: a second handler for one channel is an error.
        if (state.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        state.ipcHandlers.set(channel, handler);
      }),
    },
    ipcRenderer: {
      invoke: vi.fn((channel: string, input: unknown) => Promise.resolve({ ok: true, value: { channel, input } })),
      send: vi.fn(),
      sendSync: vi.fn(),
      on: vi.fn(),
    },
    contextBridge: {
      exposeInMainWorld: vi.fn((key: string, api: Record<string, unknown>) => void state.exposed.push([key, api])),
    },
    dialog: {
      showOpenDialog: vi.fn(),
      showErrorBox: vi.fn(),
    },
  };

  function reset(): void {
    state.ipcHandlers.clear();
    state.permissionRequest = state.permissionCheck = state.headersReceived = undefined;
    state.protocolHandlers.clear();
    state.sessionListeners.clear();
    state.privilegedSchemes = [];
    app.isPackaged = false;
    state.exposed = [];
    state.readyError = undefined;
    state.startup = Promise.resolve();
    state.startupRejection = undefined;
    app.listeners.clear();
    FakeBrowserWindow.instances = [];
  }

  return { electron, state, app, FakeBrowserWindow, FakeWebContents, FakeFrame, reset };
});

vi.mock('electron', () => fake.electron);

// index.ts starts the case worker built beside it (out/main/case-worker.js); run from the sources, the app
// gets the built one, and the test sees which file it named.
const worker = vi.hoisted(() => ({ named: [] as string[] }));
vi.mock('../../../src-main/host/case-client', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src-main/host/case-client')>();
  const { ROOT } = await import('../hostile/watchdog');
  const { join } = await import('node:path');
  return {
    CaseClient: {
      start: (file: string, ...rest: Parameters<typeof real.CaseClient.start> extends [unknown, ...infer R] ? R : never) => {
        worker.named.push(String(file));
        return real.CaseClient.start(join(ROOT, 'out', 'main', 'case-worker.js'), ...rest);
      },
    },
  };
});

type FakeWindow = InstanceType<typeof fake.FakeBrowserWindow>;

function asFrame(frame: unknown): WebFrameMain {
  return frame as WebFrameMain;
}

function navigationEvent(): { preventDefault: ReturnType<typeof vi.fn> } {
  return { preventDefault: vi.fn() };
}

/** Calls a registered IPC handler as Electron would, from `senderFrame`. */
function invokeIpc(method: string, input: unknown, senderFrame: unknown): Promise<unknown> {
  const handler = fake.state.ipcHandlers.get(`causa:${method}`);
  if (!handler) throw new Error(`no IPC handler for ${method}`);
  return Promise.resolve(handler({ senderFrame }, input));
}

beforeEach(() => {
  fake.reset();
  vi.clearAllMocks();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the workbench window (window.ts)', () => {
  function openWindow(): FakeWindow {
    return createWorkbenchWindow() as unknown as FakeWindow;
  }

  it.each([
    ['sandbox', true],
    ['contextIsolation', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
  ])('sets webPreferences.%s to %s', (name, value) => {
    expect(openWindow().options.webPreferences?.[name]).toBe(value);
  });

  it('turns on none of the risky preferences', () => {
    const prefs = openWindow().options.webPreferences ?? {};
    for (const name of [
      'nodeIntegrationInWorker',
      'allowRunningInsecureContent',
      'experimentalFeatures',
      'enableBlinkFeatures',
      'enableWebSQL',
    ]) {
      expect(prefs[name], name).toBeFalsy();
    }
  });

  it('uses the built preload script, and shows the window only once it is ready', () => {
    const win = openWindow();
    expect(win.options.webPreferences?.preload).toMatch(/^\/.*\/preload\/preload\.cjs$/);
    expect(win.options.show).toBe(false);
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('loads the bundled renderer from app://causa, never file:// or a remote URL', () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', undefined);
    expect(openWindow().loadedUrl).toBe('app://causa/index.html');
  });

  it('loads the dev server under electron-vite dev (an app that is not packaged)', () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173');
    expect(openWindow().loadedUrl).toBe('http://localhost:5173/');
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app', () => {
    fake.app.isPackaged = true;
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173');
    expect(openWindow().loadedUrl).toBe('app://causa/index.html');
  });

  it.each([
    'https://evil.example/',
    'http://evil.example:5173/',
    'file:///tmp/evil.html',
    'javascript:alert(1)',
    'not a url',
    'http://localhost.evil.example/',
  ])('ignores a dev server URL that is not loopback http even in development: %s', (url) => {
    vi.stubEnv('ELECTRON_RENDERER_URL', url);
    expect(openWindow().loadedUrl).toBe('app://causa/index.html');
  });

  it.each([
    [false, 'http://127.0.0.1:5173/', 'http://127.0.0.1:5173/'],
    [false, undefined, 'app://causa/index.html'],
    [true, 'http://127.0.0.1:5173/', 'app://causa/index.html'],
    [true, undefined, 'app://causa/index.html'],
  ])('rendererUrl(packaged %s, ELECTRON_RENDERER_URL %s) is %s', (packaged, dev, expected) => {
    expect(rendererUrl(packaged, dev === undefined ? {} : { ELECTRON_RENDERER_URL: dev })).toBe(expected);
  });

  it.each(['https://evil.example/', 'file:///etc/passwd', 'about:blank', 'javascript:alert(1)'])('denies window.open(%s)', (url) => {
    const handler = openWindow().webContents.windowOpenHandler;
    expect(handler).toBeDefined();
    expect(handler!({ url })).toEqual({ action: 'deny' });
  });

  it.each(['will-navigate', 'will-redirect', 'will-attach-webview'])('prevents %s', (name) => {
    const win = openWindow();
    const event = navigationEvent();
    win.webContents.emit(name, event, 'https://evil.example/');
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('the session (lockDownSession)', () => {
  it('serves app:// from the renderer build only', async () => {
    lockDownSession();
    expect(fake.electron.session.defaultSession.protocol.handle).toHaveBeenCalledExactlyOnceWith('app', expect.any(Function));
    const handler = fake.state.protocolHandlers.get('app')! as (request: Request) => Promise<Response>;
    const outside = await handler(new Request('app://causa/%2e%2e/main/index.js'));
    expect(outside.status).toBe(404);
    const foreign = await handler(new Request('app://elsewhere/index.html'));
    expect(foreign.status).toBe(404);
  });

  it('cancels every download', () => {
    lockDownSession();
    const listener = fake.state.sessionListeners.get('will-download');
    expect(listener).toBe(refuseDownload);
    const event = navigationEvent();
    const item = { cancel: vi.fn() };
    listener!(event, item, {});
    expect(event.preventDefault).toHaveBeenCalled();
    expect(item.cancel).toHaveBeenCalled();
  });

  it.each(['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen', 'unknown'])(
    'denies the %s permission, asked or checked',
    (permission) => {
      lockDownSession();
      const callback = vi.fn();
      fake.state.permissionRequest!({}, permission, callback, {});
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(fake.state.permissionCheck!({}, permission, 'file://', {})).toBe(false);
    },
  );

  it('adds the CSP to every response and keeps the other headers', () => {
    lockDownSession();
    const callback = vi.fn();
    fake.state.headersReceived!(
      { url: 'file:///x/index.html', responseHeaders: { 'X-Other': ['kept'], 'Content-Security-Policy': ['default-src *'] } },
      callback,
    );
    expect(callback).toHaveBeenCalledExactlyOnceWith({
      responseHeaders: { 'X-Other': ['kept'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('adds the CSP to a response that had no headers', () => {
    lockDownSession();
    const callback = vi.fn();
    fake.state.headersReceived!({ url: 'file:///x/index.html' }, callback);
    expect(callback.mock.calls[0]?.[0]?.responseHeaders?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });
});

describe('which frame IPC trusts (isWorkbenchFrame)', () => {
  it.each<[string, (win: FakeWindow) => unknown, boolean]>([
    ['the main frame showing the workbench', (win) => win.webContents.mainFrame, true],
    ['the main frame at a route of the workbench', (win) => withUrl(win.webContents.mainFrame, `${win.loadedUrl}#/events?x=1`), true],
    ['no frame', () => null, false],
    ['another frame with the same URL', (win) => new fake.FakeFrame(win.loadedUrl), false],
    ['the main frame showing another page', (win) => withUrl(win.webContents.mainFrame, 'https://evil.example/'), false],
    ['the main frame showing another local file', (win) => withUrl(win.webContents.mainFrame, 'file:///tmp/evil.html'), false],
    [
      'the main frame showing the renderer over file://',
      (win) => withUrl(win.webContents.mainFrame, 'file:///app/out/renderer/index.html'),
      false,
    ],
    ['the main frame at another app:// host', (win) => withUrl(win.webContents.mainFrame, 'app://evil/index.html'), false],
    ['the main frame at app://causa with credentials', (win) => withUrl(win.webContents.mainFrame, 'app://x@causa/index.html'), false],
    ['the main frame at a dev server URL', (win) => withUrl(win.webContents.mainFrame, 'http://localhost:5173/'), false],
  ])('%s: %s', (_label, frameOf, trusted) => {
    vi.stubEnv('ELECTRON_RENDERER_URL', undefined);
    const win = createWorkbenchWindow() as unknown as FakeWindow;
    expect(isWorkbenchFrame(win as unknown as BrowserWindow, asFrame(frameOf(win)))).toBe(trusted);
  });

  it('trusts nothing once the window is destroyed', () => {
    const win = createWorkbenchWindow() as unknown as FakeWindow;
    win.destroyed = true;
    expect(isWorkbenchFrame(win as unknown as BrowserWindow, asFrame(win.webContents.mainFrame))).toBe(false);
  });

  function withUrl<T extends { url: string }>(frame: T, url: string): T {
    frame.url = url;
    return frame;
  }
});

describe('the contract over IPC (registerIpc)', () => {
  type SpyHandlers = Handlers & Record<MethodName, ReturnType<typeof vi.fn>>;

  function spyHandlers(): SpyHandlers {
    return Object.fromEntries(
      METHOD_NAMES.map((method) => [method, vi.fn((input: unknown) => ({ method, input }))]),
    ) as unknown as SpyHandlers;
  }

  const trustedFrame = new fake.FakeFrame('app://causa/index.html');
  const isTrusted = vi.fn((frame: WebFrameMain | null) => frame === asFrame(trustedFrame));

  it('registers exactly one channel per contract method', () => {
    registerIpc(spyHandlers(), isTrusted);
    expect([...fake.state.ipcHandlers.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
    expect(fake.electron.ipcMain.handle).toHaveBeenCalledTimes(METHOD_NAMES.length);
  });

  const untrusted = METHOD_NAMES.flatMap((method) => [
    { method, label: 'no frame', frame: null },
    { method, label: 'a foreign frame', frame: new fake.FakeFrame('https://evil.example/') },
  ]);

  it.each(untrusted)('$method from $label is unauthorized and never reaches the handler', async ({ method, frame }) => {
    const handlers = spyHandlers();
    registerIpc(handlers, isTrusted);
    const result = await invokeIpc(method, {}, frame);
    expect(result).toEqual({ ok: false, code: 'unauthorized', message: expect.any(String) });
    expect(isTrusted).toHaveBeenCalledWith(frame);
    for (const name of METHOD_NAMES) expect(handlers[name]).not.toHaveBeenCalled();
  });

  it('runs the handler with parsed input for the trusted frame', async () => {
    const handlers = spyHandlers();
    registerIpc(handlers, isTrusted);
    const result = await invokeIpc('listEvents', { limit: 5, smuggled: '/etc/passwd' }, trustedFrame);
    expect(result).toEqual({ ok: true, value: { method: 'listEvents', input: { filter: {}, offset: 0, limit: 5 } } });
    expect(handlers.listEvents).toHaveBeenCalledExactlyOnceWith({ filter: {}, offset: 0, limit: 5 });
  });

  it.each<[MethodName, unknown]>([
    ['listEvents', { limit: 5000 }],
    ['getEvent', { id: 'one' }],
    ['importFiles', { files: [{ path: '/etc/passwd' }] }],
    ['caseInfo', 'not an object'],
  ])('answers invalid_input to %s(%j) from the trusted frame without running it', async (method, input) => {
    const handlers = spyHandlers();
    registerIpc(handlers, isTrusted);
    expect(await invokeIpc(method, input, trustedFrame)).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(handlers[method]).not.toHaveBeenCalled();
  });

  it('carries a ServiceError back as data', async () => {
    const handlers = spyHandlers();
    handlers.getEvent.mockImplementation(() => {
      throw new ServiceError('not_found', 'no event 9 in this case');
    });
    registerIpc(handlers, isTrusted);
    expect(await invokeIpc('getEvent', { id: 9 }, trustedFrame)).toEqual({
      ok: false,
      code: 'not_found',
      message: 'no event 9 in this case',
    });
  });

  it('trusts the real workbench window’s main frame and nothing else', async () => {
    const win = createWorkbenchWindow() as unknown as FakeWindow;
    const handlers = spyHandlers();
    registerIpc(handlers, (frame) => isWorkbenchFrame(win as unknown as BrowserWindow, frame));
    expect(await invokeIpc('caseInfo', {}, win.webContents.mainFrame)).toMatchObject({ ok: true });
    expect(await invokeIpc('caseInfo', {}, new fake.FakeFrame(win.loadedUrl))).toMatchObject({ code: 'unauthorized' });
    expect(handlers.caseInfo).toHaveBeenCalledTimes(1);
  });
});

describe('the preload surface (preload.ts)', () => {
  async function loadPreload(): Promise<Record<string, unknown>> {
    vi.resetModules();
    await import('../../../src-main/preload');
    expect(fake.electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = fake.state.exposed[0]!;
    expect(key).toBe('causa');
    return api;
  }

  it('exposes one frozen function per contract method and nothing else', async () => {
    const api = await loadPreload();
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.getOwnPropertySymbols(api)).toEqual([]);
  });

  it.each(METHOD_NAMES)('%s invokes its own channel with the input and returns the answer', async (method) => {
    const api = await loadPreload();
    const call = api[method] as (input: unknown) => Promise<unknown>;
    const input = { probe: method, channel: 'causa:importFiles' };
    await expect(call(input)).resolves.toEqual({ ok: true, value: { channel: `causa:${method}`, input } });
    expect(fake.electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(`causa:${method}`, input);
  });

  it('never listens on or sends to a channel of its own', async () => {
    const api = await loadPreload();
    await (api.caseInfo as (input: unknown) => Promise<unknown>)({});
    expect(fake.electron.ipcRenderer.send).not.toHaveBeenCalled();
    expect(fake.electron.ipcRenderer.sendSync).not.toHaveBeenCalled();
    expect(fake.electron.ipcRenderer.on).not.toHaveBeenCalled();
  });
});

describe('the app lifecycle (index.ts)', () => {
  let userData: string;
  let savedArgv: string[];

  beforeAll(() => ensureBuilt());

  beforeEach(async () => {
    userData = await mkdtemp(join(tmpdir(), 'causa-shell-test-'));
    fake.app.getPath.mockImplementation((name: string) => (name === 'userData' ? userData : tmpdir()));
    savedArgv = process.argv;
  });

  afterEach(async () => {
    process.argv = savedArgv;
    // Closes the case file the app opened, as quitting does.
    await quit();
    await rm(userData, { recursive: true, force: true });
  });

  /** Quits as Electron does: `before-quit`, which the app may hold off until the case is closed. */
  async function quit(): Promise<{ preventDefault: ReturnType<typeof vi.fn> }> {
    const event = navigationEvent();
    const quitsBefore = fake.app.quit.mock.calls.length;
    fake.app.emit('before-quit', event);
    if (event.preventDefault.mock.calls.length > 0)
      await vi.waitFor(() => expect(fake.app.quit.mock.calls.length).toBeGreaterThan(quitsBefore));
    fake.app.emit('before-quit', navigationEvent());
    return event;
  }

  async function startApp(extraArgs: string[] = []): Promise<FakeWindow | undefined> {
    process.argv = [...savedArgv, ...extraArgs];
    vi.resetModules();
    await import('../../../src-main/index');
    await fake.state.startup;
    return fake.FakeBrowserWindow.instances[0];
  }

  it('registers app:// as a standard, secure scheme before the app is ready', async () => {
    await startApp();
    const register = fake.electron.protocol.registerSchemesAsPrivileged;
    expect(register).toHaveBeenCalledTimes(1);
    expect(register.mock.invocationCallOrder[0]!).toBeLessThan(fake.app.whenReady.mock.invocationCallOrder[0]!);
    expect(fake.state.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) },
    ]);
    const privileges = (fake.state.privilegedSchemes[0] as { privileges: Record<string, unknown> }).privileges;
    // Nothing that would widen what the page may do beyond a secure https-like origin.
    for (const name of ['bypassCSP', 'corsEnabled', 'allowServiceWorkers', 'stream']) expect(privileges[name], name).toBeFalsy();
  });

  it('enables the sandbox for every renderer before the app is ready', async () => {
    await startApp();
    expect(fake.app.enableSandbox).toHaveBeenCalledTimes(1);
    expect(fake.app.enableSandbox.mock.invocationCallOrder[0]!).toBeLessThan(fake.app.whenReady.mock.invocationCallOrder[0]!);
  });

  it('locks the session, opens one locked-down window and serves a new case over IPC', async () => {
    const win = await startApp();
    expect(fake.state.permissionRequest).toBeDefined();
    expect(fake.state.headersReceived).toBeDefined();
    expect(fake.FakeBrowserWindow.instances).toHaveLength(1);
    expect(win!.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect([...fake.state.ipcHandlers.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());

    const frame = win!.webContents.mainFrame;
    expect(await invokeIpc('capabilities', {}, frame)).toEqual({ ok: true, value: { open_dialog: true, transport: 'ipc' } });
    const info = (await invokeIpc('caseInfo', {}, frame)) as { ok: true; value: { path: string; events: number } };
    expect(info).toMatchObject({ ok: true, value: { events: 0 } });
    expect(info.value.path.startsWith(join(userData, 'cases'))).toBe(true);
    expect(info.value.path).toMatch(/\.causa$/);
    expect(existsSync(info.value.path)).toBe(true);
    // The case is opened by the case worker built beside the app's own entry.
    expect(worker.named.at(-1)).toMatch(/src-main\/case-worker\.js$/);
  });

  it('opens the case file named on the command line', async () => {
    const casePath = join(userData, 'named.causa');
    const win = await startApp([casePath]);
    expect(await invokeIpc('caseInfo', {}, win!.webContents.mainFrame)).toMatchObject({
      ok: true,
      value: { path: casePath },
    });
  });

  it.each([
    ['no frame', () => null],
    ['a frame that is not the window’s', () => new fake.FakeFrame('https://evil.example/')],
  ])('answers IPC from %s with unauthorized and shows no dialog', async (_label, frameOf) => {
    await startApp();
    for (const method of METHOD_NAMES) {
      expect(await invokeIpc(method, {}, frameOf())).toMatchObject({ ok: false, code: 'unauthorized' });
    }
    expect(fake.electron.dialog.showOpenDialog).not.toHaveBeenCalled();
  });

  it('imports evidence only from paths its own Open dialog returned', async () => {
    const win = await startApp();
    const frame = win!.webContents.mainFrame;
    const evidence = join(userData, 'audit.jsonl');
    await writeFile(evidence, `${generateInc0047Audit().slice(0, 5).join('\n')}\n`);

    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    expect(await invokeIpc('openEvidence', { paths: ['/etc/passwd'] }, frame)).toMatchObject({
      ok: false,
      code: 'cancelled',
    });
    expect(fake.electron.dialog.showOpenDialog).toHaveBeenCalledWith(
      win,
      expect.objectContaining({ properties: expect.arrayContaining(['openFile']) }),
    );

    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [evidence] });
    expect(await invokeIpc('openEvidence', { paths: ['/etc/passwd'] }, frame)).toMatchObject({
      ok: true,
      value: { events: 5, errors: 0, files: [{ status: 'imported' }] },
    });
    expect(await invokeIpc('caseInfo', {}, frame)).toMatchObject({ ok: true, value: { events: 5 } });
  });

  it('denies new windows and navigation in every web contents the app creates', async () => {
    await startApp();
    const contents = new fake.FakeWebContents();
    fake.app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const event = navigationEvent();
    contents.emit('will-navigate', event, 'https://evil.example/');
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('quits when the last window closes and closes the case before quitting', async () => {
    const win = await startApp();
    fake.app.emit('window-all-closed');
    expect(fake.app.quit).toHaveBeenCalled();
    // Quitting is held until the worker has closed the case, then goes on.
    const held = await quit();
    expect(held.preventDefault).toHaveBeenCalled();
    expect(await invokeIpc('caseInfo', {}, win!.webContents.mainFrame)).toMatchObject({ ok: false, code: 'internal' });
  });

  it('says so and quits when Electron cannot get ready', async () => {
    fake.state.readyError = new Error('GPU process crashed');
    await startApp();
    expect(fake.electron.dialog.showErrorBox).toHaveBeenCalledWith('Causa could not start', expect.stringContaining('GPU process crashed'));
    expect(fake.app.quit).toHaveBeenCalled();
  });

  it('says so and quits when the case file cannot be opened', async () => {
    const notACase = join(userData, 'broken.causa');
    await writeFile(notACase, 'this is not an SQLite database, just bytes that end in .causa\n'.repeat(100));
    await startApp([notACase]);
    expect(fake.state.startupRejection, 'an error left unhandled by index.ts').toBeUndefined();
    expect(fake.electron.dialog.showErrorBox).toHaveBeenCalledWith('Causa could not start', expect.stringContaining(notACase));
    expect(fake.app.quit).toHaveBeenCalled();
  });
});
