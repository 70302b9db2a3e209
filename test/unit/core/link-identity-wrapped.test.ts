// The incident of link-identity.test.ts with its audit log as a cloud provider hands it out: an EKS
// CloudWatch Logs export (filter-log-events), AKS diagnostic-setting records (a storage account's PT1H.json,
// one record a line), `oc adm node-logs --role=master` lines, and GKE Cloud Logging entries (which keep
// no audit event but translate it). The object identity table and the linker must read them as they read
// the bare events: the same chain with the same rules and strengths, and a wrapped delete frees the name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';
import type { Graph, GraphEdge, GraphNode } from '../../../src-main/shared/graph';
import type { ObjectTable } from '../../../src-main/shared/objects';
import { readObjectTable } from '../../../src-main/store/objects';
import { AUDIT, CRDS, EVENTS, LISTING, NS, POD_A, POD_B, RS, TRACE, UID } from './identity-incident';

const timeOf = (line: string): string => (JSON.parse(line) as { stageTimestamp: string }).stageTimestamp;

/** `aws logs filter-log-events --log-group-name /aws/eks/prod/cluster --log-stream-name-prefix kube-apiserver-audit`. */
function eks(): { name: string; text: string } {
  const events = AUDIT.map((message, i) => ({
    logStreamName: 'kube-apiserver-audit-0c7d3a9f1b2e4d5a6b7c8d9e0f1a2b3c',
    timestamp: Date.parse(timeOf(message)),
    message,
    ingestionTime: Date.parse(timeOf(message)) + 1200,
    eventId: `3789${String(i).padStart(52, '0')}`,
  }));
  return { name: 'eks-audit.json', text: JSON.stringify({ events, searchedLogStreams: [] }, null, 2) };
}

/** Azure diagnostic settings to a storage account: PT1H.json, one resource log record a line. */
function aks(): { name: string; text: string } {
  const lines = AUDIT.map((log) =>
    JSON.stringify({
      time: timeOf(log),
      resourceId:
        '/SUBSCRIPTIONS/0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0/RESOURCEGROUPS/PROD/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/PROD',
      category: 'kube-audit',
      operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
      properties: { log, stream: 'stdout', pod: 'kube-apiserver-7b9c6d5f4-h2k8m', containerID: '4f3e2d1c0b9a' },
    }),
  );
  return { name: 'PT1H.json', text: `${lines.join('\n')}\n` };
}

/** `oc adm node-logs --role=master --path=kube-apiserver/audit.log`: each line after its node's name. */
function openshift(): { name: string; text: string } {
  const lines = AUDIT.map((line, i) => `master-${i % 3}.prod.example.com ${line}`);
  return { name: 'node-logs-audit.log', text: `${lines.join('\n')}\n` };
}

/**
 * `gcloud logging read 'logName:"cloudaudit.googleapis.com"' --format=json`: GKE keeps no audit event but
 * translates it (docs/formats.md): methodName and resourceName for the objectRef and verb, the impersonated
 * user as principalEmail with the impersonator in the delegation chain, the annotations as labels.
 */
function gke(): { name: string; text: string } {
  const entries = AUDIT.map((line, i) => {
    const a = JSON.parse(line) as {
      auditID: string;
      verb: string;
      stageTimestamp: string;
      user: { username: string };
      impersonatedUser?: { username: string };
      objectRef: Record<string, string>;
      annotations: Record<string, string>;
      sourceIPs: string[];
      userAgent: string;
    };
    const ref = a.objectRef;
    const group = ref.apiGroup ?? 'core';
    const method = `io.k8s.${group === 'core' ? 'core' : group.split('.').reverse().join('.')}.v1.${ref.resource}${ref.subresource ? `.${ref.subresource}` : ''}.${a.verb}`;
    const resourceName = `${group}/v1/namespaces/${ref.namespace}/${ref.resource}/${ref.name}${ref.subresource ? `/${ref.subresource}` : ''}`;
    const principal = a.impersonatedUser?.username ?? a.user.username;
    return {
      insertId: `${a.auditID}-${i}`,
      labels: a.annotations,
      logName: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity',
      operation: { first: true, id: a.auditID, last: true, producer: 'k8s.io' },
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
        authenticationInfo: {
          principalEmail: principal,
          ...(a.impersonatedUser ? { serviceAccountDelegationInfo: [{ firstPartyPrincipal: { principalEmail: a.user.username } }] } : {}),
        },
        authorizationInfo: [{ granted: true, permission: method, resource: resourceName }],
        methodName: method,
        requestMetadata: { callerIp: a.sourceIPs[0], callerSuppliedUserAgent: a.userAgent },
        resourceName,
        serviceName: 'k8s.io',
        status: {},
      },
      receiveTimestamp: a.stageTimestamp,
      resource: { labels: { cluster_name: 'prod-1', location: 'europe-west1', project_id: 'acme-prod' }, type: 'k8s_cluster' },
      timestamp: a.stageTimestamp,
    };
  });
  return { name: 'gke-audit.json', text: JSON.stringify(entries, null, 1) };
}

describe.each([
  ['eks-cloudwatch', eks],
  ['aks-diagnostics', aks],
  ['openshift-node-logs', openshift],
  ['gke-cloud-logging', gke],
] as const)('object identity from an audit log wrapped as %s', (format, wrap) => {
  let dir: string;
  let graph: Graph;
  let table: ObjectTable;
  let eventIdsOf: (uid: string) => number[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'causa-identity-wrapped-'));
    const wrapped = wrap();
    const files = {
      [wrapped.name]: wrapped.text,
      'events.jsonl': `${EVENTS.join('\n')}\n`,
      'replicasets.json': JSON.stringify(LISTING, null, 4),
      'agent-trace.json': JSON.stringify(TRACE),
      'crds.json': JSON.stringify(CRDS, null, 4),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const wb = Workbench.open(join(dir, 'case.causa'), { create: true });
    const report = await wb.importPaths(Object.keys(files).map((name) => join(dir, name)));
    expect(report.files.map((f) => [f.file.replace(/^.*\//, ''), f.status, f.errors])).toEqual(
      Object.keys(files).map((name) => [name, 'imported', []]),
    );
    expect(report.files[0]!.format).toBe(format);
    expect(report.files[0]!.events).toBe(AUDIT.length);
    graph = wb.graph();
    table = readObjectTable(wb.store);
    const rows = wb.store.db.prepare("SELECT id, target_uid FROM event WHERE kind = 'workload_event'").all() as {
      id: number;
      target_uid: string;
    }[];
    eventIdsOf = (uid) => rows.filter((r) => r.target_uid === uid).map((r) => r.id);
    wb.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const node = (predicate: (n: GraphNode) => boolean, what: string): GraphNode => {
    const found = graph.nodes.filter(predicate);
    expect(found, what).toHaveLength(1);
    return found[0]!;
  };
  const edge = (from: GraphNode, to: GraphNode): GraphEdge => {
    const found = graph.edges.find((e) => e.from === from.id && e.to === to.id);
    expect(found, `${from.label} → ${to.label}`).toBeDefined();
    return found!;
  };
  const workload = (reason: string, name: string, at?: string) =>
    node(
      (n) =>
        n.kind === 'workload_event' &&
        n.label.startsWith(`${reason} `) &&
        n.target?.name === name &&
        (!at || n.time?.startsWith(at) === true),
      `${reason} ${name}`,
    );
  const rowOf = (uid: string) => table.objects.find((o) => o.uid === uid)!;
  const scalePatch = () =>
    node((n) => n.kind === 'k8s_api' && n.label.startsWith('patch ') && n.target?.resource === 'deployments/scale', 'the scale patch');

  it('records the wrapped deletes: the name "web" was freed before and after the incident', () => {
    expect(table.deletions?.filter((d) => d.name === 'web').map((d) => d.at_ns)).toEqual([1748851200100000000n, 1748863800000000000n]);
    expect(
      table.deletions
        ?.filter((d) => d.resource === 'pods')
        .map((d) => d.name)
        .sort(),
    ).toEqual([POD_A, POD_B].sort());
    expect(
      table.objects
        .filter((o) => o.name === 'web')
        .map((o) => o.uid)
        .sort(),
    ).toEqual([UID.deploymentOld, UID.deployment, UID.deploymentNext].sort());
  });

  it('links the API call → Deployment Events → ReplicaSet Events → Pod Events with the rules and strengths of a bare audit log', () => {
    const prompt = node((n) => n.kind === 'prompt', 'the prompt');
    const tool = node((n) => n.kind === 'tool_call', 'the tool call');
    const patch = scalePatch();
    const decision = node(
      (n) => n.kind === 'authz_decision' && graph.edges.some((e) => e.from === n.id && e.to === patch.id),
      'the decision',
    );
    const scaling = workload('ScalingReplicaSet', 'web', '2025-06-02T10:15');
    const deletes = graph.nodes.filter((n) => n.label.startsWith('SuccessfulDelete ') && n.target?.name === RS);
    const killings = [workload('Killing', POD_A), workload('Killing', POD_B)];

    expect(edge(tool, decision)).toMatchObject({ rule: 'tool-target', strength: 'inferred' });
    expect(edge(decision, patch)).toMatchObject({ rule: 'authz-annotation', strength: 'explicit' });
    const toDeployment = edge(patch, scaling);
    expect(toDeployment).toMatchObject({ rule: 'involved-object', strength: 'inferred' });
    expect(toDeployment.fields).toEqual([
      { from: 'objectRef.resource', to: 'object identity resource', value: 'deployments' },
      { from: 'objectRef.namespace', to: 'object identity namespace', value: NS },
      { from: 'objectRef.name', to: 'object identity name', value: 'web' },
      { from: `object identity #${rowOf(UID.deployment).id} uid`, to: 'involvedObject.uid', value: UID.deployment },
    ]);
    expect(toDeployment.note).toMatch(
      new RegExp(`not .*#${rowOf(UID.deploymentOld).id} uid ${UID.deploymentOld}.*which held it at another time`),
    );
    expect(toDeployment.note).not.toMatch(/ambiguous/);

    expect(deletes).toHaveLength(2);
    for (const [i, del] of deletes.entries()) {
      expect(edge(scaling, del)).toMatchObject({ rule: 'event-message', strength: 'inferred' });
      expect(edge(del, killings[i]!)).toMatchObject({ rule: 'event-message', strength: 'inferred' });
    }
    const chain = new Set([prompt, tool, decision, patch, scaling, ...deletes, ...killings].map((n) => n.chain));
    expect(chain).toEqual(new Set([prompt.chain]));
    expect(prompt.chain).toBeDefined();

    const del = node((n) => n.kind === 'k8s_api' && n.label.startsWith('delete ') && n.target?.name === POD_A, 'delete pod A');
    expect(edge(del, killings[0]!)).toMatchObject({ rule: 'involved-object', strength: 'inferred' });
    expect(edge(del, killings[0]!).fields.at(-1)).toEqual({
      from: `object identity #${rowOf(UID.podA).id} uid`,
      to: 'involvedObject.uid',
      value: UID.podA,
    });
  });

  it('does not link the Deployments that held "web" before the wrapped delete or after it', () => {
    const patch = scalePatch();
    for (const uid of [UID.deploymentOld, UID.deploymentNext]) {
      const ids = new Set(eventIdsOf(uid).map((id) => `e${id}`));
      expect(ids.size, uid).toBeGreaterThan(0);
      expect(
        graph.edges.filter((e) => ids.has(e.to) && (e.from === patch.id || e.rule === 'involved-object')),
        uid,
      ).toEqual([]);
    }
    expect(graph.edges.filter((e) => e.from === patch.id && e.rule === 'involved-object').map((e) => e.fields.at(-1)!.value)).toEqual([
      UID.deployment,
    ]);
  });

  it('builds the same table when a case imported before the table existed is opened', () => {
    const path = join(dir, 'case.causa');
    const old = Workbench.open(path);
    old.store.db.pragma('query_only = OFF');
    old.store.db.exec(
      "DELETE FROM k8s_object; DELETE FROM k8s_kind; DELETE FROM k8s_deletion; INSERT INTO case_meta (key, value) VALUES ('object_identity_pending', '1')",
    );
    old.close();
    const upgraded = Workbench.open(path);
    const rebuilt = readObjectTable(upgraded.store);
    upgraded.close();
    const bySet = (t: ObjectTable) => ({
      objects: t.objects.map(({ id: _id, ...o }) => o).sort((a, b) => a.uid.localeCompare(b.uid)),
      deletions: t.deletions,
    });
    expect(bySet(rebuilt)).toEqual(bySet(table));
    expect(rebuilt.deletions?.filter((d) => d.name === 'web')).toHaveLength(2);
  });
});
