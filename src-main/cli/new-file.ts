// The -o of report, excerpt and export: an existing file is refused (exit 2). A report is evidence of what
// the analyst concluded, and silently replacing one is how the wrong version gets sent.
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { ServiceError } from '../shared/errors';
import { usageError } from './options';

export function outPath(out: string | undefined, command: string): string {
  if (!out) throw usageError(`${command} needs -o FILE`);
  if (existsSync(out)) throw new ServiceError('io', `${out}: already exists; choose another -o (a report is never overwritten)`);
  return out;
}

/** Writes with O_EXCL, so a file created between the check and the write is not clobbered either. */
export async function writeNew(path: string, chunks: Iterable<string | Buffer>): Promise<number> {
  const handle = await open(path, 'wx');
  let bytes = 0;
  try {
    for (const chunk of chunks) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      await handle.write(data);
      bytes += data.length;
    }
  } finally {
    await handle.close();
  }
  return bytes;
}
