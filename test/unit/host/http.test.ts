// Web mode's HTTP host, exercised over real sockets against a real Workbench on a temp case file: the token
// is checked before routing and only as a bearer header (never a cookie, which every port on 127.0.0.1
// would receive), the Host header must name this server, nothing gets CORS headers, the static files
// never leave the renderer folder, and request bodies are bounded in size and time.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateInc0047Audit } from '../../../src-main/core/sample';
import { startHttpHost, type HttpHost } from '../../../src-main/host/http';
import { Workbench } from '../../../src-main/service/workbench';
import type { ApiResult, Handlers, MethodName, MethodOutput } from '../../../src-main/shared/contract';
import { ServiceError } from '../../../src-main/shared/errors';
import { FILE_FRAMES_TYPE } from '../../../src-main/host/file-frames';
import { encodeFileFrames, FILE_FRAMES_TYPE as RENDERER_FRAMES_TYPE } from '../../../src-renderer/src/upload-frames';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/shared/security';

const INDEX_HTML = '<!doctype html><title>Causa under test</title>';
const APP_JS = 'console.log("the workbench bundle");';
const SIBLING_SECRET = 'SIBLING-SECRET-must-never-be-served';
const EVENT_COUNT = 12;

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface RawRequest {
  method?: string;
  /** Sent byte for byte: node:http does not normalize `..` or percent-escapes the way fetch does. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** false: send no Host header at all. */
  setHost?: boolean;
}

let dir: string;
let rendererDir: string;
let casePath: string;
let workbench: Workbench;
let host: HttpHost;
let origin: string;

function handlersFor(bench: Workbench): Handlers {
  // As `causa serve` wires it (src-main/cli.ts, runServe).
  return {
    ...bench.handlers,
    capabilities: () => ({ open_dialog: false, transport: 'http' as const }),
    openEvidence: () => {
      throw new ServiceError('unsupported', 'web mode has no Open dialog: drop files on the window instead');
    },
  };
}

function raw(port: number, options: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        setHost: options.setHost ?? true,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function callApi(method: string, input: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}`, ...headers },
    body: JSON.stringify(input),
  });
}

/** The value of a successful answer to `method`; fails the test on an error answer. */
async function valueOf<M extends MethodName>(_method: M, res: Response): Promise<MethodOutput<M>> {
  const answer = (await res.json()) as ApiResult<MethodOutput<M>>;
  if (!answer.ok) throw new Error(`${answer.code}: ${answer.message}`);
  return answer.value;
}

/** The cookie the old scheme handed out after `?token=`: it must open nothing now. */
function oldSchemeCookie(): string {
  return `causa_token_${host.port}=${host.token}`;
}

/** Nothing the case holds (its path, its events) and nothing the server keeps secret appears in `body`. */
function expectNoLeak(body: string): void {
  expect(body).not.toContain(host.token);
  expect(body).not.toContain(casePath);
  expect(body).not.toContain('kubernetes-mcp-server');
  expect(body).not.toContain('"events"');
  expect(body).not.toContain(INDEX_HTML);
  expect(body).not.toContain(SIBLING_SECRET);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causa-http-test-'));
  rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), INDEX_HTML);
  await writeFile(join(rendererDir, 'assets', 'app.js'), APP_JS);
  // Next to the renderer folder, where a traversal would land.
  await writeFile(join(dir, 'secret.txt'), SIBLING_SECRET);
  await writeFile(join(dir, 'package.json'), `{"secret":"${SIBLING_SECRET}"}`);
  const evidence = join(dir, 'audit.jsonl');
  await writeFile(evidence, `${generateInc0047Audit().slice(0, EVENT_COUNT).join('\n')}\n`);

  casePath = join(dir, 'case.causa');
  workbench = Workbench.open(casePath, { create: true });
  const report = await workbench.importPaths([evidence]);
  expect(report.events).toBe(EVENT_COUNT);
  host = await startHttpHost({ handlers: handlersFor(workbench), rendererDir });
  origin = `http://127.0.0.1:${host.port}`;
});

afterAll(async () => {
  await host?.close();
  workbench?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('where web mode listens', () => {
  it('prints a 127.0.0.1 URL that carries a fresh random token in its fragment, which no request carries', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
    expect(new URL(host.url).search).toBe('');
    expect(host.url.startsWith('http://127.0.0.1:')).toBe(true);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const other = await startHttpHost({ handlers: handlersFor(workbench), rendererDir });
    try {
      expect(other.token).not.toBe(host.token);
      expect(other.port).not.toBe(host.port);
    } finally {
      await other.close();
    }
  });

  it('does not answer on any address but 127.0.0.1', async () => {
    const elsewhere = [
      '::1',
      ...Object.values(networkInterfaces())
        .flatMap((addresses) => addresses ?? [])
        .filter((a) => !a.internal)
        .map((a) => a.address),
    ];
    for (const address of elsewhere) {
      const connected = await new Promise<boolean>((resolve) => {
        const req = request({ host: address, port: host.port, path: '/', timeout: 2000 }, (res) => {
          res.resume();
          resolve(true);
        });
        req.on('error', () => resolve(false));
        req.on('timeout', () => {
          req.destroy();
          resolve(false);
        });
        req.end();
      });
      expect(connected, `answered on ${address}`).toBe(false);
    }
  });
});

describe('the token guards every /api/ request before any routing', () => {
  const paths = ['/api/caseInfo', '/api/listEvents', '/api/doesNotExist', '/api/', '/api/caseInfo/extra'];
  const credentials: [string, () => Record<string, string>][] = [
    ['no credentials', () => ({})],
    ['a wrong bearer token', () => ({ Authorization: 'Bearer not-the-token' })],
    ['the token with a suffix', () => ({ Authorization: `Bearer ${host.token}x` })],
    ['a prefix of the token', () => ({ Authorization: `Bearer ${host.token.slice(0, -1)}` })],
    ['the token without "Bearer"', () => ({ Authorization: host.token })],
    ['the token as a Basic credential', () => ({ Authorization: `Basic ${host.token}` })],
    // The old scheme's cookie: a browser sends it to every port on 127.0.0.1, so it must count for nothing.
    ['the cookie of the old scheme', () => ({ Cookie: oldSchemeCookie() })],
    ['the token as a bare cookie', () => ({ Cookie: `token=${host.token}; causa_token=${host.token}` })],
  ];
  const cases = paths.flatMap((path) => credentials.map(([label, headers]) => ({ path, label, headers })));

  it.each(cases)('POST $path with $label is 401 and says nothing', async ({ path, headers }) => {
    const res = await raw(host.port, {
      method: 'POST',
      path,
      headers: { 'Content-Type': 'application/json', ...headers() },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expectNoLeak(res.body);
  });

  // On the wire these are /api/ requests; docs/design.md: "a request without it gets 401, whatever the path".
  const dotted = ['/api/../x', '/api/%2e%2e/package.json'].flatMap((path) =>
    ['GET', 'POST'].flatMap((method) =>
      [
        ['no token', {}],
        ['a wrong token', { Authorization: 'Bearer not-the-token' }],
      ].map(([label, headers]) => ({ method, path, label, headers: headers as Record<string, string> })),
    ),
  );

  it.each(dotted)('$method $path with $label is 401 and says nothing', async ({ method, path, headers }) => {
    const res = await raw(host.port, {
      method,
      path,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: method === 'POST' ? '{}' : undefined,
    });
    expect(res.status).toBe(401);
    expectNoLeak(res.body);
  });

  it.each(['/api/caseInfo', '/api/doesNotExist'])('%s answers 401 as data to a fetch without the token', async (path) => {
    const res = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ ok: false, code: 'unauthorized', message: expect.any(String) });
  });

  it('does not accept the token in the query string of an API call', async () => {
    const res = await fetch(`${origin}/api/caseInfo?token=${host.token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expectNoLeak(await res.text());
  });

  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])('%s /api/caseInfo without the token is 401', async (method) => {
    const res = await raw(host.port, { method, path: '/api/caseInfo' });
    expect(res.status).toBe(401);
    expectNoLeak(res.body);
  });
});

describe('the API with the token', () => {
  it('answers caseInfo from the real case file', async () => {
    const res = await callApi('caseInfo', {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const info = await valueOf('caseInfo', res);
    expect(info).toMatchObject({ path: casePath, events: EVENT_COUNT });
    expect(info.sources).toMatchObject([{ name: 'audit.jsonl', records: EVENT_COUNT }]);
  });

  it('pages listEvents and serves getEvent with the raw record', async () => {
    const list = await valueOf('listEvents', await callApi('listEvents', { limit: 3, offset: 1 }));
    expect(list.total).toBe(EVENT_COUNT);
    expect(list.events).toHaveLength(3);
    const id = list.events[0]!.id;
    const one = await valueOf('getEvent', await callApi('getEvent', { id }));
    expect(one).toMatchObject({ event: { id }, source_name: 'audit.jsonl' });
    expect(JSON.parse(one.raw)).toMatchObject({ kind: 'Event' });
  });

  it('reports the http transport, and no Open dialog', async () => {
    expect(await (await callApi('capabilities', {})).json()).toEqual({
      ok: true,
      value: { open_dialog: false, transport: 'http' },
    });
  });

  it('treats an empty body as {}', async () => {
    const res = await fetch(`${origin}/api/listEvents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
    });
    expect(res.status).toBe(200);
    expect((await valueOf('listEvents', res)).events).toHaveLength(EVENT_COUNT);
  });

  it.each([
    { method: 'listEvents', input: { limit: 5000 }, status: 400, code: 'invalid_input' },
    { method: 'listEvents', input: { offset: -1 }, status: 400, code: 'invalid_input' },
    { method: 'listEvents', input: { filter: { kind: ['no-such-kind'] } }, status: 400, code: 'invalid_input' },
    { method: 'listEvents', input: { filter: { since: 'yesterday-ish' } }, status: 400, code: 'invalid_input' },
    { method: 'getEvent', input: { id: 0 }, status: 400, code: 'invalid_input' },
    { method: 'getEvent', input: 'not an object', status: 400, code: 'invalid_input' },
    { method: 'importFiles', input: { files: [] }, status: 400, code: 'invalid_input' },
    { method: 'getEvent', input: { id: 999_999 }, status: 404, code: 'not_found' },
    { method: 'doesNotExist', input: {}, status: 404, code: 'not_found' },
    { method: '__proto__', input: {}, status: 404, code: 'not_found' },
    { method: 'toString', input: {}, status: 404, code: 'not_found' },
    { method: 'openEvidence', input: {}, status: 200, code: 'unsupported' },
  ])('$method($input) is $status $code', async ({ method, input, status, code }) => {
    const res = await callApi(method, input);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ ok: false, code, message: expect.any(String) });
  });

  it.each([
    { label: 'a body that is not JSON', method: 'POST', type: 'application/json', body: '{oops', status: 400 },
    { label: 'a text/plain body (a "simple" cross-site request)', method: 'POST', type: 'text/plain', body: '{}', status: 415 },
    { label: 'a form body', method: 'POST', type: 'application/x-www-form-urlencoded', body: 'a=1', status: 415 },
    { label: 'GET', method: 'GET', type: undefined, body: undefined, status: 405 },
  ])('refuses $label with $status', async ({ method, type, body, status }) => {
    const res = await fetch(`${origin}/api/caseInfo`, {
      method,
      headers: { Authorization: `Bearer ${host.token}`, ...(type ? { 'Content-Type': type } : {}) },
      body,
    });
    expect(res.status).toBe(status);
    const answer = await res.json();
    expect(answer).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(JSON.stringify(answer)).not.toContain(casePath);
  });
});

describe('pages and assets', () => {
  it('serves the page and its assets without the token: they are the public build output', async () => {
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe(INDEX_HTML);
    const asset = await fetch(`${origin}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await asset.text()).toBe(APP_JS);
  });

  it.each<[string, () => string, () => Record<string, string>]>([
    ['the page', () => '/', () => ({})],
    ['the page with the token in the query, as the old URL had it', () => `/?token=${host.token}`, () => ({})],
    ["an asset with the old scheme's cookie", () => '/assets/app.js', () => ({ Cookie: oldSchemeCookie() })],
    ['the page with the bearer token', () => '/', () => ({ Authorization: `Bearer ${host.token}` })],
  ])('never sets a cookie: %s', async (_label, path, headers) => {
    const res = await raw(host.port, { path: path(), headers: headers() });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).not.toContain(host.token);
  });

  it("gives the old scheme's cookie nothing the page without it would not get", async () => {
    const withCookie = await raw(host.port, {
      method: 'POST',
      path: '/api/caseInfo',
      headers: { 'Content-Type': 'application/json', Cookie: oldSchemeCookie() },
      body: '{}',
    });
    expect(withCookie.status).toBe(401);
    expectNoLeak(withCookie.body);
    const page = await raw(host.port, { path: '/', headers: { Cookie: oldSchemeCookie() } });
    expect(page.body).toBe(INDEX_HTML);
  });

  it.each([
    '/%2e%2e/package.json',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/..%2Fpackage.json',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    `/..%2f${'renderer'}%2f..%2fsecret.txt`,
    '/%2fetc%2fpasswd',
    '/assets',
    '/no-such-file.js',
  ])('keeps %s inside the renderer folder: 404', async (path) => {
    const res = await raw(host.port, { path });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(SIBLING_SECRET);
    expect(res.body).not.toContain('root:');
  });

  it('answers a malformed percent-escape as a client error, not a server failure', async () => {
    const res = await raw(host.port, { path: '/%E0%A4%A' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it.each(['POST', 'PUT', 'DELETE'])('refuses %s on a page', async (method) => {
    const res = await raw(host.port, { method, path: '/' });
    expect(res.status).toBe(405);
    expect(res.body).not.toContain(INDEX_HTML);
  });

  it('serves from a renderer folder given with a trailing slash', async () => {
    const other = await startHttpHost({ handlers: handlersFor(workbench), rendererDir: `${rendererDir}/` });
    try {
      const res = await fetch(other.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(INDEX_HTML);
    } finally {
      await other.close();
    }
  });
});

describe('the Host header must name this server (no DNS rebinding)', () => {
  /** Requests that would succeed if the Host header were ours. */
  const TARGETS_WITH_TOKEN = (): (RawRequest & { headers: Record<string, string> })[] => {
    const headers = { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' };
    return [
      { method: 'POST', path: '/api/caseInfo', body: '{}', headers },
      { method: 'GET', path: '/', headers },
      { method: 'GET', path: '/assets/app.js', headers },
    ];
  };
  const hosts: [string, (port: number) => string][] = [
    ['another name on our port', (port) => `evil.example:${port}`],
    ['a name that starts like ours', (port) => `localhost.evil.example:${port}`],
    ['our address with a suffix', (port) => `127.0.0.1:${port}.evil.example`],
    ['our address without the port', () => '127.0.0.1'],
    ['our address on another port', (port) => `127.0.0.1:${port + 1}`],
    ['the IPv6 loopback', (port) => `[::1]:${port}`],
  ];

  it.each(hosts)('%s gets 421 even with the token', async (_label, hostFor) => {
    const value = hostFor(host.port);
    for (const target of TARGETS_WITH_TOKEN()) {
      const res = await raw(host.port, { ...target, headers: { ...target.headers, Host: value } });
      expect(res.status, `${target.method} ${target.path}`).toBe(421);
      expect(res.headers['set-cookie']).toBeUndefined();
      expectNoLeak(res.body);
      expect(res.body).not.toContain(APP_JS);
    }
  });

  it('a request without a Host header is refused (Node answers 400 before the host sees it)', async () => {
    for (const target of TARGETS_WITH_TOKEN()) {
      const res = await raw(host.port, { ...target, setHost: false });
      expect([400, 421], `${target.method} ${target.path}`).toContain(res.status);
      expectNoLeak(res.body);
      expect(res.body).not.toContain(APP_JS);
    }
  });

  it.each(['127.0.0.1', 'localhost'])('accepts %s:PORT', async (name) => {
    const res = await raw(host.port, {
      method: 'POST',
      path: '/api/capabilities',
      headers: { Host: `${name}:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true });
  });
});

describe('headers on every response', () => {
  const requests: [string, () => RawRequest][] = [
    ['an API answer', () => ({ method: 'POST', path: '/api/caseInfo', headers: apiHeaders(), body: '{}' })],
    ['an API error', () => ({ method: 'POST', path: '/api/nope', headers: apiHeaders(), body: '{}' })],
    ['an API 401', () => ({ method: 'POST', path: '/api/caseInfo', headers: { 'Content-Type': 'application/json' }, body: '{}' })],
    [
      'a CORS preflight',
      () => ({
        method: 'OPTIONS',
        path: '/api/caseInfo',
        headers: { 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
      }),
    ],
    ['an authorized preflight', () => ({ method: 'OPTIONS', path: '/api/caseInfo', headers: apiHeaders() })],
    ['the page', () => ({ path: '/' })],
    ['an asset', () => ({ path: '/assets/app.js' })],
    ['a 404', () => ({ path: '/missing' })],
    ['a 421', () => ({ path: '/', headers: { Host: 'evil.example' } })],
  ];

  function apiHeaders(): Record<string, string> {
    return { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' };
  }

  it.each(requests)('%s from a foreign Origin carries no CORS grant, and carries the CSP', async (_label, make) => {
    const req = make();
    const res = await raw(host.port, { ...req, headers: { ...req.headers, Origin: 'https://evil.example' } });
    const corsHeaders = Object.keys(res.headers).filter((name) => name.startsWith('access-control-'));
    expect(corsHeaders).toEqual([]);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('sends a CSP that allows no remote or inline script', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("worker-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
  });
});

describe('files dropped in web mode travel as framed bytes', () => {
  const corpus = fileURLToPath(new URL('../../fixtures/corpus/k8s-audit/', import.meta.url));
  const exec = readFileSync(join(corpus, 'crowdsec_k8s-audit-pod-exec-file.log'));
  const privileged = readFileSync(join(corpus, 'crowdsec_k8s-audit-priv-pod-file.log'));

  function upload(body: Blob, method = 'importFiles'): Promise<Response> {
    return fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': FILE_FRAMES_TYPE, Authorization: `Bearer ${host.token}` },
      body,
    });
  }

  async function total(): Promise<number> {
    return (await valueOf('caseInfo', await callApi('caseInfo', {}))).events;
  }

  it('refuses a malformed upload, naming what is wrong, and imports nothing of it', async () => {
    const before = await total();
    const whole = new Blob(encodeFileFrames([{ name: 'exec.log', data: exec }]));
    const cases: [Blob, RegExp][] = [
      [whole.slice(0, whole.size - 100), new RegExp(`exec\\.log: the upload ends before its ${exec.length} bytes`)],
      [new Blob([new Uint8Array([0, 0, 0, 3]), '{x}']), /header is not valid JSON/],
      [new Blob([...encodeFileFrames([{ name: 'exec.log', data: exec }]), 'trailing']), /8 bytes after its last file/],
    ];
    for (const [body, reason] of cases) {
      const res = await upload(body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as ApiResult<unknown>;
      expect(answer).toMatchObject({ ok: false, code: 'invalid_input' });
      if (!answer.ok) expect(answer.message).toMatch(reason);
    }
    expect(await total()).toBe(before);
  });

  it('reads what the renderer writes: one Content-Type on both sides', () => {
    expect(RENDERER_FRAMES_TYPE).toBe(FILE_FRAMES_TYPE);
  });

  it('accepts framed bytes only for importFiles', async () => {
    const res = await upload(new Blob(encodeFileFrames([{ name: 'exec.log', data: exec }])), 'caseInfo');
    expect(res.status).toBe(415);
  });

  it('imports every file of a framed upload, byte for byte as published', async () => {
    const before = await total();
    const res = await upload(
      new Blob(
        encodeFileFrames([
          { name: 'exec.log', data: exec },
          { name: 'privileged.log', data: privileged },
        ]),
      ),
    );
    const report = await valueOf('importFiles', res);
    expect(report.files.map((file) => [file.file, file.status, file.events])).toEqual([
      ['exec.log', 'imported', 1],
      ['privileged.log', 'imported', 1],
    ]);
    expect(await total()).toBe(before + 2);
    const listed = await valueOf('listEvents', await callApi('listEvents', { filter: { search: 'exec' }, limit: 50 }));
    const shown = await Promise.all(
      listed.events.map(async (event) => (await valueOf('getEvent', await callApi('getEvent', { id: event.id }))).raw),
    );
    expect(shown).toContain(exec.toString('utf8').replace(/\n$/, ''));
  });
});

describe('request bodies are bounded by their declared length, their actual length and time', () => {
  const LIMIT = 64 * 1024;
  const IDLE_MS = 300;
  const TOTAL_MS = 1500;
  let bounded: HttpHost;

  beforeAll(async () => {
    bounded = await startHttpHost({
      handlers: handlersFor(workbench),
      rendererDir,
      maxBodyBytes: LIMIT,
      bodyIdleTimeoutMs: IDLE_MS,
      bodyTimeoutMs: TOTAL_MS,
    });
  });
  afterAll(() => bounded?.close());

  interface Exchange {
    /** The raw answer, status line first. */
    answer: string;
    /** Milliseconds from sending the headers to the server closing the connection. */
    closedAfterMs: number;
    /** Bytes of body written before the server hung up. */
    written: number;
  }

  /**
   * Speaks HTTP/1.1 over a bare socket: sends `head` (request line and headers), then feeds the body from
   * `next` (undefined: send nothing more) every `everyMs`, until the server closes the connection.
   */
  function exchange(head: string, next: () => Buffer | undefined, everyMs = 0, giveUpMs = 8000): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      const socket = connect(bounded.port, '127.0.0.1');
      const started = Date.now();
      const received: Buffer[] = [];
      let written = 0;
      let timer: NodeJS.Timeout | undefined;
      const giveUp = setTimeout(() => {
        socket.destroy();
        reject(new Error(`the server kept the connection open for ${giveUpMs} ms: ${Buffer.concat(received).toString()}`));
      }, giveUpMs);
      const feed = (): void => {
        if (socket.destroyed || socket.writableEnded) return;
        const chunk = next();
        if (!chunk) return;
        written += chunk.length;
        const flushed = socket.write(chunk);
        // Fast feeding waits for the socket to drain, so a server that stops reading stops us too.
        if (everyMs === 0 && flushed) setImmediate(feed);
        else if (everyMs === 0) socket.once('drain', feed);
        else timer = setTimeout(feed, everyMs);
      };
      socket.on('connect', () => {
        socket.write(head);
        feed();
      });
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(timer);
        clearTimeout(giveUp);
        resolve({ answer: Buffer.concat(received).toString('utf8'), closedAfterMs: Date.now() - started, written });
      });
    });
  }

  const headFor = (method: string, headers: Record<string, string | number>): string =>
    `POST /api/${method} HTTP/1.1\r\nHost: 127.0.0.1:${bounded.port}\r\nAuthorization: Bearer ${bounded.token}\r\n` +
    `${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n`;

  async function eventCount(): Promise<number> {
    return (await valueOf('caseInfo', await callApi('caseInfo', {}))).events;
  }

  it('accepts a body of exactly the limit', async () => {
    const body = `{"limit":5${' '.repeat(LIMIT - '{"limit":5}'.length)}}`;
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    const res = await fetch(`http://127.0.0.1:${bounded.port}/api/listEvents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bounded.token}` },
      body,
    });
    expect(res.status).toBe(200);
    expect((await valueOf('listEvents', res)).events).toHaveLength(5);
  });

  it('refuses a declared Content-Length over the limit at once, reading none of the body, and imports nothing', async () => {
    const before = await eventCount();
    const declared = 10 * 2 ** 30;
    const result = await exchange(
      headFor('importFiles', { 'Content-Type': FILE_FRAMES_TYPE, 'Content-Length': declared }),
      () => undefined,
    );
    expect(result.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.answer).toContain('"code":"invalid_input","message":"request body too large: 10240 MiB declared; the limit is 0.1 MiB');
    // Answered without waiting for any of the 10 GiB, and hung up.
    expect(result.closedAfterMs).toBeLessThan(IDLE_MS + 2000);
    expect(await eventCount()).toBe(before);
  });

  it('stops reading a chunked body with no declared length once it passes the limit, and hangs up', async () => {
    const before = await eventCount();
    const chunk = Buffer.from(`4000\r\n${'x'.repeat(0x4000)}\r\n`);
    // An endless body: only the server hanging up ends it.
    const result = await exchange(
      headFor('importFiles', { 'Content-Type': FILE_FRAMES_TYPE, 'Transfer-Encoding': 'chunked' }),
      () => chunk,
    );
    expect(result.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.answer).toMatch(/more than 0\.1 MiB sent/);
    // It read no further than the socket buffers hold beyond the limit (not the endless rest).
    expect(result.written).toBeLessThan(LIMIT + 32 * 2 ** 20);
    expect(await eventCount()).toBe(before);
  });

  it('cuts off a body that stops arriving, with 408 after the idle timeout', async () => {
    let sent = false;
    const result = await exchange(headFor('listEvents', { 'Content-Type': 'application/json', 'Content-Length': 100 }), () =>
      sent ? undefined : ((sent = true), Buffer.from('{"limit":')),
    );
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.answer).toMatch(/request body too slow: nothing arrived for 0\.3 s/);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(result.closedAfterMs).toBeLessThan(IDLE_MS + 2000);
  });

  it('cuts off a body that trickles in under the idle timeout, with 408 at the overall deadline', async () => {
    const result = await exchange(
      headFor('listEvents', { 'Content-Type': 'application/json', 'Content-Length': 10_000 }),
      () => Buffer.from(' '),
      100,
    );
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.answer).toMatch(/request body too slow: not complete after 1\.5 s/);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(TOTAL_MS - 50);
    expect(result.closedAfterMs).toBeLessThan(TOTAL_MS + 2000);
  });

  it('does not read the body of a request without the token either', async () => {
    const head = `POST /api/importFiles HTTP/1.1\r\nHost: 127.0.0.1:${bounded.port}\r\nContent-Type: ${FILE_FRAMES_TYPE}\r\nContent-Length: ${2 ** 40}\r\n\r\n`;
    const chunk = Buffer.alloc(0x10000, 0x61);
    const result = await exchange(head, () => chunk);
    expect(result.answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(result.written).toBeLessThan(64 * 2 ** 20);
  });
});
