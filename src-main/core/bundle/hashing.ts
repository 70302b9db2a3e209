// The two hash structures a sealed record stream carries (docs/bundle-format.md):
// - a hash chain over the records' exact bytes: h0 = 64 zeros, h_i = SHA-256(h_(i-1) ‖ record i), whose
//   head and count the manifest records, so that any change, insertion, removal or cut is visible;
// - an RFC 6962 Merkle tree over the same records (leaf hash = SHA-256(0x00 ‖ record)), whose root the
//   manifest records, so that one record can later be proven with a short inclusion proof.
import { createHash, hash } from 'node:crypto';

export const CHAIN_START = '0'.repeat(64);

/** SHA-256 in hex, of bytes or of a string's UTF-8; the one-shot form (no Hash object per record). */
export function sha256Hex(data: Uint8Array | string): string {
  return hash('sha256', data, 'hex');
}

/** Parts up to this many bytes in all are hashed at once from a copy; larger ones through a Hash object. */
const ONE_SHOT_BYTES = 64 * 1024;
let scratch = Buffer.allocUnsafe(4096);

/**
 * SHA-256 of the parts one after the other. Small inputs (a record, a leaf, a node) are copied into one
 * buffer and hashed by the one-shot `hash`, its hex read back: a Hash object a record took 2.6 µs, this
 * 1.2 (and the one-shot's own Buffer output is slower than its hex); the import hashes each record several
 * times over.
 */
export function sha256(...parts: Uint8Array[]): Buffer {
  return Buffer.from(sha256HexOf(...parts), 'hex');
}

/** The same SHA-256 in hex (where the hex is what is written, it is not made twice). */
export function sha256HexOf(...parts: Uint8Array[]): string {
  let size = 0;
  for (const part of parts) size += part.length;
  if (size > ONE_SHOT_BYTES) {
    const digest = createHash('sha256');
    for (const part of parts) digest.update(part);
    return digest.digest('hex');
  }
  if (scratch.length < size) scratch = Buffer.allocUnsafe(ONE_SHOT_BYTES);
  let at = 0;
  for (const part of parts) {
    scratch.set(part, at);
    at += part.length;
  }
  return hash('sha256', scratch.subarray(0, size), 'hex');
}

/** h_i = SHA-256(h_(i-1) ‖ bytes of record i), h as raw 32 bytes (the hex form is what manifests show). */
export function chainStep(previous: Buffer, record: Uint8Array): Buffer {
  return sha256(previous, record);
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(record: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, record);
}

/** A record's leaf hash in hex, as a leaves file holds it. */
export function leafHashHex(record: Uint8Array): string {
  return sha256HexOf(LEAF_PREFIX, record);
}

/**
 * The leaf of a value inside a JSON document (elements, docs/bundle-format.md): its JSON path is part of
 * the leaf, so a proof shows where the bytes sat as well as what they were. Paths hold no raw newline.
 */
export function elementLeafHash(locator: string, bytes: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, Buffer.from(locator, 'utf8'), Buffer.from([0x0a]), bytes);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** RFC 6962 §2.1 Merkle Tree Hash over leaf hashes; the empty tree's hash is SHA-256 of nothing. */
export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  let level: Buffer[] = [...leaves];
  // Pairing left to right and carrying an odd last node up unchanged gives exactly RFC 6962's split at
  // the largest power of two below n.
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

/**
 * The same root as `merkleRoot`, built one leaf at a time so that a caller can pause between leaves: a
 * stack holds the roots of the perfect subtrees so far (sizes strictly decreasing powers of two, as in the
 * binary form of the count), and the root folds them from the right, which is RFC 6962's split at the
 * largest power of two below n.
 */
export class MerkleRootBuilder {
  private readonly stack: { hash: Buffer; size: number }[] = [];

  /** The tree so far: its complete subtrees, largest first (to go on building it elsewhere). */
  get subtrees(): readonly { hash: Buffer; size: number }[] {
    return this.stack;
  }

  add(leaf: Buffer): void {
    let node = { hash: leaf, size: 1 };
    while (this.stack.length > 0 && this.stack.at(-1)!.size === node.size) {
      const left = this.stack.pop()!;
      node = { hash: nodeHash(left.hash, node.hash), size: left.size * 2 };
    }
    this.stack.push(node);
  }

  root(): Buffer {
    if (this.stack.length === 0) return sha256();
    let hash = this.stack.at(-1)!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i]!.hash, hash);
    return hash;
  }
}

/** RFC 6962 §2.1.1 audit path for leaf `index` in the tree over `leaves`. */
export function inclusionProof(leaves: readonly Buffer[], index: number): Buffer[] {
  if (index < 0 || index >= leaves.length) throw new RangeError(`leaf ${index} is not in a tree of ${leaves.length}`);
  const proof: Buffer[] = [];
  let level: Buffer[] = [...leaves];
  let i = index;
  while (level.length > 1) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < level.length) proof.push(level[sibling]!);
    const next: Buffer[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(j + 1 < level.length ? nodeHash(level[j]!, level[j + 1]!) : level[j]!);
    level = next;
    i = Math.floor(i / 2);
  }
  return proof;
}

/**
 * Verifies an inclusion proof (RFC 9162 §2.1.3.2, the algorithm transparency-dev/merkle implements):
 * true only if `leaf` at `index` of a tree of `size` leaves hashes up to `root` along `proof`.
 */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (leaf.length !== 32 || root.length !== 32 || proof.some((p) => p.length !== 32)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(Buffer.from(root));
}

/** Chain head, Merkle root and per-record leaf hashes of a record stream, computed in one pass. */
export class RecordStreamHasher {
  private head: Buffer = Buffer.from(CHAIN_START, 'hex');
  readonly leaves: Buffer[] = [];

  add(record: Uint8Array): void {
    this.head = chainStep(this.head, record);
    this.leaves.push(leafHash(record));
  }

  get count(): number {
    return this.leaves.length;
  }

  result(): { records: number; head: string; merkle_root: string } {
    return { records: this.leaves.length, head: this.head.toString('hex'), merkle_root: merkleRoot(this.leaves).toString('hex') };
  }
}
