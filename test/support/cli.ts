// The `causa` command run in-process, its output collected: what every CLI test drives.
import { main } from '../../src-main/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Whether stderr claims to be a terminal (progress lines are drawn only then). */
  isTTY?: boolean;
  /** Stands in for Ctrl+C: resolves when the command should stop. */
  untilInterrupted?: () => Promise<void>;
}

export async function runCli(argv: string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), ...(options.isTTY !== undefined ? { isTTY: options.isTTY } : {}) },
    ...(options.untilInterrupted ? { untilInterrupted: options.untilInterrupted } : {}),
  });
  return { code, stdout, stderr };
}

/** `run('import', path, '--case', c)`: the rest-parameter form most tests use. */
export function run(...argv: string[]): Promise<CliRun> {
  return runCli(argv);
}
