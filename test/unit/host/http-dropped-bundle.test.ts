// A bundle dropped in web mode, over a real socket: the renderer's framed upload of a `.zip` bundle and of
// a bundle folder's files (named by relative path) is imported and verified as `causa import` would, and
// a name that tries to leave the drop is refused with a 400 before anything is imported.
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTrustedKey, trustStorePath } from '../../../src-main/service/trust';
import { FILE_FRAMES_TYPE } from '../../../src-main/host/file-frames';
import { startHttpHost, type HttpHost } from '../../../src-main/host/http';
import { writeSample } from '../../../src-main/service/bundles';
import { Workbench } from '../../../src-main/service/workbench';
import type { ApiResult, CaseInfo, ImportReport } from '../../../src-main/shared/contract';
import { encodeFileFrames } from '../../../src-renderer/src/upload-frames';

let sampleRoot: string;
let dir: string;
let workbench: Workbench;
let host: HttpHost;

beforeAll(async () => {
  // The analyst of these tests trusts the sample's signing key, so its sealed records read intact.
  await addTrustedKey(
    fileURLToPath(new URL('../../../resources/keys/sample-ed25519.pub.pem', import.meta.url)),
    'samples',
    trustStorePath(),
  );
  sampleRoot = mkdtempSync(join(tmpdir(), 'causa-http-bundle-sample-'));
  await writeSample('inc-0047', join(sampleRoot, 'inc-0047'));
  await writeSample('inc-0047', join(sampleRoot, 'inc-0047.zip'));
  return () => rmSync(sampleRoot, { recursive: true, force: true });
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-http-bundle-'));
  workbench = Workbench.open(join(dir, 'case.causa'), { create: true });
  host = await startHttpHost({
    handlers: {
      ...workbench.handlers,
      capabilities: () => ({ open_dialog: false, transport: 'http' as const }),
      openEvidence: () => ({ files: [], events: 0, errors: 0 }),
    },
    rendererDir: dir,
  });
});

afterEach(async () => {
  await host.close();
  workbench.close();
  rmSync(dir, { recursive: true, force: true });
});

async function upload(files: { name: string; data: Uint8Array }[]): Promise<{ status: number; answer: ApiResult<ImportReport> }> {
  const res = await fetch(`http://127.0.0.1:${host.port}/api/importFiles`, {
    method: 'POST',
    headers: { 'Content-Type': FILE_FRAMES_TYPE, Authorization: `Bearer ${host.token}` },
    body: new Blob(encodeFileFrames(files)),
  });
  return { status: res.status, answer: (await res.json()) as ApiResult<ImportReport> };
}

async function caseInfo(): Promise<CaseInfo> {
  const res = await fetch(`http://127.0.0.1:${host.port}/api/caseInfo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
    body: '{}',
  });
  const answer = (await res.json()) as ApiResult<CaseInfo>;
  if (!answer.ok) throw new Error(answer.message);
  return answer.value;
}

function folderFiles(folder: string): { name: string; data: Uint8Array }[] {
  const top = folder.split(sep).at(-1)!;
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .map((path) => ({ name: [top, ...relative(folder, path).split(sep)].join('/'), data: new Uint8Array(readFileSync(path)) }));
}

describe('web mode: a dropped bundle over HTTP', () => {
  it('imports a dropped .zip bundle and records its verdict: every chained source intact', async () => {
    const { status, answer } = await upload([
      { name: 'inc-0047.zip', data: new Uint8Array(readFileSync(join(sampleRoot, 'inc-0047.zip'))) },
    ]);
    expect(status).toBe(200);
    expect(answer.ok, answer.ok ? '' : answer.message).toBe(true);
    if (!answer.ok) return;
    expect(answer.value.files.filter((file) => file.status === 'failed')).toEqual([]);
    expect(answer.value.events).toBeGreaterThan(100);
    const info = await caseInfo();
    expect(info.verification).toHaveLength(1);
    const chained = info.verification[0]!.verdict.sources.filter((source) => source.records !== undefined);
    expect(chained.length).toBeGreaterThan(0);
    expect(chained.every((source) => source.verdict === 'intact')).toBe(true);
  });

  it('imports a dropped bundle folder sent file by file with relative names', async () => {
    const { status, answer } = await upload(folderFiles(join(sampleRoot, 'inc-0047')));
    expect(status).toBe(200);
    expect(answer.ok && answer.value.files.every((file) => file.file.startsWith('inc-0047/'))).toBe(true);
    const info = await caseInfo();
    expect(info.verification).toHaveLength(1);
    expect(info.verification[0]!.location).toBe('inc-0047');
    expect(info.verification[0]!.verdict.sources.some((source) => source.verdict === 'intact')).toBe(true);
  });

  it('answers 400 to a folder whose file name climbs out of it, and imports nothing', async () => {
    const files = folderFiles(join(sampleRoot, 'inc-0047'));
    const { status, answer } = await upload([
      ...files,
      { name: 'inc-0047/../../../tmp/evil.jsonl', data: new TextEncoder().encode('{}\n') },
    ]);
    expect(status).toBe(400);
    expect(answer).toMatchObject({ ok: false, code: 'invalid_input' });
    expect((await caseInfo()).events).toBe(0);
  });
});
