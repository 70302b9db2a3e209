// A bundle written as rows arrive (docs/bundle-format.md, docs/pull.md): one record stream whose records
// are the raw column's bytes, the hash chain, the leaves file and the Merkle root computed as the records
// are written (on a second core: service/pull/chain-hasher.ts), so that memory does not grow with the row
// count. `seal` writes the manifest (and its signature) last: a bundle folder without manifest.json is a
// pull that did not finish sealing.
import { createHash, type Hash, type KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chainStep, CHAIN_START, leafHash, MerkleRootBuilder } from '../../core/bundle/hashing';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  canonicalManifestBytes,
  leavesPathFor,
  MANIFEST_FILE,
  SIGNATURE_FILE,
  type Manifest,
} from '../../core/bundle/manifest';
import { signManifest } from '../../core/bundle/signing';
import { ChainHasher } from './chain-hasher';

const NEWLINE = Buffer.from('\n');

/**
 * The working file beside the record stream while a pull runs: one line per record, `[time, tiebreak]`,
 * the first line being the key of record `keys_from` (docs/pull.md, "Resume"). A pull killed before it
 * sealed resumes after the last record both files hold whole. Removed when the bundle is sealed.
 */
export const PULL_KEYS_FILE = '.causa-pull-keys.jsonl';
/** The working file saying which pull is writing here (profile, window, filters), for a resume to check. */
export const PULL_STATE_FILE = '.causa-pull-state.json';

/** Reads a file's complete lines (each ended by a newline) as buffers, with the byte offset after each. */
async function* completeLines(path: string): AsyncGenerator<{ line: Buffer; end: number }> {
  let rest = Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of createReadStream(path)) {
    const data = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
      offset += nl + 1 - start;
      yield { line: data.subarray(start, nl), end: offset };
      start = nl + 1;
    }
    rest = Buffer.from(data.subarray(start));
  }
}

/** How many complete lines a file holds (0 when it does not exist). */
export async function countCompleteLines(path: string): Promise<number> {
  if (!existsSync(path)) return 0;
  let n = 0;
  for await (const _ of completeLines(path)) n += 1;
  return n;
}

/**
 * Bytes gathered into one write: a pull writes three files a few dozen bytes at a time (a record, its
 * newline, its leaf, its key), and each write of a stream was a call into the stream and, once the disk was
 * behind, a request to libuv's pool: 2.8 s of a million rows' 18 s. Whole lines only are gathered, so a
 * killed pull leaves each file with whole lines up to its last write, as before, just fewer of them.
 */
const BATCH_BYTES = 256 * 1024;

/** A file written in order, in batches, hashed as it is written (unless told not to), waiting for the disk when it is behind. */
class HashedFile {
  private readonly stream: WriteStream;
  private readonly hash: Hash | undefined;
  size = 0;
  private failure: Error | undefined;
  private batch: Buffer = Buffer.allocUnsafe(BATCH_BYTES);
  private used = 0;
  /** Batches the stream has written, to be filled again: a new 256 KiB buffer for each made the collector run far more often. */
  private readonly free: Buffer[] = [];

  /**
   * A new file (`wx`), or one appended to (`a`) whose existing bytes were hashed into `resumed.hash`,
   * `resumed.size` long. `hashed: false`: a working file whose hash nothing asks for (`append`: appended to).
   */
  constructor(path: string, resumed?: { hash: Hash; size: number }, options: { hashed?: boolean; append?: boolean } = {}) {
    this.hash = options.hashed === false ? undefined : (resumed?.hash ?? createHash('sha256'));
    this.size = resumed?.size ?? 0;
    this.stream = createWriteStream(path, { flags: resumed || options.append ? 'a' : 'wx' });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  /**
   * Appends `parts` (together a whole line, or lines); written once the batch is full. While they fit in the
   * batch (most calls) nothing is awaited: no promise, so no turn of the microtask queue a record.
   */
  write(...parts: Buffer[]): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    let length = 0;
    for (const part of parts) length += part.length;
    if (this.used + length > this.batch.length) return this.writeAfterRoom(parts);
    for (const part of parts) {
      part.copy(this.batch, this.used);
      this.used += part.length;
    }
    this.size += length;
    return undefined;
  }

  private async writeAfterRoom(parts: Buffer[]): Promise<void> {
    for (const part of parts) {
      const full = this.room(part.length);
      if (full) await full;
      part.copy(this.batch, this.used);
      this.used += part.length;
      this.size += part.length;
    }
  }

  /** Appends a line of text (a leaf's hex, a key's JSON) and its newline, with no Buffer made for it; nothing awaited while it fits. */
  writeLine(text: string): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const length = Buffer.byteLength(text, 'utf8') + 1;
    if (this.used + length > this.batch.length) return this.room(length)!.then(() => this.putLine(text, length));
    this.putLine(text, length);
    return undefined;
  }

  private putLine(text: string, length: number): void {
    this.used += this.batch.write(text, this.used, 'utf8');
    this.batch[this.used++] = 0x0a;
    this.size += length;
  }

  /**
   * Room for `length` more bytes in the batch: none to wait for while it fits (most calls: no promise, so
   * no turn of the microtask queue a line), else the full batch written first, a larger one for a longer line.
   */
  private room(length: number): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    if (this.used + length <= this.batch.length) return undefined;
    return this.flush().then(() => {
      if (length > this.batch.length) this.batch = Buffer.allocUnsafe(length);
    });
  }

  /** Hands the batch to the stream (a new buffer takes its place), waiting while the disk is behind. */
  private async flush(): Promise<void> {
    if (this.used === 0) return;
    const full = this.batch;
    const bytes = full.subarray(0, this.used);
    this.hash?.update(bytes);
    this.batch = this.free.pop() ?? Buffer.allocUnsafe(BATCH_BYTES);
    this.used = 0;
    // Once written (or failed: the stream is then done with it too), the batch is filled again.
    const written = this.stream.write(bytes, () => {
      if (full.length === BATCH_BYTES) this.free.push(full);
    });
    if (written) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.stream.once('error', onError);
      this.stream.once('drain', () => {
        this.stream.removeListener('error', onError);
        resolve();
      });
    });
  }

  async close(): Promise<{ size: number; sha256: string }> {
    if (!this.failure) await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.failure) throw this.failure;
    return { size: this.size, sha256: this.hash?.digest('hex') ?? '' };
  }
}

export class StreamingBundleWriter {
  private source!: HashedFile;
  private leaves!: HashedFile;
  private keys!: HashedFile;
  private head: Buffer = Buffer.from(CHAIN_START, 'hex');
  private readonly merkle = new MerkleRootBuilder();
  /** Steps the chain, hashes the leaves and builds the Merkle tree from `head` and `merkle` on (started once they are known). */
  private hasher!: ChainHasher;
  /** The leaves file's writes, in the order the hasher hands its lines on; the first failure is kept. */
  private leavesWritten: Promise<void> = Promise.resolve();
  private leavesFailure: Error | undefined;
  records = 0;

  private constructor(
    readonly out: string,
    /** The record stream's path inside the bundle ("sources/…"). */
    readonly sourcePath: string,
    private readonly type: string,
  ) {}

  /** Creates the bundle folder (which must not exist) and its two streamed files. */
  static async create(out: string, sourcePath: string, type: string): Promise<StreamingBundleWriter> {
    const writer = new StreamingBundleWriter(out, sourcePath, type);
    await mkdir(out, { recursive: false });
    const sourceFile = join(out, ...sourcePath.split('/'));
    const leavesFile = join(out, ...leavesPathFor(sourcePath).split('/'));
    await mkdir(dirname(sourceFile), { recursive: true });
    await mkdir(dirname(leavesFile), { recursive: true });
    writer.source = new HashedFile(sourceFile);
    writer.leaves = new HashedFile(leavesFile);
    writer.keys = new HashedFile(join(out, PULL_KEYS_FILE), undefined, { hashed: false });
    writer.startHashing();
    return writer;
  }

  private startHashing(): void {
    this.hasher = new ChainHasher(this.head, this.merkle.subtrees, (lines) => {
      this.leavesWritten = this.leavesWritten
        .then(() => this.leaves.write(lines))
        .catch((error: unknown) => {
          this.leavesFailure ??= error as Error;
        });
    });
  }

  /**
   * Reopens the record stream of an earlier, unfinished pull at `out` to append to it, keeping its first
   * `records` records (which must all be whole in the file): the rest (a line cut by a kill) is cut off,
   * the chain head, the Merkle root and both files' hashes are computed again from the records kept, and
   * the leaves file is written again from them. `last` is the key of the last record kept, the first line
   * of the new keys file.
   */
  static async resume(
    out: string,
    sourcePath: string,
    type: string,
    records: number,
    last: [string, string] | undefined,
  ): Promise<StreamingBundleWriter> {
    const writer = new StreamingBundleWriter(out, sourcePath, type);
    const sourceFile = join(out, ...sourcePath.split('/'));
    const leavesFile = join(out, ...leavesPathFor(sourcePath).split('/'));
    const sourceHash = createHash('sha256');
    let size = 0;
    // The leaves file is written again as the records are read, a batch at a time: held whole until the end,
    // 65 bytes a record, a resumed pull of ten million rows held 650 MB.
    await writeFile(leavesFile, '');
    writer.leaves = new HashedFile(leavesFile, { hash: createHash('sha256'), size: 0 });
    if (records > 0) {
      for await (const { line, end } of completeLines(sourceFile)) {
        writer.head = chainStep(writer.head, line);
        const leaf = leafHash(line);
        writer.merkle.add(leaf);
        sourceHash.update(line).update(NEWLINE);
        const behind = writer.leaves.writeLine(leaf.toString('hex'));
        if (behind) await behind;
        size = end;
        writer.records += 1;
        if (writer.records === records) break;
      }
    }
    if (writer.records !== records) {
      await writer.leaves.close().catch(() => {});
      throw new Error(`${sourceFile}: holds ${writer.records} whole records, not the ${records} the earlier pull wrote`);
    }
    await truncate(sourceFile, size);
    writer.source = new HashedFile(sourceFile, { hash: sourceHash, size });
    await writeFile(join(out, PULL_KEYS_FILE), last ? `${JSON.stringify(last)}\n` : '');
    writer.keys = new HashedFile(join(out, PULL_KEYS_FILE), undefined, { hashed: false, append: true });
    writer.startHashing();
    return writer;
  }

  /**
   * Appends one record: its exact bytes and a newline, its key to the keys file; its leaf hash follows once
   * the hasher reaches it. A promise only when a file or the hasher is behind (the pull then waits for it).
   */
  add(record: Buffer, key: [string, string]): Promise<void> | undefined {
    if (this.leavesFailure) throw this.leavesFailure;
    const written = this.source.write(record, NEWLINE);
    const hashed = this.hasher.add(record);
    this.records += 1;
    // A working file: one that cannot be written only makes a later resume start earlier (as before).
    let keyed: Promise<void> | undefined;
    try {
      keyed = this.keys.writeLine(JSON.stringify(key))?.catch(() => {});
    } catch {
      // not written (above)
    }
    if (written === undefined && hashed === undefined && keyed === undefined) return undefined;
    return Promise.all([written, hashed, keyed]).then(() => undefined);
  }

  private async closeKeys(): Promise<void> {
    await this.keys.close().catch(() => {});
  }

  /** Closes the files and writes the manifest (and the signature, with a key). */
  async seal(options: {
    case: Manifest['case'];
    createdAt: string;
    creator: Manifest['creator'];
    capture: Record<string, unknown>;
    key?: KeyObject;
  }): Promise<Manifest> {
    const source = await this.source.close();
    const hashed = await this.hasher.finish();
    await this.hasher.close();
    await this.leavesWritten;
    if (this.leavesFailure) throw this.leavesFailure;
    this.head = hashed.head;
    const leaves = await this.leaves.close();
    await this.closeKeys();
    const manifest: Manifest = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      case: options.case,
      created_at: options.createdAt,
      creator: options.creator,
      sources: [
        {
          path: this.sourcePath,
          type: this.type,
          size: source.size,
          sha256: source.sha256,
          chain: {
            algorithm: 'sha256-chain-v1',
            records: this.records,
            head: this.head.toString('hex'),
            merkle_root: hashed.root.toString('hex'),
            leaves: { path: leavesPathFor(this.sourcePath), size: leaves.size, sha256: leaves.sha256 },
          },
        },
      ],
      blobs: [],
      capture: options.capture,
    };
    await writeFile(join(this.out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
    if (options.key) {
      const signature = signManifest(canonicalManifestBytes(manifest), options.key);
      await writeFile(join(this.out, SIGNATURE_FILE), `${JSON.stringify(signature, null, 2)}\n`, { flag: 'wx' });
    }
    await rm(join(this.out, PULL_KEYS_FILE), { force: true });
    await rm(join(this.out, PULL_STATE_FILE), { force: true });
    return manifest;
  }

  /** Closes the files without a manifest (when even sealing what was read is impossible). */
  async abandon(): Promise<void> {
    await Promise.allSettled([this.hasher.close(), this.source.close(), this.leaves.close(), this.closeKeys()]);
  }
}
