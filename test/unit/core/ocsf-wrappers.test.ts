// The OCSF export reads source IPs, user agent, response status and admission annotations from the raw
// audit event; for a wrapped event that is the event inside the provider's record, not the record itself.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kubernetesApiActivity } from '../../../src-main/core/export/ocsf';
import type { EventJson } from '../../../src-main/shared/model';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const doc = (path: string): unknown => JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8'));

function eventOf(wrapper: EventJson['wrapper']): EventJson {
  return {
    id: 1,
    source: 'f',
    position: 1,
    raw_sha256: '0'.repeat(64),
    kind: 'k8s_api',
    action: 'list',
    outcome: 'denied',
    authz: { decision: 'forbid' },
    ...(wrapper ? { wrapper } : {}),
  };
}

describe('OCSF API Activity of wrapped audit events', () => {
  it.each([
    ['eks-cloudwatch', (doc('eks-cloudwatch/filter-log-events.json') as { events: unknown[] }).events[0], 403],
    ['aks-diagnostics', (doc('aks-diagnostics/event-hub-records.json') as { records: unknown[] }).records[0], 403],
    ['gke-cloud-logging', (doc('gke-cloud-logging/gcloud-logging-read.json') as unknown[])[0], undefined],
  ] as const)('%s: the client address, user agent and refusal come from the event inside', (wrapper, record, code) => {
    const raw = Buffer.from(JSON.stringify(record));
    const ocsf = kubernetesApiActivity(eventOf(wrapper), raw, { version: 'test' });
    expect(ocsf.src_endpoint).toEqual({ ip: '10.42.1.17' });
    expect(ocsf.http_request).toMatchObject({ user_agent: 'kubernetes-mcp-server/0.0.48 (linux/amd64) kubernetes/$Format' });
    expect((ocsf.api as { response?: { code?: number } }).response?.code).toBe(code);
    expect(ocsf.raw_data).toBe(raw.toString('utf8'));
  });
});
