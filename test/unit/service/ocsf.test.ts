// The OCSF export of both built-in samples: every record is an API Activity record with the attributes
// OCSF 1.3.0 requires (and only attribute names the class, its objects and the profiles it names have),
// Kubernetes API calls carry the authorizer's decision and the admission policies' verdicts, MCP tool
// calls are paired with their results, and the timeline's filters select what is exported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolActivity } from '../../../src-main/core/export/ocsf-mcp';
import { emptyOcsfCounts, ocsfLines, type OcsfCounts } from '../../../src-main/service/exports';
import { Workbench } from '../../../src-main/service/workbench';
import type { EventFilter } from '../../../src-main/shared/contract';

const SAMPLES = fileURLToPath(new URL('../../../resources/samples/', import.meta.url));

/** The API Activity attributes of OCSF 1.3.0 this export may write (class, base event, datetime and security_control profiles). */
const TOP_LEVEL = new Set([
  'category_uid',
  'category_name',
  'class_uid',
  'class_name',
  'activity_id',
  'activity_name',
  'type_uid',
  'type_name',
  'severity_id',
  'severity',
  'time',
  'time_dt',
  'status_id',
  'status',
  'status_code',
  'status_detail',
  'action_id',
  'action',
  'disposition_id',
  'disposition',
  'metadata',
  'actor',
  'api',
  'resources',
  'src_endpoint',
  'dst_endpoint',
  'http_request',
  'http_response',
  'unmapped',
  'raw_data',
]);
const OBJECT_KEYS: Record<string, string[]> = {
  metadata: ['version', 'profiles', 'product', 'original_time', 'log_name', 'uid', 'correlation_uid'],
  actor: ['user', 'app_name', 'authorizations'],
  api: ['operation', 'service', 'request', 'response'],
  src_endpoint: ['ip', 'intermediate_ips', 'name'],
  dst_endpoint: ['svc_name'],
  http_request: ['user_agent', 'url'],
  http_response: ['code'],
};

interface OcsfRow {
  [key: string]: unknown;
  class_uid: number;
  activity_id: number;
  activity_name: string;
  type_uid: number;
  severity_id: number;
  status_id: number;
  time: number;
  action_id?: number;
  disposition_id?: number;
  metadata: {
    version: string;
    profiles: string[];
    product: { name: string; vendor_name: string; feature: { name: string } };
    uid?: string;
    correlation_uid?: string;
  };
  actor: { user?: { name: string }; app_name?: string; authorizations?: { decision: string; policy?: { name?: string; desc?: string } }[] };
  api: {
    operation: string;
    service?: { name: string };
    request?: { uid: string };
    response?: { code?: number; error?: string; error_message?: string };
  };
  resources?: { name?: string; type?: string; namespace?: string }[];
  src_endpoint?: { ip?: string; name?: string };
  unmapped: { causa: { event_id: number; raw_sha256: string; on_behalf_of?: string; result?: { event_id: number } } };
  raw_data: string;
}

let dir: string;
const cases: { [name: string]: Workbench } = {};

function exportOcsf(name: string, filter: EventFilter = {}): { records: OcsfRow[]; counts: OcsfCounts } {
  const counts = emptyOcsfCounts();
  const records = [...ocsfLines(cases[name]!.store, filter, counts)].map((line) => JSON.parse(line) as OcsfRow);
  return { records, counts };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-ocsf-'));
  for (const name of ['inc-0047', 'staging-apollo']) {
    cases[name] = Workbench.open(join(dir, `${name}.causa`), { create: true });
    await cases[name].importPaths([join(SAMPLES, name)]);
  }
});

afterAll(() => {
  for (const workbench of Object.values(cases)) workbench.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['inc-0047', 'staging-apollo'])('the OCSF export of %s', (name) => {
  it('writes only API Activity records with the attributes OCSF 1.3.0 requires, named as the schema names them', () => {
    const { records, counts } = exportOcsf(name);
    expect(records.length).toBe(counts.written);
    expect(counts.written).toBe(counts.kubernetes + counts.mcp);
    for (const r of records) {
      expect(r).toMatchObject({
        category_uid: 6,
        class_uid: 6003,
        metadata: { version: '1.3.0', product: { name: 'Causa', vendor_name: 'Causa' } },
      });
      expect([0, 1, 2, 3, 4, 99]).toContain(r.activity_id);
      expect(r.type_uid).toBe(600300 + r.activity_id);
      expect(r.activity_name).toBeTruthy();
      expect([1, 2, 3]).toContain(r.severity_id);
      expect([0, 1, 2]).toContain(r.status_id);
      expect(r.time).toBeGreaterThan(Date.parse('2025-01-01'));
      expect(r.metadata.profiles).toContain('datetime');
      // Required: actor (a user, or the client application), api.operation, src_endpoint (an ip or a name).
      expect(r.actor.user?.name ?? r.actor.app_name).toBeTruthy();
      expect(r.api.operation).toBeTruthy();
      expect(r.src_endpoint?.ip ?? r.src_endpoint?.name).toBeTruthy();
      for (const key of Object.keys(r)) expect(TOP_LEVEL.has(key), `${key} is not an API Activity attribute`).toBe(true);
      for (const [object, keys] of Object.entries(OBJECT_KEYS)) {
        for (const key of Object.keys((r[object] as object | undefined) ?? {})) expect(keys, `${object}.${key}`).toContain(key);
      }
      expect(JSON.stringify({ ...r, raw_data: undefined })).not.toContain('null');
    }
  });

  it('puts the authorizer’s decision on every audited API call that has one, with the security_control outcome', () => {
    const { records } = exportOcsf(name, { kind: ['k8s_api'] });
    const withDecision = records.filter((r) => r.actor.authorizations?.length);
    const raw = records.filter(
      (r) => (JSON.parse(r.raw_data) as { annotations?: { [k: string]: string } }).annotations?.['authorization.k8s.io/decision'],
    );
    expect(withDecision.length).toBe(raw.length);
    expect(withDecision.length).toBeGreaterThan(1000);
    for (const r of withDecision) {
      const decision = (JSON.parse(r.raw_data) as { annotations: { [k: string]: string } }).annotations['authorization.k8s.io/decision'];
      expect(r.actor.authorizations![0]!.decision).toBe(decision === 'allow' ? 'allowed' : 'denied');
      expect(r.metadata.profiles).toContain('security_control');
      expect(r.action_id).toBe(decision === 'allow' ? 1 : 2);
    }
    const rbac = withDecision.find((r) => r.actor.authorizations![0]!.policy?.desc?.startsWith('RBAC: allowed by'))!;
    expect(rbac.actor.authorizations![0]!.policy!.name).toBe('RBAC');
    expect(rbac).toMatchObject({ action_id: 1, disposition_id: 1 });
    expect(rbac.api.request!.uid).toBe(rbac.metadata.uid);
  });
});

describe('the OCSF export of staging-apollo (a denial and a policy that was not enforced)', () => {
  it('gives the denial the API server’s refusal as its reason, Blocked and Medium', () => {
    const { records } = exportOcsf('staging-apollo', { kind: ['k8s_api'] });
    const denied = records.filter((r) => r.actor.authorizations?.[0]?.decision === 'denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({
      activity_id: 2,
      status_id: 2,
      status_code: '403',
      severity_id: 3,
      action_id: 2,
      disposition_id: 2,
      api: { operation: 'list', response: { code: 403, error: 'Forbidden' } },
      unmapped: { causa: { on_behalf_of: 'priya.s@example.com' } },
    });
    // RBAC writes no reason when it forbids; the refusal names who could not do what.
    expect(denied[0]!.actor.authorizations![0]!.policy!.desc).toContain('cannot list resource "horizontalpodautoscalers"');
  });

  it('folds the admission policy’s verdict into the delete it let through: Allowed, but Detected', () => {
    const { records, counts } = exportOcsf('staging-apollo');
    const del = records.find(
      (r) =>
        r.api.operation === 'delete' &&
        r.resources?.[0]?.type === 'autoscaling/horizontalpodautoscalers' &&
        r.metadata.product.feature.name === 'kubernetes-audit',
    )!;
    expect(del.actor.authorizations).toEqual([
      { decision: 'allowed', policy: { name: 'RBAC', desc: expect.stringContaining('RoleBinding "apollo-devs-edit/staging-apollo"') } },
      {
        decision: 'not enforced (Audit)',
        policy: { name: 'hpa-protect', desc: expect.stringContaining('may not be deleted while it is scaling') },
      },
    ]);
    expect(del).toMatchObject({ activity_id: 4, status_id: 1, action_id: 1, disposition_id: 15, disposition: 'Detected', severity_id: 2 });
    expect(counts.folded.get('policy_decision')).toBe(1);
    expect(counts.skipped.has('policy_decision')).toBe(false);
  });

  it('writes each MCP tools/call once, with the result the transcript pairs with it', () => {
    const { records, counts } = exportOcsf('staging-apollo');
    const mcp = records.filter((r) => r.metadata.product.feature.name === 'mcp-jsonrpc');
    // Six calls: the fifth reads the load-test notes ConfigMap (the prompt injection of issue 20).
    expect(mcp).toHaveLength(6);
    expect(counts).toMatchObject({ mcp: 6 });
    expect(counts.folded.get('tool_result')).toBe(6);
    // The agent's OpenTelemetry spans of the same calls are not written again.
    expect(counts.skipped.get('tool_call (telemetry)')).toBeGreaterThan(0);
    for (const r of mcp) {
      expect(r.actor.app_name).toBe(r.src_endpoint!.name);
      expect(r.api.service!.name).toBe('kubernetes-mcp-server');
      expect(r.api.request!.uid).toMatch(/^toolu_/);
      expect(r.unmapped.causa.result).toBeDefined();
      expect(JSON.parse(r.raw_data).message.method).toBe('tools/call');
    }
    expect(mcp.map((r) => [r.api.operation, r.activity_id, r.status_id])).toEqual([
      ['resources_list', 2, 2],
      ['resources_list', 2, 1],
      ['resources_get', 2, 1],
      ['resources_scale', 99, 1],
      ['resources_get', 2, 1],
      ['resources_delete', 4, 1],
    ]);
    // The tool error the agent saw is the status detail: the list was forbidden for priya.s.
    expect(mcp[0]!.api.response).toMatchObject({ error: 'tool error (isError)', error_message: expect.stringContaining('forbidden') });
  });
});

describe('the OCSF export of inc-0047', () => {
  it('writes the agent’s MCP calls and the patch they caused, on behalf of james.w', () => {
    const { records } = exportOcsf('inc-0047', { namespace: ['production'], since: '2025-04-03T14:31:00Z', until: '2025-04-03T14:32:00Z' });
    const mcp = records.filter((r) => r.metadata.product.feature.name === 'mcp-jsonrpc');
    expect(mcp.map((r) => r.api.operation)).toEqual(['resources_get', 'resources_create_or_update']);
    expect(mcp[1]).toMatchObject({
      activity_id: 99,
      activity_name: 'resources_create_or_update',
      resources: [{ name: 'api-service', type: 'apps/deployments', namespace: 'production' }],
    });
    // The MCP server's service account made the call, impersonating james.w: OCSF has no field for that.
    const patch = records.find((r) => r.api.operation === 'patch' && r.unmapped.causa.on_behalf_of === 'james.w@example.com')!;
    expect(patch.actor.user!.name).toBe('system:serviceaccount:mcp-system:kubernetes-mcp-server');
    expect(patch).toMatchObject({
      activity_id: 3,
      status_id: 1,
      resources: [{ name: 'api-service', type: 'apps/deployments', namespace: 'production' }],
    });
    expect(patch.actor.authorizations![0]).toMatchObject({ decision: 'allowed', policy: { name: 'RBAC' } });
  });
});

describe('the OCSF export filtered as the timeline filters', () => {
  it('selects by kind, actor, namespace, time and text, one record per call whatever the stages setting', () => {
    const workbench = cases['inc-0047']!;
    const filters: EventFilter[] = [
      { kind: ['k8s_api'], actor: 'james.w' },
      { namespace: ['production'], kind: ['k8s_api'] },
      { since: '2025-04-03T14:31:00Z', until: '2025-04-03T14:36:00Z', kind: ['k8s_api'] },
      { search: 'v3.2.1-beta', kind: ['k8s_api'] },
    ];
    for (const filter of filters) {
      const { records } = exportOcsf('inc-0047', filter);
      const calls = [...workbench.events(filter)];
      expect(
        records.map((r) => r.unmapped.causa.event_id),
        JSON.stringify(filter),
      ).toEqual(calls.map((e) => e.id));
      expect(records.length).toBeGreaterThan(0);
      expect(exportOcsf('inc-0047', { ...filter, stages: true }).records).toHaveLength(records.length);
    }
    const production = exportOcsf('inc-0047', { namespace: ['production'] }).records;
    expect(production.every((r) => r.resources?.[0]?.namespace === 'production')).toBe(true);
    expect(exportOcsf('inc-0047', { kind: ['prompt'] }).records).toEqual([]);
  });
});

describe('toolActivity', () => {
  it('reads the CRUD verb a tool’s name says, and says Other with the name when it says two or none', () => {
    expect(toolActivity('resources_get')).toEqual({ id: 2, name: 'Read' });
    expect(toolActivity('pods_list_in_namespace')).toEqual({ id: 2, name: 'Read' });
    expect(toolActivity('get-k8s-resource')).toEqual({ id: 2, name: 'Read' });
    expect(toolActivity('pods_delete')).toEqual({ id: 4, name: 'Delete' });
    expect(toolActivity('helm_install')).toEqual({ id: 1, name: 'Create' });
    expect(toolActivity('resources_create_or_update')).toEqual({ id: 99, name: 'resources_create_or_update' });
    expect(toolActivity('apply-k8s-resource')).toEqual({ id: 99, name: 'apply-k8s-resource' });
    expect(toolActivity('pods_exec')).toEqual({ id: 99, name: 'pods_exec' });
    expect(toolActivity(undefined)).toEqual({ id: 0, name: 'Unknown' });
  });
});
