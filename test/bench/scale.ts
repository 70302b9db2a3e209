// The figures of issue 17 ("a million events feel like a thousand"), measured in one run on one machine
// so that each is a ratio against a ceiling of the same run: the built `causa` command writes a sample
// bundle of N audit events (streamed), imports it end to end (process start included) into a case that is
// then ready to search and to group (index and API-call grouping built by the import), verifies the bundle
// and the case; the ceiling is a bare prepared insert of the same rows with a per-record SHA-256. Used by
// test/bench/scale.bench.ts at full size and by a smoke test at a small one (no ratio asserted there).
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { k8sAudit } from '../../src-main/core/ingest/k8s-audit';
import { formatNanos } from '../../src-main/shared/time';
import { MIGRATIONS } from '../../src-main/store/migrate';
import { ensureBuilt, runCausa, type CliRun } from '../unit/hostile/watchdog';

export interface ScaleFigures {
  events: number;
  /** Bytes of the bundle's sources: the evidence the case holds. */
  evidenceBytes: number;
  /** The case file's bytes after the import (WAL checkpointed by the closing connection). */
  caseBytes: number;
  /**
   * Milliseconds: `causa sample`, the CLI import, the bare insert ceiling. With more than one pair, the
   * import and ceiling of the pair whose ratio is the median.
   */
  sampleMs: number;
  importMs: number;
  ceilingMs: number;
  /** Each ceiling and the import run right after it, in the order they ran. */
  pairs: { ceilingMs: number; importMs: number }[];
  /** Peak resident set, MiB, of each command. */
  peakMiB: { sample: number; import: number; verifyBundle: number; verifyCase: number };
}

function fileBytes(path: string): number {
  return statSync(path).size;
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  return total;
}

function succeeded(name: string, run: CliRun, accept: (code: number | null) => boolean = (code) => code === 0): CliRun {
  if (run.overBound) throw new Error(`${name}: passed the memory bound (peak ${run.peakMiB} MiB)`);
  if (!accept(run.code)) throw new Error(`${name}: exit ${run.code}: ${run.stderr.slice(0, 2000)}`);
  return run;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

/**
 * The ceiling: every row of the audit log, parsed and normalized beforehand (not timed), inserted with
 * one prepared statement into a database with the case's schema and settings, each record's SHA-256
 * computed on the way, in one transaction. Rows are read from the file in batches, so the ceiling's own
 * memory does not grow with N either; only the insert and the hashing are timed.
 */
async function bareInsertMs(auditPath: string, dir: string): Promise<number> {
  const path = join(dir, 'ceiling.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  for (const m of MIGRATIONS) db.exec(m.sql);
  db.prepare("INSERT INTO source (name, format, sha256, size, imported_at) VALUES ('x', 'k8s-audit', 'x', 0, 'x')").run();
  const insert = db.prepare(`INSERT INTO event (source_id, position, ordinal, raw, raw_sha256, time_ns, time, time_text,
    kind, action, actor_type, actor_id, on_behalf_of, target_api_group, target_resource, target_namespace, target_name,
    target_uid, outcome, authz_decision, authz_reason, keys, taint, text, stage, stage_time)
    VALUES (1, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`);
  let elapsed = 0;
  let position = 0;
  let batch: { raw: Buffer; event: ReturnType<typeof normalizedEvent> }[] = [];
  const flush = (): void => {
    const start = performance.now();
    for (const { raw, event: e } of batch) {
      position += 1;
      insert.run(
        position,
        raw,
        createHash('sha256').update(raw).digest('hex'),
        e.time_ns,
        e.time_ns === null ? null : formatNanos(e.time_ns),
        e.time_text ?? null,
        e.kind,
        e.action ?? null,
        e.actor?.type ?? null,
        e.actor?.id ?? null,
        e.actor?.on_behalf_of ?? null,
        e.target?.api_group ?? null,
        e.target?.resource ?? null,
        e.target?.namespace ?? null,
        e.target?.name ?? null,
        e.target?.uid ?? null,
        e.outcome,
        e.authz?.decision ?? null,
        e.authz?.reason ?? null,
        e.keys ? JSON.stringify(e.keys) : null,
        e.stage?.name ?? null,
        e.stage?.time ?? null,
      );
    }
    elapsed += performance.now() - start;
    batch = [];
  };
  db.exec('BEGIN');
  for await (const line of createInterface({ input: createReadStream(auditPath), crlfDelay: Infinity })) {
    if (line.length === 0) continue;
    batch.push({ raw: Buffer.from(line), event: normalizedEvent(line) });
    if (batch.length === 5000) flush();
  }
  flush();
  const start = performance.now();
  db.exec('COMMIT');
  elapsed += performance.now() - start;
  db.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  return elapsed;
}

function normalizedEvent(line: string) {
  const normalized = k8sAudit.normalize(JSON.parse(line));
  if (!normalized.ok) throw new Error(normalized.reason);
  return normalized.events[0]!;
}

/**
 * Runs every step at `events` audit events under `dir` (which it fills; the caller removes it). With
 * `pairs` over 1, the ceiling and the import are run that many times, one after the other (ceiling,
 * import, ceiling, import…), each import into a new case: a ratio is of two figures taken a few seconds
 * apart, and this machine's speed drifts by a third within minutes. The pair with the median ratio is
 * the figure; every pair is printed with it.
 */
export async function measureScale(events: number, dir: string, pairs = 1): Promise<ScaleFigures> {
  ensureBuilt();
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, `bundle-${events}`);
  const casePath = join(dir, `case-${events}.causa`);
  // No memory bound on the generator: it is measured, not watched.
  const sample = await timed(() => runCausa(['sample', 'inc-0047', '-o', bundle, '--events', String(events)], { boundMiB: 64 * 1024 }));
  succeeded('causa sample', sample.value);
  const runs: { ceilingMs: number; importMs: number }[] = [];
  let importPeakMiB = 0;
  for (let pair = 0; pair < pairs; pair += 1) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${casePath}${suffix}`, { force: true });
    const ceilingMs = await bareInsertMs(join(bundle, 'sources', 'k8s-audit', 'audit.jsonl'), dir);
    const imported = await timed(() => runCausa(['import', bundle, '--case', casePath]));
    // The sample's signer is not in this machine's trust store, which exits 1 (signature not trusted), after
    // importing every record: that is checked instead, and for the verifications below likewise.
    succeeded('causa import', imported.value, (code) => code === 0 || code === 1);
    runs.push({ ceilingMs, importMs: imported.ms });
    importPeakMiB = Math.max(importPeakMiB, imported.value.peakMiB);
  }
  const byRatio = [...runs].sort((a, b) => a.ceilingMs / a.importMs - b.ceilingMs / b.importMs);
  const median = byRatio[Math.floor((byRatio.length - 1) / 2)]!;
  const db = new Database(casePath, { readonly: true });
  const held = db
    .prepare('SELECT count(*) FROM event e JOIN source s ON s.id = e.source_id WHERE s.name LIKE ?')
    .pluck()
    .get('%audit.jsonl') as number;
  db.close();
  if (held < events) throw new Error(`causa import: the case holds ${held} audit events of ${events}`);
  const verifyBundle = succeeded('causa verify BUNDLE', await runCausa(['verify', bundle]), (code) => code === 0 || code === 1);
  const verifyCase = succeeded('causa verify CASE', await runCausa(['verify', casePath]), (code) => code === 0 || code === 1);
  return {
    events,
    evidenceBytes: treeBytes(join(bundle, 'sources')),
    caseBytes: fileBytes(casePath),
    sampleMs: sample.ms,
    importMs: median.importMs,
    ceilingMs: median.ceilingMs,
    pairs: runs,
    peakMiB: {
      sample: sample.value.peakMiB,
      import: importPeakMiB,
      verifyBundle: verifyBundle.peakMiB,
      verifyCase: verifyCase.peakMiB,
    },
  };
}

/**
 * The figures as lines, each against its budget, and the budgets missed. `sealed` is the size at which
 * the issue sets the end-to-end import's ratio (a sealed bundle of 200,000 events); the ratio is judged
 * there and at the large size, and printed at the small one. Without it, at the small size too. The
 * import ready to search and group within 2.5 × the bare insert is judged at the large size alone (the
 * issue sets it for 1,000,000 events), and printed at the others.
 */
export function judgeScale(small: ScaleFigures, large: ScaleFigures, sealed?: ScaleFigures): { lines: string[]; missed: string[] } {
  const lines: string[] = [];
  const missed: string[] = [];
  const check = (line: string, holds: boolean): void => {
    lines.push(`${holds ? 'ok  ' : 'MISS'} ${line}`);
    if (!holds) missed.push(line);
  };
  for (const f of sealed ? [small, sealed, large] : [small, large]) {
    const ratio = f.ceilingMs / f.importMs;
    const each =
      f.pairs.length > 1
        ? ` (the median of ${f.pairs.length} pairs: ${f.pairs.map((p) => `${(p.importMs / 1000).toFixed(1)}/${(p.ceilingMs / 1000).toFixed(1)} s ${(p.ceilingMs / p.importMs).toFixed(2)}`).join(', ')})`
        : '';
    const said = `import ${f.events} events end to end ${(f.importMs / 1000).toFixed(1)} s, ceiling ${(f.ceilingMs / 1000).toFixed(1)} s: ratio ${ratio.toFixed(2)}${each}`;
    if (sealed && f === small) lines.push(`     ${said} (no budget at this size)`);
    else check(`${said} (budget ≥ 0.60)`, ratio >= 0.6);
    // The issue sets this budget at 1,000,000 events (the large size); elsewhere it is printed.
    const ready = f.importMs / f.ceilingMs;
    const readyLine = `ready to search and group ${f.events} events in ${ready.toFixed(2)} × the bare insert`;
    if (f === large) check(`${readyLine} (budget ≤ 2.5)`, ready <= 2.5);
    else lines.push(`     ${readyLine} (no budget at this size)`);
    const size = f.caseBytes / f.evidenceBytes;
    check(
      `case file ${(f.caseBytes / 2 ** 20).toFixed(0)} MiB for ${(f.evidenceBytes / 2 ** 20).toFixed(0)} MiB of evidence: ${size.toFixed(2)} × (budget ≤ 1.30)`,
      size <= 1.3,
    );
    for (const [name, peak] of Object.entries(f.peakMiB))
      check(`peak ${name.padEnd(12)} ${f.events} events ${String(peak).padStart(5)} MiB (budget < 512)`, peak < 512);
  }
  for (const name of Object.keys(small.peakMiB) as (keyof ScaleFigures['peakMiB'])[]) {
    const growth = large.peakMiB[name] / small.peakMiB[name];
    check(`peak ${name.padEnd(12)} ${large.events} against ${small.events} events: ${growth.toFixed(2)} × (budget ≤ 1.20)`, growth <= 1.2);
  }
  return { lines, missed };
}
