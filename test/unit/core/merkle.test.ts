// The RFC 6962 Merkle tree of sealed record streams: merkleRoot, inclusionProof and verifyInclusion,
// checked against the transparency-dev/merkle inclusion vectors kept in the shared corpus, against an
// independent transcription of RFC 6962 §2.1, and on trees of 1..70 leaves built from generated records.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  inclusionProof,
  leafHash,
  MerkleRootBuilder,
  merkleRoot,
  nodeHash,
  RecordStreamHasher,
  verifyInclusion,
} from '../../../src-main/core/bundle/hashing';
import { splitRecords, StreamingRecords } from '../../../src-main/core/bundle/records';

const VECTORS = fileURLToPath(new URL('../../fixtures/corpus/integrity/rfc6962_merkle_vectors/', import.meta.url));
const VECTOR_DIRS = ['inclusion_1', 'inclusion_additional'];

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

interface Vector {
  file: string;
  /** As written in the file: may exceed 2^53 (the "leafIdx sub @1" vector is 2^64 - 1). */
  leafIdx: bigint;
  treeSize: bigint;
  root: Buffer;
  leafHash: Buffer;
  proof: Buffer[];
  desc: string;
  wantErr: boolean;
}

/** Reads a vector byte for byte: the integers from the text itself, since JSON.parse rounds 2^64 - 1. */
function readVector(file: string, bytes: Buffer): Vector | undefined {
  const text = bytes.toString('utf8');
  let json: { root?: unknown; leafHash?: unknown; proof?: unknown; desc?: unknown; wantErr?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    return undefined;
  }
  const integer = (name: string): bigint => {
    const match = new RegExp(`"${name}"\\s*:\\s*(\\d+)`).exec(text);
    if (!match) throw new Error(`${file}: no integer ${name}`);
    return BigInt(match[1]!);
  };
  const base64 = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : '', 'base64');
  return {
    file,
    leafIdx: integer('leafIdx'),
    treeSize: integer('treeSize'),
    root: base64(json.root),
    leafHash: base64(json.leafHash),
    proof: Array.isArray(json.proof) ? json.proof.map(base64) : [],
    desc: String(json.desc),
    wantErr: json.wantErr === true,
  };
}

/** verifyInclusion takes JS numbers; an index beyond 2^53 is passed as the (unsafe) number it rounds to. */
const asNumber = (n: bigint): number => Number(n);

const allFiles = VECTOR_DIRS.flatMap((dir) =>
  readdirSync(join(VECTORS, dir))
    .sort()
    .map((name) => ({ file: `${dir}/${name}`, bytes: readFileSync(join(VECTORS, dir, name)) })),
);
const vectors = allFiles.map(({ file, bytes }) => readVector(file, bytes)).filter((v): v is Vector => v !== undefined);
const notVectors = allFiles.filter(({ file, bytes }) => readVector(file, bytes) === undefined);

// The leaves of the RFC 6962 reference tree (certificate-transparency's merkle tree tests), whose 8-leaf
// root is the vectors' root.
const RFC6962_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) =>
  Buffer.from(hex, 'hex'),
);
const RFC6962_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

// RFC 6962 §2.1 and §2.1.1 transcribed literally (split at the largest power of two below n), as an
// independent reference for the iterative code under test.
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0]!;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

function referencePath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k
    ? [...referencePath(m, leaves.slice(0, k)), referenceRoot(leaves.slice(k))]
    : [...referencePath(m - k, leaves.slice(k)), referenceRoot(leaves.slice(0, k))];
}

/** Generated JSON-lines records, distinct from one another. */
function records(n: number, salt = 'r'): Buffer[] {
  return Array.from({ length: n }, (_, i) =>
    Buffer.from(
      JSON.stringify({
        seq: i,
        id: sha256(Buffer.from(`${salt}-${i}`))
          .toString('hex')
          .slice(0, 24),
        verb: ['get', 'patch', 'list'][i % 3],
      }),
    ),
  );
}

function flipBit(data: Buffer, bit: number): Buffer {
  const copy = Buffer.from(data);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

describe('the RFC 6962 inclusion vectors (transparency-dev/merkle, in the shared corpus)', () => {
  it('are all read: every file of inclusion_1 is a vector', () => {
    const inclusion1 = allFiles.filter((f) => f.file.startsWith('inclusion_1/'));
    expect(inclusion1.length).toBeGreaterThanOrEqual(18);
    expect(vectors.filter((v) => v.file.startsWith('inclusion_1/'))).toHaveLength(inclusion1.length);
    expect(vectors.filter((v) => !v.wantErr).map((v) => v.desc)).toEqual(['happy path']);
  });

  it('inclusion_additional holds git tree listings, not vectors (the JSON files they name are not in the corpus)', () => {
    // Recorded here so that a corpus that gains the real files is noticed: they are then tested above.
    for (const { file, bytes } of notVectors) {
      expect(file.startsWith('inclusion_additional/'), file).toBe(true);
      expect(bytes.toString('utf8')).toMatch(/^tree HEAD:testdata\/inclusion\/additional\/\d+\n\n(?:[\w.-]+\.json\n)+$/);
    }
  });

  it.each(vectors.map((v) => [v.file, v] as const))('%s: verifyInclusion returns !wantErr', (_file, v) => {
    expect(verifyInclusion(asNumber(v.leafIdx), asNumber(v.treeSize), v.leafHash, v.proof, v.root)).toBe(!v.wantErr);
  });

  it('the vectors are about the RFC 6962 reference tree, which merkleRoot and inclusionProof rebuild exactly', () => {
    const happy = vectors.find((v) => v.desc === 'happy path')!;
    const leaves = RFC6962_LEAVES.map(leafHash);
    expect(leaves[0]!.equals(happy.leafHash)).toBe(true);
    expect(merkleRoot(leaves).equals(happy.root)).toBe(true);
    const proof = inclusionProof(leaves, Number(happy.leafIdx));
    expect(proof.map((p) => p.toString('base64'))).toEqual(happy.proof.map((p) => p.toString('base64')));
  });

  it('the "leafIdx sub @1" vector keeps its index of 2^64 - 1, which no tree of 8 holds', () => {
    const v = vectors.find((x) => x.desc === 'leafIdx sub @1')!;
    expect(v.leafIdx).toBe(2n ** 64n - 1n);
    expect(verifyInclusion(asNumber(v.leafIdx), 8, v.leafHash, v.proof, v.root)).toBe(false);
  });
});

describe('merkleRoot', () => {
  it('of the empty tree is SHA-256 of the empty string', () => {
    expect(merkleRoot([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches the published RFC 6962 roots of the reference tree for 1..8 leaves', () => {
    const leaves = RFC6962_LEAVES.map(leafHash);
    for (let n = 1; n <= 8; n++) expect(merkleRoot(leaves.slice(0, n)).toString('hex'), `${n} leaves`).toBe(RFC6962_ROOTS[n - 1]);
  });

  it('leaf and node hashes carry the 0x00 / 0x01 domain prefixes', () => {
    const record = Buffer.from('{"a":1}');
    expect(leafHash(record).equals(sha256(Buffer.from([0]), record))).toBe(true);
    const [a, b] = [leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))];
    expect(nodeHash(a, b).equals(sha256(Buffer.from([1]), a, b))).toBe(true);
    expect(merkleRoot([a, b]).equals(nodeHash(a, b))).toBe(true);
  });

  it('equals the literal RFC 6962 definition for every size from 0 to 70', () => {
    for (let n = 0; n <= 70; n++) {
      const leaves = records(n).map(leafHash);
      expect(merkleRoot(leaves).toString('hex'), `${n} leaves`).toBe(referenceRoot(leaves).toString('hex'));
    }
  });

  it('is what MerkleRootBuilder folds one leaf at a time, for every size from 0 to 70', () => {
    for (let n = 0; n <= 70; n++) {
      const leaves = records(n, `built${n}`).map(leafHash);
      const builder = new MerkleRootBuilder();
      for (const leaf of leaves) builder.add(leaf);
      expect(builder.root().toString('hex'), `${n} leaves`).toBe(merkleRoot(leaves).toString('hex'));
    }
  });

  it('is what RecordStreamHasher reports for the same records', () => {
    for (const n of [0, 1, 2, 3, 7, 16, 33]) {
      const hasher = new RecordStreamHasher();
      const rs = records(n);
      for (const r of rs) hasher.add(r);
      expect(hasher.result().merkle_root).toBe(merkleRoot(rs.map(leafHash)).toString('hex'));
      expect(hasher.count).toBe(n);
    }
  });
});

describe('inclusionProof and verifyInclusion on trees of 1..70 leaves', () => {
  for (let n = 1; n <= 70; n++) {
    it(`${n} leaves: every proof is RFC 6962's audit path and verifies; a wrong index or a flipped bit does not`, () => {
      const leaves = records(n, `tree${n}`).map(leafHash);
      const root = merkleRoot(leaves);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(leaves, i);
        const leaf = leaves[i]!;
        expect(
          proof.map((p) => p.toString('hex')),
          `path of leaf ${i}`,
        ).toEqual(referencePath(i, leaves).map((p) => p.toString('hex')));
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(verifyInclusion(i, n, leaf, proof, root), `leaf ${i}`).toBe(true);
        for (let j = 0; j < n; j++) {
          if (j !== i) expect(verifyInclusion(j, n, leaf, proof, root), `leaf ${i}'s proof at index ${j}`).toBe(false);
        }
        if (n > 1) expect(verifyInclusion(i, n, leaves[(i + 1) % n]!, proof, root), 'another leaf').toBe(false);
        for (let bit = 0; bit < 256; bit += 37) {
          expect(verifyInclusion(i, n, flipBit(leaf, bit), proof, root), `leaf bit ${bit}`).toBe(false);
          expect(verifyInclusion(i, n, leaf, proof, flipBit(root, bit)), `root bit ${bit}`).toBe(false);
          proof.forEach((_, k) => {
            const flipped = proof.map((p, m) => (m === k ? flipBit(p, bit) : p));
            expect(verifyInclusion(i, n, leaf, flipped, root), `proof[${k}] bit ${bit}`).toBe(false);
          });
        }
        if (proof.length > 0) expect(verifyInclusion(i, n, leaf, proof.slice(0, -1), root), 'a removed component').toBe(false);
        expect(verifyInclusion(i, n, leaf, [...proof, leaf], root), 'a trailing component').toBe(false);
        expect(verifyInclusion(i, n, leaf, [root, ...proof], root), 'a preceding component').toBe(false);
      }
      expect(() => inclusionProof(leaves, n)).toThrow(RangeError);
      expect(() => inclusionProof(leaves, -1)).toThrow(RangeError);
      expect(verifyInclusion(n, n, leaves[0]!, [], root)).toBe(false);
      expect(verifyInclusion(-1, n, leaves[0]!, [], root)).toBe(false);
    });
  }

  it('refuses hashes that are not 32 bytes, an empty tree and the empty root', () => {
    const leaves = records(5).map(leafHash);
    const root = merkleRoot(leaves);
    const proof = inclusionProof(leaves, 2);
    expect(verifyInclusion(2, 5, leaves[2]!.subarray(0, 31), proof, root)).toBe(false);
    expect(verifyInclusion(2, 5, leaves[2]!, proof, root.subarray(0, 31))).toBe(false);
    expect(verifyInclusion(2, 5, leaves[2]!, [proof[0]!.subarray(1), ...proof.slice(1)], root)).toBe(false);
    // What the corpus's missing "additional" vectors cover: size 0, the empty root, a random leaf.
    expect(verifyInclusion(0, 0, leaves[0]!, [], merkleRoot([]))).toBe(false);
    expect(verifyInclusion(0, 0, Buffer.alloc(0), [], merkleRoot([]))).toBe(false);
    for (let size = 1; size <= 3; size++) {
      const tree = records(size).map(leafHash);
      const last = size - 1;
      const path = inclusionProof(tree, last);
      expect(verifyInclusion(last, size, tree[last]!, path, merkleRoot([])), `size ${size}, empty root`).toBe(false);
      expect(verifyInclusion(last, size, sha256(Buffer.from('random')), path, merkleRoot(tree)), `size ${size}, random leaf`).toBe(false);
      expect(verifyInclusion(last, size, sha256(Buffer.from('random')), path, merkleRoot([])), `size ${size}, both`).toBe(false);
    }
  });
});

describe('the record stream hashes, however the stream is cut into chunks', () => {
  // The oracle: SHA-256 through Hash objects, record by record, from the records split whole.
  const oracle = (content: Buffer): { head: string; leaves: string[] } => {
    let head = Buffer.alloc(32);
    const leaves: string[] = [];
    for (const record of splitRecords(content)) {
      head = createHash('sha256').update(head).update(record).digest();
      leaves.push(
        createHash('sha256')
          .update(Buffer.from([0]))
          .update(record)
          .digest('hex'),
      );
    }
    return { head: head.toString('hex'), leaves };
  };
  const streamed = (content: Buffer, cuts: number[]): { head: string; leaves: string[] } => {
    const leaves: string[] = [];
    const records = new StreamingRecords((leaf, index) => (leaves[index] = leaf.toString('hex')));
    let at = 0;
    for (const cut of [...cuts, content.length]) {
      records.push(content.subarray(at, cut));
      at = cut;
    }
    records.end();
    return { head: records.head.toString('hex'), leaves };
  };

  it('gives every record the chain step and the leaf of the whole record: records whole in a chunk, across chunks, empty, large', () => {
    const big = Buffer.alloc(200_000, 0x61); // more than the one-shot hashes take at once
    const content = Buffer.concat([
      Buffer.from('{"a":1}\n\n{"b":2}\n'),
      big,
      Buffer.from('\n{"c":"'),
      Buffer.alloc(70_000, 0x62),
      Buffer.from('"}\nlast without a newline'),
    ]);
    const expected = oracle(content);
    expect(expected.leaves).toHaveLength(6);
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const chunkings = [
      [],
      [1, 2, 3, 8, 9],
      [8, 9, 17],
      [content.indexOf(0x0a) + 1],
      ...Array.from({ length: 40 }, () =>
        [...new Set(Array.from({ length: 12 }, () => Math.floor(random() * content.length)))].sort((a, b) => a - b),
      ),
    ];
    for (const cuts of chunkings) expect(streamed(content, cuts), `cut at ${cuts.join(',')}`).toEqual(expected);
  });
});
