// docs/bundle-format.md is normative for bundle format v1: its examples must be what the code writes.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RecordStreamHasher } from '../../../src-main/core/bundle/hashing';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../../../src-main/core/bundle/manifest';
import { splitRecords } from '../../../src-main/core/bundle/records';
import { readSourceFolder, sealSources } from '../../../src-main/core/bundle/seal';
import { keyFingerprint, loadPublicKey } from '../../../src-main/core/bundle/signing';
import { detectRecordType } from '../../../src-main/service/bundles';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/bundle-format.md'), 'utf8');
const WILDCARD = '…';

function example(tag: 'chain' | 'manifest' | 'signature'): unknown {
  const blocks = [...DOC.matchAll(/^```json example-(\w+)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === tag);
  expect(blocks, `one \`\`\`json example-${tag} block`).toHaveLength(1);
  return JSON.parse(blocks[0]![2]!);
}

/**
 * Differences in shape between a real value and the doc's example: the same keys at every level, the same
 * array lengths, the same JSON types; a string containing "…" in the example stands for any string.
 */
function shapeDifferences(real: unknown, doc: unknown, at = '$'): string[] {
  if (typeof doc === 'string' && doc.includes(WILDCARD))
    return typeof real === 'string' ? [] : [`${at}: a string in the doc, ${typeof real} in the manifest`];
  const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (kind(real) !== kind(doc)) return [`${at}: ${kind(doc)} in the doc, ${kind(real)} in the manifest`];
  if (Array.isArray(doc) && Array.isArray(real)) {
    if (doc.length !== real.length) return [`${at}: ${doc.length} items in the doc, ${real.length} in the manifest`];
    return doc.flatMap((item, i) => shapeDifferences(real[i], item, `${at}[${i}]`));
  }
  if (kind(doc) === 'object') {
    const r = real as Record<string, unknown>;
    const d = doc as Record<string, unknown>;
    const keys = new Set([...Object.keys(r), ...Object.keys(d)]);
    return [...keys].sort().flatMap((key) => {
      if (!(key in d)) return [`${at}.${key}: in the manifest, not in the doc`];
      if (!(key in r)) return [`${at}.${key}: in the doc, not in the manifest`];
      return shapeDifferences(r[key], d[key], `${at}.${key}`);
    });
  }
  return [];
}

/** The values of the example that are not wildcards, by JSON path, for the fields the format fixes. */
function valueAt(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string | number, unknown> | undefined)?.[key], value);
}

const THREE_RECORDS = '{"a":1}\n{"b":2}\n{"c":3}\n';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'causa-doc-'));
}

describe('docs/bundle-format.md examples', () => {
  it('example-chain: the head and Merkle root are what RecordStreamHasher computes for its records', () => {
    const doc = example('chain') as { records: string[]; chain: Record<string, unknown> };
    const hasher = new RecordStreamHasher();
    for (const record of doc.records) hasher.add(Buffer.from(record, 'utf8'));
    expect({ algorithm: 'sha256-chain-v1', ...hasher.result() }).toEqual(doc.chain);
    // The prose says these are the records of the file {"a":1}\n{"b":2}\n{"c":3}\n.
    expect(splitRecords(Buffer.from(THREE_RECORDS)).map((r) => r.toString('utf8'))).toEqual(doc.records);
  });

  it('example-chain: sealing that file gives that chain', () => {
    const files = sealSources([{ path: 'k8s-audit/audit.jsonl', data: Buffer.from(THREE_RECORDS) }], {
      createdAt: '2025-04-03T15:00:00Z',
      creator: { tool: 'causa', version: 'test' },
      detectType: detectRecordType,
    });
    const manifest = JSON.parse(files.get(MANIFEST_FILE)!.toString('utf8')) as { sources: { chain: Record<string, unknown> }[] };
    const { leaves: _leaves, ...chain } = manifest.sources[0]!.chain;
    expect(chain).toEqual((example('chain') as { chain: unknown }).chain);
  });

  describe('example-manifest', () => {
    async function sealedManifest(): Promise<{ manifest: Record<string, unknown>; files: Map<string, Buffer> }> {
      const doc = example('manifest') as { case: unknown };
      const src = tempDir();
      mkdirSync(join(src, 'k8s-audit'));
      mkdirSync(join(src, 'k8s-resources'));
      mkdirSync(join(src, 'blobs'));
      writeFileSync(join(src, 'case.json'), JSON.stringify(doc.case));
      writeFileSync(join(src, 'k8s-audit', 'audit.jsonl'), THREE_RECORDS);
      // A kubectl -o json document (not a record stream), padded to the example's 5120 bytes.
      const pods = JSON.stringify(
        { apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'api-service-0' } }] },
        null,
        2,
      );
      writeFileSync(join(src, 'k8s-resources', 'pods.json'), pods + ' '.repeat(5120 - pods.length - 1) + '\n');
      writeFileSync(join(src, 'blobs', 'heap.bin'), Buffer.alloc(1048576, 7));
      const read = await readSourceFolder(src);
      const files = sealSources(read.sources, {
        ...(read.case ? { case: read.case } : {}),
        createdAt: '2025-04-03T15:00:00Z',
        creator: { tool: 'causa', version: '0.1.0', user: 'analyst', host: 'workstation' },
        detectType: detectRecordType,
      });
      return { manifest: JSON.parse(files.get(MANIFEST_FILE)!.toString('utf8')) as Record<string, unknown>, files };
    }

    it('has the keys and nesting of the manifest sealSources writes for a folder of a JSON-lines file, a JSON document and a blob', async () => {
      const { manifest } = await sealedManifest();
      expect(shapeDifferences(manifest, example('manifest'))).toEqual([]);
    });

    it('has the values the format fixes: format, version, paths, sizes, record count, algorithm', async () => {
      const { manifest, files } = await sealedManifest();
      const doc = example('manifest');
      for (const path of [
        ['format'],
        ['version'],
        ['case'],
        ['created_at'],
        ['sources', 0, 'path'],
        ['sources', 0, 'size'],
        ['sources', 0, 'chain', 'algorithm'],
        ['sources', 0, 'chain', 'records'],
        ['sources', 0, 'chain', 'leaves', 'path'],
        ['sources', 0, 'chain', 'leaves', 'size'],
        ['sources', 1, 'path'],
        ['sources', 1, 'type'],
        ['sources', 1, 'size'],
        ['blobs', 0, 'size'],
      ]) {
        expect(valueAt(manifest, path), path.join('.')).toEqual(valueAt(doc, path));
      }
      // The blob is stored under its hash, and every listed file is in the bundle.
      const blob = valueAt(manifest, ['blobs', 0]) as { path: string; sha256: string };
      expect(blob.path).toBe(`blobs/sha256/${blob.sha256}`);
      expect(files.has(blob.path)).toBe(true);
      expect(files.has('hashes/k8s-audit/audit.jsonl.leaves')).toBe(true);
      expect(valueAt(manifest, ['sources', 1, 'chain']), 'a JSON document is hashed whole').toBeUndefined();
    });

    it('the shape check does notice a missing or an extra key', async () => {
      const { manifest } = await sealedManifest();
      const withExtra = { ...manifest, extra: 1 };
      expect(shapeDifferences(withExtra, example('manifest'))).toEqual(['$.extra: in the manifest, not in the doc']);
      const { creator: _creator, ...without } = manifest;
      expect(shapeDifferences(without, example('manifest'))).toEqual(['$.creator: in the doc, not in the manifest']);
    });

    it("the leaves file's size in the example (195) is what 3 records produce", () => {
      const files = sealSources([{ path: 'k8s-audit/audit.jsonl', data: Buffer.from(THREE_RECORDS) }], {
        createdAt: '2025-04-03T15:00:00Z',
        creator: { tool: 'causa', version: 'test' },
        detectType: detectRecordType,
      });
      const leaves = files.get('hashes/k8s-audit/audit.jsonl.leaves')!;
      expect(leaves.length).toBe(195);
      expect(leaves.toString('utf8')).toMatch(/^(?:[0-9a-f]{64}\n){3}$/);
      expect(valueAt(example('manifest'), ['sources', 0, 'chain', 'leaves', 'size'])).toBe(leaves.length);
      expect(valueAt(example('manifest'), ['sources', 0, 'chain', 'records'])).toBe(3);
    });
  });

  describe('example-signature', () => {
    it('has exactly the keys of a real manifest.sig.json', () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      const files = sealSources([{ path: 'a.jsonl', data: Buffer.from(THREE_RECORDS) }], {
        createdAt: '2025-04-03T15:00:00Z',
        creator: { tool: 'causa', version: 'test' },
        key: privateKey,
        detectType: detectRecordType,
      });
      const real = JSON.parse(files.get(SIGNATURE_FILE)!.toString('utf8')) as Record<string, unknown>;
      const doc = example('signature') as Record<string, unknown>;
      expect(Object.keys(real).sort()).toEqual(Object.keys(doc).sort());
      expect(real.algorithm).toBe(doc.algorithm);
      expect(real.public_key_pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
      expect(Buffer.from(real.signature as string, 'base64')).toHaveLength(64);
    });

    it('names the sample key by its real fingerprint, as the prose says', () => {
      const pub = loadPublicKey(readFileSync(join(ROOT, 'resources/keys/sample-ed25519.pub.pem'), 'utf8'), 'sample');
      const fingerprint = keyFingerprint(pub);
      expect((example('signature') as { key_fingerprint: string }).key_fingerprint).toBe(fingerprint);
      expect(DOC).toContain(`fingerprint \`${fingerprint.slice(0, 8)}…${fingerprint.slice(-6)}\``);
    });
  });
});
