// A bundle's plain source is read once by its import, which hashes it on the way and holds it to the hash
// the manifest claims, and counts and chains its records as the bundle's check does: the check takes that
// reading and does not read the file again. The attacks on that shortcut: a file altered under an
// unchanged manifest (the case must hold it under its own hash, not the claim), the same replayed into a
// case that holds the genuine file (it must not pass as already imported), a file that grows or shrinks,
// a file swapped once the import has read it (the verdict is about what the case holds), and a gzip source
// (whose manifest hash is over its compressed bytes).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src-main/cli';
import { sealSources } from '../../../src-main/core/bundle/seal';
import type { Workbench } from '../../../src-main/service/workbench';
import { tempWorkbenches } from '../../support/workbench';
import { handZip } from '../core/hand-zip';

/** Bytes delivered by every read stream of a file, by the file's name. */
const bytesRead = new Map<string, number>();
/** Files read as another once opened `after` times: a path swapped between two reads. */
const swaps = new Map<string, { after: number; path: string; opened: number }>();
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createReadStream = (...args: Parameters<typeof fs.createReadStream>): ReadStream => {
    const swap = swaps.get(String(args[0]));
    if (swap && ++swap.opened > swap.after) args[0] = swap.path;
    const stream = fs.createReadStream(...args);
    const name = String(args[0]).split(/[\\/]/).pop()!;
    stream.on('data', (chunk) => bytesRead.set(name, (bytesRead.get(name) ?? 0) + chunk.length));
    return stream;
  };
  return { ...fs, createReadStream, default: { ...fs, createReadStream } };
});

const dir = mkdtempSync(join(tmpdir(), 'causa-claims-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cases = tempWorkbenches('causa-claims-case-');
beforeEach(() => {
  bytesRead.clear();
  swaps.clear();
});

const AUDIT = 'sources/k8s-audit/audit.jsonl';
const line = (i: number, user = `user-${i}`): string =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `a-${i}`,
    stage: 'ResponseComplete',
    verb: 'get',
    user: { username: user },
    objectRef: { resource: 'pods', namespace: 'default', name: `pod-${i}` },
    requestReceivedTimestamp: new Date(Date.UTC(2025, 3, 3, 14, 0, 0, i)).toISOString(),
    annotations: { padding: 'x'.repeat(400) },
  });
/** Several read chunks' worth of records: a third read of the file shows in the bytes read. */
const RECORDS = Array.from({ length: 2000 }, (_, i) => line(i));
const text = (records: string[]): Buffer => Buffer.from(records.map((r) => `${r}\n`).join(''));
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

let counter = 0;
/** A sealed bundle folder of `records` as `path`, with `replace` swapped in for files after sealing. */
function bundle(records: string[], replace: Record<string, Buffer> = {}, path = 'k8s-audit/audit.jsonl'): string {
  const files = sealSources([{ path, data: text(records) }], {
    case: { title: 'claims' },
    createdAt: '2025-04-03T15:00:00Z',
    creator: { tool: 'causa-test', version: '0' },
    detectType: () => 'k8s-audit',
  });
  const out = join(dir, `b${counter++}`);
  for (const [name, data] of [...files, ...Object.entries(replace)]) {
    mkdirSync(join(out, ...name.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(out, ...name.split('/')), data);
  }
  return out;
}

function sources(wb: Workbench): { name: string; sha256: string; size: number; events: number }[] {
  return wb.store.db
    .prepare(
      'SELECT s.name, s.sha256, s.size, (SELECT count(*) FROM event e WHERE e.source_id = s.id) AS events FROM source s ORDER BY s.id',
    )
    .all() as { name: string; sha256: string; size: number; events: number }[];
}

function users(wb: Workbench): string[] {
  return (wb.store.db.prepare('SELECT actor_id FROM event ORDER BY id').pluck().all() as string[]).filter((u) => u !== null);
}

describe("a bundle's plain source read once by its import", () => {
  it('an intact source: imported under its hash, read once by the import and its check together', async () => {
    const path = bundle(RECORDS);
    const size = text(RECORDS).length;
    const wb = cases.open();
    const report = await wb.importPaths([path]);
    expect(report.files.map((f) => [f.status, f.events])).toEqual([['imported', 2000]]);
    expect(report.integrity ?? []).toEqual([]);
    expect(sources(wb)).toEqual([{ name: expect.stringMatching(/audit\.jsonl$/), sha256: sha256(text(RECORDS)), size, events: 2000 }]);
    // The import reads the file once, and its first chunk twice more (whether it is gzip: before the
    // import, and before its check takes the import's reading as the file's hash and size).
    const byImport = bytesRead.get('audit.jsonl')!;
    expect(byImport).toBeGreaterThanOrEqual(size);
    expect(byImport).toBeLessThanOrEqual(size + 2 * 64 * 1024);
    // Verifying the bundle alone reads it once too: its size is the chain pass's (it was read a second
    // time for it), and its first chunk again for the same reason.
    bytesRead.clear();
    expect(await main(['verify', path], { stdout: { write: () => true }, stderr: { write: () => true } })).toBe(0);
    const byVerify = bytesRead.get('audit.jsonl')!;
    expect(byVerify).toBeGreaterThanOrEqual(size);
    expect(byVerify).toBeLessThanOrEqual(size + 64 * 1024);
    const seal = (await wb.handlers.verifyCase({})).find((v) => v.subject === 'seal');
    expect(seal?.verdict.intact, JSON.stringify(seal?.verdict.problems)).toBe(true);
  });

  it('a record altered under the manifest: the case holds the file under its own hash, the verdict names the record', async () => {
    const altered = RECORDS.map((r, i) => (i === 1500 ? line(i, 'mallory') : r));
    const wb = cases.open();
    const report = await wb.importPaths([bundle(RECORDS, { [AUDIT]: text(altered) })]);
    expect(report.files.map((f) => [f.status, f.events])).toEqual([['imported', 2000]]);
    expect(sources(wb)).toEqual([expect.objectContaining({ sha256: sha256(text(altered)), size: text(altered).length, events: 2000 })]);
    expect(sha256(text(altered))).not.toBe(sha256(text(RECORDS)));
    expect(users(wb)).toContain('mallory');
    expect(report.integrity).toEqual([
      expect.objectContaining({ status: 'broken', sources: [{ path: AUDIT, verdict: 'broken', records: 500 }] }),
    ]);
  });

  it('the altered file replayed into a case that holds the genuine one: imported as another source, not "already imported"', async () => {
    const wb = cases.open();
    await wb.importPaths([bundle(RECORDS)]);
    const altered = RECORDS.map((r, i) => (i === 7 ? line(i, 'mallory') : r));
    const report = await wb.importPaths([bundle(RECORDS, { [AUDIT]: text(altered) })]);
    expect(report.files.map((f) => f.status)).toEqual(['imported']);
    expect(sources(wb).map((s) => s.sha256)).toEqual([sha256(text(RECORDS)), sha256(text(altered))]);
    expect(users(wb).filter((u) => u === 'mallory')).toHaveLength(1);
    // The genuine bundle again: already imported, nothing added.
    const again = await wb.importPaths([bundle(RECORDS)]);
    expect(again.files.map((f) => f.status)).toEqual(['already_imported']);
    expect(sources(wb)).toHaveLength(2);
  });

  it('a file swapped once the import has read it: the verdict is about the records the case holds', async () => {
    // The genuine file for the first reads (whether it is gzip, then the import), an altered one after.
    const path = bundle(RECORDS);
    const altered = join(dir, `altered-${counter++}.jsonl`);
    writeFileSync(altered, text(RECORDS.map((r, i) => (i === 10 ? line(i, 'mallory') : r))));
    swaps.set(join(path, ...AUDIT.split('/')), { after: 2, path: altered, opened: 0 });
    const wb = cases.open();
    const report = await wb.importPaths([path]);
    expect(report.files.map((f) => [f.status, f.events])).toEqual([['imported', 2000]]);
    expect(users(wb)).not.toContain('mallory');
    // Checked from the import's own reading: what the case holds is the sealed file. (Read again, the
    // altered file named record 11 broken, for records the case does not hold.)
    expect(report.integrity ?? []).toEqual([]);
    // The case's records against the bundle's sealed hashes: as sealed (unsigned, as the bundle is).
    const check = (await wb.handlers.verifyCase({})).find((v) => v.subject === 'case');
    expect(check?.verdict.problems).toEqual([]);
    expect(check?.verdict.sources.map((s) => s.verdict)).toEqual(['unsigned']);
    // The bundle as it is on disk now is broken there, and a check of it says so.
    const out: string[] = [];
    expect(await main(['verify', path], { stdout: { write: (t: string) => out.push(t) > 0 }, stderr: { write: () => true } })).toBe(1);
    expect(out.join('')).toContain('chain broken at record 11');
  });

  it('records cut from the end, or appended: the file as it is, under its own hash and size', async () => {
    for (const [n, changed] of [RECORDS.slice(0, 1200), [...RECORDS, line(5000, 'mallory')]].entries()) {
      const wb = cases.open(`case-${n}`);
      const report = await wb.importPaths([bundle(RECORDS, { [AUDIT]: text(changed) })]);
      expect(report.files.map((f) => [f.status, f.events])).toEqual([['imported', changed.length]]);
      expect(sources(wb)).toEqual([expect.objectContaining({ sha256: sha256(text(changed)), size: text(changed).length })]);
      expect(report.integrity?.[0]?.status).toBe('broken');
    }
  });

  it('a zip entry whose records are followed by a bomb: named as the bomb, nothing of it kept, the rest imported', async () => {
    const files = sealSources(
      [
        { path: 'k8s-audit/audit.jsonl', data: text(RECORDS) },
        { path: 'k8s-audit/other.jsonl', data: text([line(9000)]) },
      ],
      {
        case: { title: 'claims' },
        createdAt: '2025-04-03T15:00:00Z',
        creator: { tool: 'causa-test', version: '0' },
        detectType: () => 'k8s-audit',
      },
    );
    // The records, then 64 MiB of one byte: deflated a thousand times smaller, past the inflate ratio.
    const bombed = Buffer.concat([text(RECORDS), Buffer.alloc(64 * 2 ** 20, 0x30)]);
    const zip = join(dir, `bomb${counter++}.zip`);
    writeFileSync(zip, handZip([...files].map(([name, data]) => ({ name, data: name === AUDIT ? bombed : data }))));
    const wb = cases.open();
    const report = await wb.importPaths([zip]);
    const [audit, other] = report.files;
    expect(audit).toMatchObject({ status: 'failed', events: 0 });
    expect(audit!.errors[0]!.reason).toMatch(/cannot read: zip entry sources\/k8s-audit\/audit\.jsonl inflates more than 200 times/);
    expect(other).toMatchObject({ status: 'imported', events: 1 });
    expect(sources(wb).map((s) => s.events)).toEqual([1]);
  }, 60_000);

  it('a gzip source: hashed as stored (its manifest hash is over the compressed bytes), imported once', async () => {
    const gz = gzipSync(text(RECORDS));
    const wb = cases.open();
    const path = bundle(RECORDS.slice(0, 1), {}, 'k8s-audit/audit.jsonl.gz');
    // Sealed again over the gzip bytes, so that the manifest's hash is the compressed file's.
    const files = sealSources([{ path: 'k8s-audit/audit.jsonl.gz', data: gz }], {
      case: { title: 'claims' },
      createdAt: '2025-04-03T15:00:00Z',
      creator: { tool: 'causa-test', version: '0' },
      detectType: () => 'k8s-audit',
    });
    for (const [name, data] of files) writeFileSync(join(path, ...name.split('/')), data);
    const report = await wb.importPaths([path]);
    expect(report.files.map((f) => [f.status, f.events])).toEqual([['imported', 2000]]);
    expect(report.integrity ?? []).toEqual([]);
    expect(sources(wb)).toEqual([expect.objectContaining({ sha256: sha256(gz), size: gz.length, events: 2000 })]);
    expect(readFileSync(join(path, 'sources', 'k8s-audit', 'audit.jsonl.gz')).equals(gz)).toBe(true);
  });
});
