// `causa pull` against real ClickHouse servers (Debian's 18.16): two shards behind a Distributed table,
// 200,000 audit events loaded by ClickHouse itself. Windows of 100 and 100,000 events are pulled into
// sealed bundles that verify, hold exactly the stored bytes in order, and import; the plan's aggregates
// come from the server; every request is read-only. Without clickhouse-server these tests fail.
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey, verifyBundleAt } from '../../../src-main/service/bundles';
import { addTrustedKey } from '../../../src-main/service/trust';
import { planPull, pullToBundle } from '../../../src-main/service/pull/run-pull';
import { importIntoCaseFile } from '../../../src-main/service/pull/import-pulled';
import type { PullProfile } from '../../../src-main/core/pull/profile';
import { ServiceError } from '../../../src-main/shared/errors';
import { main, type CliIo } from '../../../src-main/cli';
import { Manifest } from '../../../src-main/core/bundle/manifest';
import {
  eventNamespace,
  eventUser,
  loadAuditEvents,
  READER_PASSWORD,
  startRecordingProxy,
  startShardedClickHouse,
  timeOfEvent,
  type ShardedClickHouse,
} from '../../support/clickhouse';

const LOADED = 200_000;
let cluster: ShardedClickHouse;
let dir: string;
let key: { private_key: string; public_key: string; fingerprint: string };

function profileFor(url: string, overrides: Partial<PullProfile> = {}): PullProfile {
  return {
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
    ...overrides,
  };
}
const ENV = { CH_USER: 'reader', CH_PASSWORD: READER_PASSWORD };

/** The window holding events [first, first + count): ten events a second, so multiples of ten. */
const windowOf = (first: number, count: number) => ({
  from: timeOfEvent(first).toISOString(),
  to: timeOfEvent(first + count).toISOString(),
});

/** What the server stores for those events, in (time, audit_id-as-text) order: the bytes a pull must seal. */
async function storedRaw(first: number, count: number): Promise<string> {
  const w = windowOf(first, count);
  const text = await cluster.admin(
    `SELECT raw FROM causa.audit WHERE ts >= toDateTime('${w.from.slice(0, 19).replace('T', ' ')}', 'UTC') AND ts < toDateTime('${w.to.slice(0, 19).replace('T', ' ')}', 'UTC') ORDER BY ts, audit_id FORMAT TSVRaw`,
  );
  return text;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-pull-'));
  key = await makeKey(join(dir, 'puller.pem'));
  // The analyst trusts the puller's key (in this test's own CAUSA_HOME): its bundles import as intact.
  await addTrustedKey(key.public_key, 'puller');
  cluster = await startShardedClickHouse();
  await loadAuditEvents(cluster, LOADED);
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('causa pull from a two-shard ClickHouse', () => {
  it('the data really is on two shards behind the Distributed table', async () => {
    expect(Number(await cluster.admin('SELECT count() FROM causa.audit_local', 0))).toBe(LOADED / 2);
    expect(Number(await cluster.admin('SELECT count() FROM causa.audit_local', 1))).toBe(LOADED / 2);
    expect(Number(await cluster.admin('SELECT count() FROM causa.audit'))).toBe(LOADED);
  });

  it('plans a window with aggregates the server computes: rows per hour, identity and namespace', async () => {
    const first = 1_000;
    const count = 50_000; // 5,000 seconds: spans two clock hours
    const plan = await planPull({ profile: profileFor(cluster.url), ...windowOf(first, count), env: ENV });
    expect(plan.server_version).toBe('18.16.1');
    expect(plan.engine).toBe('Distributed');
    expect(plan.rows).toBe(count);
    const expectedHours = new Map<string, number>();
    const expectedUsers = new Map<string, number>();
    const expectedNamespaces = new Map<string, number>();
    for (let i = first; i < first + count; i += 1) {
      const hour = `${timeOfEvent(i).toISOString().slice(0, 13).replace('T', ' ')}:00:00`;
      expectedHours.set(hour, (expectedHours.get(hour) ?? 0) + 1);
      expectedUsers.set(eventUser(i), (expectedUsers.get(eventUser(i)) ?? 0) + 1);
      expectedNamespaces.set(eventNamespace(i), (expectedNamespaces.get(eventNamespace(i)) ?? 0) + 1);
    }
    expect(plan.per_hour).toEqual([...expectedHours].map(([bucket, rows]) => ({ bucket, rows })));
    expect(plan.per_hour.length).toBe(2);
    expect(new Map(plan.per_user!.map((b) => [b.bucket, b.rows]))).toEqual(expectedUsers);
    expect(new Map(plan.per_namespace!.map((b) => [b.bucket, b.rows]))).toEqual(expectedNamespaces);
    // The grouping is the server's: a GROUP BY was sent for each part, and no row was asked for.
    expect(plan.statements.filter((s) => s.includes('GROUP BY'))).toHaveLength(3);
    expect(plan.statements.some((s) => s.includes('causa_raw'))).toBe(false);
  });

  for (const { count, first, pageSize } of [
    { count: 100, first: 12_340, pageSize: 100_000 },
    { count: 100_000, first: 50_000, pageSize: 30_000 },
  ]) {
    it(`pulls a window of ${count.toLocaleString('en')} events into a signed bundle that verifies and imports whole`, async () => {
      const out = join(dir, `pull-${count}`);
      const casePath = join(dir, `case-${count}.causa`);
      const result = await pullToBundle({
        profile: profileFor(cluster.url),
        ...windowOf(first, count),
        env: ENV,
        out,
        importBundle: importIntoCaseFile(casePath),
        key: key.private_key,
        pageSize,
      });
      expect(result.failed).toBeUndefined();
      expect(result).toMatchObject({ complete: true, rows: count, server_rows: count, signed_by: key.fingerprint });
      // Paged by (time, tiebreak): every page after the first resumes strictly after the last row.
      expect(result.statements.filter((s) => s.includes('causa_raw'))).toHaveLength(Math.floor(count / pageSize) + 1);

      // The source holds the raw column's bytes exactly as stored, in order, one per line.
      const manifest = Manifest.parse(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')));
      const source = manifest.sources[0]!;
      expect(source).toMatchObject({ path: 'sources/clickhouse/causa.audit.jsonl', type: 'k8s-audit' });
      expect(source.chain!.records).toBe(count);
      const pulled = readFileSync(join(out, source.path), 'utf8');
      expect(pulled).toBe(await storedRaw(first, count));
      expect(
        new Set(
          pulled
            .trimEnd()
            .split('\n')
            .map((line) => (JSON.parse(line) as { auditID: string }).auditID),
        ).size,
      ).toBe(count);

      // The manifest says where it came from: server, version, profile, the exact statements, window, count.
      const capture = manifest.capture as Record<string, unknown>;
      expect(capture).toMatchObject({
        tool: 'causa pull',
        server: cluster.url,
        server_version: '18.16.1',
        table: 'causa.audit',
        engine: 'Distributed',
        window: windowOf(first, count),
        server_row_count: count,
        rows: count,
        complete: true,
        profile: { raw_column: 'raw', credentials: { user_env: 'CH_USER', password_env: 'CH_PASSWORD' } },
      });
      expect(capture.statements).toEqual(result.statements);
      expect(JSON.stringify(manifest)).not.toContain(READER_PASSWORD);

      const verdict = await verifyBundleAt(out, [key.public_key]);
      expect(verdict.problems).toEqual([]);
      expect(verdict.status).toBe('intact');
      expect(verdict.sources[0]).toMatchObject({ verdict: 'intact' });

      expect(result.imported).toBeDefined();
      expect(result.imported!.errors).toBe(0);
      expect(result.imported!.events).toBe(count);
      expect(result.imported!.integrity ?? []).toEqual([]);
    }, 600_000);
  }

  it('filters by namespace and user on the server', async () => {
    const out = join(dir, 'pull-filtered');
    const result = await pullToBundle({
      profile: profileFor(cluster.url),
      ...windowOf(0, 1_000),
      filters: { namespace: 'payments', user: 'bob@example.com' },
      env: ENV,
      out,
    });
    let expected = 0;
    for (let i = 0; i < 1_000; i += 1) if (eventNamespace(i) === 'payments' && eventUser(i) === 'bob@example.com') expected += 1;
    expect(expected).toBeGreaterThan(0);
    expect(result).toMatchObject({ complete: true, rows: expected, server_rows: expected });
    for (const line of readFileSync(join(out, 'sources/clickhouse/causa.audit.jsonl'), 'utf8').trimEnd().split('\n')) {
      const event = JSON.parse(line) as { objectRef: { namespace: string }; user: { username: string } };
      expect([event.objectRef.namespace, event.user.username]).toEqual(['payments', 'bob@example.com']);
    }
  });
});

describe('read-only by construction', () => {
  it('sends nothing but gated SELECTs, each with readonly=1, as the HTTP layer sees them', async () => {
    const proxy = await startRecordingProxy(cluster.url);
    try {
      const profile = profileFor(proxy.url);
      const plan = await planPull({ profile, ...windowOf(0, 5_000), env: ENV });
      const result = await pullToBundle({ profile, ...windowOf(0, 5_000), env: ENV, out: join(dir, 'pull-proxied'), pageSize: 2_000 });
      expect(result.rows).toBe(5_000);
      const gated = [...plan.statements, ...result.statements];
      expect(proxy.requests).toHaveLength(gated.length);
      for (const [index, request] of proxy.requests.entries()) {
        const url = new URL(request.url, proxy.url);
        expect(request.method).toBe('POST');
        expect(url.searchParams.get('readonly')).toBe('1');
        // No other setting that could change what the server does, no session.
        expect([...url.searchParams.keys()].filter((k) => !['readonly', 'query_id'].includes(k))).toEqual([]);
        // The body is the statement that passed the gate, with the client's FORMAT clause and nothing else:
        // the pages' raw bytes unescaped (PAGE_FORMAT), the look-ups' answers as JSON.
        const format = gated[index]!.includes(' AS causa_raw ') ? 'TabSeparatedRaw' : 'JSONEachRow';
        expect(request.body).toBe(`${gated[index]} \nFORMAT ${format}`);
        expect(request.body).toMatch(/^SELECT /);
      }
    } finally {
      await proxy.close();
    }
  });

  it('readonly=1 makes the server itself refuse a write, should one ever get past the gate', async () => {
    const { createClient } = await import('@clickhouse/client');
    const client = createClient({
      url: cluster.url,
      username: 'reader',
      password: READER_PASSWORD,
      clickhouse_settings: { readonly: '1' },
      log: { level: 127 },
    });
    try {
      await expect(client.command({ query: "INSERT INTO causa.audit_local (raw) VALUES ('x')" })).rejects.toThrow(/readonly/i);
    } finally {
      await client.close();
    }
    expect(Number(await cluster.admin("SELECT count() FROM causa.audit_local WHERE raw = 'x'"))).toBe(0);
  });
});

describe('bad input: a clear error, nothing written', () => {
  async function refused(profile: PullProfile, env: Record<string, string>, window = windowOf(0, 100)): Promise<ServiceError> {
    const out = join(dir, `refused-${Math.random().toString(36).slice(2)}`);
    const error = await pullToBundle({ profile, ...window, env, out }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect(existsSync(out)).toBe(false);
    return error as ServiceError;
  }

  it('an unreachable server', async () => {
    const error = await refused(profileFor('http://127.0.0.1:9'), ENV);
    expect(error.code).toBe('io');
    expect(error.message).toMatch(/^http:\/\/127\.0\.0\.1:9: cannot reach the server \(ECONNREFUSED\)/);
  });

  it('wrong credentials', async () => {
    const error = await refused(profileFor(cluster.url), { CH_USER: 'reader', CH_PASSWORD: 'not-the-password' });
    expect(error.code).toBe('io');
    expect(error.message).toContain('refused the credentials');
    expect(error.message).not.toContain('not-the-password');
  });

  it('a credential variable the profile names but that is not set', async () => {
    const error = await refused(profileFor(cluster.url), { CH_USER: 'reader' });
    expect(error.message).toBe("the profile's credentials.password_env names CH_PASSWORD, which is not set");
  });

  it('a profile naming a missing column', async () => {
    const error = await refused(profileFor(cluster.url, { raw_column: 'message' }), ENV);
    expect(error.code).toBe('not_found');
    expect(error.message).toBe(
      'the profile: raw_column names the column "message", which causa.audit does not have (it has ts, audit_id, namespace, username, cluster, raw)',
    );
  });

  it('a profile naming a missing table', async () => {
    const error = await refused(profileFor(cluster.url, { table: 'otel_logs' }), ENV);
    expect(error.message).toContain('there is no table causa.otel_logs (ClickHouse 18.16.1');
  });

  it('a profile asking for DateTime64 of a DateTime column', async () => {
    const error = await refused(profileFor(cluster.url, { time_precision: 9 }), ENV);
    expect(error.message).toContain('time_column "ts" is DateTime, but time_precision 9 means DateTime64(9)');
  });

  it('a window with no rows', async () => {
    const error = await refused(profileFor(cluster.url), ENV, { from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' });
    expect(error.code).toBe('not_found');
    expect(error.message).toBe(
      `${cluster.url}: causa.audit has no rows from 2024-01-01T00:00:00.000Z to 2024-01-02T00:00:00.000Z; nothing written`,
    );
  });

  it('a profile file that is not a profile', async () => {
    const file = join(dir, 'bad-profile.json');
    writeFileSync(file, JSON.stringify({ ...profileFor(cluster.url), password: 'secret' }));
    const error = await refused(file as unknown as PullProfile, ENV);
    expect(error.message).toBe(`${file}: a profile never holds a password; name an environment variable or a file under "credentials"`);
  });
});

describe('a filter value that tries to leave its literal', () => {
  it('is one string to the server: it matches nothing instead of everything', async () => {
    const out = join(dir, 'pull-injection');
    const error = await pullToBundle({
      profile: profileFor(cluster.url),
      ...windowOf(0, 100),
      filters: { namespace: "x' OR '1'='1" },
      env: ENV,
      out,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('not_found');
    expect(existsSync(out)).toBe(false);
  });
});

describe('rows that cannot be sealed byte for byte', () => {
  async function oddTable(what: string, value: string): Promise<string> {
    const table = `odd_${what.replace(/\W+/g, '_')}`;
    await cluster.admin(
      `CREATE TABLE causa.${table} (ts DateTime, audit_id String, raw String) ENGINE = MergeTree() ORDER BY (ts, audit_id)`,
    );
    await cluster.admin(`INSERT INTO causa.${table} SELECT toDateTime('2025-04-01 00:00:00', 'UTC'), 'a', '{"ok":1}'`);
    await cluster.admin(`INSERT INTO causa.${table} SELECT toDateTime('2025-04-01 00:00:01', 'UTC'), 'b', ${value}`);
    await cluster.admin(`INSERT INTO causa.${table} SELECT toDateTime('2025-04-01 00:00:02', 'UTC'), 'c\\tc', '{"ok":3}'`);
    return table;
  }

  it.each([
    ['more than one line', '\'{"a":\\n1}\'', 'is more than one line; a pull seals one record per line'],
    ['empty', "''", 'is empty; a pull seals one record per line'],
  ])('a raw value %s stops the pull there, named; what came before is sealed', async (what, value, reason) => {
    const table = await oddTable(what, value);
    const out = join(dir, `pull-${table}`);
    const profile = profileFor(cluster.url, { table, columns: {} });
    const result = await pullToBundle({ profile, from: '2025-04-01T00:00:00Z', to: '2025-04-01T00:01:00Z', env: ENV, out });
    expect(result).toMatchObject({ complete: false, rows: 1, server_rows: 3 });
    expect(result.failed).toBe(`the row at 2025-04-01 00:00:01 with audit_id "b": its raw ${reason}`);
    expect(readFileSync(join(out, `sources/clickhouse/causa.${table}.jsonl`), 'utf8')).toBe('{"ok":1}\n');
    expect((await verifyBundleAt(out, [])).problems).toEqual([]);
  });

  it('a raw value that is not valid UTF-8 is sealed byte for byte, as the server stores it', async () => {
    // JSONEachRow, the format pages were once asked in, could not carry these bytes and stopped the pull.
    const table = await oddTable('not valid UTF-8', "unhex('7B2278223A22FF227D')");
    const out = join(dir, `pull-${table}`);
    const profile = profileFor(cluster.url, { table, columns: {} });
    const result = await pullToBundle({ profile, from: '2025-04-01T00:00:00Z', to: '2025-04-01T00:01:00Z', env: ENV, out });
    expect(result).toMatchObject({ complete: true, rows: 3, server_rows: 3 });
    expect(readFileSync(join(out, `sources/clickhouse/causa.${table}.jsonl`)).toString('hex')).toBe(
      Buffer.from('{"ok":1}\n').toString('hex') + '7B2278223A22FF227D'.toLowerCase() + Buffer.from('\n{"ok":3}\n').toString('hex'),
    );
    expect((await verifyBundleAt(out, [])).problems).toEqual([]);
  });
});

describe('causa pull, the command', () => {
  function io(): CliIo & { out: () => string; err: () => string } {
    let stdout = '';
    let stderr = '';
    return {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      out: () => stdout,
      err: () => stderr,
    };
  }
  function profileFile(overrides: Partial<PullProfile> = {}): string {
    const credentials = join(dir, 'reader.json');
    writeFileSync(credentials, JSON.stringify({ username: 'reader', password: READER_PASSWORD }), { mode: 0o600 });
    const file = join(dir, `profile-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(profileFor(cluster.url, { credentials: { file: credentials }, ...overrides })));
    return file;
  }

  it('--plan prints the rows per hour, identity and namespace, exit 0', async () => {
    const cli = io();
    const w = windowOf(0, 36_000 * 2); // two hours
    expect(await main(['pull', '--profile', profileFile(), '--from', w.from, '--to', w.to, '--plan'], cli)).toBe(0);
    expect(cli.out()).toContain('causa.audit (Distributed) on ');
    expect(cli.out()).toContain('72,000 rows from 2025-04-01T00:00:00.000Z to 2025-04-01T02:00:00.000Z');
    expect(cli.out()).toMatch(/Rows per hour:\n\s+36,000 {2}2025-04-01 00:00:00\n\s+36,000 {2}2025-04-01 01:00:00\n/);
    expect(cli.out()).toMatch(/Busiest identities:\n/);
    expect(cli.out()).toMatch(/Busiest namespaces:\n\s+18,000 {2}\S+/);
  });

  it('pulls and imports, exit 0, and says so', async () => {
    const cli = io();
    const w = windowOf(2_000, 500);
    const out = join(dir, 'cli-pull');
    const code = await main(
      [
        'pull',
        '--profile',
        profileFile(),
        '--from',
        w.from,
        '--to',
        w.to,
        '-o',
        out,
        '--case',
        join(dir, 'cli.causa'),
        '--namespace',
        'prod',
      ],
      cli,
    );
    expect(cli.err()).toBe('');
    expect(code).toBe(0);
    expect(cli.out()).toBe(`Pulled 125 of 125 rows into ${out}, unsigned; 5 read-only statements\nImported 125 events.\n`);
  });

  it('a usage error and a missing column exit 2 with the reason', async () => {
    const cli = io();
    expect(await main(['pull', '--profile', profileFile(), '--from', '2025-04-01T00:00:00Z'], cli)).toBe(2);
    expect(cli.err()).toMatch(/^causa pull: pull needs --profile P, --from T and --to T/);
    const second = io();
    const file = profileFile({ tiebreak_column: 'event_id' });
    expect(
      await main(
        ['pull', '--profile', file, '--from', '2025-04-01T00:00:00Z', '--to', '2025-04-01T01:00:00Z', '-o', join(dir, 'x')],
        second,
      ),
    ).toBe(2);
    expect(second.err()).toBe(
      `causa pull: ${file}: tiebreak_column names the column "event_id", which causa.audit does not have (it has ts, audit_id, namespace, username, cluster, raw)\n`,
    );
  });
});

describe('a server killed mid-pull', () => {
  it('keeps and seals the partial pull, with what failed, and imports nothing', async () => {
    const out = join(dir, 'pull-killed');
    const casePath = join(dir, 'case-killed.causa');
    let killed: Promise<void> | undefined;
    const result = await pullToBundle({
      profile: profileFor(cluster.url),
      ...windowOf(0, 100_000),
      env: ENV,
      out,
      importBundle: importIntoCaseFile(casePath),
      key: key.private_key,
      pageSize: 20_000,
      retries: 1,
      retryDelayMs: 50,
      onProgress: (p) => {
        if (p.phase === 'pulling' && p.rows >= 16_384 && !killed) killed = cluster.kill(0);
      },
    });
    await killed;
    expect(result.complete).toBe(false);
    expect(result.rows).toBeGreaterThanOrEqual(16_384);
    expect(result.rows).toBeLessThan(100_000);
    expect(result.failed).toMatch(
      new RegExp(
        `^${cluster.url}: (cannot reach the server|the connection was cut).*\\(after ${result.rows} of 100000 rows, 1 retries\\)$`,
      ),
    );
    expect(result.imported).toBeUndefined();
    expect(existsSync(casePath)).toBe(false);
    const manifest = Manifest.parse(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')));
    expect(manifest.capture).toMatchObject({ complete: false, failed: result.failed, rows: result.rows, server_row_count: 100_000 });
    expect(manifest.sources[0]!.chain!.records).toBe(result.rows);
    const verdict = await verifyBundleAt(out, [key.public_key]);
    expect(verdict.problems).toEqual([]);
    expect(verdict.status).toBe('intact');
    // What was kept is the start of the window, in order, without a gap or a repeat.
    const ids = readFileSync(join(out, 'sources/clickhouse/causa.audit.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { auditID: string }).auditID);
    expect(new Set(ids).size).toBe(ids.length);
    const seconds = ids.map((id) => Math.floor(Number(id.slice(3)) / 10));
    expect(seconds.every((s, i) => i === 0 || s >= seconds[i - 1]!)).toBe(true);
  }, 120_000);
});
