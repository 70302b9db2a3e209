// The query box's autocomplete and the "around this event" queries: pure parts of features/query, and
// every query they build is one the parser reads.
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../src-main/core/query';
import { describeQueryFields } from '../../../src-main/shared/query';
import type { EventJson } from '../../../src-main/shared/model';
import { suggest, wordAt } from '../../../src-renderer/src/features/query/autocomplete';
import { aroundTime, sameActor, sameObject, sameTrace } from '../../../src-renderer/src/features/query/around';
import { BASE_DURATION_MS, cursorFromUrl, nextCursor, TICK_MS, urlWithCursor } from '../../../src-renderer/src/features/query/replay';

const FIELDS = describeQueryFields();
const values = (field: string) => (field === 'namespace' ? ['payments', 'production', 'kube-system'] : []);

function complete(text: string, caret = text.length) {
  return suggest(FIELDS, values, wordAt(text, caret));
}

function applyFirst(text: string, caret = text.length): string {
  const s = complete(text, caret)[0]!;
  return text.slice(0, s.from) + s.insert + text.slice(s.to);
}

describe('query autocomplete', () => {
  it('completes field names, aliases included, and nothing for an empty word', () => {
    expect(complete('kind:k8s_api na').map((s) => s.label)).toEqual(['namespace:', 'name:']);
    expect(complete('ver').map((s) => s.label)).toEqual(['action:']); // verb is an alias of action
    expect(complete('kind:k8s_api ')).toEqual([]);
    expect(applyFirst('-outc')).toBe('-outcome:');
  });

  it("completes a field's fixed values, then the case's own values, quoting what needs it", () => {
    expect(complete('outcome:de').map((s) => s.label)).toEqual(['denied']);
    expect(applyFirst('kind:tool_c')).toBe('kind:tool_call ');
    expect(complete('ns:p').map((s) => s.label)).toEqual(['payments', 'production']);
    expect(applyFirst('(ns:pay OR x)', 7)).toBe('(ns:payments  OR x)');
    expect(suggest(FIELDS, () => ['two words'], wordAt('source:t', 8))[0]!.insert).toBe('"two words" ');
  });

  it('finds the word at the caret in the middle of a query', () => {
    expect(wordAt('kind:prompt ns:pro verb:get', 18)).toMatchObject({ field: 'ns', partial: 'pro', start: 12, valueStart: 15, end: 18 });
    expect(wordAt('a (kin', 6)).toMatchObject({ start: 3, partial: 'kin' });
  });
});

describe('around this event', () => {
  const event: EventJson = {
    id: 7,
    source: 'audit.jsonl',
    position: 3,
    raw_sha256: 'x',
    time: '2025-04-03T14:31:07.123456789Z',
    kind: 'k8s_api',
    outcome: 'success',
    actor: { type: 'agent', id: 'system:serviceaccount:ops:"agent"' },
    target: { resource: 'deployments', namespace: 'payments', name: 'api-service' },
    keys: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' },
  };

  it('builds queries the parser reads and that say what they mean', () => {
    expect(aroundTime(event, 5)).toBe('time>=2025-04-03T14:26:07.123Z time<=2025-04-03T14:36:07.123Z');
    expect(sameActor(event)).toBe('actor.id:"system:serviceaccount:ops:\\"agent\\""');
    expect(sameObject(event)).toBe('resource:"deployments" ns:"payments" name:"api-service"');
    expect(sameObject({ ...event, target: { ...event.target, uid: 'u-1' } })).toBe('uid:"u-1"');
    expect(sameTrace(event)).toBe('keys.trace_id:"4bf92f3577b34da6a3ce929d0e0e4736"');
    for (const query of [aroundTime(event, 60), sameActor(event), sameObject(event), sameTrace(event)]) {
      expect(() => parseQuery(query!)).not.toThrow();
    }
    expect(parseQuery(sameActor(event)!)).toMatchObject({ field: 'actor.id', value: { text: 'system:serviceaccount:ops:"agent"' } });
  });

  it('offers nothing the event does not have', () => {
    const bare: EventJson = { id: 1, source: 's', position: 1, raw_sha256: 'x', kind: 'other', outcome: 'unknown' };
    expect([aroundTime(bare, 5), sameActor(bare), sameObject(bare), sameTrace(bare)]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('replay', () => {
  it('advances the cursor a tick at a time, faster at a higher speed, and stops at the end', () => {
    const start = Date.parse('2025-04-03T14:25:00Z');
    const end = Date.parse('2025-04-03T15:00:00Z');
    const one = nextCursor(start, start, end, 1) - start;
    expect(one).toBeCloseTo(((end - start) / BASE_DURATION_MS) * TICK_MS);
    expect(nextCursor(start, start, end, 16) - start).toBeCloseTo(one * 16);
    expect(nextCursor(end - 1, start, end, 16)).toBe(end);
  });

  it('reads the cursor from the URL only when it is a time, and writes it keeping the rest of the URL', () => {
    expect(cursorFromUrl('?at=2025-04-03T14:31:00.000Z')).toBe('2025-04-03T14:31:00.000Z');
    expect(cursorFromUrl('?at=yesterday')).toBeUndefined();
    expect(cursorFromUrl('?at=2025-13-03T14:31:00Z')).toBeUndefined();
    expect(cursorFromUrl('')).toBeUndefined();
    expect(urlWithCursor('http://127.0.0.1:5/?x=1#a=b', '2025-04-03T14:31:00.000Z')).toBe('/?x=1&at=2025-04-03T14%3A31%3A00.000Z#a=b');
    expect(urlWithCursor('http://127.0.0.1:5/?at=2025-04-03T14%3A31%3A00.000Z#a=b', undefined)).toBe('/#a=b');
  });
});
