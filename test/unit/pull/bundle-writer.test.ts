// The pull's bundle writer gathers whole lines into batches before it writes them (service/pull/
// bundle-writer.ts). Whatever the records' sizes (one larger than a batch, batches filled to the byte), the
// sealed bundle must hold every record once and in order, its leaves file each record's leaf, its manifest
// the files' hashes and sizes, and `causa verify` must find it intact.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli';
import { leafHash } from '../../../src-main/core/bundle/hashing';
import { StreamingBundleWriter } from '../../../src-main/service/pull/bundle-writer';

async function verify(path: string): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await main(['verify', path], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => {} } });
  return { code, stdout };
}

const record = (i: number, size: number): Buffer => {
  const head = `{"kind":"Event","auditID":"a-${i}","requestReceivedTimestamp":"2025-04-03T14:30:00.${String(i).padStart(6, '0')}Z","pad":"`;
  return Buffer.from(`${head}${'x'.repeat(Math.max(0, size - head.length - 2))}"}`);
};

describe('the pull’s bundle writer', () => {
  it('seals every record once and in order, whatever their sizes against its batches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causa-bundle-writer-'));
    const out = join(dir, 'bundle');
    // Small records, one of 300 KiB (larger than a batch), and records whose lines fill a batch to the byte.
    const sizes = [
      ...Array.from({ length: 500 }, (_, i) => 200 + (i % 7)),
      300 * 1024,
      ...Array.from({ length: 4 }, () => 64 * 1024 - 1),
      ...Array.from({ length: 2_000 }, (_, i) => 100 + i),
    ];
    const records = sizes.map((size, i) => record(i, size));
    const writer = await StreamingBundleWriter.create(out, 'sources/clickhouse/causa.audit.jsonl', 'k8s-audit');
    for (const [i, raw] of records.entries()) await writer.add(raw, [`2025-04-03T14:30:00.${i}Z`, `a-${i}`]);
    const manifest = await writer.seal({
      case: { title: 'writer' },
      createdAt: '2025-04-03T15:00:00Z',
      creator: { tool: 'causa-test', version: '0' },
      capture: {},
    });

    const content = readFileSync(join(out, 'sources/clickhouse/causa.audit.jsonl'));
    expect(content.equals(Buffer.concat(records.flatMap((r) => [r, Buffer.from('\n')])))).toBe(true);
    const leaves = readFileSync(join(out, 'hashes/clickhouse/causa.audit.jsonl.leaves'), 'utf8');
    expect(leaves).toBe(records.map((r) => `${leafHash(r).toString('hex')}\n`).join(''));
    const [source] = manifest.sources;
    expect(source).toMatchObject({ size: content.length, sha256: createHash('sha256').update(content).digest('hex') });
    expect(source!.chain).toMatchObject({
      records: records.length,
      leaves: { size: Buffer.byteLength(leaves), sha256: createHash('sha256').update(leaves).digest('hex') },
    });
    // Unsigned (no key given), every file and record as sealed.
    const verified = await verify(out);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('1 unsigned, 0 broken');
    expect(verified.stdout).toContain('UNSIGNED: as sealed');
  });
});
