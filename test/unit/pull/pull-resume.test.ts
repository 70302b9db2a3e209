// Resuming an unfinished `causa pull` (docs/pull.md, "Resume"): once after the server's connection was cut
// mid-page (the partial pull sealed), once after the pulling process itself was killed (nothing sealed,
// the last line cut in two). Either way the resumed pull continues after the last whole row it holds: the
// final bundle holds every row of the window once, in order, verifies, and imports whole.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundleAt } from '../../../src-main/service/bundles';
import { pullToBundle } from '../../../src-main/service/pull/run-pull';
import { Workbench } from '../../../src-main/service/workbench';
import type { PullProfile } from '../../../src-main/core/pull/profile';
import { contract, type MethodName } from '../../../src-main/shared/contract';
import { ServiceError } from '../../../src-main/shared/errors';
import { ensureBuilt, runCausa } from '../hostile/watchdog';
import { loadAuditEvents, READER_PASSWORD, startShardedClickHouse, timeOfEvent, type ShardedClickHouse } from '../../support/clickhouse';

const LOADED = 60_000;
const ENV = { CH_USER: 'reader', CH_PASSWORD: READER_PASSWORD };
let cluster: ShardedClickHouse;
let dir: string;

const profileFor = (url: string): PullProfile => ({
  name: 'audit log store',
  url,
  database: 'causa',
  table: 'audit',
  time_column: 'ts',
  time_precision: 0,
  tiebreak_column: 'audit_id',
  raw_column: 'raw',
  format: 'k8s-audit',
  columns: { namespace: 'namespace', user: 'username', cluster: 'cluster' },
  credentials: { user_env: 'CH_USER', password_env: 'CH_PASSWORD' },
});
const windowOf = (first: number, count: number) => ({
  from: timeOfEvent(first).toISOString(),
  to: timeOfEvent(first + count).toISOString(),
});

/**
 * A proxy in front of the server that, while `cutting`, passes the first `cutAfter` bytes of a page's
 * answer and then destroys the connection: the server's connection dropped mid-page, as the client sees it.
 */
async function startCuttingProxy(target: string, cutAfter: number) {
  const targetUrl = new URL(target);
  const state = { cutting: true, cuts: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isPage = body.toString('utf8').includes('causa_raw');
      const upstream = httpRequest(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: targetUrl.host },
        },
        (answer: IncomingMessage) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          if (!(state.cutting && isPage)) {
            answer.pipe(res);
            return;
          }
          let sent = 0;
          answer.on('data', (chunk: Buffer) => {
            if (sent >= cutAfter) return;
            const part = chunk.subarray(0, cutAfter - sent);
            sent += part.length;
            res.write(part);
            if (sent >= cutAfter) {
              state.cuts += 1;
              answer.destroy();
              res.socket?.destroy();
            }
          });
          answer.on('end', () => res.end());
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The audit IDs in the bundle's record stream, in order. */
const idsIn = (out: string): string[] =>
  readFileSync(join(out, 'sources/clickhouse/causa.audit.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { auditID: string }).auditID);

/** Every event of [first, first + count) once, in time order: no duplicate, no gap. */
function expectWholeWindow(out: string, first: number, count: number): void {
  const ids = idsIn(out);
  expect(ids).toHaveLength(count);
  expect(new Set(ids).size).toBe(count);
  const numbers = ids.map((id) => Number(id.slice(3))).sort((a, b) => a - b);
  expect(numbers[0]).toBe(first);
  expect(numbers.at(-1)).toBe(first + count - 1);
  const seconds = ids.map((id) => Math.floor(Number(id.slice(3)) / 10));
  expect(seconds.every((s, i) => i === 0 || s >= seconds[i - 1]!)).toBe(true);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-pull-resume-'));
  ensureBuilt();
  cluster = await startShardedClickHouse();
  await loadAuditEvents(cluster, LOADED);
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a pull whose connection was dropped mid-way, resumed', () => {
  it('continues after the last row sealed: every row once, the chain over all of them, imported whole', async () => {
    const proxy = await startCuttingProxy(cluster.url, 3_000_000);
    const out = join(dir, 'pull-cut');
    const request = { profile: profileFor(proxy.url), ...windowOf(0, 40_000), env: ENV, out, pageSize: 15_000, retries: 0 };
    try {
      const first = await pullToBundle(request);
      expect(proxy.state.cuts).toBe(1);
      expect(first.complete).toBe(false);
      expect(first.rows).toBeGreaterThan(1_000);
      expect(first.rows).toBeLessThan(15_000);
      expect(first.failed).toMatch(/connection was cut|cannot reach/);
      const partial = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { capture: { last_row: { key: string } } };
      expect(partial.capture.last_row.key).toBe(idsIn(out).at(-1));

      proxy.state.cutting = false;
      const resumed = await pullToBundle({ ...request, resume: true });
      expect(resumed).toMatchObject({ complete: true, rows: 40_000, server_rows: 40_000, resumed_after: first.rows });
      expectWholeWindow(out, 0, 40_000);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
        sources: { chain: { records: number } }[];
        capture: { complete: boolean; rows: number; earlier_runs: { rows: number; failed: string; statements: string[] }[] };
      };
      expect(manifest.sources[0]!.chain.records).toBe(40_000);
      expect(manifest.capture).toMatchObject({ complete: true, rows: 40_000 });
      expect(manifest.capture.earlier_runs).toHaveLength(1);
      expect(manifest.capture.earlier_runs[0]).toMatchObject({ rows: first.rows, failed: first.failed });
      // The working files are gone; what is left is a bundle like any other.
      expect(existsSync(join(out, '.causa-pull-keys.jsonl'))).toBe(false);
      expect(existsSync(join(out, '.causa-pull-state.json'))).toBe(false);
      const verdict = await verifyBundleAt(out, []);
      expect(verdict.problems).toEqual([]);
      const workbench = Workbench.open(join(dir, 'cut.causa'), { create: true });
      try {
        expect(await workbench.importPaths([out])).toMatchObject({ events: 40_000, errors: 0 });
      } finally {
        workbench.close();
      }
      // A complete pull is not resumed again.
      await expect(pullToBundle({ ...request, resume: true })).rejects.toThrow(`${out}: already holds the whole pull (complete)`);
    } finally {
      await proxy.close();
    }
  }, 240_000);

  it('refuses to resume with another window or filter, and --resume without an unfinished pull', async () => {
    const proxy = await startCuttingProxy(cluster.url, 400_000);
    const out = join(dir, 'pull-other');
    const request = { profile: profileFor(proxy.url), ...windowOf(0, 10_000), env: ENV, out, retries: 0 };
    try {
      const first = await pullToBundle(request);
      expect(first.complete).toBe(false);
      await expect(pullToBundle({ ...request, ...windowOf(0, 20_000) })).rejects.toThrow(
        `${out}: holds a pull with another window ({"from":"2025-04-01T00:00:00.000Z","to":"2025-04-01T00:16:40.000Z"}); a resume must ask for the same rows`,
      );
      await expect(pullToBundle({ ...request, filters: { namespace: 'prod' } })).rejects.toThrow('holds a pull with another filters ({})');
      const missing = join(dir, 'no-such-pull');
      const error = await pullToBundle({ ...request, out: missing, resume: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).message).toBe(`${missing}: there is no unfinished pull to resume`);
    } finally {
      await proxy.close();
    }
  }, 120_000);
});

describe('a pull whose process was killed, resumed with causa pull --resume', () => {
  it('cuts off the half-written row and continues after the last whole one', async () => {
    const profile = join(dir, 'profile.json');
    writeFileSync(profile, JSON.stringify(profileFor(cluster.url)));
    const out = join(dir, 'pull-killed');
    const w = windowOf(0, LOADED);
    const args = ['pull', '--profile', profile, '--from', w.from, '--to', w.to, '-o', out, '--page-size', '20000', '--json'];
    const env = { ...ENV, CAUSA_HOME: join(dir, 'home') };
    const source = join(out, 'sources/clickhouse/causa.audit.jsonl');
    const killed = await runCausa(args, {
      env,
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (existsSync(source) && statSync(source).size > 4_000_000) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        }, 5);
        child.once('exit', () => clearInterval(timer));
      },
    });
    expect(killed.code).not.toBe(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    const before = readFileSync(source, 'utf8').split('\n').length - 1; // whole lines the kill left

    const resumed = await runCausa([...args, '--resume'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout) as { complete: boolean; rows: number; resumed_after: number };
    expect(result).toMatchObject({ complete: true, rows: LOADED });
    expect(result.resumed_after).toBeGreaterThan(0);
    expect(result.resumed_after).toBeLessThanOrEqual(before);
    expectWholeWindow(out, 0, LOADED);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      capture: { earlier_runs: { rows: number; failed: string }[] };
    };
    expect(manifest.capture.earlier_runs).toEqual([
      expect.objectContaining({ rows: result.resumed_after, failed: 'the process stopped before it sealed what it pulled' }),
    ]);
    const verified = await runCausa(['verify', out], { env });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  }, 240_000);
});

describe('the workbench’s pull (pullWindow, pullProgress, cancelPull)', () => {
  it('is cancelled mid-pull and imports nothing, then pulls a whole window beside the case and imports it', async () => {
    const profile = join(dir, 'workbench-profile.json');
    writeFileSync(profile, JSON.stringify(profileFor(cluster.url)));
    const casePath = join(dir, 'workbench.causa');
    const saved = { user: process.env.CH_USER, password: process.env.CH_PASSWORD };
    process.env.CH_USER = ENV.CH_USER;
    process.env.CH_PASSWORD = ENV.CH_PASSWORD;
    const workbench = Workbench.open(casePath, { create: true });
    try {
      const { handlers } = workbench;
      // Every answer of the pull methods is also checked against its output schema in the contract.
      const inSchema = <T>(method: MethodName, value: T): T => {
        const parsed = contract[method].output.safeParse(value);
        expect(parsed.success, `${method}: ${parsed.error?.message ?? ''}`).toBe(true);
        return value;
      };
      const plan = inSchema('planPull', await handlers.planPull({ profile, ...windowOf(0, LOADED) }));
      expect(plan).toMatchObject({ rows: LOADED, engine: 'Distributed' });
      expect(inSchema('pullProfile', await handlers.pullProfile({ path: profile }))).toMatchObject({
        table: 'causa.audit',
        filters: ['namespace', 'user', 'cluster'],
        credentials: 'user from $CH_USER, password from $CH_PASSWORD',
      });
      let cancelled = false;
      const poll = setInterval(() => {
        const progress = inSchema('pullProgress', handlers.pullProgress({}) as { active: boolean; rows: number });
        if (!cancelled && progress.active && progress.rows >= 16_384)
          cancelled = inSchema('cancelPull', handlers.cancelPull({}) as { cancelled: boolean }).cancelled;
      }, 2);
      const stopped = inSchema('pullWindow', await handlers.pullWindow({ profile, ...windowOf(0, LOADED) }));
      clearInterval(poll);
      expect(cancelled).toBe(true);
      expect(stopped).toMatchObject({ complete: false, cancelled: true, failed: 'cancelled', server_rows: LOADED });
      expect(stopped.rows).toBeGreaterThanOrEqual(16_384);
      expect(stopped.rows).toBeLessThan(LOADED);
      expect(stopped.imported).toBeUndefined();
      expect(stopped.out.startsWith(join(dir, 'pulls', 'causa.audit-'))).toBe(true);
      expect((await verifyBundleAt(stopped.out, [])).problems).toEqual([]);
      expect(handlers.pullProgress({})).toMatchObject({ active: false });

      const whole = inSchema('pullWindow', await handlers.pullWindow({ profile, ...windowOf(1_000, 1_000), namespace: 'prod' }));
      expect(whole).toMatchObject({ complete: true, cancelled: false, rows: 250, server_rows: 250 });
      expect(whole.imported).toMatchObject({ events: 250, errors: 0 });
      expect(whole.out).not.toBe(stopped.out);
      expect(await handlers.caseInfo({})).toMatchObject({ events: 250 });
    } finally {
      workbench.close();
      process.env.CH_USER = saved.user;
      process.env.CH_PASSWORD = saved.password;
      if (saved.user === undefined) delete process.env.CH_USER;
      if (saved.password === undefined) delete process.env.CH_PASSWORD;
    }
  }, 240_000);
});
