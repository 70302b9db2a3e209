// Reading and writing a bundle's files, whether it is a folder or a .zip: the same bundle either way.
// Nothing is ever read from or written to a path outside the bundle: zip entries named "../x" or "/x",
// and symbolic links in a folder, are refused.
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { zipSync } from 'fflate';
import { DEFAULT_LIMITS, formatBytes, LimitError, MAX_METADATA_BYTES, READ_CHUNK_BYTES, type Limits } from '../limits';
import { isSafeBundlePath, MANIFEST_FILE } from './manifest';
import { readZipArchive, streamZipEntry, type ArchiveFinding, type ZipArchive } from './zip-read';

export type { ArchiveFinding };

export class BundleError extends Error {}

export interface BundleFiles {
  /** Where the bundle is, as the user named it. */
  readonly location: string;
  readonly form: 'folder' | 'zip';
  /** Every file in the bundle, relative, with "/" separators, sorted. */
  list(): string[];
  /** A file read whole: metadata (manifest, signature, leaves), refused past MAX_METADATA_BYTES. */
  read(path: string): Promise<Buffer>;
  /** A file as a stream, a zip entry inflated as it is read under the limits: sources of any size. */
  stream(path: string): AsyncIterable<Buffer>;
  /**
   * What the container itself gets wrong without stopping it from being read (a zip's duplicate names,
   * its central directory and local headers disagreeing, hidden bytes): problems of the bundle.
   */
  readonly findings?: readonly ArchiveFinding[];
}

/** Collects a stream whole, refusing it once it passes `max` bytes (`what` names it). */
export async function collectBounded(stream: AsyncIterable<Buffer>, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    length += chunk.length;
    if (length > max) throw new LimitError(`${what} is larger than ${formatBytes(max)}, too large to read whole`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

async function listFolder(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = relative(root, full).split(sep).join('/');
      if (entry.isSymbolicLink()) throw new BundleError(`${root}: ${rel} is a symbolic link; a bundle holds only plain files`);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) found.push(rel);
    }
  }
  await walk(root);
  return found.sort();
}

/** Whether a path looks like a bundle: a folder with a manifest at its root, or a zip file. */
export async function isBundlePath(location: string): Promise<boolean> {
  try {
    const info = await lstat(location);
    if (info.isDirectory()) return existsSync(join(location, MANIFEST_FILE));
    if (!info.isFile() || !location.toLowerCase().endsWith('.zip')) return false;
    return true;
  } catch {
    return false;
  }
}

export async function openBundleFiles(location: string, limits: Limits = DEFAULT_LIMITS): Promise<BundleFiles> {
  let info;
  try {
    info = await lstat(location);
  } catch {
    throw new BundleError(`${location}: no such bundle`);
  }
  if (info.isDirectory()) {
    if (!existsSync(join(location, MANIFEST_FILE))) throw new BundleError(`${location}: not a bundle (no ${MANIFEST_FILE} at its root)`);
    const files = await listFolder(location);
    return {
      location,
      form: 'folder',
      list: () => files,
      read: async (path) => {
        if (!files.includes(path)) throw new BundleError(`${location}: no file ${path} in the bundle`);
        const full = join(location, ...path.split('/'));
        const { size } = await stat(full);
        if (size > MAX_METADATA_BYTES)
          throw new LimitError(`${path} is larger than ${formatBytes(MAX_METADATA_BYTES)}, too large to read whole`);
        return readFile(full);
      },
      stream: (path) => {
        if (!files.includes(path)) throw new BundleError(`${location}: no file ${path} in the bundle`);
        return createReadStream(join(location, ...path.split('/')), { highWaterMark: READ_CHUNK_BYTES });
      },
    };
  }
  if (!info.isFile()) throw new BundleError(`${location}: not a bundle (neither a folder nor a .zip file)`);
  const magic = Buffer.alloc(4);
  const handle = await open(location, 'r');
  try {
    await handle.read(magic, 0, 4, 0);
  } finally {
    await handle.close();
  }
  // The archive is never read whole: its directory is, and each entry is inflated when read, as a stream.
  return zipBundleFiles(location, location, magic, limits);
}

/** Whether bytes start like a zip file (a local file header). */
export function looksLikeZip(data: Uint8Array): boolean {
  return data.byteLength >= 4 && Buffer.from(data.buffer, data.byteOffset, 4).equals(ZIP_MAGIC);
}

/**
 * A `.zip` bundle already in memory (a file dropped on the window): the same reader and the same checks as
 * one read from disk. `location` only names it in messages and in the case.
 */
export async function bundleFilesFromZip(location: string, data: Buffer, limits: Limits = DEFAULT_LIMITS): Promise<BundleFiles> {
  return zipBundleFiles(location, data, data.subarray(0, 4), limits);
}

async function zipBundleFiles(location: string, input: string | Buffer, magic: Buffer, limits: Limits): Promise<BundleFiles> {
  if (!looksLikeZip(magic)) throw new BundleError(`${location}: not a bundle (not a folder and not a zip file)`);
  let zip: ZipArchive;
  try {
    zip = await readZipArchive(input, limits);
  } catch (error) {
    throw new BundleError(`${location}: not a readable zip file (${(error as Error).message})`);
  }
  const files: string[] = [];
  for (const name of zip.entries.keys()) {
    if (name.endsWith('/')) continue; // a folder entry
    if (!isSafeBundlePath(name)) throw new BundleError(`${location}: zip entry "${name}" would point outside the bundle; refused`);
    files.push(name);
  }
  files.sort();
  if (!files.includes(MANIFEST_FILE)) throw new BundleError(`${location}: not a bundle (no ${MANIFEST_FILE} at the zip's root)`);
  // An entry whose data could not be read stays listed: reading it fails, and the finding says why.
  const entryOf = (path: string) => {
    const entry = zip.entries.get(path);
    if (!entry || !files.includes(path)) throw new BundleError(`${location}: no file ${path} in the bundle`);
    if (zip.unreadable.has(path)) throw new BundleError(`${location}: the zip entry ${path} cannot be read`);
    return entry;
  };
  const stream = (path: string) => streamZipEntry(zip.source, entryOf(path), limits, `zip entry ${path}`);
  return {
    location,
    form: 'zip',
    list: () => files,
    findings: zip.findings,
    read: async (path) => collectBounded(stream(path), MAX_METADATA_BYTES, path),
    stream,
  };
}

/**
 * A bundle folder rebuilt in memory from its files and their paths relative to the folder (a folder
 * dropped on the window). The paths come from outside: each must be a safe relative path, the same rule as
 * zip entries, and nothing is ever written to disk from them.
 */
export function bundleFilesFromMemory(location: string, contents: ReadonlyMap<string, Buffer>): BundleFiles {
  for (const path of contents.keys()) {
    if (!isSafeBundlePath(path)) throw new BundleError(`${location}: "${path}" would point outside the bundle; refused`);
  }
  const files = [...contents.keys()].sort();
  if (!files.includes(MANIFEST_FILE)) throw new BundleError(`${location}: not a bundle (no ${MANIFEST_FILE} at its root)`);
  const fileOf = (path: string): Buffer => {
    const data = contents.get(path);
    if (!data) throw new BundleError(`${location}: no file ${path} in the bundle`);
    return data;
  };
  return {
    location,
    form: 'folder',
    list: () => files,
    read: async (path) => {
      const data = fileOf(path);
      if (data.length > MAX_METADATA_BYTES)
        throw new LimitError(`${path} is larger than ${formatBytes(MAX_METADATA_BYTES)}, too large to read whole`);
      return data;
    },
    stream: (path) => {
      const data = fileOf(path);
      return (async function* () {
        for (let at = 0; at < data.length; at += 1 << 20) yield data.subarray(at, at + (1 << 20));
      })();
    },
  };
}

/**
 * Writes a bundle as a folder, or as a zip when `out` ends in .zip. The output must not exist; the bundle
 * is written beside it under a temporary name and renamed into place, so a failure leaves nothing behind.
 */
export async function writeBundleFiles(out: string, files: Map<string, Buffer>): Promise<void> {
  if (existsSync(out)) throw new BundleError(`${out}: already exists; choose a new output path`);
  for (const path of files.keys()) {
    if (!isSafeBundlePath(path)) throw new BundleError(`refusing to write "${path}": not a path inside the bundle`);
  }
  await mkdir(dirname(out), { recursive: true });
  const temporary = join(dirname(out), `.${randomBytes(6).toString('hex')}.partial`);
  try {
    if (out.toLowerCase().endsWith('.zip')) {
      const entries: Record<string, Uint8Array> = {};
      for (const [path, data] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) entries[path] = data;
      // A fixed mtime keeps the zip of the same bundle byte-identical from run to run.
      await writeFile(temporary, zipSync(entries, { level: 6, mtime: new Date('2020-01-01T00:00:00Z') }));
    } else {
      await mkdir(temporary);
      for (const [path, data] of files) {
        const target = join(temporary, ...path.split('/'));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, data);
      }
    }
    await rename(temporary, out);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}
