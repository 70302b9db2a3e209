// The cloud providers' audit wrappers as a case sees them: the record kept (and hashed) is the wrapper
// exactly as received, the event JSON names the wrapper, and the stages of one request grouped into an
// API call whether they came bare or wrapped.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';
import type { EventJson } from '../../../src-main/shared/model';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

let dir: string;
let bench: Workbench | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-wrappers-'));
});

afterEach(() => {
  bench?.close();
  bench = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function importFixtures(files: { name: string; data: Buffer }[]): Promise<{ wb: Workbench; events: EventJson[] }> {
  const wb = (bench = Workbench.open(join(dir, 'case.causa'), { create: true }));
  await wb.handlers.importFiles({ files: files.map((f) => ({ name: f.name, data_base64: f.data.toString('base64') })) });
  const { events } = await wb.handlers.listEvents({ filter: { stages: true }, offset: 0, limit: 1000 });
  return { wb, events };
}

const fixture = (path: string): Buffer => readFileSync(new URL(path, FIXTURES));

describe('audit wrappers in a case', () => {
  it.each([
    ['eks-cloudwatch/filter-log-events.json', 'eks-cloudwatch', 9],
    ['aks-diagnostics/event-hub-records.json', 'aks-diagnostics', 9],
    ['gke-cloud-logging/gcloud-logging-read.json', 'gke-cloud-logging', 9],
    ['openshift-audit/node-logs-role-master.log', 'openshift-node-logs', 9],
  ] as const)("%s: each event names its wrapper, and its raw record is the wrapper's exact bytes", async (path, wrapper, count) => {
    const data = fixture(path);
    const { wb, events } = await importFixtures([{ name: path.split('/')[1]!, data }]);
    expect(events).toHaveLength(count);
    for (const event of events) {
      expect(event.wrapper).toBe(wrapper);
      const { raw } = await wb.handlers.getEvent({ id: event.id });
      expect(data.toString('utf8')).toContain(raw);
      expect(event.raw_sha256).toBe(createHash('sha256').update(Buffer.from(raw, 'utf8')).digest('hex'));
      expect(raw).toMatch(wrapper === 'openshift-node-logs' ? /^ci-ln-\S+ \{/ : /^\s*\{/);
    }
  });

  it('bad records inside a wrapper are reported with file, line, path and reason; the rest imports', async () => {
    const wb = (bench = Workbench.open(join(dir, 'case.causa'), { create: true }));
    const data = fixture('eks-cloudwatch/filter-log-events.json');
    const report = await wb.handlers.importFiles({ files: [{ name: 'filter-log-events.json', data_base64: data.toString('base64') }] });
    expect(report.events).toBe(9);
    expect(report.files[0]!.errors.map((e) => [e.file, e.line, e.path, e.reason.replace(/ \(.*/, '')])).toEqual([
      ['filter-log-events.json', 31, '$.events[4]', 'message is not JSON'],
      ['filter-log-events.json', 59, '$.events[8]', 'message is not JSON'],
      ['filter-log-events.json', 66, '$.events[9]', 'message is missing or not a string'],
    ]);
  });

  it('a bare audit log names no wrapper', async () => {
    const { events } = await importFixtures([{ name: 'v1.log', data: fixture('k8s-audit-versions/v1.log') }]);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event).not.toHaveProperty('wrapper');
  });

  it("an EKS request's RequestReceived stage in a CloudWatch export and its ResponseComplete stage bare group into one API call", async () => {
    const complete = readFileSync(new URL('k8s-audit-versions/v1.log', FIXTURES), 'utf8').split('\n')[0]!;
    const event = JSON.parse(complete) as Record<string, unknown>;
    const received: Record<string, unknown> = { ...event, stage: 'RequestReceived', stageTimestamp: event.requestReceivedTimestamp };
    delete received.responseStatus;
    const cloudwatch = {
      events: [
        { logStreamName: 'kube-apiserver-audit-1', timestamp: 1, message: JSON.stringify(received), ingestionTime: 2, eventId: '1' },
      ],
    };
    const { wb, events } = await importFixtures([
      { name: 'cloudwatch.json', data: Buffer.from(JSON.stringify(cloudwatch)) },
      { name: 'audit.log', data: Buffer.from(`${complete}\n`) },
    ]);
    expect(events).toHaveLength(2);
    const latest = events.find((e) => e.source === 'audit.log')!;
    const detail = await wb.handlers.getEvent({ id: latest.id });
    expect(detail.api_call?.stages.map((s) => [s.stage, s.source_name])).toEqual([
      ['RequestReceived', 'cloudwatch.json'],
      ['ResponseComplete', 'audit.log'],
    ]);
  });
});
