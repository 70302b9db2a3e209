// The command keeps V8's compiled code for its modules between runs (bin/causa.js, Node's compile cache)
// in the user's Causa folder. What is checked: the folder is made private to the user and holds entries
// after a run; entries overwritten with garbage are compiled afresh and the command answers the same; a
// folder others may write to is not used (code read from there would run as the command).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCausa } from './watchdog';

const dir = mkdtempSync(join(tmpdir(), 'causa-compile-cache-'));
beforeAll(() => ensureBuilt(), 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under `folder`, with its size. */
function entries(folder: string): { path: string; size: number }[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path, size: statSync(path).size };
    });
}

/** `causa events` over a case of a small sample: a command that loads most of the modules. */
async function listing(home: string, casePath: string): Promise<string> {
  const run = await runCausa(['events', casePath, '--kind', 'tool_call'], { env: { CAUSA_HOME: home } });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/tool_call/);
  return run.stdout;
}

describe("the command's compile cache", () => {
  const casePath = join(dir, 'sample.causa');
  beforeAll(async () => {
    const bundle = join(dir, 'bundle');
    expect((await runCausa(['sample', 'inc-0047', '-o', bundle, '--events', '200'])).code).toBe(0);
    expect((await runCausa(['import', bundle, '--case', casePath])).code).toBeLessThanOrEqual(1);
  }, 300_000);

  it('is kept in the Causa folder, private to the user, and holds compiled code after a run', async () => {
    const home = join(dir, 'home-1');
    const first = await listing(home, casePath);
    const folder = join(home, 'compile-cache');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const kept = entries(folder);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.reduce((n, e) => n + e.size, 0)).toBeGreaterThan(10_000);
    expect(await listing(home, casePath)).toBe(first);
  }, 120_000);

  it('entries overwritten with garbage: compiled afresh, the same answer', async () => {
    const home = join(dir, 'home-2');
    const first = await listing(home, casePath);
    const folder = join(home, 'compile-cache');
    const kept = entries(folder);
    expect(kept.length).toBeGreaterThan(0);
    for (const entry of kept) writeFileSync(entry.path, Buffer.alloc(entry.size, 0x41));
    expect(await listing(home, casePath)).toBe(first);
  }, 120_000);

  it('a folder others may write to is not used', async () => {
    const home = join(dir, 'home-3');
    const folder = join(home, 'compile-cache');
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o777);
    const first = await listing(home, casePath);
    expect(entries(folder)).toEqual([]);
    expect(await listing(home, casePath)).toBe(first);
  }, 120_000);
});
