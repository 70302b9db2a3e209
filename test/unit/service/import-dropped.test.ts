// Bundles dropped on the window (web mode and Electron both send files as bytes with relative names): a
// `.zip` bundle and the files of a bundle folder must import and verify exactly as `causa import` does,
// and the names the renderer sends are untrusted labels that never reach outside what was dropped.
import { fileURLToPath } from 'node:url';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTrustedKey, trustStorePath } from '../../../src-main/service/trust';
import { dispatch } from '../../../src-main/host/dispatch';
import { writeSample } from '../../../src-main/service/bundles';
import { Workbench } from '../../../src-main/service/workbench';
import type { ApiResult, CaseInfo, Handlers, ImportReport } from '../../../src-main/shared/contract';

let dir: string;
let sampleRoot: string;
const benches: Workbench[] = [];

/** Every file under a folder, named by its path relative to the folder's parent ("inc-0047/sources/…"). */
function folderFiles(folder: string): { name: string; data: Uint8Array }[] {
  const top = folder.split(sep).at(-1)!;
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .map((path) => ({ name: [top, ...relative(folder, path).split(sep)].join('/'), data: new Uint8Array(readFileSync(path)) }));
}

function open(name: string): Workbench {
  const bench = Workbench.open(join(dir, `${name}.causa`), { create: true });
  benches.push(bench);
  return bench;
}

/** The handlers as a shell wires them (the shell-only methods are not used here). */
function handlersOf(bench: Workbench): Handlers {
  return {
    ...bench.handlers,
    capabilities: () => ({ open_dialog: false, transport: 'ipc' as const }),
    openEvidence: () => ({ files: [], events: 0, errors: 0 }),
  };
}

/** importFiles as Electron's IPC and the HTTP host deliver it: through the contract's dispatch. */
async function drop(bench: Workbench, files: { name: string; data: Uint8Array }[]): Promise<ApiResult<ImportReport>> {
  return (await dispatch(handlersOf(bench), 'importFiles', { files })) as ApiResult<ImportReport>;
}

async function caseInfo(bench: Workbench): Promise<CaseInfo> {
  const result = (await dispatch(handlersOf(bench), 'caseInfo', {})) as ApiResult<CaseInfo>;
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/** The verdicts recorded, without the time they were recorded at and the bundle's location label. */
function verdicts(info: CaseInfo): unknown[] {
  return info.verification.map(({ subject, verdict }) => {
    const { bundle: _location, ...rest } = verdict as typeof verdict & { bundle?: string };
    return { subject, verdict: rest };
  });
}

beforeAll(async () => {
  // The analyst of these tests trusts the sample's signing key, so its sealed records read intact.
  await addTrustedKey(
    fileURLToPath(new URL('../../../resources/keys/sample-ed25519.pub.pem', import.meta.url)),
    'samples',
    trustStorePath(),
  );
  sampleRoot = mkdtempSync(join(tmpdir(), 'causa-dropped-sample-'));
  await writeSample('inc-0047', join(sampleRoot, 'inc-0047'));
  await writeSample('inc-0047', join(sampleRoot, 'inc-0047.zip'));
  return () => rmSync(sampleRoot, { recursive: true, force: true });
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-dropped-'));
});

afterEach(() => {
  for (const bench of benches.splice(0)) bench.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a dropped bundle imports and verifies as `causa import` does', () => {
  it('a dropped .zip: same import report and same verdicts as importing its path', async () => {
    const byPath = open('by-path');
    const expected = await byPath.importPaths([join(sampleRoot, 'inc-0047.zip')]);
    const dropped = open('dropped');
    const result = await drop(dropped, [{ name: 'inc-0047.zip', data: new Uint8Array(readFileSync(join(sampleRoot, 'inc-0047.zip'))) }]);
    expect(result.ok, result.ok ? '' : result.message).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual(expected);
    expect(result.value.files.every((file) => file.status === 'imported' || file.status === 'skipped')).toBe(true);
    expect(result.value.files.map((file) => file.file)).toContain('inc-0047.zip/sources/k8s-audit/audit.jsonl');
    const info = await caseInfo(dropped);
    expect(verdicts(info)).toEqual(verdicts(await caseInfo(byPath)));
    const audit = info.verification[0]!.verdict.sources.find((source) => source.path === 'sources/k8s-audit/audit.jsonl');
    expect(audit?.verdict).toBe('intact');
    expect(info.verification[0]!.location).toBe('inc-0047.zip');
  });

  it('a dropped bundle folder: same import report and same verdicts as importing the folder', async () => {
    const byPath = open('by-path');
    const expected = await byPath.importPaths([join(sampleRoot, 'inc-0047')]);
    const dropped = open('dropped');
    const result = await drop(dropped, folderFiles(join(sampleRoot, 'inc-0047')));
    expect(result.ok, result.ok ? '' : result.message).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual(expected);
    const info = await caseInfo(dropped);
    expect(info.verification).toHaveLength(1);
    expect(verdicts(info)).toEqual(verdicts(await caseInfo(byPath)));
    expect(info.verification[0]!.verdict.sources.filter((s) => s.verdict === 'broken')).toEqual([]);
  });

  it('a dropped folder whose record was altered is recorded broken at that record, as on disk', async () => {
    const files = folderFiles(join(sampleRoot, 'inc-0047'));
    const audit = files.find((file) => file.name === 'inc-0047/sources/k8s-audit/audit.jsonl')!;
    const text = Buffer.from(audit.data).toString('utf8').replace('"verb":"patch"', '"verb":"get"  ');
    expect(text).not.toBe(Buffer.from(audit.data).toString('utf8'));
    audit.data = new Uint8Array(Buffer.from(text, 'utf8'));
    const altered = join(dir, 'altered', 'inc-0047');
    for (const file of files) {
      const target = join(dir, 'altered', ...file.name.split('/'));
      rmSync(target, { force: true });
      mkdirp(target);
      writeFileSync(target, file.data);
    }
    const byPath = open('by-path');
    const expected = await byPath.importPaths([altered]);
    const dropped = open('dropped');
    const result = await drop(dropped, files);
    expect(result.ok && result.value).toEqual(expected);
    const info = await caseInfo(dropped);
    expect(verdicts(info)).toEqual(verdicts(await caseInfo(byPath)));
    const source = info.verification[0]!.verdict.sources.find((s) => s.path === 'sources/k8s-audit/audit.jsonl')!;
    expect(source.verdict).toBe('broken');
    expect(source.nature).toBe('modified');
  });

  it('loose files and a bundle dropped together: the bundle as a bundle, the files as files', async () => {
    const bench = open('mixed');
    const loose = new TextEncoder().encode(
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"x","stage":"ResponseComplete","requestURI":"/api/v1/pods","verb":"list","user":{"username":"a"},"requestReceivedTimestamp":"2025-01-01T00:00:00.000000Z","stageTimestamp":"2025-01-01T00:00:00.000000Z"}\n',
    );
    const result = await drop(bench, [
      { name: 'extra-audit.log', data: loose },
      { name: 'inc-0047.zip', data: new Uint8Array(readFileSync(join(sampleRoot, 'inc-0047.zip'))) },
    ]);
    expect(result.ok, result.ok ? '' : result.message).toBe(true);
    if (!result.ok) return;
    expect(result.value.files[0]).toMatchObject({ file: 'extra-audit.log', status: 'imported', events: 1 });
    expect(result.value.files.slice(1).every((file) => file.file.startsWith('inc-0047.zip/'))).toBe(true);
    expect((await caseInfo(bench)).verification).toHaveLength(1);
  });
});

function mkdirp(file: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
}

describe('names sent by the renderer are untrusted', () => {
  const bundle = (): { name: string; data: Uint8Array }[] => folderFiles(join(sampleRoot, 'inc-0047'));

  it.each([
    ['../escape.log'],
    ['/etc/passwd'],
    ['inc-0047/../../escape.log'],
    ['inc-0047/./manifest.json'],
    ['C:/Windows/system.ini'],
    ['inc-0047\\..\\escape.log'],
    ['inc-0047//manifest.json'],
    ['nul\0byte.log'],
  ])('refuses the whole drop when one name is %j, importing nothing', async (name) => {
    const bench = open('attack');
    const result = await drop(bench, [...bundle(), { name, data: new TextEncoder().encode('{}\n') }]);
    expect(result).toMatchObject({ ok: false, code: 'invalid_input' });
    if (!result.ok) expect(result.message).toContain('relative path');
    const info = await caseInfo(bench);
    expect(info.events).toBe(0);
    expect(info.verification).toEqual([]);
  });

  it('refuses a dropped zip bundle with an entry pointing outside it', async () => {
    const bench = open('zip-slip');
    const manifest = readFileSync(join(sampleRoot, 'inc-0047', 'manifest.json'));
    const zip = zipSync({ 'manifest.json': manifest, '../outside.txt': new TextEncoder().encode('x') });
    const result = await drop(bench, [{ name: 'evil.zip', data: zip }]);
    expect(result).toMatchObject({ ok: false, code: 'invalid_input' });
    if (!result.ok) expect(result.message).toMatch(/evil\.zip: zip entry "\.\.\/outside\.txt" would point outside the bundle/);
    expect((await caseInfo(bench)).events).toBe(0);
  });

  it('refuses a name sent twice in one folder rather than choosing one of the two', async () => {
    const bench = open('twice');
    const files = bundle();
    const result = await drop(bench, [...files, { name: files[0]!.name, data: new TextEncoder().encode('{}') }]);
    expect(result).toMatchObject({ ok: false, code: 'invalid_input' });
    if (!result.ok) expect(result.message).toMatch(/dropped twice/);
  });

  it('a folder without a manifest is loose evidence named by its relative paths, not a bundle', async () => {
    const bench = open('loose-folder');
    const files = bundle().filter((file) => file.name.startsWith('inc-0047/sources/k8s-audit/'));
    const result = await drop(bench, files);
    expect(result.ok && result.value.files.map((file) => [file.file, file.status])).toEqual([
      ['inc-0047/sources/k8s-audit/audit.jsonl', 'imported'],
    ]);
    expect((await caseInfo(bench)).verification).toEqual([]);
  });
});
