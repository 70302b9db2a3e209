// The Workbench facade rule (build/eslint/facade.js) through ESLint's own API: a planted reach into
// `workbench.store` from the shell, a host or the CLI is refused; the service layer may use the store.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function facadeProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'causa-facade/no-store').map((m) => m.message);
}

const member = `declare const workbench: { store: unknown };\nexport const s = workbench.store;\n`;
const computed = `declare const workbench: { store: unknown };\nexport const s = workbench['store'];\n`;
const destructured = `declare const workbench: { store: unknown };\nconst { store } = workbench;\nexport const s = store;\n`;
const facade = `declare const workbench: { reportFile(): unknown };\nexport const s = workbench.reportFile();\n`;

describe('the causa-facade/no-store rule', () => {
  it.each([
    ['the Electron main process', 'src-main/index.ts', member],
    ['the IPC host', 'src-main/host/ipc.ts', member],
    ['web mode', 'src-main/host/http.ts', computed],
    ['the dispatcher', 'src-main/cli.ts', member],
    ['a command', 'src-main/cli/report.ts', destructured],
    ['a new command', 'src-main/cli/probe.ts', member],
  ])('refuses %s reaching into the store', async (_what, file, code) => {
    expect(await facadeProblems(file, code)).toEqual([expect.stringMatching(/Workbench facade/)]);
  });

  it.each([
    ['a command using a facade method', 'src-main/cli/report.ts', facade],
    ['the service layer', 'src-main/service/probe.ts', member],
    [
      'the workbench itself',
      'src-main/service/workbench.ts',
      `export class W {\n  private store = 1;\n  get s(): number {\n    return this.store;\n  }\n}\n`,
    ],
  ])('allows %s', async (_what, file, code) => {
    expect(await facadeProblems(file, code)).toEqual([]);
  });

  it('holds for the code as it is: no file of the shell, hosts or CLI touches the store', async () => {
    const results = await eslint.lintFiles(['src-main/index.ts', 'src-main/cli.ts', 'src-main/cli/', 'src-main/host/']);
    const problems = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === 'causa-facade/no-store').map((m) => `${r.filePath}:${m.line}`),
    );
    expect(problems).toEqual([]);
  });
});
