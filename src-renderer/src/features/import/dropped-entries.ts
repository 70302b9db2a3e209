// What was dropped on the window, as files named by their path relative to the drop: a dropped folder is
// walked through the File and Directory Entries API (DataTransferItem.webkitGetAsEntry), so a bundle
// folder arrives as "inc-0047/manifest.json", "inc-0047/sources/…". The main side treats these names as
// untrusted labels (src-main/service/import.ts, groupUploads); they never name a place on disk.

import type { DroppedFile } from '../../state/import';

export type { DroppedFile };

/** The parts of the File and Directory Entries API the walk uses (so a test can hand it its own entries). */
export interface DropEntry {
  readonly name: string;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
}
interface FileDropEntry extends DropEntry {
  file(success: (file: File) => void, failure?: (error: unknown) => void): void;
}
interface DirectoryDropEntry extends DropEntry {
  createReader(): { readEntries(success: (entries: DropEntry[]) => void, failure?: (error: unknown) => void): void };
}
/** One item of a drop: a File, and (where the browser has it) its entry. */
export interface DropItem {
  readonly kind: string;
  getAsFile(): File | null;
  webkitGetAsEntry?(): DropEntry | null;
}

function fileOf(entry: FileDropEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** All of a folder's entries: readEntries answers in batches (Chromium's are of 100) until it answers none. */
async function entriesOf(entry: DirectoryDropEntry): Promise<DropEntry[]> {
  const reader = entry.createReader();
  const all: DropEntry[] = [];
  for (;;) {
    const batch = await new Promise<DropEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: DropEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
  if (entry.isFile) {
    out.push({ name, file: await fileOf(entry as FileDropEntry) });
  } else if (entry.isDirectory) {
    const children = await entriesOf(entry as DirectoryDropEntry);
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) await walk(child, name, out);
  }
}

/**
 * Takes the entries of a drop. Must be called while the drop event is being handled (the browser empties
 * the items afterwards); the walk it returns may finish later. Items without an entry are taken as files.
 */
export function takeDropped(items: ArrayLike<DropItem> | undefined, files: ArrayLike<File> | undefined): () => Promise<DroppedFile[]> {
  const list = Array.from(items ?? []).filter((item) => item.kind === 'file');
  if (list.length === 0) {
    const plain = Array.from(files ?? []).map((file) => ({ name: file.name, file }));
    return async () => plain;
  }
  const taken = list.map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }));
  return async () => {
    const out: DroppedFile[] = [];
    for (const { entry, file } of taken) {
      if (entry) await walk(entry, '', out);
      else if (file) out.push({ name: file.name, file });
    }
    return out;
  };
}
