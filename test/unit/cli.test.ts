import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../support/cli';
import type { ImportReport } from '../../src-main/shared/contract';
import type { Graph } from '../../src-main/shared/graph';
import { writeJsonLine } from '../../src-main/cli/io';
import { Workbench } from '../../src-main/service/workbench';
import type { EventJson } from '../../src-main/shared/model';

const CORPUS = new URL('../fixtures/corpus/k8s-audit/', import.meta.url).pathname;
const EXEC_LOG = join(CORPUS, 'crowdsec_k8s-audit-pod-exec-file.log');
const PRIV_POD_LOG = join(CORPUS, 'crowdsec_k8s-audit-priv-pod-file.log');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'causa-cli-'));
}

let sample: Promise<string> | undefined;
/** The built-in INC-0047 sample imported once, for the filters whose values the corpus lacks (outcomes, verdicts). */
function sampleCase(): Promise<string> {
  sample ??= (async () => {
    const casePath = join(tempDir(), 'sample.causa');
    const result = await run('import', new URL('../../resources/samples/inc-0047', import.meta.url).pathname, '--case', casePath);
    // Imported whole; exit 1 only because the sample's signer is not trusted in this test's home.
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('inc-0047: UNTRUSTED: signed by a key you have not trusted');
    return casePath;
  })();
  return sample;
}

describe('causa import', () => {
  it('imports a clean audit log and exits 0', async () => {
    const casePath = join(tempDir(), 'c.causa');
    const result = await run('import', EXEC_LOG, '--case', casePath, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ImportReport;
    expect(report).toMatchObject({ events: 1, errors: 0 });
    expect(report.files[0]).toMatchObject({ file: 'crowdsec_k8s-audit-pod-exec-file.log', format: 'k8s-audit', status: 'imported' });
  });

  it('reports bad records with file, line and reason, keeps the good ones, and exits 1', async () => {
    const dir = tempDir();
    const good = readFileSync(EXEC_LOG, 'utf8').trimEnd();
    const other = readFileSync(PRIV_POD_LOG, 'utf8').trimEnd();
    const mixed = join(dir, 'mixed.log');
    writeFileSync(mixed, `${good}\n{"kind": "Event", "broken\n${other}\n${other.slice(0, 80)}`);
    const casePath = join(dir, 'c.causa');
    const result = await run('import', mixed, '--case', casePath);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^mixed\.log:2: invalid JSON/m);
    expect(result.stderr).toMatch(/^mixed\.log:4: truncated record at end of file/m);
    expect(result.stdout).toContain('mixed.log: imported 2 events (k8s-audit), 2 errors');
    const events = await run('events', casePath, '--json');
    expect(
      events.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as EventJson).position)
        .sort(),
    ).toEqual([1, 3]);
  });

  it('reports a file of no format it reads, naming it', async () => {
    const dir = tempDir();
    const unknown = join(dir, 'notes.jsonl');
    writeFileSync(unknown, '{"note":"call the on-call"}\n');
    const result = await run('import', unknown, '--case', join(dir, 'c.causa'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('notes.jsonl:1: no line is a record of any format Causa reads');
    expect(result.stdout).toContain('notes.jsonl: nothing imported');
  });

  it('reads a file as the format named by --format, each record that is not one saying why', async () => {
    const dir = tempDir();
    const pods = join(dir, 'pods.json');
    writeFileSync(pods, '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}\n');
    const result = await run('import', pods, '--case', join(dir, 'c.causa'), '--format', 'k8s-audit');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pods.json:1: not a Kubernetes audit event: kind is "Pod"');
    const bad = await run('import', pods, '--case', join(dir, 'c.causa'), '--format', 'nonsense');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown format "nonsense"; known formats: k8s-audit/);
  });

  it.each([
    [['import', '--case', 'x.causa'], /needs at least one PATH/],
    [['import', EXEC_LOG], /needs --case FILE/],
    [
      ['import', '/nonexistent/audit.log', '--case', join(tmpdir(), 'causa-never-created.causa')],
      /\/nonexistent\/audit\.log: no such file or folder/,
    ],
    [['import', EXEC_LOG, '--case', 'x.causa', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['events', '/nonexistent/case.causa'], /no such case file/],
    [['events', 'a.causa', 'b.causa'], /a\.causa: no such case file/],
  ])('exits 2 when it cannot run: %j', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(tmpdir(), 'causa-never-created.causa')), 'no case file is created').toBe(false);
  });

  it('refuses a file that is not a case file as --case, without touching it', async () => {
    const dir = tempDir();
    const notACase = join(dir, 'notes.causa');
    writeFileSync(notACase, 'my notes, not a database\n'.repeat(100));
    const result = await run('import', EXEC_LOG, '--case', notACase);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a Causa case file');
    expect(readFileSync(notACase, 'utf8')).toBe('my notes, not a database\n'.repeat(100));
  });
});

describe('causa events', () => {
  async function corpusCase(): Promise<string> {
    const casePath = join(tempDir(), 'corpus.causa');
    const result = await run('import', CORPUS, '--case', casePath);
    expect(result.code).toBe(1); // fal_01_003.json is malformed on purpose
    return casePath;
  }

  it('prints every event as docs/design.md JSON, in time order', async () => {
    const casePath = await corpusCase();
    const result = await run('events', casePath, '--json');
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EventJson);
    expect(events).toHaveLength(53);
    const times = events.map((e) => e.time!);
    expect([...times].sort()).toEqual(times);
    const exec = events.find((e) => e.target?.resource === 'pods/exec' && e.target.name === 'test-pod-1')!;
    expect(exec).toMatchObject({
      source: 'k8s-audit/crowdsec_k8s-audit-pod-exec-file.log',
      position: 1,
      time: '2023-05-17T15:08:22.763960000Z',
      kind: 'k8s_api',
      action: 'create',
      actor: { type: 'human', id: 'minikube-user' },
      target: { resource: 'pods/exec', namespace: 'foo', name: 'test-pod-1' },
      outcome: 'success',
      authz: { decision: 'allow' },
      keys: { audit_id: '57a794de-44d3-40ee-a0ad-c0eb096eef6c' },
    });
    expect(exec.raw_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('filters by kind, actor, namespace, time and text', async () => {
    const casePath = await corpusCase();
    const lines = async (...args: string[]) => {
      const result = await run('events', casePath, '--json', ...args);
      expect(result.code).toBe(0);
      return result.stdout.trim() === ''
        ? []
        : result.stdout
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as EventJson);
    };
    expect(await lines('--kind', 'prompt')).toEqual([]);
    expect(await lines('--kind', 'k8s_api,prompt')).toHaveLength(53);
    const anonymous = await lines('--actor', 'anonymous');
    expect(anonymous.length).toBeGreaterThan(0);
    expect(anonymous.every((e) => e.actor?.id.includes('anonymous'))).toBe(true);
    const in2023 = await lines('--since', '2023-01-01', '--until', '2023-12-31T23:59:59Z');
    expect(in2023.map((e) => e.keys?.audit_id)).toContain('57a794de-44d3-40ee-a0ad-c0eb096eef6c');
    expect(in2023.every((e) => e.time!.startsWith('2023-'))).toBe(true);
    const foo = await lines('--namespace', 'foo');
    expect(foo.length).toBeGreaterThan(0);
    expect(foo.every((e) => e.target?.namespace === 'foo')).toBe(true);
    // A namespace is matched whole: no substring of it matches.
    expect(await lines('--namespace', 'fo')).toEqual([]);
    const secrets = await lines('--search', '"resource":"secrets"');
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.every((e) => e.target?.resource === 'secrets')).toBe(true);
  });

  it('takes several values of a list filter, repeated or comma-separated, any of which matches', async () => {
    const casePath = await sampleCase();
    const lines = async (...args: string[]) => {
      const result = await run('events', casePath, '--json', ...args);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim() === ''
        ? []
        : result.stdout
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as EventJson);
    };
    const ids = (events: EventJson[]) => events.map((e) => e.id);
    const success = await lines('--outcome', 'success');
    const failure = await lines('--outcome', 'failure');
    expect(success.length).toBeGreaterThan(0);
    expect(failure.length).toBeGreaterThan(0);
    const both = await lines('--outcome', 'success,failure');
    expect(ids(both).sort((a, b) => a - b)).toEqual([...ids(success), ...ids(failure)].sort((a, b) => a - b));
    expect(ids(await lines('--outcome', 'success', '--outcome', 'failure'))).toEqual(ids(both));
    const namespaces = [...new Set(both.map((e) => e.target?.namespace).filter((n): n is string => n !== undefined))].slice(0, 2);
    expect(namespaces.length).toBeGreaterThan(0);
    const inThem = await lines('--namespace', namespaces.join(','), '--outcome', 'success,failure');
    expect(inThem.length).toBeGreaterThan(0);
    expect(inThem.every((e) => namespaces.includes(e.target!.namespace!) && ['success', 'failure'].includes(e.outcome))).toBe(true);
    // The sample's bundle seals its record streams and its documents value by value, signed by a key not
    // trusted here: every record is untrusted, none broken, none sealed only whole.
    expect(await lines('--verdict', 'broken')).toEqual([]);
    expect(await lines('--verdict', 'sealed_whole')).toEqual([]);
    const untrusted = await lines('--verdict', 'untrusted');
    expect(untrusted.length).toBe((await lines()).length);
    expect(untrusted.every((e) => e.verdict === 'untrusted')).toBe(true);
    expect((await lines('--verdict', 'untrusted,sealed_whole')).length).toBe(untrusted.length);
  });

  it('prints a readable line per event without --json', async () => {
    const casePath = await corpusCase();
    const result = await run('events', casePath, '--search', 'test-pod-1');
    expect(result.stdout).toContain('2023-05-17T15:08:22.763960000Z  k8s_api  minikube-user  create pods/exec foo/test-pod-1  success');
  });

  it.each([
    [['--kind', 'bogus'], /--kind: unknown kind "bogus"/],
    [['--kind', 'k8s_api,'], /--kind: an empty value/],
    [['--outcome', 'forbidden'], /--outcome: unknown outcome "forbidden" \(outcomes: success, failure, denied, error, unknown\)/],
    [['--verdict', 'tampered'], /--verdict: unknown verdict "tampered"/],
    [['--since', 'yesterday'], /since: "yesterday" is not an RFC 3339 time/],
  ])('exits 2 on a bad filter %j', async (args, message) => {
    const casePath = await corpusCase();
    const result = await run('events', casePath, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe('causa graph', () => {
  it('narrows the graph with the filters of causa events', async () => {
    const casePath = await sampleCase();
    const graph = async (...args: string[]) => {
      const result = await run('graph', casePath, '--json', ...args);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Graph;
    };
    const whole = await graph();
    const kinds = await graph('--kind', 'tool_call', '--kind', 'prompt');
    expect(kinds.nodes.length).toBeGreaterThan(0);
    expect(kinds.nodes.length).toBeLessThan(whole.nodes.length);
    expect(new Set(kinds.nodes.map((n) => n.kind))).toEqual(new Set(['tool_call', 'prompt']));
    expect((await graph('--kind', 'tool_call,prompt')).nodes.map((n) => n.id)).toEqual(kinds.nodes.map((n) => n.id));
    const failing = await graph('--outcome', 'failure,denied', '--namespace', 'production');
    expect(failing.nodes.length).toBeGreaterThan(0);
    expect(failing.nodes.every((n) => n.target?.namespace === 'production' || n.kind === 'authz_decision')).toBe(true);
    const text = await run('graph', casePath, '--kind', 'workload_event');
    expect(text.stdout).toMatch(/background events? in \d+ groups?\n$/);
    const bad = await run('graph', casePath, '--outcome', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--outcome: unknown outcome "nope"/);
  });

  it('writes --json a slice at a time, the same bytes as the graph as one JSON text', async () => {
    const casePath = await sampleCase();
    const workbench = Workbench.open(casePath);
    const [whole, narrowed] = [workbench.graph({}), workbench.graph({ kind: ['tool_call'] })];
    workbench.close();
    expect(narrowed.hidden).toBeDefined();
    expect((await run('graph', casePath, '--json')).stdout).toBe(`${JSON.stringify(whole)}\n`);
    expect((await run('graph', casePath, '--json', '--kind', 'tool_call')).stdout).toBe(`${JSON.stringify(narrowed)}\n`);
    const io = { stdout: { write: (text: string) => ((written += text), true) }, stderr: { write: () => true } };
    let written = '';
    const slices = { list: Array.from({ length: 600 }, (_, i) => ({ i })), last: [] }; // three slices, then an empty list
    for (const value of [{}, { a: undefined, b: [undefined, 1, () => 2], c: 'x' }, slices]) {
      written = '';
      await writeJsonLine(io, value);
      expect(written).toBe(`${JSON.stringify(value)}\n`);
    }
  });
});
