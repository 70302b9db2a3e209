import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openContent, parseSource, type ParsedRecord } from '../../../src-main/core/ingest/index';
import { actorTypeOf, k8sAudit } from '../../../src-main/core/ingest/k8s-audit';
import type { NormalizedEvent } from '../../../src-main/shared/model';

const CORPUS = new URL('../../fixtures/corpus/k8s-audit/', import.meta.url);
const FALCO = new URL('falco/', CORPUS);
const CROWDSEC_EXEC = new URL('crowdsec_k8s-audit-pod-exec-file.log', CORPUS);
const FALCO_PRIVILEGED_POD = new URL('create_nginx_pod_privileged.json', FALCO);

function corpusFiles(): string[] {
  const falco = readdirSync(FALCO).map((name) => fileURLToPath(new URL(name, FALCO)));
  const top = readdirSync(CORPUS, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => fileURLToPath(new URL(entry.name, CORPUS)));
  return [...falco, ...top].sort();
}

async function parseFile(path: string): Promise<ParsedRecord[]> {
  const records: ParsedRecord[] = [];
  for await (const record of parseSource(await openContent(path))) records.push(record);
  return records;
}

async function onlyEvent(url: URL): Promise<NormalizedEvent> {
  const records = await parseFile(fileURLToPath(url));
  expect(records).toHaveLength(1);
  const [record] = records;
  if (!record?.ok) throw new Error(`expected a good record, got ${JSON.stringify(record)}`);
  return record.events[0]!;
}

/** A real corpus record as a JS object, to vary one field at a time. */
function corpusRecord(url: URL): Record<string, unknown> {
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

function normalizeOk(value: unknown): NormalizedEvent {
  const result = k8sAudit.normalize(value);
  if (!result.ok) throw new Error(`expected a good record, got: ${result.reason}`);
  return result.events[0]!;
}

describe('the Kubernetes audit corpus', () => {
  it('holds the 49 files SOURCES.md describes', () => {
    const files = corpusFiles();
    expect(files.filter((f) => f.includes('/falco/'))).toHaveLength(47);
    expect(files.filter((f) => f.includes('crowdsec_'))).toHaveLength(2);
  });

  it('parses to 53 good records and exactly one error, for fal_01_003.json line 1', async () => {
    let good = 0;
    const errors: { file: string; position: number; reason: string }[] = [];
    const perFile = new Map<string, number>();
    for (const file of corpusFiles()) {
      for (const record of await parseFile(file)) {
        if (record.ok) {
          good += 1;
          perFile.set(file, (perFile.get(file) ?? 0) + 1);
          expect(record.events[0]!.kind).toBe('k8s_api');
          expect(record.events[0]!.time_ns).not.toBeNull();
          // Every record of the corpus was allowed by RBAC.
          expect(record.events[0]!.authz?.decision).toBe('allow');
        } else {
          errors.push({ file: file.slice(file.lastIndexOf('/') + 1), position: record.position, reason: record.reason });
        }
      }
    }
    expect(good).toBe(53);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'fal_01_003.json', position: 1 });
    expect(errors[0]!.reason).toMatch(/not a Kubernetes audit event/);
    expect(errors[0]!.reason).toMatch(/kind is 0/);
    expect([...perFile.entries()].find(([f]) => f.endsWith('create_configmap_sensitive_values.json'))?.[1]).toBe(6);
  });

  it("keeps each record's raw bytes exactly as in the file", async () => {
    const path = fileURLToPath(new URL('create_configmap_sensitive_values.json', FALCO));
    const lines = readFileSync(path).toString('latin1').split('\n');
    const records = await parseFile(path);
    expect(records.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const record of records) {
      if (!record.ok) throw new Error(record.reason);
      expect(record.raw.equals(Buffer.from(lines[record.position - 1]!, 'latin1'))).toBe(true);
    }
  });
});

describe('normalized fields of real records', () => {
  it('crowdsec: kubectl exec into a pod', async () => {
    const event = await onlyEvent(CROWDSEC_EXEC);
    expect(event).toEqual({
      time_ns: 1684336102763960000n,
      time_text: '2023-05-17T15:08:22.763960Z',
      kind: 'k8s_api',
      action: 'create',
      actor: { type: 'human', id: 'minikube-user' },
      target: { resource: 'pods/exec', namespace: 'foo', name: 'test-pod-1' },
      outcome: 'success',
      // The reason annotation is the empty string: absent, not "".
      authz: { decision: 'allow' },
      keys: { audit_id: '57a794de-44d3-40ee-a0ad-c0eb096eef6c' },
      stage: { name: 'ResponseComplete', time: '2023-05-17T15:08:30.619910Z' },
    });
  });

  it('falco: a privileged pod created by the replicaset controller, with its owner', async () => {
    const event = await onlyEvent(FALCO_PRIVILEGED_POD);
    expect(event.time_ns).toBe(BigInt(Date.UTC(2018, 9, 25, 14, 9, 12)) * 1_000_000n + 572_676_000n);
    expect(event.time_text).toBe('2018-10-25T14:09:12.572676Z');
    expect(event.action).toBe('create');
    expect(event.actor).toEqual({
      type: 'service_account',
      id: 'system:serviceaccount:kube-system:replicaset-controller',
    });
    expect(event.target).toMatchObject({ resource: 'pods', namespace: 'default', uid: '8c845395-d85f-11e8-88b6-080027728ac4' });
    expect(event.outcome).toBe('success');
    expect(event.authz?.decision).toBe('allow');
    expect(event.authz?.reason).toMatch(/^RBAC: allowed by ClusterRoleBinding "system:controller:replicaset-controller"/);
    expect(event.keys).toEqual({
      audit_id: 'a362d22b-db3c-4590-9505-23782f12925f',
      object_uid: '8c845395-d85f-11e8-88b6-080027728ac4',
      owner_uids: ['8c800470-d85f-11e8-88b6-080027728ac4'],
    });
  });
});

describe('outcome mapping', () => {
  const base = corpusRecord(CROWDSEC_EXEC);

  it.each([
    ['code 101', { responseStatus: { code: 101 } }, 'success'],
    ['code 201', { responseStatus: { code: 201 } }, 'success'],
    ['code 401', { responseStatus: { code: 401 } }, 'denied'],
    ['code 403', { responseStatus: { code: 403 } }, 'denied'],
    ['code 404', { responseStatus: { code: 404 } }, 'failure'],
    ['code 409', { responseStatus: { code: 409 } }, 'failure'],
    ['code 500', { responseStatus: { code: 500 } }, 'error'],
    ['code 503', { responseStatus: { code: 503 } }, 'error'],
    [
      'forbid decision, even with a 2xx code',
      { responseStatus: { code: 200 }, annotations: { 'authorization.k8s.io/decision': 'forbid' } },
      'denied',
    ],
    ['Panic stage', { stage: 'Panic', responseStatus: { code: 200 } }, 'error'],
    ['Panic stage without a code', { stage: 'Panic', responseStatus: undefined }, 'error'],
    ['RequestReceived with no code', { stage: 'RequestReceived', responseStatus: undefined }, 'unknown'],
  ] as const)('%s → %s', (_label, change, outcome) => {
    expect(normalizeOk({ ...base, ...change }).outcome).toBe(outcome);
  });

  it('keeps the forbid decision and its reason', () => {
    const event = normalizeOk({
      ...base,
      responseStatus: { code: 403 },
      annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': 'no RBAC policy matched' },
    });
    expect(event.authz).toEqual({ decision: 'forbid', reason: 'no RBAC policy matched' });
  });
});

describe('actors', () => {
  const base = corpusRecord(CROWDSEC_EXEC);

  it('impersonatedUser becomes actor.on_behalf_of', () => {
    const event = normalizeOk({
      ...base,
      user: { username: 'system:serviceaccount:mcp-system:kubernetes-mcp-server' },
      impersonatedUser: { username: 'james.w@example.com', groups: ['developers'] },
    });
    expect(event.actor).toEqual({
      type: 'service_account',
      id: 'system:serviceaccount:mcp-system:kubernetes-mcp-server',
      on_behalf_of: 'james.w@example.com',
    });
  });

  it('classifies usernames', () => {
    expect(actorTypeOf('system:serviceaccount:kube-system:default')).toBe('service_account');
    expect(actorTypeOf('system:kube-controller-manager')).toBe('system');
    expect(actorTypeOf('system:anonymous')).toBe('system');
    expect(actorTypeOf('minikube-user')).toBe('human');
  });

  it('has no actor when the record names no user', () => {
    const { user: _user, ...withoutUser } = base;
    expect(normalizeOk(withoutUser).actor).toBeUndefined();
  });
});

describe('records that are not audit events', () => {
  const base = corpusRecord(CROWDSEC_EXEC);

  it.each([
    ['an array', [base], /not a JSON object/],
    ['a string', 'Event', /not a JSON object/],
    ['kind 0 (fal_01_003.json)', { kind: 0 }, /kind is 0, expected "Event"/],
    ['a core/v1 Event', { ...base, apiVersion: 'v1' }, /apiVersion "v1" is not audit\.k8s\.io/],
    ['no auditID', { ...base, auditID: undefined }, /"auditID" is missing/],
    ['no verb', { ...base, verb: '' }, /"verb" is missing/],
    [
      'no timestamps',
      { ...base, requestReceivedTimestamp: undefined, stageTimestamp: undefined },
      /without a time: none of requestReceivedTimestamp, timestamp/,
    ],
    ['a bad timestamp', { ...base, requestReceivedTimestamp: '2023-05-17 late afternoon' }, /not an RFC 3339 time/],
  ] as const)('refuses %s with a reason', (_label, value, reason) => {
    const result = k8sAudit.normalize(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('falls back to stageTimestamp when requestReceivedTimestamp is absent', () => {
    const event = normalizeOk({ ...base, requestReceivedTimestamp: undefined });
    expect(event.time_text).toBe('2023-05-17T15:08:30.619910Z');
  });
});
