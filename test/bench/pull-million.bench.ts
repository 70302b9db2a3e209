// A window of 1,000,000 audit events pulled from two ClickHouse shards behind a Distributed table by the
// built `causa pull`, under the memory watchdog: the bundle verifies, holds every event once and in
// order, and imports whole. In `npm run bench`, not `npm test`: loading, pulling, verifying and importing
// a million events takes many minutes on a shared machine, most of it the import (docs/pull.md, "The tests").
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, MEMORY_BOUND_MIB, runCausa } from '../unit/hostile/watchdog';
import { loadAuditEvents, READER_PASSWORD, startShardedClickHouse, timeOfEvent, type ShardedClickHouse } from '../support/clickhouse';

const EVENTS = 1_000_000;
/**
 * The import of a million 560-byte events is the importer's budget (issue 14), not the pull's: on
 * 2026-12-04 it passed 1.4 GiB on this bundle, so it is given room here and its peak printed.
 */
const IMPORT_BOUND_MIB = 4096;
let cluster: ShardedClickHouse;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-pull-million-'));
  ensureBuilt();
  cluster = await startShardedClickHouse();
  await loadAuditEvents(cluster, EVENTS);
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('causa pull of 1,000,000 events', () => {
  it('pulls, seals, verifies and imports them all, with memory under the bound', async () => {
    const profile = join(dir, 'profile.json');
    writeFileSync(
      profile,
      JSON.stringify({
        url: cluster.url,
        database: 'causa',
        table: 'audit',
        time_column: 'ts',
        tiebreak_column: 'audit_id',
        raw_column: 'raw',
        format: 'k8s-audit',
        columns: { namespace: 'namespace', user: 'username' },
        credentials: { user_env: 'CH_USER', password_env: 'CH_PASSWORD' },
      }),
    );
    const out = join(dir, 'bundle');
    const casePath = join(dir, 'million.causa');
    const env = { CH_USER: 'reader', CH_PASSWORD: READER_PASSWORD, CAUSA_HOME: join(dir, 'home') };
    const from = timeOfEvent(0).toISOString();
    const to = timeOfEvent(EVENTS).toISOString();
    // The pull alone, under the bound every import and verification keeps (memory flat whatever the rows).
    const pulled = await runCausa(['pull', '--profile', profile, '--from', from, '--to', to, '-o', out, '--json'], { env });
    expect(pulled.overBound, `causa pull passed ${MEMORY_BOUND_MIB} MiB`).toBe(false);
    expect(pulled.code, pulled.stderr).toBe(0);
    const result = JSON.parse(pulled.stdout) as { complete: boolean; rows: number; server_rows: number; statements: string[] };
    expect(result).toMatchObject({ complete: true, rows: EVENTS, server_rows: EVENTS });
    expect(result.statements.filter((s) => s.includes('causa_raw'))).toHaveLength(2); // one full page of 1,000,000, then an empty one

    // Then the import of the pulled bundle, as `causa pull --case` does it, by the importer's own command.
    const imported = await runCausa(['import', out, '--case', casePath, '--json'], { env, boundMiB: IMPORT_BOUND_MIB });
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ events: EVENTS, errors: 0 });
    process.stdout.write(
      `causa pull of ${EVENTS} events: peak ${pulled.peakMiB} MiB; causa import of them: peak ${imported.peakMiB} MiB\n`,
    );

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      sources: { chain: { records: number } }[];
      capture: { engine: string };
    };
    expect(manifest.sources[0]!.chain.records).toBe(EVENTS);
    expect(manifest.capture.engine).toBe('Distributed');

    // Every event once, in time order, read back from the bundle a line at a time.
    const seen = new Uint8Array(EVENTS);
    let lastSecond = -1;
    let lines = 0;
    for await (const line of createInterface({ input: createReadStream(join(out, 'sources/clickhouse/causa.audit.jsonl')) })) {
      const i = Number(/"auditID":"ev-(\d+)"/.exec(line)![1]);
      expect(seen[i]).toBe(0);
      seen[i] = 1;
      const second = Math.floor(i / 10);
      expect(second).toBeGreaterThanOrEqual(lastSecond);
      lastSecond = second;
      lines += 1;
    }
    expect(lines).toBe(EVENTS);

    const verified = await runCausa(['verify', out], { env });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.overBound).toBe(false);
  }, 1_800_000);
});
