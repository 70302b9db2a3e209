// Sealing a bundle whose record streams are too large to hold (a sample of ten million audit events): each
// streamed source's lines are written to disk a chunk at a time while its file hash, hash chain, Merkle
// root and leaves file are computed on the way, so memory holds one chunk and the Merkle builder's stack
// (log2 of the records), never the source. The bundle is the same, byte for byte, as `sealSources` builds
// in memory from the same lines; a .zip is written from the sealed folder, one entry streamed at a time.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import { BundleError } from './files';
import { CHAIN_START, chainStep, leafHash, MerkleRootBuilder } from './hashing';
import { isSafeBundlePath, leavesPathFor, type Manifest, type SourceEntry } from './manifest';
import { manifestFiles, SealError, sealSource, type RawSource, type SealOptions } from './seal';

/** A record stream given as its lines (without their "\n"), made as they are written. */
export interface StreamedSource {
  path: string;
  type: string;
  lines: Iterable<string>;
}

/** Bytes gathered before a write: large enough that writes are few, small enough to be no memory at all. */
const CHUNK_BYTES = 1 << 20;
const NEWLINE = Buffer.from('\n');

/** A file written a chunk at a time, its SHA-256 and size taken on the way. */
class HashedFile {
  private readonly hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  size = 0;

  private constructor(private readonly handle: FileHandle) {}

  static async create(path: string): Promise<HashedFile> {
    await mkdir(dirname(path), { recursive: true });
    return new HashedFile(await open(path, 'wx'));
  }

  /** True when a chunk is full and `flush` should be awaited. */
  add(bytes: Buffer): boolean {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    return this.pendingBytes >= CHUNK_BYTES;
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.hash.update(chunk);
    this.size += chunk.length;
    await this.handle.write(chunk);
  }

  async close(): Promise<{ size: number; sha256: string }> {
    await this.flush();
    await this.handle.close();
    return { size: this.size, sha256: this.hash.digest('hex') };
  }
}

/** Writes a streamed source under `dir` and answers its manifest entry (a record stream's, with its chain). */
export async function sealStreamedSource(source: StreamedSource, dir: string): Promise<SourceEntry> {
  const path = `sources/${source.path}`;
  const leavesPath = leavesPathFor(path);
  const data = await HashedFile.create(join(dir, ...path.split('/')));
  const leaves = await HashedFile.create(join(dir, ...leavesPath.split('/')));
  let head: Buffer = Buffer.from(CHAIN_START, 'hex');
  const merkle = new MerkleRootBuilder();
  let records = 0;
  let written: { size: number; sha256: string };
  let leavesWritten: { size: number; sha256: string };
  try {
    for (const line of source.lines) {
      if (line.includes('\n')) throw new SealError(`${source.path}: record ${records + 1} holds a line break`);
      const record = Buffer.from(line, 'utf8');
      head = chainStep(head, record);
      const leaf = leafHash(record);
      merkle.add(leaf);
      records += 1;
      const leavesFull = leaves.add(Buffer.from(`${leaf.toString('hex')}\n`, 'latin1'));
      data.add(record);
      if (data.add(NEWLINE) || leavesFull) await Promise.all([data.flush(), leaves.flush()]);
    }
  } finally {
    written = await data.close();
    leavesWritten = await leaves.close();
  }
  if (records === 0) throw new SealError(`${source.path}: a record stream of no records`);
  return {
    path,
    type: source.type,
    size: written.size,
    sha256: written.sha256,
    chain: {
      algorithm: 'sha256-chain-v1',
      records,
      head: head.toString('hex'),
      merkle_root: merkle.root().toString('hex'),
      leaves: { path: leavesPath, size: leavesWritten.size, sha256: leavesWritten.sha256 },
    },
  };
}

/**
 * Writes a bundle to `out` (a folder, or a .zip when the name ends so) from sources in memory and
 * streamed ones alike. The output must not exist; the bundle is made beside it under a temporary name and
 * renamed into place, so a failure leaves nothing behind.
 */
export async function writeSealedBundle(
  out: string,
  sources: readonly (RawSource | StreamedSource)[],
  options: SealOptions,
): Promise<void> {
  if (existsSync(out)) throw new BundleError(`${out}: already exists; choose a new output path`);
  await mkdir(dirname(out), { recursive: true });
  const temporary = join(dirname(out), `.${randomBytes(6).toString('hex')}.partial`);
  const zip = out.toLowerCase().endsWith('.zip');
  const folder = zip ? `${temporary}.d` : temporary;
  try {
    await mkdir(folder);
    const entries: SourceEntry[] = [];
    const blobs: Manifest['blobs'] = [];
    for (const source of [...sources].sort((a, b) => a.path.localeCompare(b.path))) {
      if ('lines' in source) {
        entries.push(await sealStreamedSource(source, folder));
        continue;
      }
      const files = new Map<string, Buffer>();
      const entry = sealSource(source, options, files, blobs);
      if (entry) entries.push(entry);
      await writeFiles(folder, files);
    }
    await writeFiles(folder, manifestFiles(entries, blobs, options));
    if (zip) {
      await zipFolder(folder, temporary);
      await rm(folder, { recursive: true, force: true });
    }
    await rename(temporary, out);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (zip) await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

async function writeFiles(folder: string, files: ReadonlyMap<string, Buffer>): Promise<void> {
  for (const [path, data] of files) {
    if (!isSafeBundlePath(path)) throw new BundleError(`refusing to write "${path}": not a path inside the bundle`);
    const target = join(folder, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const handle = await open(target, 'wx');
    try {
      await handle.write(data);
    } finally {
      await handle.close();
    }
  }
}

/** A zip of every file under `folder`, entries in path order, each read and deflated a chunk at a time. */
async function zipFolder(folder: string, target: string): Promise<void> {
  const paths = (await readdir(folder, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort((a, b) => a.localeCompare(b));
  const fd = openSync(target, 'wx');
  let failure: Error | null = null;
  try {
    const archive = new Zip((error, chunk) => {
      if (error) failure = error;
      else writeSync(fd, chunk);
    });
    for (const path of paths) {
      // A fixed mtime keeps the zip of the same bundle byte-identical from run to run.
      const entry = new ZipDeflate(path, { level: 6 });
      entry.mtime = new Date('2020-01-01T00:00:00Z');
      archive.add(entry);
      let previous: Buffer | undefined;
      for await (const piece of createReadStream(join(folder, ...path.split('/')), { highWaterMark: CHUNK_BYTES })) {
        if (previous) entry.push(previous);
        previous = piece as Buffer;
      }
      entry.push(previous ?? new Uint8Array(0), true);
      if (failure) throw failure;
    }
    archive.end();
    if (failure) throw failure;
  } finally {
    closeSync(fd);
  }
}
