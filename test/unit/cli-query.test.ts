// `causa events --query`, `--view NAME` and several case files at once (issue 21).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE } from '../../src-main/cli';
import { Workbench } from '../../src-main/service/workbench';
import type { EventJson } from '../../src-main/shared/model';
import { run } from '../support/cli';

const SAMPLE = fileURLToPath(new URL('../../resources/samples/inc-0047', import.meta.url));
const CORPUS = fileURLToPath(new URL('../fixtures/corpus/k8s-audit/crowdsec_k8s-audit-pod-exec-file.log', import.meta.url));

let dir: string;
let caseA: string;
let caseB: string;

const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean);
const json = (stdout: string) => lines(stdout).map((l) => JSON.parse(l) as EventJson & { case?: string });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-cli-query-'));
  caseA = join(dir, 'a.causa');
  caseB = join(dir, 'b.causa');
  const b = Workbench.open(caseB, { create: true });
  await b.importPaths([CORPUS]);
  b.close();
  const wb = Workbench.open(caseA, { create: true });
  await wb.importPaths([SAMPLE]);
  wb.handlers.record({
    action: { type: 'save_view', view: { name: 'agent work', query: 'actor.type:agent', filter: { kind: ['tool_call', 'prompt'] } } },
  });
  wb.handlers.record({ action: { type: 'save_view', view: { name: 'payments', query: 'ns:payments' } } });
  wb.close();
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('causa events --query', () => {
  it('prints the events the query matches', async () => {
    const out = await run('events', caseA, '--json', '--query', 'kind:tool_call OR kind:prompt');
    expect(out.code).toBe(EXIT_OK);
    const events = json(out.stdout);
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['tool_call', 'prompt']));
    const short = await run('events', caseA, '--json', '-q', 'kind:prompt');
    expect(json(short.stdout).every((e) => e.kind === 'prompt')).toBe(true);
  });

  it('ANDs the query with the other filter options', async () => {
    const out = await run('events', caseA, '--json', '--kind', 'k8s_api', '--query', 'ns:payments');
    const events = json(out.stdout);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.kind === 'k8s_api' && e.target?.namespace === 'payments')).toBe(true);
  });

  it('refuses a malformed query with exit 2 and the column', async () => {
    const out = await run('events', caseA, '--query', 'kind:k8s_api (ns:payments');
    expect(out.code).toBe(EXIT_USAGE);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^causa events: query: column 14: unclosed parenthesis/);
  });

  it('refuses a malformed query in export before the file is created', async () => {
    const out = join(dir, 'refused.ocsf.jsonl');
    const result = await run('export', caseA, '--format', 'ocsf', '-o', out, '--query', 'ns:"payments');
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toMatch(/query: column 4: unclosed quote/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('causa events --view', () => {
  it("applies the saved view's query and filter, ANDed with the options given", async () => {
    const view = json((await run('events', caseA, '--json', '--view', 'agent work')).stdout);
    const same = json((await run('events', caseA, '--json', '--kind', 'tool_call,prompt', '--query', 'actor.type:agent')).stdout);
    expect(view.length).toBeGreaterThan(0);
    expect(view).toEqual(same);
    const narrowed = json((await run('events', caseA, '--json', '--view', 'payments', '--query', 'verb:list')).stdout);
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed.every((e) => e.target?.namespace === 'payments' && e.action === 'list')).toBe(true);
  });

  it('names the views the case has when the one asked for is not there', async () => {
    const out = await run('events', caseA, '--view', 'nope');
    expect(out.code).toBe(EXIT_USAGE);
    expect(out.stderr).toContain(`${caseA}: no view "nope" (views: agent work, payments)`);
    const none = await run('events', caseB, '--view', 'nope');
    expect(none.stderr).toContain('the case has no saved views');
  });
});

describe('causa events over several cases', () => {
  it('merges their events in time order, each naming its case', async () => {
    const out = await run('events', caseA, caseB, '--json', '--stages', '--query', 'kind:k8s_api');
    expect(out.code).toBe(EXIT_OK);
    const events = json(out.stdout);
    const a = json((await run('events', caseA, '--json', '--stages', '--query', 'kind:k8s_api')).stdout);
    const b = json((await run('events', caseB, '--json', '--stages', '--query', 'kind:k8s_api')).stdout);
    expect(events).toHaveLength(a.length + b.length);
    expect(events.filter((e) => e.case === 'b.causa').map(({ case: _, ...e }) => e)).toEqual(b);
    expect(events.filter((e) => e.case === 'a.causa').map(({ case: _, ...e }) => e)).toEqual(a);
    const times = events.map((e) => e.time ?? '\uffff');
    expect(times).toEqual([...times].sort());
    const text = lines((await run('events', caseA, caseB, '--query', 'kind:k8s_api')).stdout);
    expect(text.some((l) => l.startsWith('a.causa  '))).toBe(true);
    expect(text.some((l) => l.startsWith('b.causa  '))).toBe(true);
  });

  it('refuses a missing case before printing anything', async () => {
    const out = await run('events', caseA, join(dir, 'missing.causa'));
    expect(out.code).toBe(EXIT_USAGE);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('missing.causa: no such case file');
  });
});
