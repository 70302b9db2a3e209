// A bundle written as rows arrive (docs/bundle-format.md, docs/pull.md): one record stream whose records
// are the raw column's bytes, the hash chain, the leaves file and the Merkle root computed as each record
// is written, so that memory does not grow with the row count. `seal` writes the manifest (and its
// signature) last: a bundle folder without manifest.json is a pull that did not finish sealing.
import { createHash, type Hash, type KeyObject } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
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

const NEWLINE = Buffer.from('\n');

/** A file written in order, hashed as it is written, waiting for the disk when the disk is behind. */
class HashedFile {
  private readonly stream: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  size = 0;
  private failure: Error | undefined;

  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: 'wx' });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  async write(...parts: Buffer[]): Promise<void> {
    if (this.failure) throw this.failure;
    let ok = true;
    for (const part of parts) {
      this.hash.update(part);
      this.size += part.length;
      ok = this.stream.write(part) && ok;
    }
    if (!ok)
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
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.failure) throw this.failure;
    return { size: this.size, sha256: this.hash.digest('hex') };
  }
}

export class StreamingBundleWriter {
  private source!: HashedFile;
  private leaves!: HashedFile;
  private head: Buffer = Buffer.from(CHAIN_START, 'hex');
  private readonly merkle = new MerkleRootBuilder();
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
    return writer;
  }

  /** Appends one record: its exact bytes, a newline, its leaf hash; the chain steps over it. */
  async add(record: Buffer): Promise<void> {
    this.head = chainStep(this.head, record);
    const leaf = leafHash(record);
    this.merkle.add(leaf);
    this.records += 1;
    await this.source.write(record, NEWLINE);
    await this.leaves.write(Buffer.from(`${leaf.toString('hex')}\n`, 'utf8'));
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
    const leaves = await this.leaves.close();
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
            merkle_root: this.merkle.root().toString('hex'),
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
    return manifest;
  }

  /** Closes the files without a manifest (when even sealing what was read is impossible). */
  async abandon(): Promise<void> {
    await Promise.allSettled([this.source.close(), this.leaves.close()]);
  }
}
