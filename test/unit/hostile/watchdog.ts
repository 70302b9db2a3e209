// Runs the built `causa` command as a child process and watches its memory: the resident set size is
// read from /proc/<pid>/status every few milliseconds, and a child that passes the bound is killed, so a
// test that would exhaust the machine fails fast, naming the peak, instead of taking the host down.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The checkout whose build is run: this one, or CAUSA_UNDER_TEST (another checkout's build, e.g. the
 * code before a fix, to see the suite fail there).
 */
const UNDER_TEST = process.env.CAUSA_UNDER_TEST ?? ROOT;

/** The bound every import and verification must stay under, whatever the input (docs/limits.md). */
export const MEMORY_BOUND_MIB = 512;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The largest resident set seen, in MiB. */
  peakMiB: number;
  /** Set when the watchdog killed the child for passing the bound. */
  overBound: boolean;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the command when its output is older than the sources, so the suite always runs this code. */
export function ensureBuilt(): void {
  if (UNDER_TEST !== ROOT) return;
  const cli = join(ROOT, 'out', 'main', 'cli.js');
  if (existsSync(cli) && statSync(cli).mtimeMs >= newestSource(join(ROOT, 'src-main'))) return;
  execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

/** A process's resident set in MiB, split into its own pages and those mapped from files (shareable). */
function residentOf(pid: number): { own: number; file: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { own: (kb('RssAnon') + kb('RssShmem')) / 1024, file: kb('RssFile') / 1024 };
  } catch {
    return undefined; // the process has just ended
  }
}

/** The process's children (every thread's), read from /proc. */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) found.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // the process has just ended
  }
  return found;
}

function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

/**
 * The resident set of the process and all its descendants: `bin/causa.js` runs the command in a child
 * Node (to start it with its memory flags), and whatever the command starts is its memory too. Each
 * process's own pages are added up; pages mapped from files (the Node binary, its libraries) are the same
 * pages in every Node of the tree, so they count once, as the largest of them.
 */
export function treeRssMiB(pid: number): number | undefined {
  const root = residentOf(pid);
  if (root === undefined) return undefined;
  let own = root.own;
  let file = root.file;
  for (const child of descendantsOf(pid)) {
    const resident = residentOf(child);
    if (!resident) continue;
    own += resident.own;
    file = Math.max(file, resident.file);
  }
  return own + file;
}

export interface RunOptions {
  env?: Record<string, string>;
  boundMiB?: number;
  /** Called once the child runs (to cancel it, or to start another beside it). */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with what the child has printed to stderr so far, each time it prints. */
  onStderr?: (text: string, child: ChildProcess) => void;
}

export function runCausa(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const bound = options.boundMiB ?? MEMORY_BOUND_MIB;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(UNDER_TEST, 'bin', 'causa.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakMiB = 0;
    let overBound = false;
    const sample = (): void => {
      const rss = child.pid === undefined ? undefined : treeRssMiB(child.pid);
      if (rss === undefined) return;
      peakMiB = Math.max(peakMiB, rss);
      if (rss > bound && !overBound) {
        overBound = true;
        for (const pid of descendantsOf(child.pid!)) process.kill(pid, 'SIGKILL');
        child.kill('SIGKILL');
      }
    };
    const timer = setInterval(sample, 10);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, peakMiB: Math.round(peakMiB), overBound });
    });
    options.onSpawn?.(child);
  });
}
