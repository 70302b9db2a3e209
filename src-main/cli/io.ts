// What a command writes to: the process's streams from bin/causa.js, strings in the tests.
export interface CliIo {
  stdout: { write(text: string): unknown; once?(event: 'drain', listener: () => void): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Resolves when the user asks a long-running command (serve, capture) to stop. */
  untilInterrupted?: () => Promise<void>;
}

/** Millions of events must not pile up in memory when stdout is a slow pipe. */
export async function writeWithBackpressure(io: CliIo, text: string): Promise<void> {
  if (io.stdout.write(text) === false && io.stdout.once) {
    await new Promise<void>((resolve) => io.stdout.once!('drain', resolve));
  }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
