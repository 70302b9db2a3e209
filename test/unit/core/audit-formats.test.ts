// Golden tests for every audit log format a responder is handed: audit.k8s.io v1, v1beta1 and v1alpha1,
// OpenShift's API servers, and the EKS (CloudWatch Logs), AKS (Azure resource logs) and GKE (Cloud
// Logging) wrappers. Fixtures are written by us from each format's public documentation
// (test/fixtures/*/README.md); each `*.expected.json` states, record by record, the normalized event we
// expect (or the reason a bad record is refused), written with the fixture, not printed by the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferContent, detectFormat, findFormat, parseSource, type ParsedRecord } from '../../../src-main/core/ingest/index';
import { gkeTarget } from '../../../src-main/core/ingest/gke-cloud-logging';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

type Expected = { ok: true; events: Record<string, unknown>[] } | { ok: false; reason: string };

interface Case {
  file: string;
  format: string;
  layout: 'lines' | 'document';
  levels?: boolean;
}

const CASES: Case[] = [
  { file: 'k8s-audit-versions/v1.log', format: 'k8s-audit', layout: 'lines', levels: true },
  { file: 'k8s-audit-versions/v1beta1.log', format: 'k8s-audit', layout: 'lines', levels: true },
  { file: 'k8s-audit-versions/v1alpha1.log', format: 'k8s-audit', layout: 'lines', levels: true },
  { file: 'openshift-audit/audit.log', format: 'k8s-audit', layout: 'lines', levels: true },
  { file: 'openshift-audit/node-logs-role-master.log', format: 'openshift-node-logs', layout: 'lines', levels: true },
  { file: 'eks-cloudwatch/filter-log-events.json', format: 'eks-cloudwatch', layout: 'document', levels: true },
  { file: 'eks-cloudwatch/get-log-events.json', format: 'eks-cloudwatch', layout: 'document' },
  { file: 'eks-cloudwatch/events.jsonl', format: 'eks-cloudwatch', layout: 'lines' },
  { file: 'eks-cloudwatch/insights-get-query-results.json', format: 'eks-cloudwatch', layout: 'document' },
  { file: 'eks-cloudwatch/insights-console.json', format: 'eks-cloudwatch', layout: 'document' },
  { file: 'aks-diagnostics/event-hub-records.json', format: 'aks-diagnostics', layout: 'document', levels: true },
  { file: 'aks-diagnostics/PT1H.json', format: 'aks-diagnostics', layout: 'lines' },
  { file: 'gke-cloud-logging/gcloud-logging-read.json', format: 'gke-cloud-logging', layout: 'document', levels: true },
  { file: 'gke-cloud-logging/storage-sink.json', format: 'gke-cloud-logging', layout: 'lines' },
];

function expectedOf(file: string): Expected[] {
  const name = file.replace(/\.(log|json|jsonl)$/, '.expected.json');
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Expected[];
}

/** Nanoseconds of an RFC 3339 UTC time, computed here independently of the importer's parser. */
function nanosOf(text: string): bigint {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(text)!;
  const fraction = (match[2] ?? '').padEnd(9, '0');
  return BigInt(Date.parse(`${match[1]}Z`)) * 1_000_000n + BigInt(fraction);
}

async function parse(bytes: Buffer, format?: string): Promise<{ detected: string; layout: string; records: ParsedRecord[] }> {
  const detection = detectFormat(bytes, format ? findFormat(format) : undefined);
  if (!detection.ok) throw new Error(detection.reason);
  const records: ParsedRecord[] = [];
  for await (const record of parseSource(bufferContent(bytes), detection)) records.push(record);
  return { detected: detection.format.name, layout: detection.layout.kind, records };
}

describe.each(CASES)('$file', ({ file, format, layout, levels }) => {
  const bytes = readFileSync(new URL(file, FIXTURES));
  const expected = expectedOf(file);

  it(`is detected by content as ${format} (${layout}), and can be named with --format`, async () => {
    const detected = await parse(bytes);
    expect([detected.detected, detected.layout]).toEqual([format, layout]);
    const named = await parse(bytes, format);
    expect([named.detected, named.layout]).toEqual([format, layout]);
  });

  it('yields the full normalized event of every record, and refuses the bad ones with their reason', async () => {
    const { records } = await parse(bytes);
    expect(records).toHaveLength(expected.length);
    records.forEach((record, i) => {
      const want = expected[i]!;
      if (!want.ok) {
        expect(record.ok, `record ${i + 1} should be refused`).toBe(false);
        if (!record.ok) expect(record.reason).toMatch(new RegExp(want.reason));
        return;
      }
      if (!record.ok) throw new Error(`record ${i + 1} refused: ${record.reason}`);
      const events = record.events.map(({ time_ns, ...rest }) => {
        expect(time_ns).toBe(nanosOf(rest.time_text!));
        return rest;
      });
      expect(events).toEqual(want.events);
    });
  });

  it('keeps each record as the exact bytes it had in the file', async () => {
    const { records } = await parse(bytes);
    const text = bytes.toString('utf8');
    for (const record of records) {
      if (!record.ok) continue;
      expect(text.includes(record.raw.toString('utf8'))).toBe(true);
      // A node name before the event is kept too.
      if (format === 'openshift-node-logs') expect(record.raw.toString('utf8')).toMatch(/^ci-ln-\S+-master-[01] \{/);
      const json = format === 'openshift-node-logs' ? record.raw.toString('utf8').replace(/^\S+ /, '') : record.raw.toString('utf8');
      const value = JSON.parse(json) as unknown;
      // A wrapper is kept whole, not just the event inside it.
      if (format === 'eks-cloudwatch') expect(JSON.stringify(value)).toMatch(/"@?message"/);
      if (format === 'aks-diagnostics') expect(value).toHaveProperty('properties.log');
      if (format === 'gke-cloud-logging') expect(value).toHaveProperty('protoPayload');
    }
  });

  if (levels) {
    it('covers levels Metadata, Request and RequestResponse, each with a denied, an impersonated and a subresource request', async () => {
      const { records } = await parse(bytes);
      const good = records.filter((r): r is Extract<ParsedRecord, { ok: true }> => r.ok);
      // Records come three a level, in level order; the level is read from the record (GKE names none:
      // there the request and response bodies say it).
      const LEVELS = ['Metadata', 'Request', 'RequestResponse'];
      const seen = new Set<string>();
      good.forEach((record, i) => {
        const level = LEVELS[Math.floor(i / 3)]!;
        const raw = record.raw.toString('utf8');
        if (format === 'gke-cloud-logging') {
          const payload = (JSON.parse(raw) as { protoPayload: Record<string, unknown> }).protoPayload;
          if (level === 'Metadata') expect(payload).not.toHaveProperty('request');
          if (level !== 'RequestResponse') expect(payload).not.toHaveProperty('response');
        } else {
          expect(raw).toMatch(new RegExp(`\\\\?"level\\\\?":\\\\?"${level}\\\\?"`));
        }
        const event = record.events[0]!;
        if (event.outcome === 'denied') seen.add(`${level} denied`);
        if (event.actor?.on_behalf_of) seen.add(`${level} impersonated`);
        if (event.target?.resource?.includes('/')) seen.add(`${level} subresource`);
      });
      for (const level of LEVELS) for (const what of ['denied', 'impersonated', 'subresource']) expect(seen).toContain(`${level} ${what}`);
    });
  }
});

describe('bad records inside wrappers', () => {
  it('are reported with their line and JSON path, and the rest of the file is imported', async () => {
    const { records } = await parse(readFileSync(new URL('eks-cloudwatch/filter-log-events.json', FIXTURES)));
    const bad = records.filter((r) => !r.ok);
    expect(bad.map((r) => [r.locator, r.line])).toEqual([
      ['$.events[4]', 31],
      ['$.events[8]', 59],
      ['$.events[9]', 66],
    ]);
    expect(records.filter((r) => r.ok)).toHaveLength(9);
  });

  it('AKS: a cut-off properties.log and a non-audit category are named', async () => {
    const { records } = await parse(readFileSync(new URL('aks-diagnostics/event-hub-records.json', FIXTURES)));
    expect(records.filter((r) => !r.ok).map((r) => r.locator)).toEqual(['$.records[3]', '$.records[4]']);
  });
});

describe('v1beta1 and v1alpha1 specifics', () => {
  const line = (file: string, n: number): Record<string, unknown> =>
    JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8').split('\n')[n - 1]!) as Record<string, unknown>;

  it('a v1beta1 event with only timestamp and metadata.creationTimestamp keeps both times (it lost every record before)', async () => {
    const event = line('k8s-audit-versions/v1beta1.log', 1);
    expect(event).not.toHaveProperty('requestReceivedTimestamp');
    expect(event).not.toHaveProperty('stageTimestamp');
    const { records } = await parse(Buffer.from(`${JSON.stringify(event)}\n`));
    const [record] = records;
    if (!record?.ok) throw new Error('refused');
    expect(record.events[0]).toMatchObject({
      time_text: event.timestamp,
      stage: { name: 'ResponseComplete', time: (event.metadata as { creationTimestamp: string }).creationTimestamp },
    });
  });

  it('a v1alpha1 objectRef.apiVersion of group/version gives the group; a bare version is the core group', async () => {
    const scale = line('k8s-audit-versions/v1alpha1.log', 3);
    expect(scale.objectRef).toEqual({
      resource: 'deployments',
      namespace: 'prod',
      name: 'api',
      apiVersion: 'apps/v1beta1',
      subresource: 'scale',
    });
    const { records } = await parse(Buffer.from(`${JSON.stringify(scale)}\n`));
    expect(records[0]!.ok && records[0]!.events[0]!.target).toEqual({
      api_group: 'apps',
      resource: 'deployments/scale',
      namespace: 'prod',
      name: 'api',
    });
  });
});

describe('GKE methodName and resourceName', () => {
  it.each([
    [
      'io.k8s.apps.v1.deployments.scale.patch',
      'apps/v1/namespaces/prod/deployments/api/scale',
      { api_group: 'apps', resource: 'deployments/scale', namespace: 'prod', name: 'api' },
    ],
    [
      'io.k8s.core.v1.pods.exec.create',
      'core/v1/namespaces/prod/pods/api-1/exec',
      { resource: 'pods/exec', namespace: 'prod', name: 'api-1' },
    ],
    ['io.k8s.core.v1.nodes.proxy.get', 'core/v1/nodes/gke-pool-1/proxy/metrics/cadvisor', { resource: 'nodes/proxy', name: 'gke-pool-1' }],
    ['io.k8s.core.v1.namespaces.delete', 'core/v1/namespaces/prod', { resource: 'namespaces', name: 'prod' }],
    ['io.k8s.core.v1.namespaces.finalize.update', 'core/v1/namespaces/prod/finalize', { resource: 'namespaces/finalize', name: 'prod' }],
    ['io.k8s.core.v1.pods.list', 'core/v1/namespaces/default/pods', { resource: 'pods', namespace: 'default' }],
    [
      'io.k8s.coordination.v1.leases.update',
      'coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler',
      { api_group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system', name: 'kube-scheduler' },
    ],
    [
      'io.k8s.authorization.rbac.v1.clusterrolebindings.create',
      'rbac.authorization.k8s.io/v1/clusterrolebindings/agent-admin',
      { api_group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', name: 'agent-admin' },
    ],
  ])('%s on %s', (method, resource, target) => {
    expect(gkeTarget(method, resource)).toEqual(target);
  });
});

describe('detection of the other formats is unchanged', () => {
  it('an MCP proxy log line with timestamp and message is still MCP, not an EKS event', () => {
    const line = JSON.stringify({
      timestamp: '2025-01-01T00:00:00Z',
      direction: 'request',
      message: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    });
    const detection = detectFormat(Buffer.from(`${line}\n`));
    expect(detection.ok && detection.format.name).toBe('mcp-jsonrpc');
  });

  it('a Kubernaut {events:[…]} document is still Kubernaut', () => {
    const doc = {
      events: [
        {
          event_id: 'e1',
          event_timestamp: '2025-01-01T00:00:00Z',
          event_type: 'gateway.signal.received',
          event_category: 'gateway',
          event_action: 'received',
          event_outcome: 'success',
          correlation_id: 'rr-1',
        },
      ],
    };
    const detection = detectFormat(Buffer.from(JSON.stringify(doc, null, 2)));
    expect(detection.ok && detection.format.name).toBe('kubernaut-audit');
  });
});
