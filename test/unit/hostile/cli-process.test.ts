// The `causa` command runs in a child Node started with a small young generation (bin/causa.js,
// docs/limits.md "Memory"): the flag must be on the process that does the work, signals sent to the
// command must reach it, and the work must stop however the command itself ends (even SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runCausa } from './watchdog';

const SAMPLE = join(ROOT, 'resources', 'samples', 'inc-0047');
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'causa-cli-process-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  );
}

function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

function environ(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
}

function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  // A zombie has ended; only its parent's wait is missing.
  return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

async function gone(pid: number): Promise<void> {
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 25));
  expect(alive(pid), `process ${pid} still runs`).toBe(false);
}

/** `causa serve` on the sample, until it prints its URL; the command's process and the worker under it. */
async function serving(name: string, env: NodeJS.ProcessEnv = process.env): Promise<{ command: ChildProcess; worker: number }> {
  const command = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'causa.js'), 'serve', SAMPLE, '--case', join(dir, `${name}.causa`), '--json'],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  command.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: command.stdout! }).once('line', resolve);
    command.once('exit', (code) => reject(new Error(`causa serve exited with ${code}: ${stderr}`)));
  });
  expect(JSON.parse(line)).toHaveProperty('url');
  const workers = childrenOf(command.pid!);
  expect(workers).toHaveLength(1);
  return { command, worker: workers[0]! };
}

describe('the command runs in a child Node with a bounded young generation and a slowly growing old one', () => {
  it('starts the child with the flag, and passes SIGTERM on: both end, the exit status is the child’s', async () => {
    const { command, worker } = await serving('term');
    expect(cmdline(worker)).toContain('--max-semi-space-size=4');
    expect(cmdline(worker)).toContain('--heap-growing-percent=10');
    expect(cmdline(worker)).toContain('--no-allocation-site-pretenuring');
    expect(cmdline(worker)).toContain(join(ROOT, 'bin', 'causa.js'));
    expect(cmdline(command.pid!)).not.toContain('--max-semi-space-size=4');
    // glibc's allocator returns large freed blocks (bin/causa.js, MALLOC_ENV).
    expect(environ(worker)).toEqual(expect.arrayContaining(['MALLOC_MMAP_THRESHOLD_=1048576', 'MALLOC_TRIM_THRESHOLD_=1048576']));
    const exited = new Promise<number | null>((resolve) => command.once('exit', (code) => resolve(code)));
    command.kill('SIGTERM');
    // serve ends cleanly on SIGTERM (exit 0), which it only does when the signal reached it.
    expect(await exited).toBe(0);
    await gone(worker);
  }, 60_000);

  it('stops the work when the command is killed outright (SIGKILL cannot be passed on)', async () => {
    // The user's own allocator settings are kept.
    const { command, worker } = await serving('kill', { ...process.env, MALLOC_MMAP_THRESHOLD_: '262144' });
    expect(environ(worker)).toContain('MALLOC_MMAP_THRESHOLD_=262144');
    expect(environ(worker)).toContain('MALLOC_TRIM_THRESHOLD_=1048576');
    command.kill('SIGKILL');
    await gone(worker);
  }, 60_000);

  it('answers with the child’s exit code and output', async () => {
    const run = await runCausa(['verify', join(dir, 'no-such-bundle')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no-such-bundle/);
  }, 60_000);
});
