// `causa pull` throughput and memory (issue 22): the built command pulls a window from two ClickHouse
// shards behind a Distributed table into a sealed bundle (no import: that is import's own budget), timed
// against `clickhouse-client --query "… FORMAT JSONEachRow" > file` for the same window and the same
// statement. Budget: causa's throughput at least 0.5 × clickhouse-client's. Peak memory of a pull of the
// whole window and of a tenth of it: both under the 512 MiB bound, and the larger at most 1.5 × the smaller
// (nothing is kept per row; what grows is the garbage collector's slack: 129 and 133 MiB for 20,000 and
// 200,000 events, 193 MiB for 1,000,000, measured 2026-12-04).
// `BENCH_PULL_EVENTS=1000000` by default; a smoke run passes a smaller count.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullProfile } from '../../src-main/core/pull/profile';
import { pageQuery, parseWindow } from '../../src-main/core/pull/query';
import {
  CLICKHOUSE_CLIENT,
  loadAuditEvents,
  READER_PASSWORD,
  startShardedClickHouse,
  timeOfEvent,
  type ShardedClickHouse,
} from '../support/clickhouse';
import { ensureBuilt, MEMORY_BOUND_MIB, runCausa } from '../unit/hostile/watchdog';

const EVENTS = Number(process.env.BENCH_PULL_EVENTS ?? 1_000_000);
const BUDGET = 0.5;
let cluster: ShardedClickHouse;
let dir: string;
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-bench-pull-'));
  ensureBuilt();
  cluster = await startShardedClickHouse();
  await loadAuditEvents(cluster, EVENTS);
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`\ncausa pull (budget: throughput ≥ ${BUDGET} × clickhouse-client)\n${lines.join('\n')}\n`);
});

function clickhouseClient(sql: string, file: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const [shard] = cluster.shards;
    const child = spawn(
      CLICKHOUSE_CLIENT,
      [
        '--host',
        '127.0.0.1',
        '--port',
        String(shard.tcpPort),
        '--user',
        'reader',
        '--password',
        READER_PASSWORD,
        '--query',
        `${sql} FORMAT JSONEachRow`,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const out = createWriteStream(file);
    child.stdout.pipe(out);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    out.on('close', () => {
      if (child.exitCode !== null && child.exitCode !== 0) reject(new Error(`clickhouse-client failed: ${stderr}`));
      else resolve(performance.now() - started);
    });
  });
}

describe('causa pull against clickhouse-client', () => {
  it(`pulls ${EVENTS} events at ≥ ${BUDGET} × clickhouse-client's throughput, with flat memory`, async () => {
    const profile = PullProfile.parse({
      url: cluster.url,
      database: 'causa',
      table: 'audit',
      time_column: 'ts',
      tiebreak_column: 'audit_id',
      raw_column: 'raw',
      format: 'k8s-audit',
      credentials: { user_env: 'CH_USER', password_env: 'CH_PASSWORD' },
    });
    const profileFile = join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(profile));
    const env = { CH_USER: 'reader', CH_PASSWORD: READER_PASSWORD, CAUSA_HOME: join(dir, 'home') };
    const from = timeOfEvent(0).toISOString();
    const to = timeOfEvent(EVENTS).toISOString();

    // The same statement causa's first page sends, covering the whole window in one answer.
    const sql = pageQuery(profile, parseWindow(from, to), {}, undefined, EVENTS);
    const baselineMs = await clickhouseClient(sql, join(dir, 'baseline.jsonl'));
    const baselineBytes = statSync(join(dir, 'baseline.jsonl')).size;

    const small = await runCausa(
      ['pull', '--profile', profileFile, '--from', from, '--to', timeOfEvent(EVENTS / 10).toISOString(), '-o', join(dir, 'small')],
      { env },
    );
    expect(small.code, small.stderr).toBe(0);

    const started = performance.now();
    const run = await runCausa(['pull', '--profile', profileFile, '--from', from, '--to', to, '-o', join(dir, 'whole'), '--json'], { env });
    const causaMs = performance.now() - started;
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { rows: number }).rows).toBe(EVENTS);
    const ratio = baselineMs / causaMs;
    lines.push(
      `  clickhouse-client   ${(baselineMs / 1000).toFixed(2)} s  (${(baselineBytes / 2 ** 20 / (baselineMs / 1000)).toFixed(1)} MiB/s of JSONEachRow)`,
      `  causa pull          ${(causaMs / 1000).toFixed(2)} s  ratio ${ratio.toFixed(2)} (${Math.round(EVENTS / (causaMs / 1000))} events/s, sealed)`,
      `  peak memory         ${small.peakMiB} MiB for ${EVENTS / 10} events, ${run.peakMiB} MiB for ${EVENTS}`,
    );
    expect(ratio).toBeGreaterThanOrEqual(BUDGET);
    expect(run.overBound).toBe(false);
    expect(run.peakMiB).toBeLessThanOrEqual(MEMORY_BOUND_MIB);
    expect(run.peakMiB).toBeLessThanOrEqual(small.peakMiB * 1.5);
  });
});
