// Real ClickHouse servers for the pull tests (docs/pull.md): each a clickhouse-server child process with a
// config written here (loopback, free ports, a temporary data directory), two of them as the two shards
// of a cluster, with a Distributed table over a MergeTree table on each. The package is Debian's
// clickhouse-server (18.16); `.ci/run` installs it. Without it every test using this fails, naming it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLICKHOUSE_SERVER = '/usr/sbin/clickhouse-server';
export const CLICKHOUSE_CLIENT = '/usr/bin/clickhouse-client';
/** The password of the `reader` user every test pulls as (a test credential, not a secret). */
export const READER_PASSWORD = 'causa-reader-test';
export const CLUSTER = 'causa_two_shards';
/** The first event's time; event i happens at BASE + floor(i / 10) seconds: ten events share each second. */
export const BASE_TIME = Date.UTC(2025, 3, 1, 0, 0, 0);
export const EVENTS_PER_SECOND = 10;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ClickHouseServer {
  name: string;
  httpPort: number;
  tcpPort: number;
  url: string;
  dir: string;
  process: ChildProcess;
  /** Everything the server printed (warnings and errors only). */
  log: () => string;
}

function config(dir: string, httpPort: number, tcpPort: number, shards: { tcpPort: number }[]): string {
  const remote = shards.map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcpPort}</port></replica></shard>`).join('');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>0</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <remote_servers><${CLUSTER}>${remote}</${CLUSTER}></remote_servers>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <reader><password>${READER_PASSWORD}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></reader>
  </users>
  <profiles><default><max_threads>2</max_threads></default></profiles>
  <quotas><default/></quotas>
</yandex>
`;
}

async function waitReady(server: ClickHouseServer, deadline: number): Promise<void> {
  for (;;) {
    if (server.process.exitCode !== null)
      throw new Error(`${server.name} exited (${server.process.exitCode}) before it answered:\n${server.log()}`);
    try {
      const response = await fetch(`${server.url}/ping`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${server.name} did not answer on ${server.url} within 30 s:\n${server.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ShardedClickHouse {
  shards: [ClickHouseServer, ClickHouseServer];
  /** Where a pull connects: the first shard, which holds the Distributed table. */
  url: string;
  database: string;
  /** Runs a statement as the default user (no readonly), for setup only; returns the answer's text. */
  admin: (sql: string, shard?: 0 | 1) => Promise<string>;
  kill: (shard: 0 | 1) => Promise<void>;
  stop: () => Promise<void>;
}

/** The error every test gets when the server package is missing: tests fail, they never skip. */
export function requireClickHouse(): void {
  if (!existsSync(CLICKHOUSE_SERVER) || !existsSync(CLICKHOUSE_CLIENT)) {
    throw new Error(
      `${CLICKHOUSE_SERVER} or ${CLICKHOUSE_CLIENT} is missing: install Debian's clickhouse-server and clickhouse-client (apt-get install -y clickhouse-server clickhouse-client; .ci/run does)`,
    );
  }
  const version = spawnSync(CLICKHOUSE_CLIENT, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) throw new Error(`${CLICKHOUSE_CLIENT} --version failed: ${version.stderr}`);
}

async function adminQuery(url: string, sql: string): Promise<string> {
  const response = await fetch(`${url}/?user=default`, { method: 'POST', body: sql });
  const text = await response.text();
  if (!response.ok) throw new Error(`ClickHouse setup statement failed (${response.status}): ${text}\n${sql.slice(0, 400)}`);
  return text;
}

/** Starts two servers as the two shards of `causa_two_shards`, with `causa.audit_local` on each and `causa.audit` over both. */
export async function startShardedClickHouse(): Promise<ShardedClickHouse> {
  requireClickHouse();
  const root = mkdtempSync(join(tmpdir(), 'causa-clickhouse-'));
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const layout = [
    { httpPort: ports[0]!, tcpPort: ports[1]! },
    { httpPort: ports[2]!, tcpPort: ports[3]! },
  ];
  const servers: ClickHouseServer[] = layout.map((ports, index) => {
    const dir = join(root, `shard${index + 1}`);
    for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub), { recursive: true });
    const configPath = join(dir, 'config.xml');
    writeFileSync(configPath, config(dir, ports.httpPort, ports.tcpPort, layout));
    const child = spawn(CLICKHOUSE_SERVER, [`--config-file=${configPath}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (chunk: Buffer): void => {
      log = (log + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    return {
      name: `clickhouse shard ${index + 1}`,
      ...ports,
      url: `http://127.0.0.1:${ports.httpPort}`,
      dir,
      process: child,
      log: () => log,
    };
  });
  const stopOne = async (server: ClickHouseServer, signal: NodeJS.Signals): Promise<void> => {
    if (server.process.exitCode !== null || server.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
    server.process.kill(signal);
    const timer = setTimeout(() => server.process.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => stopOne(s, 'SIGTERM')));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 30_000;
    await Promise.all(servers.map((s) => waitReady(s, deadline)));
    for (const server of servers) {
      await adminQuery(server.url, 'CREATE DATABASE IF NOT EXISTS causa');
      await adminQuery(
        server.url,
        'CREATE TABLE causa.audit_local (ts DateTime, audit_id String, namespace String, username String, cluster String, raw String) ' +
          'ENGINE = MergeTree() PARTITION BY toYYYYMMDD(ts) ORDER BY (ts, audit_id)',
      );
      await adminQuery(
        server.url,
        `CREATE TABLE causa.audit AS causa.audit_local ENGINE = Distributed(${CLUSTER}, causa, audit_local, rand())`,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    shards: [servers[0]!, servers[1]!],
    url: servers[0]!.url,
    database: 'causa',
    admin: (sql, shard = 0) => adminQuery(servers[shard]!.url, sql),
    kill: (shard) => stopOne(servers[shard]!, 'SIGKILL'),
    stop,
  };
}

const NAMESPACES = ['prod', 'staging', 'kube-system', 'payments'];
const USERS = [
  'alice@example.com',
  'system:serviceaccount:ci:deployer',
  'bob@example.com',
  'system:serviceaccount:mcp-system:kubernetes-mcp-server',
  'carol@example.com',
];
const VERBS = ['get', 'list', 'update', 'patch', 'delete', 'create'];

/** The namespace and user of event i, as loaded (for expected counts). */
export const eventNamespace = (i: number): string => NAMESPACES[i % NAMESPACES.length]!;
export const eventUser = (i: number): string => USERS[Math.floor(i / 7) % USERS.length]!;

const array = (values: string[]): string => `[${values.map((v) => `'${v}'`).join(', ')}]`;

/**
 * Loads events [first, first + count) — Kubernetes audit events, one JSON line each — built by ClickHouse
 * itself from system.numbers, the even ones on the first shard and the odd ones on the second (`first`
 * must be even), each shard building only its own half.
 */
export async function loadAuditEvents(cluster: ShardedClickHouse, count: number, first = 0): Promise<void> {
  await Promise.all(
    ([0, 1] as const).map((shard) =>
      cluster.admin(
        `INSERT INTO causa.audit_local (ts, audit_id, namespace, username, cluster, raw) ` +
          `SELECT ts, audit_id, ns, user, 'prod-eu-1', concat(` +
          `'{"apiVersion":"audit.k8s.io/v1","kind":"Event","level":"Metadata","auditID":"', audit_id, ` +
          `'","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/', ns, '/pods/web-', toString(i % 100), ` +
          `'","verb":"', verb, '","user":{"username":"', user, '","groups":["system:authenticated"]},"sourceIPs":["10.0.0.', toString(i % 250), ` +
          `'"],"userAgent":"kubectl/v1.30.0","objectRef":{"resource":"pods","namespace":"', ns, '","name":"web-', toString(i % 100), ` +
          `'","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"', stamp, ` +
          `'","stageTimestamp":"', stamp, '"}') ` +
          `FROM (SELECT number * 2 + ${shard} + ${first} AS i, toDateTime(${BASE_TIME / 1000} + intDiv(i, ${EVENTS_PER_SECOND})) AS ts, ` +
          `concat('ev-', toString(i)) AS audit_id, arrayElement(${array(NAMESPACES)}, i % ${NAMESPACES.length} + 1) AS ns, ` +
          `arrayElement(${array(USERS)}, intDiv(i, 7) % ${USERS.length} + 1) AS user, arrayElement(${array(VERBS)}, i % ${VERBS.length} + 1) AS verb, ` +
          `concat(formatDateTime(ts, '%Y-%m-%dT%H:%M:%S', 'UTC'), '.', toString(i % ${EVENTS_PER_SECOND}), '00000Z') AS stamp ` +
          `FROM system.numbers LIMIT ${Math.floor((count + 1 - shard) / 2)})`,
        shard,
      ),
    ),
  );
}

/** The time of event i (what the window of events [a, b) is: [timeOf(a), timeOf(b)) when both are multiples of ten). */
export const timeOfEvent = (i: number): Date => new Date(BASE_TIME + Math.floor(i / EVENTS_PER_SECOND) * 1000);

export interface RecordedRequest {
  method: string;
  url: string;
  body: string;
}

/**
 * An HTTP proxy in front of a server that records every request as it was sent (method, URL with its
 * settings, body): what the read-only tests look at, below the client library.
 */
export async function startRecordingProxy(
  target: string,
): Promise<{ url: string; requests: RecordedRequest[]; close: () => Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const targetUrl = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', body: body.toString('utf8') });
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
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
