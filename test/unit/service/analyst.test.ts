// The analyst's name: set once outside any case (in $CAUSA_HOME, which isolated-home.ts gives each test
// file), then signed on every journal entry of every case and named in the report; CAUSA_ANALYST still
// overrides it for one run, and the OS account is only the fallback.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli';
import { analystSettingsPath, currentAnalyst, setAnalystName } from '../../../src-main/service/analyst';
import { Workbench } from '../../../src-main/service/workbench';
import { dispatch } from '../../../src-main/host/dispatch';
import type { JournalReport } from '../../../src-main/shared/analysis';
import type { ApiResult, Handlers } from '../../../src-main/shared/contract';

const dir = mkdtempSync(join(tmpdir(), 'causa-analyst-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  delete process.env.CAUSA_ANALYST;
  rmSync(analystSettingsPath(), { force: true });
});

/** A contract call through the boundary both transports use (the two shell-only methods are never called). */
const call = (workbench: Workbench, method: string, input: unknown) => dispatch(workbench.handlers as Handlers, method, input);

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

describe('the analyst name setting', () => {
  it('falls back to the OS account until a name is set, then keeps the name in $CAUSA_HOME/analyst.json', () => {
    expect(currentAnalyst()).toEqual({ name: userInfo().username, source: 'account' });
    const info = setAnalystName('  Dana Kim, IR team ');
    expect(info).toEqual({ name: 'Dana Kim, IR team', source: 'setting', path: join(process.env.CAUSA_HOME!, 'analyst.json') });
    expect(JSON.parse(readFileSync(analystSettingsPath(), 'utf8'))).toEqual({ version: 1, name: 'Dana Kim, IR team' });
    expect(statSync(analystSettingsPath()).mode & 0o077).toBe(0);
    expect(currentAnalyst().name).toBe('Dana Kim, IR team');
  });

  it('is overridden for one run by CAUSA_ANALYST', () => {
    setAnalystName('Dana Kim');
    process.env.CAUSA_ANALYST = 'robot@ci';
    expect(currentAnalyst()).toEqual({ name: 'robot@ci', source: 'environment' });
  });

  it.each([
    ['empty', '   ', /a name is needed/],
    ['a line break', 'Dana\nKim', /no control characters/],
    ['an escape sequence', 'Dana\u001b[31mKim', /no control characters/],
    ['too long', 'x'.repeat(101), /at most 100 characters/],
  ])('refuses a name that is %s and keeps the one set before', (_what, name, reason) => {
    setAnalystName('Dana Kim');
    expect(() => setAnalystName(name)).toThrow(reason);
    expect(currentAnalyst().name).toBe('Dana Kim');
  });

  it('names the file when the setting is damaged', () => {
    writeFileSync(analystSettingsPath(), '{"version":1,"name":');
    expect(() => currentAnalyst()).toThrow(`${analystSettingsPath()}: not a Causa analyst setting`);
  });
});

describe('signing the journal with it', () => {
  it('signs every new entry of any case with the name set through the contract, and the report names it', async () => {
    const workbench = Workbench.open(join(dir, 'a.causa'), { create: true });
    try {
      const before = await call(workbench, 'analyst', {});
      expect(before).toEqual({ ok: true, value: { name: userInfo().username, source: 'account' } });
      await call(workbench, 'record', { action: { type: 'title', text: 'Before the name was set' } });

      const set = await call(workbench, 'setAnalyst', { name: 'Dana Kim' });
      expect(set).toMatchObject({ ok: true, value: { name: 'Dana Kim', source: 'setting' } });
      await call(workbench, 'record', { action: { type: 'summary', text: 'After' } });
      const refused = await call(workbench, 'setAnalyst', { name: 'a\u0000b' });
      expect(refused).toMatchObject({ ok: false, code: 'invalid_input' });

      const journal = (await call(workbench, 'journal', {})) as ApiResult<JournalReport>;
      if (!journal.ok) throw new Error(journal.message);
      expect(journal.value.entries.map((e) => e.analyst)).toEqual([userInfo().username, 'Dana Kim']);
      expect(journal.value.verdict.intact).toBe(true);

      for (const format of ['md', 'html'] as const) {
        const report = (await workbench.renderReport(format)).toString('utf8');
        expect(report, format).toContain(`Entries signed by: ${userInfo().username}, Dana Kim`);
      }
    } finally {
      workbench.close();
    }
    // Another case, opened later: the name is the analyst's, not the first case's.
    const other = Workbench.open(join(dir, 'b.causa'), { create: true });
    try {
      await call(other, 'record', { action: { type: 'title', text: 'Second case' } });
      const journal = (await call(other, 'journal', {})) as ApiResult<JournalReport>;
      expect(journal.ok && journal.value.entries[0]!.analyst).toBe('Dana Kim');
    } finally {
      other.close();
    }
  });
});

describe('causa whoami', () => {
  it('prints the name and where it comes from, and --set keeps a new one', async () => {
    expect(await cli('whoami')).toMatchObject({
      code: 0,
      stdout: `${userInfo().username} (from the OS account; set your name with causa whoami --set NAME)\n`,
    });
    expect(await cli('whoami', '--set', 'Dana Kim')).toMatchObject({
      code: 0,
      stdout: `Dana Kim (from your setting: ${analystSettingsPath()})\n`,
    });
    const json = await cli('whoami', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ name: 'Dana Kim', source: 'setting', path: analystSettingsPath() });
  });

  it('refuses a bad name or argument with exit code 2 and changes nothing', async () => {
    await cli('whoami', '--set', 'Dana Kim');
    const bad = await cli('whoami', '--set', '');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/causa whoami: analyst name "": a name is needed/);
    expect((await cli('whoami', 'extra')).code).toBe(2);
    expect(currentAnalyst().name).toBe('Dana Kim');
    expect(existsSync(`${analystSettingsPath()}.partial`)).toBe(false);
  });
});
