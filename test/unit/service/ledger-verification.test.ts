import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOsmodaLedger } from '../../../src-main/core/sample/osmoda-ledger';
import { Workbench } from '../../../src-main/service/workbench';
import { main as runCli } from '../../../src-main/cli';

let dir: string;
let bench: Workbench | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-ledger-'));
});

afterEach(() => {
  bench?.close();
  bench = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function writeLedger(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('ledger sources: their own chain is verified and speaks for their records', () => {
  it('a loose intact ledger: records intact (not unverifiable), the check recorded with its rule', async () => {
    const path = writeLedger('ledger.jsonl', generateOsmodaLedger({ records: 12, rule: 'sha256-prev-jcs' }));
    bench = Workbench.open(join(dir, 'case.causa'), { create: true });
    await bench.importPaths([path]);
    const { events } = await bench.handlers.listEvents({ filter: {}, offset: 0, limit: 100 });
    expect(events).toHaveLength(12);
    expect(new Set(events.map((e) => e.verdict))).toEqual(new Set(['intact']));
    const info = await bench.handlers.caseInfo({});
    expect(info.verification).toHaveLength(1);
    expect(info.verification[0]).toMatchObject({
      subject: 'ledger',
      location: 'ledger.jsonl',
      verdict: { intact: true, sources: [{ verdict: 'intact', rule: 'sha256-prev-jcs', records: 12, genesis: 'zeros' }] },
    });
  });

  it('a loose tampered ledger: records before the break intact, from it on broken; causa verify says where and exits 1', async () => {
    const lines = generateOsmodaLedger({ records: 12 });
    lines[7] = lines[7]!.replace('"id":8', '"id":80');
    const path = writeLedger('tampered.jsonl', lines);
    const casePath = join(dir, 'case.causa');
    bench = Workbench.open(casePath, { create: true });
    await bench.importPaths([path]);
    const { events } = await bench.handlers.listEvents({ filter: {}, offset: 0, limit: 100 });
    expect(events.map((e) => e.verdict)).toEqual([...Array(7).fill('intact'), ...Array(5).fill('broken')]);
    bench.close();
    bench = undefined;

    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) } };
    const code = await runCli(['verify', casePath], io as never);
    expect(code).toBe(1);
    const text = out.join('');
    expect(text).toContain("tampered.jsonl: record 8's hash does not match its content (sha256-jcs): record modified");
    expect(text).toContain('ledger chain: broken, 12 records, rule sha256-jcs, genesis zeros');

    out.length = 0;
    expect(await runCli(['verify', casePath, '--json'], io as never)).toBe(1);
    const json = JSON.parse(out.join('')) as { subject: string; verdict: { sources: { first_bad_position: number; nature: string }[] } }[];
    // The file was tampered with before it was imported: the case's own seal of it holds.
    expect(json.filter((v) => v.subject !== 'seal' && v.subject !== 'journal')).toEqual([
      expect.objectContaining({
        subject: 'ledger',
        verdict: expect.objectContaining({
          intact: false,
          sources: [expect.objectContaining({ first_bad_position: 8, nature: 'modified', verdict: 'broken' })],
        }),
      }),
    ]);
  });

  it('a line that could not be imported is the ledger’s first bad record, at its own position', async () => {
    const lines = generateOsmodaLedger({ records: 6 });
    lines[2] = lines[2]!.slice(0, 20);
    bench = Workbench.open(join(dir, 'case.causa'), { create: true });
    await bench.importPaths([writeLedger('cut.jsonl', lines)]);
    const [check] = await bench.handlers.verifyCase({});
    expect(check!.verdict.sources[0]).toMatchObject({ verdict: 'broken', first_bad_position: 3, nature: 'modified' });
  });
});
