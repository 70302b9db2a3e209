// The importers build events through normalizedEvent (core/ingest/format.ts), typed NormalizedEvent: a
// misspelled field is a compile error, which `npm run typecheck` (it compiles test/) proves through the
// expect-error directives below: were the field accepted, the unused directive would fail the typecheck.
import { describe, expect, it } from 'vitest';
import { normalizedEvent } from '../../../src-main/core/ingest/format';

describe('normalizedEvent', () => {
  it('drops absent fields and keeps the rest', () => {
    const event = normalizedEvent({ time_ns: 1n, kind: 'prompt', action: undefined, outcome: 'success', text: 'hi', taint: undefined });
    expect(event).toEqual({ time_ns: 1n, kind: 'prompt', outcome: 'success', text: 'hi' });
    expect(Object.keys(event)).not.toContain('action');
  });

  it('refuses a misspelled field, a wrong kind and a misspelled nested field at compile time', () => {
    // @ts-expect-error `acton` is not a field of NormalizedEvent
    const misspelled = normalizedEvent({ time_ns: null, kind: 'tool_call', acton: 'kubectl', outcome: 'success' });
    // @ts-expect-error `tool-call` is not an event kind
    const wrongKind = normalizedEvent({ time_ns: null, kind: 'tool-call', outcome: 'success' });
    // @ts-expect-error `nmae` is not a field of a target
    const nested = normalizedEvent({ time_ns: null, kind: 'k8s_api', target: { nmae: 'web' }, outcome: 'success' });
    // At run time the builder only compacts: the checks above are the compiler's.
    expect([misspelled, wrongKind, nested].map((e) => e.outcome)).toEqual(['success', 'success', 'success']);
  });
});
