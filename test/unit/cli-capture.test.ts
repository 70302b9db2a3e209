// `causa capture` against a real HTTPS API server on 127.0.0.1 (test/unit/capture/fake-api-server.ts):
// what it captures, how it fails, and that nothing but reads (and the two self-reviews) ever arrives.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/cli';
import type { CaptureMetadata } from '../../src-main/core/capture/report';
import { verifyBundleAt } from '../../src-main/service/bundles';
import { clusterCollections, coreEvent, PODS } from './capture/cluster-fixture';
import {
  makeCertificates,
  startFakeApiServer,
  writeKubeconfig,
  type Certificates,
  type FakeApiOptions,
  type FakeApiServer,
  type RecordedRequest,
} from './capture/fake-api-server';

const TOKEN = 'reader-token-1';
let certificates: Certificates;
let server: FakeApiServer | undefined;

beforeAll(() => {
  certificates = makeCertificates();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function run(argv: string[], untilInterrupted?: () => Promise<void>, isTTY = false): Promise<CliRun> {
  return runCli(argv, { isTTY, ...(untilInterrupted ? { untilInterrupted } : {}) });
}

async function setUp(
  options: Partial<FakeApiOptions> = {},
  token: string | Record<string, unknown> = TOKEN,
  caPem?: string,
): Promise<{ kubeconfig: string; dir: string }> {
  server = await startFakeApiServer({ certificates, token: TOKEN, collections: clusterCollections(), ...options });
  const dir = mkdtempSync(join(tmpdir(), 'causa-capture-'));
  return { dir, kubeconfig: writeKubeconfig(dir, server.url, caPem ?? certificates.caPem, token) };
}

/** The one rule of the issue: only GET, and the two self-review POSTs, ever reach the server. */
function expectOnlyReads(requests: RecordedRequest[]): void {
  const allowedPosts = ['/apis/authentication.k8s.io/v1/selfsubjectreviews', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews'];
  for (const request of requests) {
    if (request.method === 'POST') expect(allowedPosts).toContain(request.path);
    else expect(request.method).toBe('GET');
  }
}

function manifestOf(bundle: string): { capture: CaptureMetadata; sources: { path: string; type: string; chain?: { records: number } }[] } {
  return JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as ReturnType<typeof manifestOf>;
}

function lines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('causa capture', () => {
  it('captures every type, pages through Pods, keeps the server bytes, and the bundle verifies', async () => {
    const { dir, kubeconfig } = await setUp();
    const out = join(dir, 'capture');
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('as system:serviceaccount:causa:reader');
    expectOnlyReads(server!.requests);

    const podRequests = server!.requests.filter((r) => r.path === '/api/v1/pods');
    expect(podRequests.map((r) => [r.query.limit, r.query.continue !== undefined])).toEqual([
      ['500', false],
      ['500', true],
      ['500', true],
    ]);
    const pods = JSON.parse(readFileSync(join(out, 'sources/k8s-resources/pods.json'), 'utf8')) as {
      kind: string;
      items: { kind: string; apiVersion: string }[];
    };
    expect(pods.kind).toBe('List');
    expect(pods.items).toHaveLength(PODS);
    expect(pods.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    // Go's escapes survive: the item is the server's bytes, not a re-encoding.
    expect(readFileSync(join(out, 'sources/k8s-resources/pods.json'), 'utf8')).toContain('a \\u003cb\\u003e \\u0026 c');

    const events = lines(join(out, 'sources/k8s-events/events.jsonl'));
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ apiVersion: 'v1', kind: 'Event', reason: 'BackOff' });

    const manifest = manifestOf(out);
    expect(manifest.capture).toMatchObject({
      tool: 'causa capture',
      context: 'test-cluster',
      server: server!.url,
      identity: { username: 'system:serviceaccount:causa:reader' },
      permissions: { known: true, may_mutate: false },
      cancelled: false,
      failed: [],
    });
    expect(manifest.capture.resources.find((r) => r.name === 'pods')).toMatchObject({ status: 'captured', items: PODS, pages: 3 });
    expect(manifest.capture.resources.every((r) => r.status === 'captured')).toBe(true);
    expect(manifest.sources.find((s) => s.path === 'sources/k8s-events/events.jsonl')).toMatchObject({
      type: 'k8s-events',
      chain: { records: 3 },
    });

    const verdict = await verifyBundleAt(out, []);
    expect(verdict.problems).toEqual([]);
    // Sealed without a key: every file as sealed, unsigned; it passes only because no signature was asked for.
    expect(verdict.status).toBe('unsigned');
    const verify = await run(['verify', out]);
    expect(verify.code).toBe(0);
  });

  it('starts a list over when its continue token expires between pages (410 Gone)', async () => {
    const { dir, kubeconfig } = await setUp({ expireContinueOnce: ['/api/v1/pods'] });
    const out = join(dir, 'capture');
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', out]);
    expect(result.code).toBe(0);
    const pages = server!.requests.filter((r) => r.path === '/api/v1/pods').map((r) => (r.query.continue ? 'next' : 'first'));
    expect(pages).toEqual(['first', 'next', 'first', 'next', 'next']);
    expect(manifestOf(out).capture.resources.find((r) => r.name === 'pods')).toMatchObject({ items: PODS, pages: 3 });
    expectOnlyReads(server!.requests);
  });

  it('writes a zip for -o x.zip and refuses an existing output path with exit 2', async () => {
    const { dir, kubeconfig } = await setUp();
    const out = join(dir, 'capture.zip');
    expect((await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', out])).code).toBe(0);
    expect(readFileSync(out).subarray(0, 2).toString('latin1')).toBe('PK');
    expect((await verifyBundleAt(out, [])).status).toBe('unsigned');
    const before = server!.requests.length;
    const again = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(server!.requests.length).toBe(before);
  });

  it('records a 403 type as not visible to this credential, never as empty: exit 1, the rest sealed', async () => {
    const { dir, kubeconfig } = await setUp({
      forbidden: ['/apis/rbac.authorization.k8s.io/v1/clusterroles', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings'],
    });
    const out = join(dir, 'capture');
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^clusterroles \(rbac\.authorization\.k8s\.io\/v1, cluster\): not visible to this credential \(403 Forbidden/m,
    );
    expect(result.stdout).toContain('clusterroles (rbac.authorization.k8s.io/v1, cluster): not visible to this credential');
    expect(existsSync(join(out, 'sources/k8s-resources/clusterroles.json'))).toBe(false);
    const report = manifestOf(out).capture.resources.find((r) => r.name === 'clusterroles');
    expect(report).toMatchObject({ status: 'not_visible' });
    expect(report?.items).toBeUndefined();
    expect(manifestOf(out).capture.failed).toHaveLength(2);
    expect((await verifyBundleAt(out, [])).status).toBe('unsigned');
    expectOnlyReads(server!.requests);
  });

  it('a credential refused at once (401) cannot capture anything: exit 2, the reason named, no bundle', async () => {
    const { dir, kubeconfig } = await setUp({}, 'expired-token');
    const out = join(dir, 'capture');
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the credential was rejected (401 Unauthorized)');
    expect(result.stderr).toContain('may have expired');
    expect(existsSync(out)).toBe(false);
    expectOnlyReads(server!.requests);
  });

  it('a token that expires mid-capture keeps and seals what was read, naming what failed: exit 1', async () => {
    const { dir, kubeconfig } = await setUp({ tokenExpiresAfter: 6 });
    const out = join(dir, 'capture');
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', out, '--json']);
    expect(result.code).toBe(1);
    const { capture, complete } = JSON.parse(result.stdout) as { capture: CaptureMetadata; complete: boolean };
    expect(complete).toBe(false);
    expect(capture.resources.filter((r) => r.status === 'captured').map((r) => r.name)).toEqual(['events', 'events.k8s.io', 'namespaces']);
    expect(capture.failed[0]).toMatch(/^pods \(v1, all namespaces\): the credential was rejected \(401 Unauthorized\)/);
    expect(capture.resources.find((r) => r.name === 'clusterroles')?.reason).toMatch(/^not read: the credential was rejected/);
    // After the 401 nothing more is tried: a rejected credential does not become valid by asking again.
    expect(server!.requests.filter((r) => !r.authorized)).toHaveLength(1);
    expect((await verifyBundleAt(out, [])).status).toBe('unsigned');
    expectOnlyReads(server!.requests);
  });

  it.each([
    ['declares its length', true],
    ['sends it chunked, with no length', false],
  ])(
    'a list answer larger than --max-response that %s fails that type, named, and the capture goes on: exit 1',
    async (_label, declared) => {
      const { dir, kubeconfig } = await setUp({ oversized: { '/api/v1/pods': { bytes: 40 * 2 ** 20, declared } } });
      const out = join(dir, 'capture');
      const result = await run([
        'capture',
        '--context',
        'test-cluster',
        '--kubeconfig',
        kubeconfig,
        '-o',
        out,
        '--max-response',
        '1',
        '--json',
      ]);
      expect(result.code).toBe(1);
      const { capture, complete } = JSON.parse(result.stdout) as { capture: CaptureMetadata; complete: boolean };
      expect(complete).toBe(false);
      const pods = capture.resources.find((r) => r.name === 'pods');
      expect(pods).toMatchObject({ status: 'failed' });
      const size = declared ? '40.0 MiB \\(declared\\)' : 'more than 1 MiB';
      expect(pods?.reason).toMatch(
        new RegExp(
          `^pods \\(v1\\): the server's answer is ${size}, over the limit of 1 MiB for one response \\(causa capture --max-response MIB\\); not read$`,
        ),
      );
      expect(result.stderr).toMatch(/^pods \(v1, all namespaces\): pods \(v1\): the server's answer is/m);
      // Every other type was read, and what was read is sealed and verifies.
      expect(capture.resources.filter((r) => r.status !== 'captured').map((r) => r.name)).toEqual(['pods']);
      expect(existsSync(join(out, 'sources/k8s-resources/pods.json'))).toBe(false);
      expect((await verifyBundleAt(out, [])).status).toBe('unsigned');
      expectOnlyReads(server!.requests);
    },
  );

  it('a watch line that never ends stops at --max-response, named, and what was read is sealed', async () => {
    const { dir, kubeconfig } = await setUp({ watches: { '/api/v1/events': { endlessLineBytes: 40 * 2 ** 20 } } });
    const out = join(dir, 'capture');
    const result = await run([
      'capture',
      '--context',
      'test-cluster',
      '--kubeconfig',
      kubeconfig,
      '-o',
      out,
      '--watch',
      '5s',
      '--max-response',
      '1',
      '--json',
    ]);
    expect(result.code).toBe(1);
    const { capture } = JSON.parse(result.stdout) as { capture: CaptureMetadata };
    expect(capture.failed.join('\n')).toMatch(/\(watch\): the server's answer is a line of more than 1 MiB, over the limit of 1 MiB/);
    expect((await verifyBundleAt(out, [])).status).toBe('unsigned');
  });

  it('refuses a --max-response that is not a number of MiB: exit 2', async () => {
    const { dir, kubeconfig } = await setUp();
    for (const value of ['0', '-1', 'lots', '1.5', '5000']) {
      const result = await run([
        'capture',
        '--context',
        'test-cluster',
        '--kubeconfig',
        kubeconfig,
        '-o',
        join(dir, `c-${value}`),
        `--max-response=${value}`,
      ]);
      expect(result.code, value).toBe(2);
      expect(result.stderr).toContain(`--max-response: "${value}" is not a whole number of MiB from 1 to 1024`);
    }
  });

  it('gets its token from an exec plugin, as kubectl would', async () => {
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: TOKEN } });
    const { dir, kubeconfig } = await setUp(
      {},
      {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: 'sh',
          args: ['-c', `echo '${credential}'`],
          interactiveMode: 'Never',
        },
      },
    );
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', join(dir, 'capture')]);
    expect(result.code).toBe(0);
    expect(server!.requests.every((r) => r.authorized)).toBe(true);
  });

  it('an exec plugin that fails: exit 2 naming the credential, nothing sent', async () => {
    const { dir, kubeconfig } = await setUp(
      {},
      {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: 'sh',
          args: ['-c', 'echo "token expired, run sso login" >&2; exit 1'],
          interactiveMode: 'Never',
        },
      },
    );
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', join(dir, 'capture')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the kubeconfig's credential for https://127.0.0.1");
    expect(result.stderr).toContain('could not be obtained');
    expect(server!.requests).toEqual([]);
  });

  it('an unreachable server: exit 2 naming the address and the reason', async () => {
    const { dir, kubeconfig } = await setUp();
    await server!.close();
    server = undefined;
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', join(dir, 'capture')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot reach https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED/);
  });

  it('a server whose certificate the kubeconfig CA did not sign: exit 2, TLS named, no request read', async () => {
    const { dir, kubeconfig } = await setUp({}, TOKEN, certificates.otherCaPem);
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', join(dir, 'capture')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TLS verification of');
    expect(result.stderr).toContain('certificate-authority');
    expect(server!.requests).toEqual([]);
  });

  it('warns when the credential could change the cluster, and captures anyway', async () => {
    const { dir, kubeconfig } = await setUp({ rules: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] } });
    const out = join(dir, 'capture');
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: this credential can change the cluster (* on */*)');
    expect(result.stderr).toContain('a read-only context is safer');
    expect(manifestOf(out).capture.permissions).toMatchObject({ may_mutate: true, mutating_rules: ['* on */*'] });
    expectOnlyReads(server!.requests);
  });

  it('a cluster that cannot say who the credential is: a warning, the identity recorded as unknown, the capture whole', async () => {
    const { dir, kubeconfig } = await setUp({ withoutSelfSubjectReview: true });
    const out = join(dir, 'capture');
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: who this credential is is unknown: SelfSubjectReview failed (the cluster does not serve SelfSubjectReview (404 Not Found))',
    );
    expect(manifestOf(out).capture.identity.unknown).toContain('SelfSubjectReview failed');
    expect(existsSync(join(out, 'sources/k8s-auth/selfsubjectreview.json'))).toBe(false);
    expectOnlyReads(server!.requests);
  });

  it('--since keeps only recent Events; --namespace reads namespaced types in that namespace only', async () => {
    const { dir, kubeconfig } = await setUp({
      collections: {
        ...clusterCollections(),
        '/api/v1/namespaces/prod/events': {
          kind: 'EventList',
          apiVersion: 'v1',
          items: [coreEvent('a', new Date(Date.now() - 7_200_000).toISOString()), coreEvent('b', new Date().toISOString())],
        },
      },
    });
    const out = join(dir, 'capture');
    const result = await run([
      'capture',
      '--context',
      'test-cluster',
      '--kubeconfig',
      kubeconfig,
      '-n',
      'prod',
      '--since',
      '1h',
      '-o',
      out,
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ capture: { namespace: 'prod', since: '1h' } });
    expect(readFileSync(join(out, 'sources/k8s-resources/daemonsets.json'), 'utf8')).not.toContain('node-exporter');
    expect(readFileSync(join(out, 'sources/k8s-resources/pods.json'), 'utf8')).toContain('api-service-1199');
    const events = lines(join(out, 'sources/k8s-events/events.jsonl'));
    expect(events.map((e) => (e.metadata as { name: string }).name)).toEqual(['b']);
    const paths = new Set(server!.requests.filter((r) => r.method === 'GET').map((r) => r.path));
    expect(paths).toContain('/api/v1/namespaces/prod/pods');
    expect(paths).toContain('/apis/rbac.authorization.k8s.io/v1/clusterroles');
    expect(paths).not.toContain('/api/v1/pods');
    expect(server!.requests.find((r) => r.path.endsWith('selfsubjectrulesreviews'))?.body).toContain('"namespace":"prod"');
  });

  it('--watch appends Events that arrive, and re-lists when the watch has expired (410 Gone)', async () => {
    const arrival = coreEvent('api.4', new Date().toISOString(), 'arrived by watch');
    const { dir, kubeconfig } = await setUp({ watches: { '/api/v1/events': { expiredBelow: 1001, arrivals: [arrival] } } });
    const out = join(dir, 'capture');
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '--watch', '2s', '-o', out, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const watches = server!.requests.filter((r) => r.path === '/api/v1/events' && r.query.watch === '1');
    expect(watches[0]?.query.resourceVersion).toBe('1000');
    const relistAt = server!.requests.findIndex(
      (r) =>
        r.path === '/api/v1/events' &&
        r.query.watch === undefined &&
        r.query.limit === '500' &&
        server!.requests.indexOf(watches[0]!) < server!.requests.indexOf(r),
    );
    expect(relistAt).toBeGreaterThan(server!.requests.indexOf(watches[0]!));
    expect(watches[1]?.query.resourceVersion).toBe('1001');
    const events = lines(join(out, 'sources/k8s-events/events.jsonl'));
    expect(events.map((e) => e.message)).toContain('arrived by watch');
    expect(events).toHaveLength(4);
    const report = manifestOf(out).capture.resources.find((r) => r.name === 'events');
    expect(report).toMatchObject({ status: 'captured', items: 4, watched: 1, relists: 1 });
    expect((await verifyBundleAt(out, [])).status).toBe('unsigned');
    expectOnlyReads(server!.requests);
  });

  it('Ctrl+C during a watch keeps and seals what it has: exit 1, marked cancelled', async () => {
    const { dir, kubeconfig } = await setUp();
    const out = join(dir, 'capture');
    const started = Date.now();
    const interrupt = () =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (server!.requests.some((r) => r.query.watch === '1')) {
            clearInterval(check);
            resolve();
          }
        }, 20);
      });
    const result = await run(['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '--watch', '60s', '-o', out], interrupt);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('PARTIAL capture (cancelled)');
    expect(manifestOf(out).capture.cancelled).toBe(true);
    expect(lines(join(out, 'sources/k8s-events/events.jsonl'))).toHaveLength(3);
    expect((await verifyBundleAt(out, [])).status).toBe('unsigned');
  });

  it('shows progress on stderr when it is a terminal, and clears the line at the end', async () => {
    const { dir, kubeconfig } = await setUp();
    const result = await run(
      ['capture', '--context', 'test-cluster', '--kubeconfig', kubeconfig, '-o', join(dir, 'capture')],
      undefined,
      true,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('\r\x1b[Kasking https://127.0.0.1');
    expect(result.stderr.endsWith('\r\x1b[K')).toBe(true);
  });

  it('bad arguments and unknown contexts are exit 2', async () => {
    const { dir, kubeconfig } = await setUp();
    expect((await run(['capture', '--kubeconfig', kubeconfig, '-o', join(dir, 'x')])).stderr).toContain(
      'capture needs --context CTX and -o BUNDLE',
    );
    const unknown = await run(['capture', '--context', 'prod', '--kubeconfig', kubeconfig, '-o', join(dir, 'x')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no context named "prod" (contexts: test-cluster)');
    const since = await run([
      'capture',
      '--context',
      'test-cluster',
      '--kubeconfig',
      kubeconfig,
      '--since',
      'yesterday',
      '-o',
      join(dir, 'x'),
    ]);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since: "yesterday" is not a duration');
    expect(server!.requests).toEqual([]);
  });
});
