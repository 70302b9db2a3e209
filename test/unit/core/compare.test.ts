// Compare cases (issue 21), the pure part: a case's agent actions as steps from its first prompt, and
// the alignment of two cases' steps (match, differ, only in one).
import { describe, expect, it } from 'vitest';
import { alignSequences, caseSequence, type ActionRecord } from '../../../src-main/core/analysis/compare';

let id = 0;
function rec(ms: number, kind: ActionRecord['kind'], fields: Partial<ActionRecord> = {}): ActionRecord {
  return { event_id: ++id, ms, time: new Date(ms).toISOString(), kind, outcome: 'success', ...fields };
}

const T1 = Date.parse('2025-04-03T14:31:04Z');
const T2 = Date.parse('2025-04-17T09:00:00Z');

describe('a case as steps from its first prompt', () => {
  it('folds the records of one tool call, and offsets every step from the first prompt', () => {
    const seq = caseSequence('a', '/a.causa', [
      rec(T1 - 60_000, 'api_call', { verb: 'list', resource: 'pods' }), // before the prompt: left out
      rec(T1, 'prompt', { text: 'update api-service' }),
      rec(T1 + 1000, 'tool_call', { tool: 'resources_get', resource: 'deployments', namespace: 'production', call_key: 'k1' }),
      rec(T1 + 1001, 'tool_call', { tool: 'resources_get', call_key: 'k1' }),
      rec(T1 + 1003, 'tool_call', { tool: 'resources_get', outcome: 'unknown', call_key: 'k1' }),
      rec(T1 + 1040, 'api_call', { verb: 'get', resource: 'deployments', namespace: 'production' }),
    ]);
    expect(seq.start).toBe(new Date(T1).toISOString());
    expect(seq.steps.map((s) => [s.kind, s.offset_ms, s.tool ?? s.verb])).toEqual([
      ['prompt', 0, undefined],
      ['tool_call', 1000, 'resources_get'],
      ['api_call', 1040, 'get'],
    ]);
    expect(seq.steps[1]).toMatchObject({ resource: 'deployments', namespace: 'production', outcome: 'success' });
    expect(seq.truncated).toBe(false);
  });

  it('keeps the first steps when there are too many, and says so', () => {
    const records = [rec(T1, 'prompt'), ...Array.from({ length: 10 }, (_, i) => rec(T1 + 10 + i, 'api_call', { verb: 'get' }))];
    const seq = caseSequence('a', '/a.causa', records, 5);
    expect(seq.steps).toHaveLength(5);
    expect(seq.truncated).toBe(true);
  });
});

describe('two cases aligned at their first prompts', () => {
  const a = caseSequence('a', '/a.causa', [
    rec(T1, 'prompt'),
    rec(T1 + 1000, 'tool_call', { tool: 'resources_get', resource: 'deployments' }),
    rec(T1 + 1100, 'api_call', { verb: 'get', resource: 'deployments', namespace: 'production' }),
    rec(T1 + 3000, 'tool_call', { tool: 'resources_create_or_update', resource: 'deployments' }),
    rec(T1 + 3100, 'api_call', { verb: 'patch', resource: 'deployments', namespace: 'production' }),
  ]);
  // Two weeks later, slower, in another namespace: the same reads, then a delete where a patch was.
  const b = caseSequence('b', '/b.causa', [
    rec(T2, 'prompt'),
    rec(T2 + 5000, 'tool_call', { tool: 'resources_get', resource: 'deployments' }),
    rec(T2 + 5200, 'api_call', { verb: 'get', resource: 'deployments', namespace: 'staging' }),
    rec(T2 + 7000, 'api_call', { verb: 'list', resource: 'configmaps', namespace: 'staging' }),
    rec(T2 + 9000, 'tool_call', { tool: 'resources_delete', resource: 'deployments' }),
    rec(T2 + 9100, 'api_call', { verb: 'delete', resource: 'deployments', namespace: 'staging', outcome: 'failure' }),
  ]);

  it('marks the same steps as matching and the different ones as differing, at offsets from each t=0', () => {
    const c = alignSequences(a, b);
    expect(c.rows.map((r) => [r.status, r.this?.offset_ms ?? null, r.other?.offset_ms ?? null])).toEqual([
      ['match', 0, 0],
      ['match', 1000, 5000],
      ['match', 1100, 5200], // the same verb and resource, whatever the namespace
      ['only_other', null, 7000],
      ['differ', 3000, 9000],
      ['differ', 3100, 9100],
    ]);
    expect(c.counts).toEqual({ match: 3, differ: 2, only_this: 0, only_other: 1 });
    expect(c.rows[5]!.other).toMatchObject({ verb: 'delete', namespace: 'staging', outcome: 'failure' });
  });

  it('never pairs steps of different kinds', () => {
    const p = caseSequence('p', '/p', [rec(T1, 'prompt'), rec(T1 + 10, 'api_call', { verb: 'get', resource: 'pods' })]);
    const q = caseSequence('q', '/q', [rec(T2, 'prompt'), rec(T2 + 10, 'tool_call', { tool: 'kubectl' })]);
    expect(alignSequences(p, q).rows.map((r) => r.status)).toEqual(['match', 'only_this', 'only_other']);
  });

  it('lines a case up with itself step for step', () => {
    const c = alignSequences(b, b);
    expect(c.rows.every((r) => r.status === 'match' && r.this === r.other)).toBe(true);
    expect(c.counts.match).toBe(b.steps.length);
  });
});
