// Every contract method's handler, run through the boundary (host/dispatch.ts) on the built-in INC-0047
// sample case, answers with a value its own zod output schema parses: the types the renderer is compiled
// against hold for what the main side really sends. A method added to the contract fails here until it
// is given an input below (or named, with the reason, among those run elsewhere).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../../src-main/host/dispatch';
import { contract, METHOD_NAMES, type Handlers, type MethodName } from '../../../src-main/shared/contract';
import { ServiceError } from '../../../src-main/shared/errors';
import type { Graph } from '../../../src-main/shared/graph';
import type { Workbench } from '../../../src-main/service/workbench';
import { tempWorkbenches } from '../../support/workbench';

const SAMPLE = new URL('../../../resources/samples/inc-0047', import.meta.url).pathname;

/** Methods not run here, and why. */
const ELSEWHERE: Partial<Record<MethodName, string>> = {
  captureCluster: 'needs a live cluster: test/unit/service/capture-workbench.test.ts runs it against a fake API server',
  openEvidence: "the Electron shell's own dialog (test/unit/shell/electron-shell.test.ts)",
  compareCase: 'needs a second case file: test/unit/service/compare.test.ts parses its answer with this schema',
  pullProfile: 'needs a ClickHouse server: test/unit/pull/pull-resume.test.ts parses its answer with this schema',
  planPull: 'needs a ClickHouse server: test/unit/pull/pull-resume.test.ts parses its answer with this schema',
  pullWindow: 'needs a ClickHouse server: test/unit/pull/pull-resume.test.ts parses its answer with this schema',
};

const cases = tempWorkbenches('causa-schemas-');
afterEach(() => {
  vi.unstubAllEnvs();
});
let workbench: Workbench;
let graph: Graph;

function handlers(): Handlers {
  return {
    ...workbench.handlers,
    capabilities: () => ({ open_dialog: false, transport: 'http' as const }),
    openEvidence: () => {
      throw new ServiceError('unsupported', 'no dialog here');
    },
  };
}

async function call(method: MethodName, input: unknown): Promise<unknown> {
  const result = await dispatch(handlers(), method, input);
  if (!result.ok) throw new Error(`${method}: ${result.code}: ${result.message}`);
  return result.value;
}

describe('every contract method answers in its output schema', () => {
  it('on the INC-0047 sample case', async () => {
    workbench = cases.open('sample');
    const report = await workbench.importPaths([SAMPLE]);
    expect(report.events).toBeGreaterThan(100);
    // The sample is signed by a key this test's home does not trust: the signer trustSigner is given.
    const signer = report.integrity?.find((i) => i.fingerprint)?.fingerprint;
    expect(signer).toMatch(/^[0-9a-f]{64}$/);
    graph = (await call('graph', {})) as Graph;
    const node = graph.nodes.find((n) => n.id.startsWith('e'))!;
    const group = graph.groups[0]!;
    const kubeconfig = join(cases.dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\ncontexts:\n- name: prod-ro\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: u\n  user: {token: t}\ncurrent-context: prod-ro\n',
    );
    vi.stubEnv('KUBECONFIG', kubeconfig);

    const inputs: Partial<Record<MethodName, unknown>> = {
      capabilities: {},
      caseInfo: {},
      listEvents: { limit: 50 },
      getEvent: { id: 1 },
      importProgress: {},
      cancelImport: {},
      verifyCase: {},
      verifyProgress: {},
      cancelVerify: {},
      trustSigner: { fingerprint: signer, scope: 'case' },
      graph: { filter: { kind: ['k8s_api'] } },
      groupMembers: { group: group.id, limit: 5 },
      filterValues: {},
      analysis: {},
      record: { action: { type: 'star', node: node.id, starred: true } },
      undo: {},
      redo: {},
      journal: {},
      analyst: {},
      setAnalyst: { name: 'Dana Schema' },
      kubeContexts: {},
      locateEvent: { id: 5 },
      histogram: { buckets: 20 },
      exportReport: { format: 'md' },
      exportExcerpt: {},
      exportOcsf: { filter: {} },
      queryFields: {},
      checkQuery: { query: 'ns:production verb:delete' },
      attribution: {},
      findings: { hours: '8-18' },
      guardrails: {},
      taint: {},
      compareCandidates: {},
      pullProgress: {},
      cancelPull: {},
      agentTraces: {},
      traceSpans: { trace_id: ((await call('agentTraces', {})) as { trace_id: string }[])[0]!.trace_id },
      importFiles: { files: [{ name: 'more.jsonl', data_base64: Buffer.from('{"not":"a record"}\n').toString('base64') }] },
    };
    const untested = METHOD_NAMES.filter((m) => !(m in inputs) && !(m in ELSEWHERE));
    expect(untested, 'methods with neither an input here nor a reason in ELSEWHERE').toEqual([]);

    for (const [method, input] of Object.entries(inputs) as [MethodName, unknown][]) {
      const value = await call(method, input);
      const parsed = contract[method].output.safeParse(value);
      expect(parsed.success ? [] : parsed.error.issues.map((i) => `${method}: ${i.path.join('.')}: ${i.message}`), method).toEqual([]);
    }
  });
});
