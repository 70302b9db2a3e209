// Starts the real `causa` command from the built checkout, as a user would, and hands back its URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/causa.js', import.meta.url));

export interface Served {
  /** The URL `causa serve` printed: the access token rides in its fragment (`#token=…`). */
  url: string;
  /** The server's origin, with no token. */
  origin: string;
  token: string;
  casePath: string;
  stderr: () => string;
  stop(): Promise<void>;
}

export function runCausa(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', ...args, '--json'], { cwd: ROOT, env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`causa serve exited with ${code}: ${stderr}`)));
  });
  const started = JSON.parse(firstLine) as { url: string; case: string };
  const printed = new URL(started.url);
  return {
    url: started.url,
    origin: printed.origin,
    token: new URLSearchParams(printed.hash.slice(1)).get('token') ?? '',
    casePath: started.case,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
