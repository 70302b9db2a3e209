import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../../src-main/shared/contract';
import { Workbench } from '../../../src-main/service/workbench';
import { everyTurn } from '../../support/every-turn';

const CORPUS = fileURLToPath(new URL('../../fixtures/corpus/k8s-audit/', import.meta.url));
const LINE = readFileSync(join(CORPUS, 'crowdsec_k8s-audit-pod-exec-file.log'), 'utf8').trim();
const OTHER = readFileSync(join(CORPUS, 'crowdsec_k8s-audit-priv-pod-file.log'), 'utf8').trim();

let dir: string;
let wb: Workbench;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-progress-'));
  wb = Workbench.open(join(dir, 'case.causa'), { create: true });
});

afterEach(() => {
  wb.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Samples the monitor on every turn of the event loop while the import runs. */
function watch(onSample: (p: ImportProgress) => void): () => void {
  return everyTurn(() => onSample(wb.imports.snapshot()));
}

describe('import progress and cancel', () => {
  it('reports the file, the content bytes read of the total (gunzipped) and the events so far', async () => {
    const plain = join(dir, 'a.log');
    writeFileSync(plain, `${LINE}\n`.repeat(20_000));
    const gz = join(dir, 'b.log.gz');
    const content = `${OTHER}\n`.repeat(3_000);
    writeFileSync(gz, gzipSync(content));
    const samples: ImportProgress[] = [];
    const stop = watch((p) => samples.push(p));
    const report = await wb.importPaths([plain, gz]);
    stop();
    expect(report.events).toBe(23_000);
    const active = samples.filter((p) => p.active);
    expect(active.length).toBeGreaterThan(3);
    const last = active.at(-1)!;
    // Bytes are of content: the gzip file counts its gunzipped size, read from its trailer.
    expect(last.bytes_total).toBe((Buffer.byteLength(LINE) + 1) * 20_000 + Buffer.byteLength(content));
    expect(active.map((p) => p.bytes_read)).toEqual([...active.map((p) => p.bytes_read)].sort((a, b) => a - b));
    expect(active.some((p) => p.file === 'a.log' && p.events > 0 && p.events < 20_000)).toBe(true);
    expect(active.some((p) => p.file === 'b.log.gz')).toBe(true);
    expect(wb.imports.snapshot().active).toBe(false);
  });

  it('cancels at the next record: the file being read is rolled back, the one before kept, the one after not read', async () => {
    const small = join(dir, 'a-small.log');
    writeFileSync(small, `${OTHER}\n`);
    const big = join(dir, 'b-big.log');
    writeFileSync(big, `${LINE}\n`.repeat(30_000));
    const later = join(dir, 'c-later.log');
    writeFileSync(later, `${OTHER}\n${OTHER}\n`);
    const stop = watch((p) => {
      if (p.file?.endsWith('b-big.log') && p.events > 1000) wb.imports.cancel();
    });
    const report = await wb.importPaths([dir]);
    stop();
    expect(report.cancelled).toBe(true);
    expect(report.files.map((f) => [f.file.split('/').at(-1), f.status])).toEqual([
      ['a-small.log', 'imported'],
      ['b-big.log', 'cancelled'],
      ['c-later.log', 'cancelled'],
    ]);
    expect((await wb.handlers.caseInfo({})).events).toBe(1);
    expect((await wb.handlers.caseInfo({})).sources.map((s) => s.name)).toEqual([expect.stringMatching(/a-small\.log$/)]);
    expect(wb.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Nothing is left half-done: the same files import whole afterwards.
    const again = await wb.importPaths([dir]);
    expect(again.files.map((f) => f.status)).toEqual(['already_imported', 'imported', 'imported']);
    expect(again.events).toBe(30_002);
  });

  it('says so when there is nothing to cancel', async () => {
    expect(await wb.handlers.cancelImport({})).toEqual({ cancelled: false });
  });
});
