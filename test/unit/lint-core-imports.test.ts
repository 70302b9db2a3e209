// What core may import besides core and shared: exactly build/eslint/layers.js's CORE_IMPORTS. A planted
// import of anything else (a network module, a child process, a bare built-in name, an unlisted package)
// is refused; the listed ones pass; and the list is exactly what core uses today, so it is no wider.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { CORE_IMPORTS } from '../../build/eslint/layers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'causa/layers').map((m) => m.message);
}

const PROBE = 'src-main/core/ingest/probe.ts';
const value = (source: string) => `import { x } from '${source}';\nexport const y = x;\n`;

describe("core's allowed imports", () => {
  it.each(['node:http', 'node:child_process', 'node:net', 'fs', 'crypto', 'playwright-core', 'yaml', 'node:worker_threads'])(
    'refuses %s',
    async (source) => {
      expect(await layerProblems(PROBE, value(source))).toEqual([expect.stringMatching(new RegExp(`^core must not import ${source}`))]);
    },
  );

  it.each(CORE_IMPORTS)('allows %s', async (source) => {
    expect(await layerProblems(PROBE, value(source))).toEqual([]);
  });

  it('lists exactly what core imports today', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const used = new Set<string>();
    for (const file of files(join(ROOT, 'src-main/core'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:(?<=[\s}])from\s*|import\(\s*)'([^.'][^']*)'/g)) used.add(m[1]!);
    }
    expect([...used].sort()).toEqual([...CORE_IMPORTS].sort());
  });
});
