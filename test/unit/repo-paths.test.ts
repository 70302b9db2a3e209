// Nothing in the repository may refer to a path outside it: a fresh clone has nothing beside it. The
// scanner is tried on planted references first (each must be caught, and in-repo ones must not be), then
// run over every file git tracks.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scanFiles, trackedFiles } from './repo-paths';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Built from pieces so that this file itself names no outside path.
const UP = '..';
const SHARED = 'shared';
const WORK = '/' + 'work/';

describe('the outside-reference scanner', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'causa-repo-paths-'));
  const root = join(scratch, 'repo');
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** Writes `file` (and empty files at `present`, which in-repo references may name) and scans `file`. */
  const plant = (file: string, text: string, present: string[] = []) => {
    for (const [path, content] of [...present.map((p) => [p, ''] as const), [file, text] as const]) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return scanFiles(root, [file]);
  };

  it.each([
    ['README.md', `See [the design](${UP}/${SHARED}/DESIGN.md).`],
    ['docs/a.md', `[corpus](${UP}/${UP}/${SHARED}/corpus/x.json)`],
    ['test/unit/core/a.test.ts', `const C = new URL('${UP}/${UP}/${UP}/${UP}/${SHARED}/corpus/', import.meta.url);`],
    ['test/unit/a.test.ts', `const C = join(__dirname, '${UP}', '${UP}', '${UP}', '${SHARED}', 'corpus');`],
    ['test/unit/b.test.ts', `const C = resolve(here, '${UP}/${UP}', '${UP}/${SHARED}');`],
    ['src-main/core/sample/world.ts', `// The moments of the incident (${UP}/${SHARED}/context).\n`],
    ['.ci/run', `cp -r ${UP}/${SHARED}/corpus test/`],
    ['src-main/x.ts', `const f = '${WORK}${SHARED}/corpus/a.json';`],
    ['test/unit/c.test.ts', `const C = new URL('${UP}/${UP}/${UP}', import.meta.url);`],
  ])('flags %s', (file, text) => {
    const found = plant(file, text);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatchObject({ file, line: 1 });
  });

  it.each([
    ['src-main/cli/filter.ts', `import { ServiceError } from '${UP}/${SHARED}/errors';`, ['src-main/shared/errors.ts']],
    ['src-main/core/ingest/a.ts', `import type { X } from '${UP}/${UP}/${SHARED}/model';`, ['src-main/shared/model.ts']],
    ['docs/cli.md', `See [the design](design.md) and [the README](${UP}/README.md).`, []],
    ['test/unit/core/a.test.ts', `const F = new URL('${UP}/${UP}/fixtures/corpus/', import.meta.url);`, ['test/fixtures/corpus/x']],
    ['test/unit/a.test.ts', `const ROOT = join(__dirname, '${UP}', '${UP}');`, []],
    ['src-main/core/bundle/zip.ts', `// a zip entry such as ${UP}/${UP}/evil is refused`, []],
    ['src-main/y.ts', `const bin = '/usr/bin/chromium'; // a system path, not this machine's tree`, []],
  ])('passes %s, which stays inside', (file, text, present) => {
    expect(plant(file, text, present)).toEqual([]);
  });

  it('names the line of a reference deep in a file', () => {
    const found = plant('docs/b.md', `# Title\n\nText.\n\nSee ${UP}/${UP}/${SHARED}/corpus.\n`);
    expect(found.map((f) => f.line)).toEqual([5]);
  });

  it('refuses the absolute path of the tree the checkout lives in', () => {
    const found = plant('docs/c.md', `Built from ${scratch}/other/file.txt`);
    expect(found).toHaveLength(1);
    expect(found[0]!.reason).toMatch(/absolute path/);
  });
});

describe('the repository', () => {
  it('refers to no path outside itself in any tracked file', () => {
    const files = trackedFiles(ROOT);
    expect(files.length).toBeGreaterThan(100);
    expect(scanFiles(ROOT, files)).toEqual([]);
  });
});
