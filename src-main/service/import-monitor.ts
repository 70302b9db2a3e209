// What an import is doing right now, for the progress bar (polled by the UI, printed by the CLI) and for
// cancelling it. Cancelling stops at the next record: the file being read is rolled back whole (a source
// is imported whole or not at all), the files before it stay, the files after it are not read.
import { open } from 'node:fs/promises';
import type { ImportProgress } from '../shared/contract';

export class ImportCancelled extends Error {
  constructor() {
    super('the import was cancelled');
  }
}

export class ImportMonitor {
  private state: ImportProgress = {
    active: false,
    files_done: 0,
    files_total: 0,
    bytes_read: 0,
    bytes_total: 0,
    events: 0,
    cancelling: false,
  };

  start(filesTotal: number, bytesTotal: number): void {
    this.state = {
      active: true,
      files_done: 0,
      files_total: filesTotal,
      bytes_read: 0,
      bytes_total: bytesTotal,
      events: 0,
      cancelling: false,
    };
  }

  /** More work found along the way (a bundle's sources once its manifest is read). */
  expect(files: number, bytes: number): void {
    this.state.files_total += files;
    this.state.bytes_total += bytes;
  }

  /** The case file is being written by another program: the import waits (store/case-store.ts). */
  waitForWriter(): void {
    this.state.waiting = true;
  }

  /** How the store waits for the case file: telling this monitor, and giving up on a cancel. */
  get writerWait(): { onWait: () => void; check: () => void } {
    return { onWait: () => this.waitForWriter(), check: () => this.check() };
  }

  beginFile(name: string): void {
    delete this.state.waiting;
    this.state.file = name;
  }

  read(bytes: number): void {
    this.state.bytes_read += bytes;
  }

  addEvents(count: number): void {
    this.state.events += count;
  }

  endFile(): void {
    this.state.files_done += 1;
  }

  finish(): void {
    this.state = { ...this.state, active: false, cancelling: false };
    delete this.state.file;
    delete this.state.waiting;
  }

  cancel(): boolean {
    if (!this.state.active) return false;
    this.state.cancelling = true;
    return true;
  }

  /** Throws ImportCancelled once a cancel was asked for; called between records. */
  check(): void {
    if (this.state.cancelling) throw new ImportCancelled();
  }

  get cancelled(): boolean {
    return this.state.cancelling;
  }

  snapshot(): ImportProgress {
    return { ...this.state };
  }
}

/** The content stream with each chunk's size reported as it passes. */
export async function* counted(content: AsyncIterable<Buffer>, monitor: ImportMonitor): AsyncGenerator<Buffer> {
  for await (const chunk of content) {
    // Checked per chunk, not only per record: a record being skipped may run for gigabytes.
    monitor.check();
    monitor.read(chunk.length);
    yield chunk;
  }
}

/** How many bytes the content of a file holds once gunzipped: the gzip trailer's size (mod 2^32), else the size. */
export function contentSizeOf(data: Buffer): number {
  if (data.length >= 18 && data[0] === 0x1f && data[1] === 0x8b) return data.readUInt32LE(data.length - 4);
  return data.length;
}

export async function contentSizeOfFile(path: string, size: number): Promise<number> {
  if (size < 18) return size;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    if (head[0] !== 0x1f || head[1] !== 0x8b) return size;
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, size - 4);
    return tail.readUInt32LE(0);
  } finally {
    await handle.close();
  }
}
