// The contract boundary both transports share: only contract methods exist, input is parsed before a
// handler runs, and every outcome (including a throw) comes back as {ok, ...} data.
import { describe, expect, it, vi, type Mock } from 'vitest';
import { dispatch } from '../../../src-main/host/dispatch';
import { ERROR_CODES, METHOD_NAMES, type Handlers, type MethodName } from '../../../src-main/shared/contract';
import { ServiceError } from '../../../src-main/shared/errors';

type FakeHandlers = Handlers & { [M in MethodName]: Mock };

/** Each handler answers with its own name and what it was given, so routing and parsing are visible. */
function fakeHandlers(): FakeHandlers {
  return Object.fromEntries(
    METHOD_NAMES.map((method) => [method, vi.fn((input: unknown) => ({ method, input }))]),
  ) as unknown as FakeHandlers;
}

function expectNoHandlerCalled(handlers: FakeHandlers): void {
  for (const method of METHOD_NAMES) expect(handlers[method], method).not.toHaveBeenCalled();
}

/** The smallest valid input of each method. */
const VALID_INPUT: Record<MethodName, unknown> = {
  capabilities: {},
  caseInfo: {},
  listEvents: {},
  getEvent: { id: 1 },
  importFiles: { files: [{ name: 'audit.jsonl', data_base64: '' }] },
  verifyCase: {},
  trustSigner: { fingerprint: '0'.repeat(64), scope: 'case' },
  importProgress: {},
  cancelImport: {},
  verifyProgress: {},
  cancelVerify: {},
  graph: {},
  groupMembers: { group: 'g:api:k8s_api:system:kube-controller-manager' },
  filterValues: {},
  analysis: {},
  record: { action: { type: 'star', node: 'e1', starred: true } },
  undo: {},
  redo: {},
  journal: {},
  analyst: {},
  setAnalyst: { name: 'Dana' },
  kubeContexts: {},
  captureCluster: { context: 'prod-ro' },
  locateEvent: { id: 1 },
  histogram: {},
  exportReport: { format: 'html' },
  exportExcerpt: {},
  exportOcsf: { filter: { kind: ['k8s_api'], namespace: 'production' } },
  openEvidence: {},
  queryFields: {},
  checkQuery: { query: 'ns:prod' },
  attribution: {},
  findings: { hours: '8-18' },
  guardrails: {},
  taint: {},
  compareCandidates: {},
  compareCase: { path: '/cases/b.causa' },
  traceSpans: { trace_id: 'ab'.repeat(16) },
  agentTraces: {},
  pullProfile: { path: 'audit.json' },
  planPull: { profile: 'audit.json', from: '2025-04-01T00:00:00Z', to: '2025-04-01T01:00:00Z' },
  pullWindow: { profile: 'audit.json', from: '2025-04-01T00:00:00Z', to: '2025-04-01T01:00:00Z', namespace: 'prod' },
  pullProgress: {},
  cancelPull: {},
};

describe('dispatch', () => {
  it.each(METHOD_NAMES)('routes %s to its own handler only', async (method) => {
    const handlers = fakeHandlers();
    const result = await dispatch(handlers, method, VALID_INPUT[method]);
    expect(result).toMatchObject({ ok: true, value: { method } });
    expect(handlers[method]).toHaveBeenCalledTimes(1);
    for (const other of METHOD_NAMES.filter((m) => m !== method)) expect(handlers[other]).not.toHaveBeenCalled();
  });

  it.each(['doesNotExist', 'CaseInfo', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'answers not_found for "%s" and runs nothing',
    async (method) => {
      const handlers = fakeHandlers();
      const result = await dispatch(handlers, method, {});
      expect(result).toEqual({ ok: false, code: 'not_found', message: `no API method "${method}"` });
      expectNoHandlerCalled(handlers);
    },
  );

  it.each<[MethodName, unknown]>([
    ['listEvents', { limit: 5000 }],
    ['listEvents', { limit: 0 }],
    ['listEvents', { limit: 1.5 }],
    ['listEvents', { limit: '10' }],
    ['listEvents', { offset: -1 }],
    ['listEvents', { filter: { kind: ['not-a-kind'] } }],
    ['listEvents', { filter: { search: 'x'.repeat(1001) } }],
    ['listEvents', { filter: { actor: 42 } }],
    ['listEvents', { filter: 'everything' }],
    ['captureCluster', {}],
    ['captureCluster', { context: '' }],
    ['captureCluster', { context: 'prod', namespace: '../etc' }],
    ['captureCluster', { context: 'prod', watch: '5 minutes' }],
    ['captureCluster', { context: 'prod', out: '/etc/passwd' }],
    ['getEvent', {}],
    ['getEvent', { id: 0 }],
    ['getEvent', { id: '1' }],
    ['getEvent', { id: 1.5 }],
    ['importFiles', {}],
    ['importFiles', { files: [] }],
    ['importFiles', { files: [{ name: '', data_base64: '' }] }],
    ['importFiles', { files: [{ name: 'x'.repeat(1025), data_base64: '' }] }],
    ['importFiles', { files: [{ path: '/etc/passwd' }] }],
    ['importFiles', { files: Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, data_base64: '' })) }],
    ['caseInfo', 'a string'],
    ['caseInfo', 42],
    ['caseInfo', []],
  ])('answers invalid_input for %s(%j) and runs nothing', async (method, input) => {
    const handlers = fakeHandlers();
    const result = await dispatch(handlers, method, input);
    expect(result).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(result.ok === false && result.message.startsWith(`${method}: `)).toBe(true);
    expectNoHandlerCalled(handlers);
  });

  it('names the offending field in an invalid_input message', async () => {
    const result = await dispatch(fakeHandlers(), 'listEvents', { limit: 5000 });
    expect(result.ok === false && result.message).toMatch(/^listEvents: .*limit/s);
  });

  it('hands the handler the parsed input: defaults filled in, unknown keys dropped', async () => {
    const handlers = fakeHandlers();
    await dispatch(handlers, 'listEvents', { limit: 5, injected: 'x', filter: { actor: 'bob', extra: true } });
    expect(handlers.listEvents).toHaveBeenCalledWith({ filter: { actor: 'bob' }, offset: 0, limit: 5 });
    await dispatch(handlers, 'getEvent', { id: 3, path: '/etc/passwd' });
    expect(handlers.getEvent).toHaveBeenCalledWith({ id: 3 });
  });

  it.each([undefined, null])('treats %s input as {}', async (input) => {
    const handlers = fakeHandlers();
    const result = await dispatch(handlers, 'listEvents', input);
    expect(result.ok).toBe(true);
    expect(handlers.listEvents).toHaveBeenCalledWith({ filter: {}, offset: 0, limit: 200 });
  });

  it('awaits an async handler and wraps its value', async () => {
    const handlers = fakeHandlers();
    handlers.caseInfo.mockImplementation(async () => ({ name: 'inc-0047' }));
    expect(await dispatch(handlers, 'caseInfo', {})).toEqual({ ok: true, value: { name: 'inc-0047' } });
  });

  it.each(
    ERROR_CODES.flatMap((code) => [
      { code, async: false },
      { code, async: true },
    ]),
  )('carries a ServiceError($code) thrown (async: $async) back as data', async ({ code, async }) => {
    const handlers = fakeHandlers();
    const error = new ServiceError(code, `because of ${code}`);
    handlers.getEvent.mockImplementation(
      async
        ? async () => {
            throw error;
          }
        : () => {
            throw error;
          },
    );
    await expect(dispatch(handlers, 'getEvent', { id: 7 })).resolves.toEqual({
      ok: false,
      code,
      message: `because of ${code}`,
    });
  });

  it.each<[string, unknown, string]>([
    ['an Error', new Error('disk on fire'), 'disk on fire'],
    ['a TypeError', new TypeError('x is not a function'), 'x is not a function'],
    ['a string', 'plain string thrown', 'plain string thrown'],
    ['undefined', undefined, 'undefined'],
  ])('turns %s thrown by a handler into an internal error instead of rejecting', async (_label, thrown, message) => {
    const handlers = fakeHandlers();
    handlers.caseInfo.mockImplementation(() => {
      throw thrown;
    });
    await expect(dispatch(handlers, 'caseInfo', {})).resolves.toEqual({ ok: false, code: 'internal', message });
  });
});
