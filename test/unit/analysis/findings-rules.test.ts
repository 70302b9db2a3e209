// Each findings rule at the edge of its threshold, on calls made by hand: one short of the rule finds
// nothing, the rule's count finds one, and the same calls give the same finding ids each time.
import { describe, expect, it } from 'vitest';
import type { ApiCall } from '../../../src-main/core/analysis/attribution';
import { detectFindings } from '../../../src-main/core/analysis/findings';

const T0 = Date.UTC(2026, 10, 30, 10); // Monday 10:00 UTC, working time
let nextId = 1;
function call(ms: number, patch: Partial<ApiCall> = {}): ApiCall {
  return {
    id: nextId++,
    ms,
    actor: 'system:serviceaccount:ci:deployer',
    actorType: 'service_account',
    verb: 'get',
    resource: 'pods',
    namespace: 'ci',
    outcome: 'success',
    ...patch,
  };
}

describe('denial bursts', () => {
  it('needs 5 denials within 60 s, and extends while they keep coming', () => {
    const four = [0, 10, 20, 30].map((s) => call(T0 + s * 1000, { outcome: 'denied' }));
    expect(detectFindings(() => four).findings.filter((f) => f.rule === 'denial_burst')).toEqual([]);
    const spread = [0, 30, 61, 92, 123].map((s) => call(T0 + s * 1000, { outcome: 'denied' }));
    expect(detectFindings(() => spread).findings.filter((f) => f.rule === 'denial_burst')).toEqual([]);
    const burst = [0, 10, 20, 30, 40, 95].map((s) => call(T0 + s * 1000, { outcome: 'denied' }));
    const found = detectFindings(() => burst).findings.filter((f) => f.rule === 'denial_burst');
    expect(found).toHaveLength(1);
    expect(found[0]!.event_ids).toEqual(burst.map((c) => c.id));
  });
});

describe('rate', () => {
  const steady = (extra: number) => {
    const calls: ApiCall[] = [];
    for (let m = 0; m < 30; m += 1) {
      const n = m === 20 ? 5 + extra : 5;
      for (let i = 0; i < n; i += 1) calls.push(call(T0 + m * 60_000 + i * 100));
    }
    return calls;
  };

  it('flags a minute only past both the z-score and the excess over the median', () => {
    expect(detectFindings(() => steady(19)).findings.filter((f) => f.rule === 'rate')).toEqual([]);
    const found = detectFindings(() => steady(20)).findings.filter((f) => f.rule === 'rate');
    expect(found).toHaveLength(1);
    expect(found[0]!.event_count).toBe(25);
    expect(found[0]!.parameters).toMatchObject({ median_per_minute: 5, mad: 0 });
  });

  it('gives the same ids to the same calls', () => {
    const calls = steady(30);
    expect(detectFindings(() => calls).findings.map((f) => f.id)).toEqual(detectFindings(() => calls).findings.map((f) => f.id));
  });
});

describe('sequences', () => {
  const steps = [
    { verb: 'list', resource: 'secrets' },
    { verb: 'delete', resource: 'pods' },
  ];
  const options = { sequences: [{ name: 'REF', steps }], sequenceWindowMs: 15 * 60_000 };

  it('matches the steps in order within the window, and not out of order or too slowly', () => {
    const inOrder = [
      call(T0, { verb: 'list', resource: 'secrets' }),
      call(T0 + 1000),
      call(T0 + 60_000, { verb: 'delete', resource: 'pods' }),
    ];
    const found = detectFindings(() => inOrder, options).findings.filter((f) => f.rule === 'sequence');
    expect(found.map((f) => f.event_ids)).toEqual([[inOrder[0]!.id, inOrder[2]!.id]]);
    const reversed = [call(T0, { verb: 'delete', resource: 'pods' }), call(T0 + 1000, { verb: 'list', resource: 'secrets' })];
    expect(detectFindings(() => reversed, options).findings.filter((f) => f.rule === 'sequence')).toEqual([]);
    const slow = [call(T0, { verb: 'list', resource: 'secrets' }), call(T0 + 16 * 60_000, { verb: 'delete', resource: 'pods' })];
    expect(detectFindings(() => slow, options).findings.filter((f) => f.rule === 'sequence')).toEqual([]);
  });
});

describe('agent identities', () => {
  it('a service account impersonating a person is an agent identity; a person deleting is not a destructive-agent finding', () => {
    const calls = [
      call(T0, { actor: 'system:serviceaccount:mcp:tools', onBehalfOf: 'ann@example.com', verb: 'delete', resource: 'deployments' }),
      call(T0 + 1000, { actor: 'ann@example.com', actorType: 'human', verb: 'delete', resource: 'deployments' }),
    ];
    const found = detectFindings(() => calls).findings.filter((f) => f.rule === 'agent_destructive');
    expect(found.map((f) => f.identity)).toEqual(['system:serviceaccount:mcp:tools']);
  });
});
