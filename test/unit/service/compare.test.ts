// Compare cases (issue 21) through the workbench: INC-0047 against staging-apollo (the two built-in
// samples, two weeks apart), against a copy of itself, and against files that are missing, not SQLite,
// or another program's database; and through the contract boundary, which only opens offered files.
import Database from 'better-sqlite3';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/host/dispatch';
import { Workbench } from '../../../src-main/service/workbench';
import { contract, type Handlers } from '../../../src-main/shared/contract';
import { ServiceError } from '../../../src-main/shared/errors';
import { tempWorkbenches } from '../../support/workbench';

const INC_0047 = fileURLToPath(new URL('../../../resources/samples/inc-0047', import.meta.url));
const APOLLO = fileURLToPath(new URL('../../../resources/samples/staging-apollo', import.meta.url));
const cases = tempWorkbenches('causa-compare-');

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function twoCases(): Promise<{ a: Workbench; bPath: string }> {
  const b = cases.open('staging-apollo');
  await b.importPaths([APOLLO]);
  const bPath = b.store.path;
  b.close();
  const a = cases.open('inc-0047');
  await a.importPaths([INC_0047]);
  return { a, bPath };
}

function handlers(wb: Workbench): Handlers {
  return {
    ...wb.handlers,
    capabilities: () => ({ open_dialog: false, transport: 'http' as const }),
    openEvidence: () => {
      throw new ServiceError('unsupported', 'no dialog');
    },
  };
}

describe('compare two cases', () => {
  it('lines INC-0047 and staging-apollo up at their first prompts, reading the other case without changing it', async () => {
    const { a, bPath } = await twoCases();
    const before = sha(bPath);
    const c = a.compare(bPath);
    expect(sha(bPath)).toBe(before);
    expect(c.this.start).toBe('2025-04-03T14:31:04.039737000Z');
    expect(c.other.start).toBe('2025-04-17T14:03:22.034403000Z');
    // Both start on their prompt at t=0, two weeks apart.
    expect(c.rows[0]).toMatchObject({ status: 'match', this: { kind: 'prompt', offset_ms: 0 }, other: { kind: 'prompt', offset_ms: 0 } });
    expect(c.rows[0]!.other!.text).toMatch(/remove unused autoscaler/);
    // The agent's API calls carry verb, resource and namespace, and their outcome: the denied list of apollo.
    const otherCalls = c.rows.flatMap((r) => (r.other?.kind === 'api_call' ? [r.other] : []));
    expect(otherCalls[0]).toMatchObject({ verb: 'list', resource: 'horizontalpodautoscalers', outcome: 'denied' });
    expect(otherCalls.at(-1)).toMatchObject({ verb: 'delete', resource: 'horizontalpodautoscalers', namespace: 'staging-apollo' });
    // Each tool call is one step, not its three records (the agent's span, the MCP request, its response).
    const thisTools = c.this.steps.filter((s) => s.kind === 'tool_call');
    expect(thisTools.map((s) => s.tool)).toEqual([
      'resources_get',
      'resources_create_or_update',
      'resources_list',
      'resources_create_or_update',
    ]);
    // Offsets grow from 0 on each side, whatever the wall clock.
    for (const seq of [c.this, c.other]) {
      const offsets = seq.steps.map((s) => s.offset_ms);
      expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
    }
    expect(c.counts.differ).toBeGreaterThan(0);
    expect(c.counts.match + c.counts.differ + c.counts.only_this + c.counts.only_other).toBe(c.rows.length);
  }, 60_000);

  it('matches every step of a case against a copy of itself', async () => {
    const { a } = await twoCases();
    const copy = join(cases.dir, 'copy.causa');
    a.store.db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(a.store.path, copy);
    const c = a.compare(copy);
    expect(c.rows.length).toBeGreaterThan(5);
    expect(c.rows.every((r) => r.status === 'match' && r.this!.offset_ms === r.other!.offset_ms)).toBe(true);
  }, 60_000);

  it('refuses a missing file, a file that is not a database, and another program’s database, naming the file', async () => {
    const a = cases.open('a');
    const missing = join(cases.dir, 'missing.causa');
    expect(() => a.compare(missing)).toThrow(expect.objectContaining({ code: 'io', message: `${missing}: no such case file` }));
    const garbage = join(cases.dir, 'garbage.causa');
    writeFileSync(garbage, 'this is not a case file at all, just some text\n'.repeat(200));
    expect(() => a.compare(garbage)).toThrow(
      expect.objectContaining({ code: 'io', message: expect.stringMatching(/garbage\.causa: not a Causa case file/) }),
    );
    const other = join(cases.dir, 'other.causa');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => a.compare(other)).toThrow(
      expect.objectContaining({ code: 'io', message: `${other}: an SQLite database, but not a Causa case file` }),
    );
  });

  it('offers the case files beside the case and opens only those, over the contract', async () => {
    const { a, bPath } = await twoCases();
    const h = handlers(a);
    const listed = await dispatch(h, 'compareCandidates', {});
    expect(listed).toEqual({ ok: true, value: { cases: [{ path: bPath, name: 'staging-apollo', from: 'folder' }] } });
    const compared = await dispatch(h, 'compareCase', { path: bPath });
    expect(compared.ok).toBe(true);
    const parsed = contract.compareCase.output.safeParse(compared.ok ? compared.value : undefined);
    expect(parsed.success).toBe(true);
    // A path the workbench did not offer is refused before anything is opened.
    const elsewhere = await dispatch(h, 'compareCase', { path: '/etc/passwd' });
    expect(elsewhere).toEqual({
      ok: false,
      code: 'invalid_input',
      message: '/etc/passwd: not a case file the workbench offers to compare with',
    });
    // A case named to the host is offered too.
    a.compareWith = ['/srv/cases/inc-0031.causa'];
    expect(((await dispatch(h, 'compareCandidates', {})) as { value: { cases: unknown[] } }).value.cases).toEqual([
      { path: '/srv/cases/inc-0031.causa', name: 'inc-0031', from: 'named' },
      { path: bPath, name: 'staging-apollo', from: 'folder' },
    ]);
    const gone = await dispatch(h, 'compareCase', { path: '/srv/cases/inc-0031.causa' });
    expect(gone).toEqual({ ok: false, code: 'io', message: '/srv/cases/inc-0031.causa: no such case file' });
  }, 60_000);
});
