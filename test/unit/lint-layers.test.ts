// The import-layer rule (build/eslint/layers.js) through ESLint's own API and the project's eslint.config.js:
// source text is linted as if it lived at a path inside src-main/ or src-renderer/, so each case shows
// which layer may import what.
import { fileURLToPath } from 'node:url';
import { join, posix } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The causa/layers messages for `code` linted as the file at `file` (relative to the project root). */
async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  // A file that does not parse reports nothing, which would make an "allowed" case pass vacuously.
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'causa/layers').map((m) => m.message);
}

const value = (source: string) => `import { x } from '${source}';\nexport const y = x;\n`;
const typeOnly = (source: string) => `import type { X } from '${source}';\nexport type Y = X;\n`;
const inlineTypes = (source: string) => `import { type X } from '${source}';\nexport type Y = X;\n`;
const typeAndValue = (source: string) => `import { type X, x } from '${source}';\nexport const y: X = x;\n`;
const sideEffect = (source: string) => `import '${source}';\n`;
const dynamic = (source: string) => `export const m = import('${source}');\n`;
const reExport = (source: string) => `export { x } from '${source}';\n`;
const reExportAll = (source: string) => `export * from '${source}';\n`;
const reExportType = (source: string) => `export type { X } from '${source}';\n`;
const defaultImport = (source: string) => `import Database from '${source}';\nexport const d = Database;\n`;

type Case = [file: string, code: string];

// Where the probe text is linted from, one file per layer (only the path matters; none of them exists).
const CORE = 'src-main/core/probe.ts';
const INGEST = 'src-main/core/ingest/probe.ts';
const SHARED = 'src-main/shared/probe.ts';
const STORE = 'src-main/store/probe.ts';
const SERVICE = 'src-main/service/probe.ts';
const HTTP = 'src-main/host/http.ts';
const CLI = 'src-main/cli.ts';
const PAGE = 'src-renderer/src/probe.ts';
const FEATURE = 'src-renderer/src/features/timeline/Probe.tsx';
const STATE = 'src-renderer/src/state/probe.ts';
const LIB = 'src-renderer/src/lib/probe.ts';
const API = 'src-renderer/src/api.ts';
const APP = 'src-renderer/src/App.tsx';
// The specifier by which the probe at `probe` reaches `target` (both root-relative). Computed, so this file
// names no shared/ path that test/unit/repo-paths.test.ts would read as one beside the repository.
const from = (probe: string, target: string) => posix.relative(posix.dirname(probe), target);
const FEATURE_TO_MODEL = from(FEATURE, 'src-main/shared/model');
const CONTRACT = '../../src-main/shared/contract';

describe('the causa/layers rule', () => {
  const denied: [string, ...Case, RegExp][] = [
    // core: only core and shared, and neither SQLite nor Electron.
    ['core → better-sqlite3', INGEST, defaultImport('better-sqlite3'), /core must not import better-sqlite3/],
    ['core → electron', INGEST, value('electron'), /core must not import electron/],
    ['core → electron/main', CORE, value('electron/main'), /core must not import electron/],
    ['core → the store', INGEST, value('../../store/case-store'), /core must not import store/],
    ['core → the store, type only', INGEST, typeOnly('../../store/case-store'), /core must not import store/],
    ['core → the store, with .js', CORE, value('../store/queries.js'), /core must not import store/],
    ['core → the service', CORE, value('../service/workbench'), /core must not import service/],
    ['core → a host', CORE, value('../host/http'), /core must not import host/],
    ['core → the window', CORE, value('../window'), /core must not import shell/],
    ['core → the CLI', CORE, value('../cli'), /core must not import cli/],
    ['core → the IPC host', CORE, value('../host/ipc'), /core must not import/],
    ['core → SQLite by dynamic import', CORE, dynamic('better-sqlite3'), /better-sqlite3/],
    ['core → the store by dynamic import', CORE, dynamic('../store/case-store'), /core must not import store/],
    ['core re-exports the store', CORE, reExportAll('../store/queries'), /core must not import store/],
    ['core re-exports electron', CORE, reExport('electron'), /core must not import electron/],
    // shared: only shared.
    ['shared → core', SHARED, value('../core/ingest/lines'), /shared must not import core/],
    ['shared → the store', SHARED, value('../store/case-store'), /shared must not import store/],
    ['shared → better-sqlite3', SHARED, defaultImport('better-sqlite3'), /better-sqlite3/],
    // store: SQLite yes, Electron and the layers above no.
    ['store → electron', STORE, value('electron'), /store must not import electron/],
    ['store → core', STORE, value('../core/ingest/lines'), /store must not import core/],
    ['store → the service', STORE, value('../service/workbench'), /store must not import service/],
    // service: everything below it, but SQLite only through the store and never Electron.
    ['service → better-sqlite3', SERVICE, defaultImport('better-sqlite3'), /service must not import better-sqlite3/],
    ['service → electron', SERVICE, value('electron'), /service must not import electron/],
    ['service → a host', SERVICE, value('../host/http'), /service must not import host/],
    // host (web mode and dispatch) is not the shell.
    ['host/http → electron', HTTP, value('electron'), /host must not import electron/],
    ['host/dispatch → electron', 'src-main/host/dispatch.ts', value('electron'), /host must not import electron/],
    ['a new host file → electron', 'src-main/host/probe.ts', value('electron'), /host must not import electron/],
    ['host → better-sqlite3', HTTP, defaultImport('better-sqlite3'), /better-sqlite3/],
    ['host → the store', HTTP, value('../store/case-store'), /host must not import store/],
    ['host → core', HTTP, value('../core/ingest/lines'), /host must not import core/],
    ['host → the window', HTTP, value('../window'), /host must not import shell/],
    // the CLI runs under plain Node.
    ['cli → electron', CLI, value('electron'), /cli must not import electron/],
    ['cli → better-sqlite3', CLI, defaultImport('better-sqlite3'), /better-sqlite3/],
    ['cli → the store', CLI, value('./store/case-store'), /cli must not import store/],
    ['cli → the window', CLI, value('./window'), /cli must not import shell/],
    ['a CLI command module → the store', 'src-main/cli/capture.ts', value('../store/case-store'), /cli must not import store/],
    ['a CLI command module → core', 'src-main/cli/capture.ts', value('../core/capture/resources'), /cli must not import core/],
    // the shell wires; it does not reach into SQLite or the core.
    ['shell → better-sqlite3', 'src-main/index.ts', defaultImport('better-sqlite3'), /shell must not import better/],
    ['shell → the store', 'src-main/window.ts', value('./store/case-store'), /shell must not import store/],
    ['shell → core', 'src-main/host/ipc.ts', value('../core/ingest/lines'), /shell must not import core/],
    // the renderer: a sandboxed page that sees main-side code only as types.
    ['renderer → shared, as a value', PAGE, value(CONTRACT), /import type/],
    ['renderer → shared, type and value mixed', PAGE, typeAndValue(CONTRACT), /import type/],
    ['renderer → shared, for side effects', PAGE, sideEffect(CONTRACT), /import type/],
    ['renderer → shared, by dynamic import', PAGE, dynamic(CONTRACT), /import type/],
    ['renderer re-exports shared values', PAGE, reExport(CONTRACT), /import type/],
    ['renderer re-exports all of shared', PAGE, reExportAll('../../src-main/shared/model'), /import type/],
    ['renderer (tsx, nested) → shared, as a value', FEATURE, value(FEATURE_TO_MODEL), /import type/],
    ['renderer → the store', PAGE, value('../../src-main/store/case-store'), /renderer must not import store/],
    ['renderer → the service, type only', PAGE, typeOnly('../../src-main/service/workbench'), /must not import service/],
    ['renderer → a host', PAGE, value('../../src-main/host/http'), /renderer must not import host/],
    ['renderer → the preload', PAGE, value('../../src-main/preload'), /renderer must not import shell/],
    ['renderer → electron', PAGE, value('electron'), /renderer must not import electron/],
    ['renderer → better-sqlite3', PAGE, defaultImport('better-sqlite3'), /better-sqlite3/],
    ['renderer → node:fs', PAGE, value('node:fs'), /sandboxed page/],
    ['renderer → zod', PAGE, value('zod'), /sandboxed page/],
    // inside the renderer: api → state → features → App, with pure helpers (lib) below them all.
    ['a store → a feature', STATE, value('../features/graph/layout-client'), /renderer state must not import renderer features/],
    [
      'a store → a feature, type only',
      STATE,
      typeOnly('../features/graph/GraphCanvas'),
      /renderer state must not import renderer features/,
    ],
    [
      'a store → a feature, by dynamic import',
      STATE,
      dynamic('../features/annotate/drag'),
      /renderer state must not import renderer features/,
    ],
    ['a store re-exports a feature', STATE, reExportAll('../features/timeline/format'), /renderer state must not import renderer features/],
    ['a store → the page', STATE, value('../App'), /renderer state must not import renderer app/],
    ['a store → the shared ui hooks', STATE, value('../ui/use-outside-click'), /renderer state must not import renderer features/],
    ['a feature → the page', FEATURE, value('../../App'), /renderer features must not import renderer app/],
    ['the transport → a store', API, value('./state/graph'), /renderer api must not import renderer state/],
    ['the transport → a feature', API, value('./features/timeline/Timeline'), /renderer api must not import renderer features/],
    ['a helper → a store', LIB, value('../state/graph'), /renderer lib must not import renderer state/],
    ['a helper → the transport', LIB, value('../api'), /renderer lib must not import renderer api/],
  ];

  it.each(denied)('reports %s', async (_label, file, code, reason) => {
    const problems = await layerProblems(file, code);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(reason);
  });

  const allowed: [string, ...Case][] = [
    ['core → core', INGEST, value('./lines')],
    ['core → another core folder', INGEST, value('../sample/random')],
    ['core → shared', INGEST, value(from(INGEST, 'src-main/shared/model'))],
    ['core → shared, type only', INGEST, typeOnly(from(INGEST, 'src-main/shared/contract'))],
    ['core → node:crypto', CORE, value('node:crypto')],
    ['core → zod', CORE, value('zod')],
    ['shared → shared', SHARED, value('./model')],
    ['shared → zod', SHARED, value('zod')],
    ['store → better-sqlite3', 'src-main/store/case-store.ts', defaultImport('better-sqlite3')],
    ['a new store file → better-sqlite3', STORE, defaultImport('better-sqlite3')],
    ['store → shared', STORE, value(from(STORE, 'src-main/shared/model'))],
    ['store → store', STORE, value('./migrate')],
    ['service → core', SERVICE, value('../core/ingest')],
    ['service → the store', SERVICE, value('../store/case-store')],
    ['service → shared', SERVICE, value(from(SERVICE, 'src-main/shared/errors'))],
    ['host → the service', HTTP, value('../service/workbench')],
    ['host → dispatch', HTTP, value('./dispatch')],
    ['host → shared', 'src-main/host/dispatch.ts', value(from('src-main/host/dispatch.ts', 'src-main/shared/contract'))],
    ['cli → web mode', CLI, value('./host/http')],
    ['cli → the service', CLI, value('./service/workbench')],
    ['cli → a CLI command module', CLI, value('./cli/capture')],
    ['a CLI command module → the service', 'src-main/cli/capture.ts', value('../service/capture/run-capture')],
    ['index.ts → electron', 'src-main/index.ts', value('electron')],
    ['window.ts → electron', 'src-main/window.ts', value('electron')],
    ['preload.ts → electron', 'src-main/preload.ts', value('electron')],
    ['preload.ts → electron/renderer', 'src-main/preload.ts', value('electron/renderer')],
    ['host/ipc.ts → electron', 'src-main/host/ipc.ts', value('electron')],
    ['host/ipc.ts → dispatch', 'src-main/host/ipc.ts', value('./dispatch')],
    ['index.ts → the IPC host', 'src-main/index.ts', value('./host/ipc')],
    ['index.ts → the window', 'src-main/index.ts', value('./window')],
    ['index.ts → the service', 'src-main/index.ts', value('./service/workbench')],
    ['renderer → shared, import type', PAGE, typeOnly(CONTRACT)],
    ['renderer → shared, inline type specifiers', PAGE, inlineTypes(CONTRACT)],
    ['renderer re-exports shared types', PAGE, reExportType('../../src-main/shared/model')],
    ['renderer (tsx, nested) → shared, import type', FEATURE, typeOnly(FEATURE_TO_MODEL)],
    ['renderer → renderer', FEATURE, value('../../api')],
    ['renderer → react', PAGE, value('react')],
    ['renderer → zustand', PAGE, value('zustand')],
    ['a store → a store', STATE, value('./case-data')],
    ['a store → the transport', STATE, value('../api')],
    ['a store → a helper', STATE, value('../lib/graph-layout')],
    [
      'a store → shared, import type',
      STATE,
      typeOnly(['..', '..', '..', 'src-main/shared/graph'].join('/')) /* from src/state/, built so no path here leaves the repository */,
    ],
    ['a feature → a store', FEATURE, value('../../state/stores')],
    ['a feature → a helper', FEATURE, value('../../lib/graph-layout')],
    ['a feature → another feature', FEATURE, value('../verify/VerdictBadge')],
    ['a feature → its stylesheet', FEATURE, sideEffect('./timeline.css')],
    ['the page → a feature', APP, value('./features/graph/GraphView')],
    ['the page → the stores', 'src-renderer/src/main.tsx', value('./state/app-stores')],
    ['a helper → a helper', LIB, value('./node-id')],
  ];

  it.each(allowed)('allows %s', async (_label, file, code) => {
    expect(await layerProblems(file, code)).toEqual([]);
  });

  // host/ipc.ts is a shell file (it imports electron), so importing it is importing the shell.
  const shellByAnotherName: [string, ...Case, RegExp][] = [
    ['cli → the IPC host', CLI, value('./host/ipc'), /cli must not import shell/],
    ['web mode → the IPC host', HTTP, value('./ipc'), /host must not import shell/],
    ['host → the window, with .js', HTTP, value('../window.js'), /host must not import shell/],
  ];

  it.each(shellByAnotherName)('reports %s', async (_label, file, code, reason) => {
    expect((await layerProblems(file, code)).join('\n')).toMatch(reason);
  });

  // Node's built-ins have bare names too; none of them exists in the sandboxed page.
  it.each(['fs', 'child_process'])('reports the renderer importing Node’s %s by its bare name', async (name) => {
    expect((await layerProblems(PAGE, value(name))).join('\n')).toMatch(/sandboxed page/);
  });

  it('leaves files outside src-main and src-renderer alone', async () => {
    expect(await layerProblems('test/unit/probe.test.ts', value('electron'))).toEqual([]);
  });

  it('finds nothing to report in the project as it stands', async () => {
    const results = await eslint.lintFiles(['src-main', 'src-renderer']);
    expect(results.length).toBeGreaterThan(10);
    const problems = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === 'causa/layers').map((m) => `${r.filePath}:${m.line}: ${m.message}`),
    );
    expect(problems).toEqual([]);
  });
});
