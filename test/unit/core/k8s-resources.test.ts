// The corpus holds no resource listing, so the listings here are built from real objects: the
// requestObject / responseObject bodies the API server recorded in the Falco audit traces (and the k9s
// Event), wrapped the way `kubectl get … -o json` and the API's typed lists wrap them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferContent, detectFormat, parseSource, type ParsedRecord } from '../../../src-main/core/ingest/index';
import { k8sResources } from '../../../src-main/core/ingest/k8s-resources';
import type { NormalizedEvent } from '../../../src-main/shared/model';

const CORPUS = new URL('../../fixtures/corpus/', import.meta.url);

type Obj = Record<string, unknown>;

/** The object an audit trace recorded: the response body where the policy kept it, else the request's. */
function auditObject(file: string): Obj {
  const line = readFileSync(fileURLToPath(new URL(`k8s-audit/falco/${file}`, CORPUS)), 'utf8').split('\n')[0]!;
  const event = JSON.parse(line) as Obj;
  return (event.responseObject ?? event.requestObject) as Obj;
}

const POD = (): Obj => auditObject('create_nginx_pod_privileged.json');
const DEPLOYMENT = (): Obj => auditObject('create_deployment.json');
const BINDING = (): Obj => auditObject('create_clusterrolebinding.json');
const ROLE = (): Obj => auditObject('create_cluster_role_wildcard_verbs.json');
const ACCOUNT = (): Obj => auditObject('create_serviceaccount.json');
const EVENT = (): Obj => JSON.parse(readFileSync(fileURLToPath(new URL('k8s-events/k9s_render_testdata_ev.json', CORPUS)), 'utf8')) as Obj;

/** What `kubectl get pods,deploy,… -o json` writes: a List, four-space indent, kind after items. */
function kubectlList(items: Obj[]): Buffer {
  return Buffer.from(`${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`);
}

async function parse(bytes: Buffer): Promise<ParsedRecord[]> {
  const detected = detectFormat(bytes);
  if (!detected.ok) throw new Error(detected.reason);
  expect(detected.format.name).toBe('k8s-resources');
  const records: ParsedRecord[] = [];
  for await (const record of parseSource(bufferContent(bytes), detected)) records.push(record);
  return records;
}

function eventsOf(records: ParsedRecord[]): NormalizedEvent[] {
  return records.map((record) => {
    if (!record.ok) throw new Error(`expected a good record at ${record.locator}, got ${record.reason}`);
    return record.events[0]!;
  });
}

describe('a kubectl listing of mixed kinds', () => {
  it('makes one snapshot per object, with target, uid, owners and creation time', async () => {
    const bytes = kubectlList([POD(), DEPLOYMENT(), BINDING(), ROLE(), ACCOUNT(), EVENT()]);
    const records = await parse(bytes);
    expect(records.map((r) => r.locator)).toEqual(['$.items[0]', '$.items[1]', '$.items[2]', '$.items[3]', '$.items[4]', '$.items[5]']);
    const [pod, deployment, binding, role, account, event] = eventsOf(records);
    expect(pod).toEqual({
      time_ns: BigInt(Date.parse('2018-10-25T14:09:12Z')) * 1_000_000n,
      time_text: '2018-10-25T14:09:12Z',
      kind: 'snapshot',
      action: 'snapshot',
      target: {
        resource: 'pods',
        namespace: 'default',
        name: 'nginx-deployment-5cdcc99dbf-rgw6z',
        uid: '8c845395-d85f-11e8-88b6-080027728ac4',
      },
      outcome: 'unknown',
      keys: { object_uid: '8c845395-d85f-11e8-88b6-080027728ac4', owner_uids: ['8c800470-d85f-11e8-88b6-080027728ac4'] },
      text: 'Pod default/nginx-deployment-5cdcc99dbf-rgw6z: Pending, service account default',
    });
    // A request body: no uid yet, creationTimestamp null; the group as its apiVersion spells it.
    expect(deployment).toEqual({
      time_ns: null,
      kind: 'snapshot',
      action: 'snapshot',
      target: { api_group: 'extensions', resource: 'deployments', namespace: 'default', name: 'nginx-deployment' },
      outcome: 'unknown',
      text: 'Deployment default/nginx-deployment: 0/1 ready, image nginx',
    });
    expect(binding).toMatchObject({
      target: {
        api_group: 'rbac.authorization.k8s.io',
        resource: 'clusterrolebindings',
        name: 'some-reader-binding',
        uid: '94c41db6-d922-11e8-a2e6-080027728ac4',
      },
      keys: { object_uid: '94c41db6-d922-11e8-a2e6-080027728ac4' },
      text: 'ClusterRoleBinding some-reader-binding binds ClusterRole system:basic-user to User minikube',
    });
    expect(role!.text).toBe(
      'ClusterRole some-reader allows * on pods (core); get on /api,/api/*,/apis,/apis/*,/healthz,/openapi,/openapi/*,/swagger-2.0.0.pb-v1,/swagger.json,/swaggerapi,/swaggerapi/*,/version,/version/',
    );
    expect(account).toMatchObject({ time_ns: null, target: { resource: 'serviceaccounts', name: 'myacct' } });
    expect(account!.text).toBeUndefined();
    // An Event in a listing is read as Kubernetes Events read it.
    expect(event).toMatchObject({
      kind: 'workload_event',
      action: 'Pulled',
      outcome: 'success',
      keys: { object_uid: 'c31fdeb8-cb66-11e9-990f-42010a800218' },
    });
  });

  it("keeps each object's bytes exactly as they sit in the listing", async () => {
    const bytes = kubectlList([POD(), BINDING()]);
    const [, second] = await parse(bytes);
    if (!second?.ok) throw new Error('expected a record');
    // The item's bytes as the listing holds them (indented inside it), not a re-serialization.
    const raw = second.raw.toString('utf8');
    expect(raw.startsWith('{\n            "apiVersion": "rbac.authorization.k8s.io/v1"')).toBe(true);
    expect(bytes.toString('utf8').includes(raw)).toBe(true);
    expect(JSON.parse(raw)).toEqual(BINDING());
  });

  it("names a RoleBinding's subjects with their namespaces", () => {
    const binding = {
      ...BINDING(),
      kind: 'RoleBinding',
      metadata: { ...(BINDING().metadata as Obj), namespace: 'production', name: 'mcp-impersonate' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonator' },
      subjects: [
        { kind: 'ServiceAccount', name: 'kubernetes-mcp-server', namespace: 'mcp-system' },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'dev-team' },
      ],
    };
    const result = k8sResources.normalize(binding);
    if (!result.ok) throw new Error(result.reason);
    expect(result.events[0]!.text).toBe(
      'RoleBinding production/mcp-impersonate binds ClusterRole impersonator to ServiceAccount mcp-system/kubernetes-mcp-server, Group dev-team',
    );
    expect(result.events[0]!.target).toMatchObject({ resource: 'rolebindings', namespace: 'production', name: 'mcp-impersonate' });
  });
});

describe('other listing layouts', () => {
  it("gives the items of a typed list (as the API serves it, items without kind) the list's Kind", async () => {
    const { kind, apiVersion, ...pod } = POD();
    expect([kind, apiVersion]).toEqual(['Pod', 'v1']);
    const list = Buffer.from(
      JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '237300' }, items: [pod] }, null, 2),
    );
    const [event] = eventsOf(await parse(list));
    expect(event!.target).toEqual({
      resource: 'pods',
      namespace: 'default',
      name: 'nginx-deployment-5cdcc99dbf-rgw6z',
      uid: '8c845395-d85f-11e8-88b6-080027728ac4',
    });
  });

  it('reads a single object document, JSON lines and watch lines', async () => {
    const single = eventsOf(await parse(Buffer.from(JSON.stringify(BINDING(), null, 2))));
    expect(single.map((e) => e.action)).toEqual(['snapshot']);
    const lines = [
      JSON.stringify(POD()),
      JSON.stringify({ type: 'MODIFIED', object: POD() }),
      JSON.stringify({ type: 'DELETED', object: POD() }),
    ];
    const events = eventsOf(await parse(Buffer.from(`${lines.join('\n')}\n`)));
    expect(events.map((e) => e.action)).toEqual(['snapshot', 'modified', 'deleted']);
    expect(new Set(events.map((e) => e.keys?.object_uid))).toEqual(new Set(['8c845395-d85f-11e8-88b6-080027728ac4']));
  });

  it('explains the items it cannot read and keeps the rest', async () => {
    const { kind: _kind, ...kindless } = ROLE();
    const bytes = kubectlList([
      POD(),
      kindless,
      { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [] },
      { apiVersion: 'v1', kind: 'Pod' },
    ]);
    const records = await parse(bytes);
    expect(records.map((r) => (r.ok ? 'ok' : r.reason))).toEqual([
      'ok',
      'not a Kubernetes object: "kind" is missing (and no typed list names it)',
      'a PodList inside a listing: lists are read item by item, not nested',
      'Pod without metadata: not a Kubernetes object',
    ]);
  });

  it('leaves audit events and audit lists to k8s-audit', () => {
    const line = readFileSync(fileURLToPath(new URL('k8s-audit/falco/create_deployment.json', CORPUS)), 'utf8');
    expect(k8sResources.recognizes(JSON.parse(line))).toBe(false);
    expect(detectFormat(Buffer.from(line))).toMatchObject({ ok: true, format: { name: 'k8s-audit' } });
  });
});
