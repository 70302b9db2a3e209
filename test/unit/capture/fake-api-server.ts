// A Kubernetes API server for tests: HTTPS on 127.0.0.1 with a CA and certificate made here by openssl,
// bearer-token auth, list responses shaped as the API reference has them (kind …List, metadata with
// resourceVersion and continue, items without apiVersion/kind, compact JSON escaping <, > and & as Go
// does), watch streams of {"type","object"} lines with 410 Gone for an expired resourceVersion. It
// records every request that arrives, so that tests can show nothing but reads ever did.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificates {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** Another CA, which did not sign the server's certificate. */
  otherCaPem: string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  );
}

export function makeCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), 'causa-test-ca-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  openssl(
    dir,
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=kube-apiserver',
  );
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return { caPem: read('ca.pem'), certPem: read('server.pem'), keyPem: read('server.key'), otherCaPem: read('other-ca.pem') };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorized: boolean;
  body: string;
}

export interface WatchScript {
  /** A watch from a resourceVersion below this answers 410 Gone (as an ERROR event, as the server does). */
  expiredBelow?: number;
  /** Objects sent as ADDED to a watch that is not expired (each also joins the collection). */
  arrivals?: Record<string, unknown>[];
  /** After the arrivals, one line of this many bytes that never ends (a hostile or broken server). */
  endlessLineBytes?: number;
}

export interface FakeApiOptions {
  certificates: Certificates;
  token: string;
  /** Collection path ("/api/v1/pods") → its objects (metadata included, no apiVersion/kind). */
  collections: Record<string, { kind: string; apiVersion: string; items: Record<string, unknown>[] }>;
  /** Collection paths that answer 403 Forbidden. */
  forbidden?: string[];
  /** After this many requests, the token is refused (401), as when it expires mid-capture. */
  tokenExpiresAfter?: number;
  rules?: { resourceRules: unknown[]; nonResourceRules?: unknown[] };
  watches?: Record<string, WatchScript>;
  /** An older cluster: SelfSubjectReview (GA in 1.28) is not served. */
  withoutSelfSubjectReview?: boolean;
  /** Collection paths whose first continue token has expired by the time it is used (410 Gone). */
  expireContinueOnce?: string[];
  /** The resourceVersion lists report. */
  resourceVersion?: number;
  /**
   * Collection paths whose list answers with this many bytes of padding (a hostile or broken server),
   * with a Content-Length saying so when `declared`, chunked otherwise.
   */
  oversized?: Record<string, { bytes: number; declared: boolean }>;
}

export interface FakeApiServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Compact JSON as Go's encoding/json writes it: <, > and & escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${goJson(body)}\n`);
}

function statusBody(code: number, reason: string, message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Writes `head`, `bytes` of padding as the client takes them, then `tail`; stops when the client goes. */
function writePadding(res: ServerResponse, bytes: number, head: string, tail: string): void {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let left = bytes;
  res.on('error', () => undefined);
  res.write(head);
  const more = (): void => {
    while (left > 0 && !res.destroyed) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= part.length;
      if (!res.write(part)) return void res.once('drain', more);
    }
    if (!res.destroyed && tail) res.end(tail);
  };
  more();
}

export async function startFakeApiServer(options: FakeApiOptions): Promise<FakeApiServer> {
  const requests: RecordedRequest[] = [];
  let resourceVersion = options.resourceVersion ?? 1000;
  const open = new Set<ServerResponse>();

  /** A namespaced path (/api/v1/namespaces/NS/pods) serves the cluster-wide collection's objects in NS. */
  function collectionAt(path: string): FakeApiOptions['collections'][string] | undefined {
    if (options.collections[path]) return options.collections[path];
    const match = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)$/.exec(path);
    const all = match ? options.collections[`${match[1]}/${match[3]}`] : undefined;
    if (!match || !all) return undefined;
    return { ...all, items: all.items.filter((item) => (item.metadata as { namespace?: string }).namespace === match[2]) };
  }

  function listPage(res: ServerResponse, path: string, query: Record<string, string>): void {
    const collection = collectionAt(path)!;
    const limit = query.limit ? Number(query.limit) : Infinity;
    const offset = query.continue ? Number(Buffer.from(query.continue, 'base64url').toString('utf8').split(':')[1]) : 0;
    const items = collection.items.slice(offset, offset + limit);
    const next = offset + items.length;
    const more = next < collection.items.length;
    const metadata = {
      resourceVersion: String(resourceVersion),
      ...(more
        ? { continue: Buffer.from(`${resourceVersion}:${next}`).toString('base64url'), remainingItemCount: collection.items.length - next }
        : {}),
    };
    send(res, 200, { kind: collection.kind, apiVersion: collection.apiVersion, metadata, items });
  }

  function watch(res: ServerResponse, path: string, query: Record<string, string>): void {
    const script = options.watches?.[path] ?? {};
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const from = Number(query.resourceVersion ?? '0');
    if (script.expiredBelow !== undefined && from < script.expiredBelow) {
      // The history before expiredBelow is compacted: a new list reports a version at least that new.
      resourceVersion = Math.max(resourceVersion, script.expiredBelow);
      res.end(
        `${goJson({ type: 'ERROR', object: statusBody(410, 'Expired', `too old resource version: ${from} (${script.expiredBelow})`) })}\n`,
      );
      return;
    }
    const collection = options.collections[path];
    for (const arrival of script.arrivals ?? []) {
      resourceVersion += 1;
      const object = { ...arrival, metadata: { ...(arrival.metadata as object), resourceVersion: String(resourceVersion) } };
      collection?.items.push(object);
      res.write(
        `${goJson({ type: 'ADDED', object: { kind: collection?.kind.replace(/List$/, ''), apiVersion: collection?.apiVersion, ...object } })}\n`,
      );
    }
    script.arrivals = [];
    if (script.endlessLineBytes) writePadding(res, script.endlessLineBytes, '{"type":"ADDED","object":{"padding":"', '');
    // Held open, as a real watch is, until timeoutSeconds pass or the client goes away.
    open.add(res);
    const timer = setTimeout(() => res.end(), Number(query.timeoutSeconds ?? '5') * 1000);
    res.on('close', () => {
      clearTimeout(timer);
      open.delete(res);
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const authorized =
      req.headers.authorization === `Bearer ${options.token}` &&
      (options.tokenExpiresAfter === undefined || requests.length < options.tokenExpiresAfter);
    requests.push({ method: req.method ?? '', path: url.pathname, query, authorized, body });
    if (!authorized) return send(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    if (
      req.method === 'POST' &&
      url.pathname === '/apis/authentication.k8s.io/v1/selfsubjectreviews' &&
      !options.withoutSelfSubjectReview
    ) {
      return send(res, 201, {
        kind: 'SelfSubjectReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: null },
        status: {
          userInfo: {
            username: 'system:serviceaccount:causa:reader',
            uid: 'b1f9c1e4-0000-4000-8000-000000000001',
            groups: ['system:serviceaccounts', 'system:serviceaccounts:causa', 'system:authenticated'],
          },
        },
      });
    }
    if (req.method === 'POST' && url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews') {
      const spec = (JSON.parse(body) as { spec?: unknown }).spec;
      const rules = options.rules ?? {
        resourceRules: [{ verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/version'] }],
      };
      return send(res, 201, {
        kind: 'SelfSubjectRulesReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec,
        status: { ...rules, incomplete: false },
      });
    }
    if (req.method === 'POST' && url.pathname.endsWith('/selfsubjectreviews'))
      return send(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    if (req.method !== 'GET') return send(res, 405, statusBody(405, 'MethodNotAllowed', `${req.method} is not served here`));
    if (options.forbidden?.includes(url.pathname)) {
      return send(
        res,
        403,
        statusBody(
          403,
          'Forbidden',
          `${url.pathname} is forbidden: User "system:serviceaccount:causa:reader" cannot list resource at the cluster scope`,
        ),
      );
    }
    if (query.watch === '1' || query.watch === 'true') return watch(res, url.pathname, query);
    const oversized = options.oversized?.[url.pathname];
    if (oversized) {
      const head = '{"kind":"List","apiVersion":"v1","metadata":{},"items":[],"padding":"';
      const tail = '"}\n';
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(oversized.declared ? { 'content-length': String(head.length + oversized.bytes + tail.length) } : {}),
      });
      return writePadding(res, oversized.bytes, head, tail);
    }
    const expiring = options.expireContinueOnce?.indexOf(url.pathname) ?? -1;
    if (query.continue && expiring !== -1) {
      options.expireContinueOnce!.splice(expiring, 1);
      return send(
        res,
        410,
        statusBody(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        ),
      );
    }
    if (!collectionAt(url.pathname)) return send(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    return listPage(res, url.pathname, query);
  }

  const server: Server = createServer({ cert: options.certificates.certPem, key: options.certificates.keyPem }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A kubeconfig with one context for the server, trusting `caPem`, with a bearer token (or another user entry). */
export function writeKubeconfig(
  dir: string,
  server: string,
  caPem: string,
  token: string | Record<string, unknown>,
  context = 'test-cluster',
): string {
  const path = join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': context,
    clusters: [{ name: 'fake', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'reader', user: typeof token === 'string' ? { token } : token }],
    contexts: [{ name: context, context: { cluster: 'fake', user: 'reader' } }],
  };
  // JSON is YAML: the kubeconfig loader reads it as is.
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
