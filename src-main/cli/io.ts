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

/** How many items of a list writeJsonLine turns into text at once. */
const JSON_SLICE = 256;

/**
 * Writes `JSON.stringify(value)` and a newline, the same bytes, a slice of each top-level list at a time:
 * the graph of a million events is MiBs of text, and built whole it is held twice (the text and its
 * flattened copy) beside the graph itself.
 */
export async function writeJsonLine(io: CliIo, value: object): Promise<void> {
  let separator = '{';
  for (const [key, field] of Object.entries(value)) {
    const prefix = `${separator}${JSON.stringify(key)}:`;
    if (!Array.isArray(field)) {
      const text = JSON.stringify(field) as string | undefined;
      if (text === undefined) continue; // undefined, a function: JSON.stringify leaves the key out
      await writeWithBackpressure(io, prefix + text);
    } else {
      await writeWithBackpressure(io, `${prefix}[`);
      for (let at = 0; at < field.length; at += JSON_SLICE) {
        const items = field.slice(at, at + JSON_SLICE).map((item: unknown) => JSON.stringify(item) ?? 'null');
        await writeWithBackpressure(io, (at > 0 ? ',' : '') + items.join(','));
      }
      await writeWithBackpressure(io, ']');
    }
    separator = ',';
  }
  await writeWithBackpressure(io, separator === '{' ? '{}\n' : '}\n');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
