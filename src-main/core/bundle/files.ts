// Reading and writing a bundle's files, whether it is a folder or a .zip: the same bundle either way.
// Nothing is ever read from or written to a path outside the bundle: zip entries named "../x" or "/x",
// and symbolic links in a folder, are refused.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { zipSync } from 'fflate';
import { isSafeBundlePath, MANIFEST_FILE } from './manifest';
import { readZipStrictly, type ArchiveFinding } from './zip-reader';

export type { ArchiveFinding };

export class BundleError extends Error {}

export interface BundleFiles {
  /** Where the bundle is, as the user named it. */
  readonly location: string;
  readonly form: 'folder' | 'zip';
  /** Every file in the bundle, relative, with "/" separators, sorted. */
  list(): string[];
  read(path: string): Promise<Buffer>;
  /**
   * What the container itself gets wrong without stopping it from being read (a zip's duplicate names,
   * its central directory and local headers disagreeing, hidden bytes): problems of the bundle.
   */
  readonly findings?: readonly ArchiveFinding[];
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

export async function openBundleFiles(location: string): Promise<BundleFiles> {
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
        return readFile(join(location, ...path.split('/')));
      },
    };
  }
  if (!info.isFile()) throw new BundleError(`${location}: not a bundle (neither a folder nor a .zip file)`);
  return bundleFilesFromZip(location, await readFile(location));
}

/** Whether bytes start like a zip file (a local file header). */
export function looksLikeZip(data: Uint8Array): boolean {
  return data.byteLength >= 4 && Buffer.from(data.buffer, data.byteOffset, 4).equals(ZIP_MAGIC);
}

/**
 * A `.zip` bundle already in memory (a file dropped on the window): the same checks as one read from disk.
 * `location` only names it in messages and in the case.
 */
export function bundleFilesFromZip(location: string, data: Buffer): BundleFiles {
  if (!looksLikeZip(data)) throw new BundleError(`${location}: not a bundle (not a folder and not a zip file)`);
  let zip;
  try {
    zip = readZipStrictly(data);
  } catch (error) {
    throw new BundleError(`${location}: not a readable zip file (${(error as Error).message})`);
  }
  const files: string[] = [];
  for (const name of new Set(zip.names)) {
    if (name.endsWith('/')) continue; // a folder entry
    if (!isSafeBundlePath(name)) throw new BundleError(`${location}: zip entry "${name}" would point outside the bundle; refused`);
    files.push(name);
  }
  files.sort();
  if (!files.includes(MANIFEST_FILE)) throw new BundleError(`${location}: not a bundle (no ${MANIFEST_FILE} at the zip's root)`);
  // An entry whose data could not be read stays listed: reading it fails, and the finding says why.
  return {
    location,
    form: 'zip',
    list: () => files,
    findings: zip.findings,
    read: async (path) => {
      const entry = zip.entries.get(path);
      if (!entry || !files.includes(path)) throw new BundleError(`${location}: the zip entry ${path} cannot be read`);
      return entry;
    },
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
  return {
    location,
    form: 'folder',
    list: () => files,
    read: async (path) => {
      const data = contents.get(path);
      if (!data) throw new BundleError(`${location}: no file ${path} in the bundle`);
      return data;
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
