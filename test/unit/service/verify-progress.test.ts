// Verifying a large case: progress is reported source by source while the event loop stays free, a poll
// is answered mid-run, a cancelled run records nothing, and one long run at a time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli';
import { generateOsmodaLedger } from '../../../src-main/core/sample/osmoda-ledger';
import { writeSample } from '../../../src-main/service/bundles';
import { Workbench } from '../../../src-main/service/workbench';
import type { VerifyProgress } from '../../../src-main/shared/contract';
import { ServiceError } from '../../../src-main/shared/errors';

const AUDIT_EVENTS = 40_000;
const LEDGER_RECORDS = 3_000;

let dir: string;
let wb: Workbench;
/** Records the case keeps of its sealed sources and of its ledger: what a verification reads. */
let recordsTotal: number;
let sourcesTotal: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-verify-progress-'));
  const bundle = join(dir, 'inc-0047-large');
  await writeSample('inc-0047', bundle, { events: AUDIT_EVENTS });
  const ledger = join(dir, 'agent-ledger.jsonl');
  writeFileSync(ledger, `${generateOsmodaLedger({ records: LEDGER_RECORDS }).join('\n')}\n`);
  wb = Workbench.open(join(dir, 'case.causa'), { create: true });
  await wb.importPaths([bundle, ledger]);
  // Every record is re-checked: the JSON-lines sources' against their chains, the listings' items and the
  // OTLP trace's spans against their documents' sealed values (format 1.1).
  const counted = wb.store.db.prepare('SELECT count(*) AS n FROM event e JOIN source s ON s.id = e.source_id WHERE e.ordinal = 0');
  // Then the case's own seals re-check every record of every source again (service/case-seal.ts).
  const sealed = wb.store.db.prepare('SELECT count(*) AS n FROM event WHERE ordinal = 0').get() as { n: number };
  recordsTotal = (counted.get() as { n: number }).n + sealed.n;
  // audit, Events and MCP chains, the two listings and the trace of the bundle, and the ledger; then the seal of every source
  sourcesTotal = 7 + (wb.store.db.prepare('SELECT count(*) AS n FROM source').get() as { n: number }).n;
}, 120_000);

afterAll(() => {
  wb?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Polls through the contract on every turn of the event loop while `run` is pending. */
async function pollDuring<T>(
  run: () => Promise<T>,
  onPoll: (p: VerifyProgress) => void = () => {},
): Promise<{ result: T; polls: VerifyProgress[] }> {
  const polls: VerifyProgress[] = [];
  let on = true;
  const tick = async (): Promise<void> => {
    if (!on) return;
    const progress = await wb.handlers.verifyProgress({});
    polls.push(progress);
    onPoll(progress);
    setImmediate(() => void tick());
  };
  setImmediate(() => void tick());
  try {
    return { result: await run(), polls };
  } finally {
    on = false;
  }
}

function verificationRows(): number {
  return (wb.store.db.prepare('SELECT count(*) AS n FROM verification').get() as { n: number }).n;
}

describe('verifying a large case', () => {
  it('reports which source is checked and the records done of the total, rising to the total, polls answered mid-run', async () => {
    const before = verificationRows();
    const { result, polls } = await pollDuring(() => Promise.resolve(wb.handlers.verifyCase({})));
    const active = polls.filter((p) => p.active);
    // Answered while the run was going: the event loop was not held for the whole verification.
    expect(active.filter((p) => p.records_done > 0 && p.records_done < p.records_total).length).toBeGreaterThan(3);
    expect(new Set(active.map((p) => p.records_total))).toEqual(new Set([recordsTotal]));
    const done = active.map((p) => p.records_done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    const sources = active.map((p) => p.sources_done);
    expect(sources).toEqual([...sources].sort((a, b) => a - b));
    expect(active.some((p) => p.subject?.endsWith('inc-0047-large') && p.source === 'sources/k8s-audit/audit.jsonl')).toBe(true);
    expect(active.some((p) => p.subject === 'agent-ledger.jsonl' && p.source === 'agent-ledger.jsonl')).toBe(true);
    // Once it is over, the counts stand at their totals and nothing is running.
    const final = await wb.handlers.verifyProgress({});
    expect(final).toEqual({
      active: false,
      sources_done: final.sources_total,
      sources_total: final.sources_total,
      records_done: recordsTotal,
      records_total: recordsTotal,
      cancelling: false,
    });
    // audit, Events and MCP chains, the two listings and the trace of the bundle, and the ledger; then the seal of every source of the case
    expect(final.sources_total).toBe(sourcesTotal);
    expect(sourcesTotal).toBe(14);
    expect(
      result.map((v) => [v.subject, v.verdict.sources.filter((s) => s.records !== undefined).map((s) => [s.path, s.records])]),
    ).toEqual([
      [
        'case',
        [
          ['sources/k8s-audit/audit.jsonl', expect.any(Number)],
          ['sources/k8s-events/events.jsonl', expect.any(Number)],
          ['sources/k8s-resources/cluster.json', expect.any(Number)],
          ['sources/k8s-resources/production.json', expect.any(Number)],
          ['sources/mcp/kubernetes-mcp-server.jsonl', expect.any(Number)],
          ['sources/otel/agent-trace.json', expect.any(Number)],
        ],
      ],
      ['ledger', [['agent-ledger.jsonl', LEDGER_RECORDS]]],
      [
        'seal',
        expect.arrayContaining([
          ['inc-0047-large/sources/k8s-audit/audit.jsonl', expect.any(Number)],
          ['agent-ledger.jsonl', LEDGER_RECORDS],
        ]),
      ],
      ['journal', [['journal', 0]]],
    ]);
    expect(verificationRows()).toBe(before + 4);
  });

  it('answers other queries between its chunks (no statement is left open across a pause)', async () => {
    const pages: Promise<{ events: unknown[] }>[] = [];
    await pollDuring(
      () => Promise.resolve(wb.handlers.verifyCase({})),
      (p) => {
        if (p.active && pages.length < 3) pages.push(Promise.resolve(wb.handlers.listEvents({ filter: {}, offset: 0, limit: 5 })));
      },
    );
    expect(pages).toHaveLength(3);
    for (const page of await Promise.all(pages)) expect(page.events).toHaveLength(5);
  });

  it('cancels at its next pause and records nothing: no partial verdict', async () => {
    const before = verificationRows();
    const latest = (await wb.handlers.caseInfo({})).verification;
    let asked = false;
    const { result } = await pollDuring(
      () =>
        Promise.resolve(wb.handlers.verifyCase({})).then(
          () => 'finished',
          (error: unknown) => error,
        ),
      (p) => {
        if (!asked && p.active && p.records_done > recordsTotal / 4) {
          asked = true;
          expect(wb.handlers.cancelVerify({})).toEqual({ cancelled: true });
        }
      },
    );
    expect(result).toBeInstanceOf(ServiceError);
    expect(result).toMatchObject({ code: 'cancelled', message: 'the verification was cancelled: nothing was recorded' });
    expect(verificationRows()).toBe(before);
    expect((await wb.handlers.caseInfo({})).verification).toEqual(latest);
    expect(await wb.handlers.verifyProgress({})).toMatchObject({ active: false, cancelling: false });
    expect(wb.handlers.cancelVerify({})).toEqual({ cancelled: false });
  });

  it('runs one at a time, and refuses an import meanwhile', async () => {
    const running = Promise.resolve(wb.handlers.verifyCase({}));
    await expect(Promise.resolve().then(() => wb.handlers.verifyCase({}))).rejects.toMatchObject({ code: 'busy' });
    await expect(wb.importPaths([join(dir, 'agent-ledger.jsonl')])).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringContaining('being verified'),
    });
    await running;
    expect(await wb.importPaths([join(dir, 'agent-ledger.jsonl')])).toMatchObject({ files: [{ status: 'already_imported' }] });
  });

  it(
    'causa verify CASE shows progress on stderr only on a terminal: a line as each source begins, cleared at the end',
    { timeout: 120_000 },
    async () => {
      const run = async (isTTY: boolean) => {
        let stdout = '';
        let stderr = '';
        const code = await main(['verify', wb.store.path], {
          stdout: { write: (t: string) => (stdout += t) },
          stderr: { write: (t: string) => (stderr += t), isTTY },
        });
        return { code, stdout, stderr };
      };
      const plain = await run(false);
      expect(plain.stderr).toBe('');
      expect(plain.stdout).toContain('Results for ');
      const terminal = await run(true);
      expect(terminal.stdout).toBe(plain.stdout);
      expect(terminal.stderr).toContain(
        `\rverifying inc-0047-large/sources/k8s-audit/audit.jsonl (source 1 of ${sourcesTotal}): 0%, 0 of ${recordsTotal.toLocaleString('en')} records\x1b[K`,
      );
      expect(terminal.stderr).toMatch(
        new RegExp(`\\rverifying inc-0047-large/sources/k8s-events/events\\.jsonl \\(source 2 of ${sourcesTotal}\\): \\d+%`),
      );
      expect(terminal.stderr).toMatch(new RegExp(`\\rverifying agent-ledger\\.jsonl \\(source 7 of ${sourcesTotal}\\): \\d+%`));
      expect(terminal.stderr).toMatch(
        new RegExp(`\\rverifying case\\.causa/agent-ledger\\.jsonl \\(source ${sourcesTotal} of ${sourcesTotal}\\): \\d+%`),
      );
      expect(terminal.stderr.endsWith('\r\x1b[K')).toBe(true);
      expect(terminal.code).toBe(plain.code);
    },
  );
});
