// No module of the main process imports itself back through others (the service layer once went
// workbench.ts → exports.ts → evidence-export.ts → workbench.ts). Value imports only: `import type` is
// erased at build time. A planted cycle shows the search finds one.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const MAIN = join(ROOT, 'src-main');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** The relative modules a file imports for their values (not `import type`, not `export type`). */
export function valueImports(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(\.[^']+)'/gms)) {
    if (match[2]) continue;
    const names = match[3]!;
    // `import { type A, type B } from` carries no value either.
    const inner = /^\{([^}]*)\}$/.exec(names.trim());
    if (
      inner &&
      inner[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .every((s) => s.startsWith('type '))
    )
      continue;
    found.push(match[4]!);
  }
  for (const match of text.matchAll(/^\s*import\s+'(\.[^']+)'/gm)) found.push(match[1]!);
  return found;
}

function resolveModule(from: string, specifier: string, files: Set<string>): string | undefined {
  const base = resolve(dirname(from), specifier).replace(/\.js$/, '');
  return [`${base}.ts`, join(base, 'index.ts')].find((f) => files.has(f));
}

/** Every cycle's files (strongly connected components of more than one file, or a file importing itself). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('import cycles in src-main', () => {
  it('finds a planted cycle, and not a type-only one', () => {
    expect(
      valueImports(`import { a } from './a';\nimport type { B } from './b';\nimport { type C } from './c';\nexport { d } from './d';\n`),
    ).toEqual(['./a', './d']);
    const graph = new Map([
      ['workbench', ['exports']],
      ['exports', ['evidence-export']],
      ['evidence-export', ['workbench', 'trust']],
      ['trust', []],
    ]);
    expect(importCycles(graph)).toEqual([['evidence-export', 'exports', 'workbench']]);
  });

  it('has none', () => {
    const files = sourceFiles(MAIN);
    const set = new Set(files);
    const graph = new Map(
      files.map((file) => [
        relative(ROOT, file),
        valueImports(readFileSync(file, 'utf8'))
          .map((spec) => resolveModule(file, spec, set))
          .filter((f): f is string => f !== undefined)
          .map((f) => relative(ROOT, f)),
      ]),
    );
    expect([...graph.values()].flat().length).toBeGreaterThan(100);
    expect(importCycles(graph)).toEqual([]);
  });
});
