// Evidence bundles end to end in the core: seal → verify round trips (folder and zip, signed and unsigned,
// trusted and untrusted keys, gzip, documents hashed whole, CRLF, no final newline, blobs), then a seeded
// mutation suite of thousands of tamperings, each of which must be detected and located.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BundleError, openBundleFiles, writeBundleFiles, type BundleFiles } from '../../../src-main/core/bundle/files';
import { leafHash, merkleRoot } from '../../../src-main/core/bundle/hashing';
import {
  canonicalManifestBytes,
  leavesPathFor,
  MANIFEST_FILE,
  SIGNATURE_FILE,
  type Manifest,
} from '../../../src-main/core/bundle/manifest';
import { splitRecords, StreamingRecords } from '../../../src-main/core/bundle/records';
import { readSourceFolder, sealSources, type RawSource } from '../../../src-main/core/bundle/seal';
import { keyFingerprint } from '../../../src-main/core/bundle/signing';
import {
  locateBreak,
  verdictPasses,
  verifyBundle,
  withTrust,
  type BreakNature,
  type BundleVerdict,
} from '../../../src-main/core/verify/bundle';

// ---------------------------------------------------------------------------------------------------------
// Helpers

function makeKey(): { privateKey: KeyObject; publicKey: KeyObject; fingerprint: string; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    publicKey,
    fingerprint: keyFingerprint(publicKey),
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const KEY = makeKey();
const OTHER_KEY = makeKey();
const TRUSTED: ReadonlySet<string> = new Set([KEY.fingerprint]);
const NOBODY: ReadonlySet<string> = new Set();
const NL = Buffer.from('\n');

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function seal(sources: RawSource[], options: { key?: KeyObject; title?: string } = {}): Map<string, Buffer> {
  return sealSources(sources, {
    case: { incident_id: 'INC-TEST', title: options.title ?? 'bundle test' },
    createdAt: '2025-04-03T15:00:00Z',
    creator: { tool: 'causa-test', version: '0' },
    ...(options.key ? { key: options.key } : {}),
    // Sealing asks for every source's type: audit lines, other one-line JSON records, or nothing known.
    detectType: (content) =>
      content.includes('"audit.k8s.io/v1"') ? 'k8s-audit' : content.subarray(0, 2).toString() === '{"' ? 'test-stream' : 'unknown',
  });
}

/** A bundle held in memory, through the same interface the folder and zip readers implement. */
function memoryBundle(files: ReadonlyMap<string, Buffer>, location = 'memory://bundle'): BundleFiles {
  const list = [...files.keys()].sort();
  return {
    location,
    form: 'folder',
    list: () => list,
    read: async (path) => {
      const data = files.get(path);
      if (!data) throw new BundleError(`${location}: no file ${path} in the bundle`);
      return data;
    },
    stream: (path) => {
      const data = files.get(path);
      if (!data) throw new BundleError(`${location}: no file ${path} in the bundle`);
      return (async function* () {
        yield data;
      })();
    },
  };
}

function verify(files: ReadonlyMap<string, Buffer>, trusted: ReadonlySet<string> = TRUSTED): Promise<BundleVerdict> {
  return verifyBundle(memoryBundle(files), { trustedKeys: trusted });
}

function manifestOf(files: ReadonlyMap<string, Buffer>): Manifest {
  return JSON.parse(files.get(MANIFEST_FILE)!.toString('utf8')) as Manifest;
}

function withManifest(files: ReadonlyMap<string, Buffer>, manifest: unknown): Map<string, Buffer> {
  return new Map(files).set(MANIFEST_FILE, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
}

function lines(...records: string[]): Buffer {
  return Buffer.from(records.map((r) => `${r}\n`).join(''));
}

/** h0 = 64 zeros, h_i = SHA-256(h_(i-1) ‖ record i), computed here from the record texts. */
function chainHead(records: string[]): string {
  let head = Buffer.alloc(32);
  for (const record of records) head = createHash('sha256').update(head).update(record, 'utf8').digest();
  return head.toString('hex');
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'causa-bundle-'));
}

const AUDIT = (i: number): string =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: `id-${i}`,
    stage: 'ResponseComplete',
    verb: i % 2 ? 'get' : 'patch',
  });

// ---------------------------------------------------------------------------------------------------------
// Round trips

describe('seal → verify round trips', () => {
  const sources = (): RawSource[] => [
    { path: 'k8s-audit/audit.jsonl', data: lines(...Array.from({ length: 25 }, (_, i) => AUDIT(i))) },
    { path: 'k8s-audit/older.jsonl.gz', data: gzipSync(lines(...Array.from({ length: 12 }, (_, i) => AUDIT(100 + i)))) },
    { path: 'k8s-resources/pods.json', data: Buffer.from(JSON.stringify({ kind: 'List', items: [] }, null, 2)) },
    { path: 'blobs/heap-dump.bin', data: Buffer.from('a large payload') },
  ];

  it('a folder and a .zip of the same bundle give the same verdicts, and a zip written twice is byte-identical', async () => {
    const files = seal(sources(), { key: KEY.privateKey });
    const dir = tempDir();
    await writeBundleFiles(join(dir, 'bundle'), files);
    await writeBundleFiles(join(dir, 'bundle.zip'), files);
    await writeBundleFiles(join(dir, 'again.zip'), files);
    expect(readFileSync(join(dir, 'bundle.zip')).equals(readFileSync(join(dir, 'again.zip')))).toBe(true);

    const folder = await openBundleFiles(join(dir, 'bundle'));
    const zip = await openBundleFiles(join(dir, 'bundle.zip'));
    expect(folder.form).toBe('folder');
    expect(zip.form).toBe('zip');
    expect(folder.list()).toEqual([...files.keys()].sort());
    expect(zip.list()).toEqual(folder.list());
    for (const path of folder.list()) expect((await zip.read(path)).equals(await folder.read(path)), path).toBe(true);

    const fromFolder = await verifyBundle(folder, { trustedKeys: TRUSTED });
    const fromZip = await verifyBundle(zip, { trustedKeys: TRUSTED });
    expect(fromFolder.bundle).toBe(join(dir, 'bundle'));
    expect(fromZip.bundle).toBe(join(dir, 'bundle.zip'));
    expect({ ...fromZip, bundle: '' }).toEqual({ ...fromFolder, bundle: '' });
    expect({ ...(await verify(files)), bundle: '' }).toEqual({ ...fromFolder, bundle: '' });
    expect(fromFolder).toMatchObject({
      intact: true,
      problems: [],
      files_checked: 6, // 3 sources, 2 leaves files (pods.json has none) and 1 blob
      signature: { status: 'valid', fingerprint: KEY.fingerprint, trusted: true },
      timestamp: { status: 'absent' },
    });
    expect(fromFolder.manifest_sha256).toBe(sha256Hex(files.get(MANIFEST_FILE)!));
    expect(fromFolder.sources.map((s) => [s.path, s.verdict, s.records])).toEqual([
      ['sources/k8s-audit/audit.jsonl', 'intact', 25],
      ['sources/k8s-audit/older.jsonl.gz', 'intact', 12],
      ['sources/k8s-resources/pods.json', 'sealed_whole', undefined],
    ]);
    expect(fromFolder.sources[0]!.type).toBe('k8s-audit');
  });

  it('a tampered zip is located just like a tampered folder', async () => {
    const files = seal(sources(), { key: KEY.privateKey });
    const records = splitRecords(files.get('sources/k8s-audit/audit.jsonl')!);
    records[6] = Buffer.from(records[6]!.toString().replace('"patch"', '"PATCH"'));
    const tampered = new Map(files).set('sources/k8s-audit/audit.jsonl', Buffer.concat(records.flatMap((r) => [r, NL])));
    const dir = tempDir();
    await writeBundleFiles(join(dir, 't.zip'), tampered);
    await writeBundleFiles(join(dir, 't'), tampered);
    for (const location of [join(dir, 't.zip'), join(dir, 't')]) {
      const verdict = await verifyBundle(await openBundleFiles(location), { trustedKeys: TRUSTED });
      expect(verdict.intact).toBe(false);
      expect(verdict.sources[0]).toMatchObject({ verdict: 'broken', first_bad_position: 7, nature: 'modified' });
    }
  });

  it('an unsigned bundle is UNSIGNED, never intact: it passes only when no signature was expected', async () => {
    const verdict = await verify(seal(sources()));
    expect(verdict.intact).toBe(false);
    expect(verdict.status).toBe('unsigned');
    expect(verdict.problems).toEqual([]);
    expect(verdict.signature).toEqual({ status: 'absent' });
    expect(verdict.sources.map((s) => s.verdict)).toEqual(['unsigned', 'unsigned', 'sealed_whole']);
    expect(verdictPasses(verdict)).toBe(true);
    const expected = await verifyBundle(memoryBundle(seal(sources())), { trustedKeys: TRUSTED, signatureExpected: true });
    expect(expected).toMatchObject({ status: 'unsigned', signature_expected: true, intact: false });
    expect(verdictPasses(expected)).toBe(false);
  });

  it('a valid signature by a key that is not trusted is its own state, UNTRUSTED: not a problem, and not intact', async () => {
    const files = seal(sources(), { key: OTHER_KEY.privateKey });
    const verdict = await verify(files, TRUSTED);
    expect(verdict.intact).toBe(false);
    expect(verdict.status).toBe('untrusted');
    expect(verdictPasses(verdict)).toBe(false);
    expect(verdict.signature).toEqual({ status: 'valid', fingerprint: OTHER_KEY.fingerprint, trusted: false });
    expect(verdict.problems).toEqual([]);
    // The chains hold and a valid signature covers them; only the signer is not one the analyst trusts.
    expect(verdict.sources.map((s) => s.verdict)).toEqual(['untrusted', 'untrusted', 'sealed_whole']);
    expect((await verify(files, new Set([OTHER_KEY.fingerprint]))).status).toBe('intact');
    expect((await verify(files, NOBODY)).status).toBe('untrusted');
    // Re-read later with the key trusted: the same verdict becomes intact, and back.
    const trustedLater = withTrust(verdict, new Set([OTHER_KEY.fingerprint]));
    expect(trustedLater).toMatchObject({ status: 'intact', intact: true, signature: { trusted: true } });
    expect(trustedLater.sources.map((s) => s.verdict)).toEqual(['intact', 'intact', 'sealed_whole']);
    expect(withTrust(trustedLater, NOBODY).status).toBe('untrusted');
  });

  it('a gzip source: the chain runs over the decompressed lines, the file hash over the compressed bytes', async () => {
    const plain = lines(...Array.from({ length: 9 }, (_, i) => AUDIT(i)));
    const gz = gzipSync(plain, { level: 9 });
    const files = seal([{ path: 'audit.jsonl.gz', data: gz }], { key: KEY.privateKey });
    const entry = manifestOf(files).sources[0]!;
    expect(entry).toMatchObject({
      path: 'sources/audit.jsonl.gz',
      size: gz.length,
      sha256: sha256Hex(gz),
      compression: 'gzip',
      type: 'k8s-audit',
    });
    expect(files.get('sources/audit.jsonl.gz')!.equals(gz), 'stored byte for byte, still compressed').toBe(true);
    const records = plain.toString('utf8').trimEnd().split('\n');
    expect(entry.chain).toMatchObject({
      records: 9,
      head: chainHead(records),
      merkle_root: merkleRoot(records.map((r) => leafHash(Buffer.from(r)))).toString('hex'),
      leaves: { path: 'hashes/audit.jsonl.gz.leaves' },
    });
    expect((await verify(files)).intact).toBe(true);

    // The same records compressed differently: the records hold, the file is not the one sealed.
    const recompressed = new Map(files).set('sources/audit.jsonl.gz', gzipSync(plain, { level: 1 }));
    const verdict = await verify(recompressed);
    expect(verdict.intact).toBe(false);
    expect(verdict.problems.map((p) => p.item)).toEqual(['sources/audit.jsonl.gz']);
    expect(verdict.sources[0]!.verdict).toBe('intact');

    // A damaged gzip stream is a problem naming the source, not a crash.
    const damaged = Buffer.from(gz);
    damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
    const broken = await verify(new Map(files).set('sources/audit.jsonl.gz', damaged));
    expect(broken.intact).toBe(false);
    expect(broken.sources[0]!.verdict).toBe('broken');
    expect(broken.problems.every((p) => p.item === 'sources/audit.jsonl.gz')).toBe(true);
  });

  it('a file that is not a record stream is hashed whole: verdict "sealed_whole", and a change to it is a problem', async () => {
    const doc = Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod' }] }, null, 2));
    const files = seal(
      [
        { path: 'pods.json', data: doc },
        { path: 'notes.txt', data: Buffer.from('not json at all\n') },
      ],
      { key: KEY.privateKey },
    );
    expect(manifestOf(files).sources.map((s) => [s.path, s.chain, s.type])).toEqual([
      ['sources/notes.txt', undefined, 'unknown'],
      ['sources/pods.json', undefined, 'unknown'],
    ]);
    expect([...files.keys()].some((p) => p.startsWith('hashes/'))).toBe(false);
    const verdict = await verify(files);
    expect(verdict.status).toBe('intact');
    expect(verdict.sources.map((s) => s.verdict)).toEqual(['sealed_whole', 'sealed_whole']);
    expect(verdict.sources[0]!.reason).toContain('its bytes match the SHA-256 in the manifest');
    const changed = Buffer.from(doc.toString().replace('Pod', 'Pot'));
    const tampered = await verify(new Map(files).set('sources/pods.json', changed));
    expect(tampered.intact).toBe(false);
    expect(tampered.problems).toEqual([{ item: 'sources/pods.json', reason: 'sha256 differs from the manifest' }]);
  });

  it('CRLF lines: each record keeps its "\\r", and a CRLF → LF conversion breaks the chain at record 1', async () => {
    const crlf = Buffer.from('{"a":1}\r\n{"b":2}\r\n{"c":3}\r\n');
    const files = seal([{ path: 'win.jsonl', data: crlf }], { key: KEY.privateKey });
    const chain = manifestOf(files).sources[0]!.chain!;
    expect(chain.records).toBe(3);
    expect(chain.head).toBe(chainHead(['{"a":1}\r', '{"b":2}\r', '{"c":3}\r']));
    expect((await verify(files)).intact).toBe(true);
    const converted = await verify(new Map(files).set('sources/win.jsonl', Buffer.from(crlf.toString().replaceAll('\r\n', '\n'))));
    expect(converted.sources[0]).toMatchObject({ verdict: 'broken', first_bad_position: 1, nature: 'modified' });
  });

  it('a file without a final newline: its last line is a record; adding the newline keeps the records but not the file', async () => {
    const data = Buffer.from('{"a":1}\n{"b":2}\n{"c":3}');
    const files = seal([{ path: 'cut.jsonl', data }], { key: KEY.privateKey });
    const chain = manifestOf(files).sources[0]!.chain!;
    expect(chain).toMatchObject({ records: 3, head: chainHead(['{"a":1}', '{"b":2}', '{"c":3}']) });
    expect((await verify(files)).intact).toBe(true);
    const withNewline = await verify(new Map(files).set('sources/cut.jsonl', Buffer.concat([data, NL])));
    expect(withNewline.intact).toBe(false);
    expect(withNewline.problems).toEqual([
      { item: 'sources/cut.jsonl', reason: `size ${data.length + 1} differs from the manifest's ${data.length}` },
    ]);
    const appended = await verify(new Map(files).set('sources/cut.jsonl', Buffer.concat([data, Buffer.from('\n{"d":4}\n')])));
    expect(appended.sources[0]).toMatchObject({ verdict: 'broken', first_bad_position: 4, nature: 'appended' });
  });

  it('blobs are stored under blobs/sha256/<hex>, once per content, listed with size and hash, and checked', async () => {
    const payload = Buffer.from('x'.repeat(5000));
    const files = seal(
      [
        { path: 'a.jsonl', data: lines('{"a":1}') },
        { path: 'blobs/one.bin', data: payload },
        { path: 'blobs/same-again.bin', data: payload },
        { path: 'blobs/other.bin', data: Buffer.from('other') },
      ],
      { key: KEY.privateKey },
    );
    const blobPath = `blobs/sha256/${sha256Hex(payload)}`;
    const manifest = manifestOf(files);
    expect(manifest.blobs).toHaveLength(2);
    expect(manifest.blobs).toContainEqual({ path: blobPath, size: 5000, sha256: sha256Hex(payload) });
    expect(manifest.sources.map((s) => s.path)).toEqual(['sources/a.jsonl']);
    expect(files.get(blobPath)!.equals(payload)).toBe(true);
    expect([...files.keys()].filter((p) => p.startsWith('blobs/'))).toHaveLength(2);
    expect((await verify(files)).intact).toBe(true);
    const tampered = await verify(new Map(files).set(blobPath, Buffer.from('y'.repeat(5000))));
    expect(tampered.problems).toEqual([{ item: blobPath, reason: 'sha256 differs from the manifest' }]);
  });

  it('re-indenting the manifest changes nothing: the signature covers its canonical form', async () => {
    const files = seal(sources(), { key: KEY.privateKey });
    const reindented = new Map(files).set(MANIFEST_FILE, Buffer.from(JSON.stringify(manifestOf(files))));
    const verdict = await verify(reindented);
    expect(verdict.intact).toBe(true);
    expect(verdict.signature.status).toBe('valid');
  });

  it('a bundle folder from readSourceFolder: hidden files are skipped, case.json is the case, sealing is byte for byte', async () => {
    const src = tempDir();
    mkdirSync(join(src, 'k8s-audit'));
    const audit = lines(AUDIT(1), AUDIT(2));
    writeFileSync(join(src, 'k8s-audit', 'audit.log'), audit);
    writeFileSync(join(src, '.DS_Store'), 'junk');
    writeFileSync(join(src, 'case.json'), JSON.stringify({ incident_id: 'INC-9', title: 'from case.json' }));
    const read = await readSourceFolder(src);
    expect(read.case).toEqual({ incident_id: 'INC-9', title: 'from case.json' });
    expect(read.sources.map((s) => s.path)).toEqual(['k8s-audit/audit.log']);
    const files = seal(read.sources, { key: KEY.privateKey });
    expect(files.get('sources/k8s-audit/audit.log')!.equals(audit)).toBe(true);
    expect(files.get(leavesPathFor('sources/k8s-audit/audit.log'))).toBeDefined();
  });

  it('a bundle folder holding a symbolic link is refused, and writing never overwrites', async () => {
    const dir = tempDir();
    const files = seal(sources());
    await writeBundleFiles(join(dir, 'b'), files);
    await expect(writeBundleFiles(join(dir, 'b'), files)).rejects.toThrow(/already exists/);
    await expect(writeBundleFiles(join(dir, 'evil'), new Map([['../x', Buffer.from('x')]]))).rejects.toThrow(
      /not a path inside the bundle/,
    );
    expect(readdirSync(dir).sort()).toEqual(['b']);
    symlinkSync('/etc/passwd', join(dir, 'b', 'sources', 'passwd'));
    await expect(openBundleFiles(join(dir, 'b'))).rejects.toThrow(/symbolic link/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Located breaks: the cases named in docs/design.md, one by one

describe('located breaks', () => {
  const RECORDS = ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}'];

  async function breakOf(found: string[]): Promise<BundleVerdict['sources'][number]> {
    const files = seal([{ path: 's.jsonl', data: lines(...RECORDS) }], { key: KEY.privateKey });
    const verdict = await verify(new Map(files).set('sources/s.jsonl', lines(...found)));
    expect(verdict.intact).toBe(false);
    return verdict.sources[0]!;
  }

  it.each<[string, string[], number, BreakNature]>([
    ['modified', ['{"n":1}', '{"n":2}', '{"n":X}', '{"n":4}', '{"n":5}'], 3, 'modified'],
    ['inserted (new line)', ['{"n":1}', '{"n":2}', '{"new":1}', '{"n":3}', '{"n":4}', '{"n":5}'], 3, 'inserted'],
    ['inserted (copy of an earlier record)', ['{"n":1}', '{"n":2}', '{"n":1}', '{"n":3}', '{"n":4}', '{"n":5}'], 3, 'inserted'],
    ['inserted (copy of the next record)', ['{"n":1}', '{"n":3}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}'], 2, 'inserted'],
    ['deleted', ['{"n":1}', '{"n":2}', '{"n":4}', '{"n":5}'], 3, 'deleted'],
    ['reordered', ['{"n":1}', '{"n":3}', '{"n":2}', '{"n":4}', '{"n":5}'], 2, 'reordered'],
    ['truncated', ['{"n":1}', '{"n":2}'], 3, 'truncated'],
    ['appended', [...RECORDS, '{"n":6}'], 6, 'appended'],
  ])('%s', async (_name, found, position, nature) => {
    expect(await breakOf(found)).toMatchObject({
      verdict: 'broken',
      first_bad_position: position,
      nature,
      reason: expect.stringContaining(`chain broken at record ${position}`),
    });
  });

  it('locateBreak on its own: a longer stream is never a mere reordering', () => {
    const sealed = ['a', 'b', 'c', 'd'];
    expect(locateBreak(sealed, ['a', 'c', 'b', 'c', 'd'])).toEqual({ position: 2, nature: 'inserted' });
    expect(locateBreak(sealed, sealed)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Manifest edits the verifier must not misdescribe

describe('what the verifier must neither miss nor misdescribe', () => {
  const data = lines('{"n":1}', '{"n":2}', '{"n":3}');

  it('a leaves file with a line that is no hash (its size and hash in the manifest made to match): named, with the line', async () => {
    for (const bad of ['not a hash', `${'a'.repeat(64)}0`, `${'a'.repeat(63)}\r`, 'A'.repeat(63)]) {
      const files = seal([{ path: 's.jsonl', data }]);
      const manifest = manifestOf(files);
      const leavesEntry = manifest.sources[0]!.chain!.leaves;
      const leaves = files.get(leavesEntry.path)!.toString('utf8').split('\n').slice(0, -1);
      const edited = Buffer.from([leaves[0], bad, ...leaves.slice(1)].map((l) => `${l}\n`).join(''));
      leavesEntry.size = edited.length;
      leavesEntry.sha256 = createHash('sha256').update(edited).digest('hex');
      const verdict = await verify(withManifest(files, manifest).set(leavesEntry.path, edited));
      expect(verdict.intact).toBe(false);
      const reasons = verdict.problems.map((p) => p.reason).join('\n');
      expect(reasons).toContain(`${leavesEntry.path}: line 2 is not a SHA-256 hash`);
    }
  });

  it('an edited chain head (records and leaves untouched) is detected without blaming record 1', async () => {
    const files = seal([{ path: 's.jsonl', data }]);
    const manifest = manifestOf(files);
    manifest.sources[0]!.chain!.head = 'f'.repeat(64);
    const verdict = await verify(withManifest(files, manifest));
    expect(verdict.intact).toBe(false);
    const problem = verdict.problems.find((p) => p.item === 'sources/s.jsonl')!;
    expect(problem).toBeDefined();
    // Every record still hashes to its sealed leaf, and the leaves still hash to the Merkle root: no record
    // was modified; the manifest's head is what is wrong.
    expect(problem.reason).not.toMatch(/record 1: record modified/);
    expect(problem.nature).toBeUndefined();
  });

  it('an edited record count is detected without claiming the per-record hashes were altered', async () => {
    const files = seal([{ path: 's.jsonl', data }]);
    const manifest = manifestOf(files);
    manifest.sources[0]!.chain!.records = 4;
    const verdict = await verify(withManifest(files, manifest));
    expect(verdict.intact).toBe(false);
    const problem = verdict.problems.find((p) => p.item === 'sources/s.jsonl')!;
    expect(problem).toBeDefined();
    expect(problem.reason).not.toMatch(/per-record hashes were altered/);
  });

  it('a Merkle root that does not match the records is a problem, even when the chain holds', async () => {
    const files = seal([{ path: 's.jsonl', data }]);
    const manifest = manifestOf(files);
    manifest.sources[0]!.chain!.merkle_root = 'a'.repeat(64);
    const verdict = await verify(withManifest(files, manifest));
    expect(verdict.problems.map((p) => p.item)).toContain('sources/s.jsonl');
    expect(verdict.intact).toBe(false);
  });

  it('an edited sha256 of a plain record stream is a problem naming the file', async () => {
    const files = seal([{ path: 's.jsonl', data }]);
    const manifest = manifestOf(files);
    manifest.sources[0]!.sha256 = 'b'.repeat(64);
    const verdict = await verify(withManifest(files, manifest));
    expect(verdict.problems).toContainEqual({ item: 'sources/s.jsonl', reason: 'sha256 differs from the manifest' });
    expect(verdict.intact).toBe(false);
  });

  it('a plain stream swapped for a gzip of the same records, padded to the sealed size, is not the sealed file', async () => {
    const plain = lines(...Array.from({ length: 40 }, (_, i) => AUDIT(i)));
    const files = seal([{ path: 'audit.jsonl', data: plain }], { key: KEY.privateKey });
    const gz = gzipSync(plain);
    const header = Buffer.from(gz.subarray(0, 10));
    header[3] = 0x10; // FCOMMENT: a zero-terminated comment follows the header
    const disguised = Buffer.concat([header, Buffer.alloc(plain.length - gz.length - 1, 0x20), Buffer.from([0]), gz.subarray(10)]);
    expect(disguised.length).toBe(plain.length);
    expect(gunzipSync(disguised).equals(plain)).toBe(true);
    expect(sha256Hex(disguised)).not.toBe(manifestOf(files).sources[0]!.sha256);
    const verdict = await verify(new Map(files).set('sources/audit.jsonl', disguised));
    expect(verdict.problems).toContainEqual({ item: 'sources/audit.jsonl', reason: 'sha256 differs from the manifest' });
    expect(verdict.intact).toBe(false);
  });

  it("a caller's reading of a source (an import's) stands for the file, and never as a gzip file's hash", async () => {
    const plain = lines(...Array.from({ length: 40 }, (_, i) => AUDIT(i)));
    const files = seal([{ path: 'audit.jsonl', data: plain }], { key: KEY.privateKey });
    const records = new StreamingRecords();
    records.push(plain);
    records.end();
    const reading = { count: records.count, head: records.head, size: plain.length, sha256: sha256Hex(plain) };
    const readings = new Map([['sources/audit.jsonl', reading]]);
    const intact = await verifyBundle(memoryBundle(files), { trustedKeys: TRUSTED, readings });
    expect(intact.intact, JSON.stringify(intact.problems)).toBe(true);
    // The reading is what the verdict is about: records read altered are broken there, whatever the file
    // holds now (located by reading the file, which here holds the sealed records: the chain is named).
    const altered = await verifyBundle(memoryBundle(files), {
      trustedKeys: TRUSTED,
      readings: new Map([['sources/audit.jsonl', { ...reading, head: Buffer.alloc(32, 7) }]]),
    });
    expect(altered.sources[0]!.verdict).toBe('broken');
    // A file that is gzip now (the disguise above) is not the sealed file, whatever the reading says.
    const gz = gzipSync(plain);
    const header = Buffer.from(gz.subarray(0, 10));
    header[3] = 0x10;
    const disguised = Buffer.concat([header, Buffer.alloc(plain.length - gz.length - 1, 0x20), Buffer.from([0]), gz.subarray(10)]);
    const swapped = await verifyBundle(memoryBundle(new Map(files).set('sources/audit.jsonl', disguised)), {
      trustedKeys: TRUSTED,
      readings,
    });
    expect(swapped.problems).toContainEqual({ item: 'sources/audit.jsonl', reason: 'sha256 differs from the manifest' });
    expect(swapped.intact).toBe(false);
  });

  it('removing the signature of a signed bundle turns every chain "unsigned"', async () => {
    const files = seal([{ path: 's.jsonl', data }], { key: KEY.privateKey });
    const stripped = new Map(files);
    stripped.delete(SIGNATURE_FILE);
    const verdict = await verify(stripped);
    expect(verdict.signature.status).toBe('absent');
    expect(verdict.sources.map((s) => s.verdict)).toEqual(['unsigned']);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The mutation suite

/** mulberry32: a seeded PRNG, so that every run tampers the same way and a failure can be replayed. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.int(16).toString(16);
    return out;
  }
}

interface Stream {
  /** Bundle path, "sources/…". */
  path: string;
  leaves: string;
  gzip: boolean;
  crlf: boolean;
  finalNewline: boolean;
  /** The sealed records, decompressed, each without its "\n". */
  records: Buffer[];
}

interface Base {
  seed: number;
  files: Map<string, Buffer>;
  streams: Stream[];
  signed: boolean;
  /** Every file the manifest lists (sources, leaves files, blobs). */
  listed: string[];
}

function encode(records: Buffer[], stream: Pick<Stream, 'gzip' | 'finalNewline'>): Buffer {
  const parts: Buffer[] = [];
  records.forEach((record, i) => {
    parts.push(record);
    if (i < records.length - 1 || stream.finalNewline) parts.push(NL);
  });
  const content = Buffer.concat(parts);
  return stream.gzip ? gzipSync(content) : content;
}

function newRecord(rng: Rng, stream: Stream): Buffer {
  return Buffer.from(`{"forged":true,"id":"${rng.hex(40)}"}${stream.crlf ? '\r' : ''}`);
}

function makeBase(seed: number): Base {
  const rng = new Rng(seed);
  const streams: Stream[] = [];
  const sources: RawSource[] = [];
  const streamCount = 1 + rng.int(3);
  for (let s = 0; s < streamCount; s++) {
    const gzip = rng.next() < 0.25;
    const crlf = rng.next() < 0.2;
    const finalNewline = rng.next() >= 0.15;
    const count = rng.next() < 0.1 ? 1 + rng.int(2) : 1 + rng.int(45);
    // Every record carries a distinct random id, so no two records are a bit flip apart.
    const records = Array.from({ length: count }, (_, i) =>
      Buffer.from(
        `${JSON.stringify({ seq: i, id: sha256Hex(Buffer.from(`${seed}/${s}/${i}`)).slice(0, 32), verb: rng.pick(['get', 'list', 'patch', 'delete']), user: rng.pick(['alice', 'agent', 'system:node']), n: rng.int(1e6) })}${crlf ? '\r' : ''}`,
      ),
    );
    const name = `stream${s}/log-${seed}.jsonl${gzip ? '.gz' : ''}`;
    const stream: Stream = { path: `sources/${name}`, leaves: leavesPathFor(`sources/${name}`), gzip, crlf, finalNewline, records };
    streams.push(stream);
    sources.push({ path: name, data: encode(records, stream) });
  }
  sources.push({
    path: `resources/pods-${seed}.json`,
    data: Buffer.from(JSON.stringify({ kind: 'List', items: [{ name: rng.hex(8) }] }, null, 2)),
  });
  if (rng.next() < 0.5) sources.push({ path: `blobs/payload-${seed}.bin`, data: Buffer.from(rng.hex(200 + rng.int(2000))) });
  const signed = rng.next() < 0.75;
  const files = seal(sources, { ...(signed ? { key: KEY.privateKey } : {}), title: `case ${seed}` });
  const manifest = manifestOf(files);
  const listed = [
    ...manifest.sources.flatMap((e) => [e.path, ...(e.chain ? [e.chain.leaves.path] : [])]),
    ...manifest.blobs.map((b) => b.path),
  ];
  return { seed, files, streams, signed, listed };
}

const BASES = Array.from({ length: 40 }, (_, i) => makeBase(1000 + i));
const SIGNED = BASES.filter((b) => b.signed);
const UNSIGNED = BASES.filter((b) => !b.signed);
let mutationsRun = 0;

/** Collects failures instead of stopping at the first, so a run reports how many tamperings went unseen. */
class Failures {
  readonly list: string[] = [];
  add(what: string, verdict: BundleVerdict, expected: string): void {
    const summary = JSON.stringify({ intact: verdict.intact, problems: verdict.problems, signature: verdict.signature.status });
    this.list.push(`${what}: expected ${expected}; got ${summary}`);
  }
  check(): void {
    expect({ failures: this.list.length, first: this.list.slice(0, 8) }).toEqual({ failures: 0, first: [] });
  }
}

function firstDivergence(sealed: Buffer[], found: Buffer[]): number {
  let i = 0;
  while (i < sealed.length && i < found.length && sealed[i]!.equals(found[i]!)) i++;
  return i;
}

/**
 * Checks a tampering of one stream's records: detected, the stream broken at `position` with `nature`
 * (any nature when undefined), the file hash mismatch reported, and a signature still valid.
 */
function checkBreak(
  verdict: BundleVerdict,
  base: Base,
  stream: Stream,
  position: number,
  nature: BreakNature | undefined,
): string | undefined {
  if (verdict.intact) return 'not detected';
  const problem = verdict.problems.find((p) => p.item === stream.path && p.position !== undefined);
  if (!problem) return `no located problem for ${stream.path}`;
  if (problem.position !== position) return `position ${position}, not ${problem.position}`;
  if (nature && problem.nature !== nature) return `nature ${nature}, not ${problem.nature}`;
  const source = verdict.sources.find((s) => s.path === stream.path);
  if (source?.verdict !== 'broken' || source.first_bad_position !== position) return `source verdict broken at ${position}`;
  if (!verdict.problems.some((p) => p.item === stream.path && p.position === undefined)) return 'the file hash mismatch';
  if (base.signed && verdict.signature.status !== 'valid') return 'the untouched signature to stay valid';
  const others = verdict.sources.filter((s) => s.path !== stream.path && s.verdict === 'broken');
  if (others.length > 0) return `no other source broken (${others.map((s) => s.path).join(', ')})`;
  return undefined;
}

async function runRecordMutations(
  count: number,
  seed: number,
  mutate: (
    rng: Rng,
    stream: Stream,
  ) => { records?: Buffer[]; content?: Buffer; position: number; nature: BreakNature | undefined; what: string } | undefined,
): Promise<Failures> {
  const rng = new Rng(seed);
  const failures = new Failures();
  let done = 0;
  while (done < count) {
    const base = rng.pick(BASES);
    const stream = rng.pick(base.streams);
    const mutation = mutate(rng, stream);
    if (!mutation) continue;
    const content = mutation.content ?? encode(mutation.records!, stream);
    const data = stream.gzip && mutation.content ? gzipSync(content) : content;
    const verdict = await verify(new Map(base.files).set(stream.path, data));
    const wrong = checkBreak(verdict, base, stream, mutation.position, mutation.nature);
    if (wrong) failures.add(`bundle ${base.seed} ${stream.path}: ${mutation.what}`, verdict, wrong);
    done++;
    mutationsRun++;
  }
  return failures;
}

function plainContent(stream: Stream): Buffer {
  return encode(stream.records, { gzip: false, finalNewline: stream.finalNewline });
}

describe('mutation suite (seeded)', () => {
  it('every untouched bundle verifies intact with its key trusted', async () => {
    expect(SIGNED.length).toBeGreaterThan(10);
    expect(UNSIGNED.length).toBeGreaterThan(3);
    const streams = BASES.flatMap((b) => b.streams);
    expect(streams.filter((s) => s.gzip).length, 'gzip streams').toBeGreaterThan(5);
    expect(streams.filter((s) => s.crlf).length, 'CRLF streams').toBeGreaterThan(5);
    expect(streams.filter((s) => !s.finalNewline).length, 'streams without a final newline').toBeGreaterThan(5);
    expect(streams.filter((s) => s.records.length === 1).length, 'one-record streams').toBeGreaterThan(0);
    for (const base of BASES) {
      const verdict = await verify(base.files);
      expect(verdict.problems, `bundle ${base.seed}`).toEqual([]);
      expect(verdict.status).toBe(base.signed ? 'intact' : 'unsigned');
      expect(verdictPasses(verdict)).toBe(true);
      expect(verdict.files_checked).toBe(base.listed.length);
      const expected = base.signed ? 'intact' : 'unsigned';
      expect(verdict.sources.filter((s) => s.path.endsWith('.json')).map((s) => s.verdict)).toEqual(['sealed_whole']);
      expect(verdict.sources.filter((s) => !s.path.endsWith('.json')).every((s) => s.verdict === expected)).toBe(true);
      // The sealed records are exactly the stream's lines.
      for (const stream of base.streams) {
        const stored = base.files.get(stream.path)!;
        const records = splitRecords(stream.gzip ? gunzipSync(stored) : stored);
        expect(records.map((r) => r.toString())).toEqual(stream.records.map((r) => r.toString()));
      }
    }
  });

  it('byte flips at any offset of any record: broken at exactly that record ("modified" unless a newline moved)', async () => {
    const failures = await runRecordMutations(800, 1, (rng, stream) => {
      const content = Buffer.from(plainContent(stream));
      const r = rng.int(stream.records.length);
      let start = 0;
      for (let i = 0; i < r; i++) start += stream.records[i]!.length + 1;
      const hasNewline = r < stream.records.length - 1 || stream.finalNewline;
      const offset = start + rng.int(stream.records[r]!.length + (hasNewline ? 1 : 0));
      const before = content[offset]!;
      const bit = 1 << rng.int(8);
      content[offset] = before ^ bit;
      const newlineMoved = before === 0x0a || (before ^ bit) === 0x0a;
      return {
        content,
        position: r + 1,
        nature: newlineMoved ? undefined : 'modified',
        what: `flip bit ${bit} at byte ${offset} (record ${r + 1})`,
      };
    });
    failures.check();
  });

  it('record insertion (a copy of another record or a new line): "inserted" where it went in, "appended" at the end', async () => {
    const failures = await runRecordMutations(300, 2, (rng, stream) => {
      const p = rng.int(stream.records.length + 1);
      const copy = rng.next() < 0.6;
      const inserted = copy ? rng.pick(stream.records) : newRecord(rng, stream);
      const records = [...stream.records.slice(0, p), inserted, ...stream.records.slice(p)];
      const d = firstDivergence(stream.records, records);
      const atEnd = d === stream.records.length;
      return {
        records,
        position: d + 1,
        nature: atEnd ? 'appended' : 'inserted',
        what: `insert ${copy ? 'a copy' : 'a new line'} at ${p + 1}`,
      };
    });
    failures.check();
  });

  it('record deletion: "deleted" at its position ("truncated" for the last record)', async () => {
    const failures = await runRecordMutations(200, 3, (rng, stream) => {
      const r = rng.int(stream.records.length);
      const records = stream.records.filter((_, i) => i !== r);
      const last = r === stream.records.length - 1;
      return { records, position: r + 1, nature: last ? 'truncated' : 'deleted', what: `delete record ${r + 1}` };
    });
    failures.check();
  });

  it('a swap of two adjacent distinct records: "reordered" at the first of them', async () => {
    const failures = await runRecordMutations(200, 4, (rng, stream) => {
      if (stream.records.length < 2) return undefined;
      const r = rng.int(stream.records.length - 1);
      const records = [...stream.records];
      [records[r], records[r + 1]] = [records[r + 1]!, records[r]!];
      return { records, position: r + 1, nature: 'reordered', what: `swap records ${r + 1} and ${r + 2}` };
    });
    failures.check();
  });

  it('truncation to k records: "truncated" at k+1', async () => {
    const failures = await runRecordMutations(150, 5, (rng, stream) => {
      const k = rng.int(stream.records.length);
      return { records: stream.records.slice(0, k), position: k + 1, nature: 'truncated', what: `truncate to ${k} records` };
    });
    failures.check();
  });

  it('appended records: "appended" after the sealed end', async () => {
    const failures = await runRecordMutations(150, 6, (rng, stream) => {
      const extra = Array.from({ length: 1 + rng.int(3) }, () => (rng.next() < 0.5 ? rng.pick(stream.records) : newRecord(rng, stream)));
      return {
        records: [...stream.records, ...extra],
        position: stream.records.length + 1,
        nature: 'appended',
        what: `append ${extra.length} records`,
      };
    });
    failures.check();
  });

  it('flipped bytes in a gzip source as stored: a problem naming it', async () => {
    const rng = new Rng(7);
    const failures = new Failures();
    const gzipped = BASES.flatMap((base) => base.streams.filter((s) => s.gzip).map((stream) => ({ base, stream })));
    expect(gzipped.length).toBeGreaterThan(5);
    for (let n = 0; n < 60; n++) {
      const { base, stream } = rng.pick(gzipped);
      const data = Buffer.from(base.files.get(stream.path)!);
      const offset = rng.int(data.length);
      data[offset]! ^= 1 << rng.int(8);
      const verdict = await verify(new Map(base.files).set(stream.path, data));
      if (verdict.intact || !verdict.problems.some((p) => p.item === stream.path))
        failures.add(`bundle ${base.seed} ${stream.path}: flip at ${offset}`, verdict, `a problem naming ${stream.path}`);
      mutationsRun++;
    }
    failures.check();
  });

  it('manifest edits (a size, a sha256, a head, a count, the case title): a problem naming the item, or the signature invalid', async () => {
    const rng = new Rng(8);
    const failures = new Failures();
    for (let n = 0; n < 320; n++) {
      const base = n % 4 === 3 ? rng.pick(UNSIGNED) : rng.pick(SIGNED);
      const manifest = manifestOf(base.files);
      const kinds = base.signed ? ['size', 'sha256', 'head', 'count', 'title'] : ['size', 'sha256', 'head', 'count'];
      const kind = rng.pick(kinds);
      let item: string | undefined;
      if (kind === 'size' || kind === 'sha256') {
        item = rng.pick(base.listed);
        const entry = [...manifest.sources, ...manifest.sources.flatMap((s) => (s.chain ? [s.chain.leaves] : [])), ...manifest.blobs].find(
          (e) => e.path === item,
        )!;
        if (kind === 'size') entry.size = Math.max(0, entry.size + rng.pick([-3, -1, 1, 2, 1000])) || entry.size + 1;
        else entry.sha256 = rng.hex(64);
      } else if (kind === 'head' || kind === 'count') {
        const stream = rng.pick(base.streams);
        item = stream.path;
        const chain = manifest.sources.find((s) => s.path === stream.path)!.chain!;
        if (kind === 'head') chain.head = rng.hex(64);
        else chain.records = chain.records === 0 || rng.next() < 0.5 ? chain.records + 1 : chain.records - 1;
      } else {
        manifest.case.title = `${manifest.case.title ?? ''} (edited)`;
      }
      const verdict = await verify(withManifest(base.files, manifest));
      const named = item !== undefined && verdict.problems.some((p) => p.item === item);
      const signatureInvalid = verdict.signature.status === 'invalid' && verdict.problems.some((p) => p.item === SIGNATURE_FILE);
      const ok = !verdict.intact && (base.signed ? signatureInvalid : named);
      if (!ok)
        failures.add(
          `bundle ${base.seed}: manifest ${kind} edit of ${item ?? 'case.title'}`,
          verdict,
          base.signed ? 'invalid signature' : `a problem naming ${item}`,
        );
      mutationsRun++;
    }
    failures.check();
  });

  it('signature swaps and damage: the signature is invalid (or, signed by another key, valid but untrusted)', async () => {
    const rng = new Rng(9);
    const failures = new Failures();
    const kinds = [
      'other bundle',
      'other key signature bytes',
      'other key named',
      'other public key only',
      'bit flip',
      'fingerprint edit',
      'not a signature file',
      'resigned by other key',
    ] as const;
    for (let n = 0; n < 160; n++) {
      const base = rng.pick(SIGNED);
      const kind = kinds[n % kinds.length]!;
      const sigFile = JSON.parse(base.files.get(SIGNATURE_FILE)!.toString('utf8')) as Record<string, string>;
      const canonical = canonicalManifestBytes(JSON.parse(base.files.get(MANIFEST_FILE)!.toString('utf8')));
      let replacement: Buffer;
      if (kind === 'other bundle') {
        const other = rng.pick(SIGNED.filter((b) => b !== base));
        replacement = other.files.get(SIGNATURE_FILE)!;
      } else if (kind === 'not a signature file') {
        replacement = Buffer.from(rng.pick(['', 'garbage', '{}', '{"algorithm":"RSA"}', '[1,2]']));
      } else {
        const edited = { ...sigFile };
        if (kind === 'other key signature bytes') edited.signature = sign(null, canonical, OTHER_KEY.privateKey).toString('base64');
        if (kind === 'other key named') Object.assign(edited, { public_key_pem: OTHER_KEY.pem, key_fingerprint: OTHER_KEY.fingerprint });
        if (kind === 'other public key only') edited.public_key_pem = OTHER_KEY.pem;
        if (kind === 'bit flip') {
          const bytes = Buffer.from(sigFile.signature!, 'base64');
          bytes[rng.int(bytes.length)]! ^= 1 << rng.int(8);
          edited.signature = bytes.toString('base64');
        }
        if (kind === 'fingerprint edit') {
          const i = rng.int(64);
          const old = sigFile.key_fingerprint!;
          edited.key_fingerprint = `${old.slice(0, i)}${((parseInt(old[i]!, 16) + 1 + rng.int(15)) % 16).toString(16)}${old.slice(i + 1)}`;
        }
        if (kind === 'resigned by other key') {
          Object.assign(edited, {
            public_key_pem: OTHER_KEY.pem,
            key_fingerprint: OTHER_KEY.fingerprint,
            signature: sign(null, canonical, OTHER_KEY.privateKey).toString('base64'),
          });
        }
        replacement = Buffer.from(JSON.stringify(edited, null, 2));
      }
      const verdict = await verify(new Map(base.files).set(SIGNATURE_FILE, replacement));
      const named = verdict.problems.some((p) => p.item === SIGNATURE_FILE);
      const expectedStatus = kind === 'resigned by other key' ? 'valid' : 'invalid';
      // A valid signature by another key is no problem of the evidence: the bundle is UNTRUSTED instead.
      const ok =
        !verdict.intact &&
        !verdictPasses(verdict) &&
        (expectedStatus === 'valid' ? verdict.status === 'untrusted' && !named : verdict.status === 'broken' && named) &&
        verdict.signature.status === expectedStatus &&
        verdict.signature.trusted !== true &&
        (expectedStatus === 'valid' || verdict.sources.every((s) => s.verdict !== 'intact'));
      if (!ok) failures.add(`bundle ${base.seed}: signature ${kind}`, verdict, `signature ${expectedStatus}, untrusted, named`);
      mutationsRun++;
    }
    failures.check();
  });

  it('leaves-file edits: a problem naming the leaves file', async () => {
    const rng = new Rng(10);
    const failures = new Failures();
    for (let n = 0; n < 120; n++) {
      const base = rng.pick(BASES);
      const stream = rng.pick(base.streams);
      const original = base.files.get(stream.leaves)!;
      const leafLines = original.toString('utf8').split('\n').slice(0, -1);
      const kind = rng.pick(['byte flip', 'other hash', 'drop a line', 'add a line', 'swap lines', 'empty'] as const);
      let edited: Buffer;
      if (kind === 'byte flip') {
        edited = Buffer.from(original);
        edited[rng.int(edited.length)]! ^= 1 << rng.int(8);
      } else {
        const out = [...leafLines];
        const i = rng.int(out.length);
        if (kind === 'other hash') out[i] = rng.hex(64);
        if (kind === 'drop a line') out.splice(i, 1);
        if (kind === 'add a line') out.splice(i, 0, rng.hex(64));
        if (kind === 'swap lines' && out.length > 1) [out[0], out[out.length - 1]] = [out[out.length - 1]!, out[0]!];
        if (kind === 'swap lines' && out.length === 1) out.push(out[0]!);
        if (kind === 'empty') out.length = 0;
        edited = Buffer.from(out.map((l) => `${l}\n`).join(''));
      }
      if (edited.equals(original)) continue;
      const verdict = await verify(new Map(base.files).set(stream.leaves, edited));
      if (verdict.intact || !verdict.problems.some((p) => p.item === stream.leaves))
        failures.add(`bundle ${base.seed} ${stream.leaves}: ${kind}`, verdict, `a problem naming ${stream.leaves}`);
      mutationsRun++;
    }
    failures.check();
  });

  it('a deleted or an extra file: a problem naming it', async () => {
    const rng = new Rng(11);
    const failures = new Failures();
    for (let n = 0; n < 160; n++) {
      const base = rng.pick(BASES);
      const files = new Map(base.files);
      let item: string;
      if (n % 2 === 0) {
        item = rng.pick(base.listed);
        files.delete(item);
      } else {
        item = rng.pick([
          `sources/extra-${rng.hex(6)}.jsonl`,
          `blobs/sha256/${rng.hex(64)}`,
          `hashes/x-${rng.hex(4)}.leaves`,
          `notes-${rng.hex(4)}.txt`,
          `sources/${rng.hex(3)}/deep/file.json`,
        ]);
        files.set(item, Buffer.from(rng.next() < 0.5 ? '{"forged":1}\n' : ''));
      }
      const verdict = await verify(files);
      if (verdict.intact || !verdict.problems.some((p) => p.item === item))
        failures.add(`bundle ${base.seed}: ${n % 2 === 0 ? 'deleted' : 'extra'} ${item}`, verdict, `a problem naming ${item}`);
      mutationsRun++;
    }
    failures.check();
  });

  it('a record and its leaf altered together: still detected, and the altered leaves are not trusted to locate the break', async () => {
    const rng = new Rng(12);
    const failures = new Failures();
    for (let n = 0; n < 100; n++) {
      const base = rng.pick(BASES);
      const stream = rng.pick(base.streams);
      const r = rng.int(stream.records.length);
      const records = [...stream.records];
      records[r] = newRecord(rng, stream);
      const leafLines = base.files.get(stream.leaves)!.toString('utf8').split('\n').slice(0, -1);
      leafLines[r] = leafHash(records[r]).toString('hex');
      const leaves = Buffer.from(leafLines.map((l) => `${l}\n`).join(''));
      const data = encode(records, stream);
      const files = new Map(base.files).set(stream.path, data).set(stream.leaves, leaves);
      // Half the time, on unsigned bundles, the forger also fixes the manifest's file hashes.
      if (!base.signed && n % 2 === 0) {
        const manifest = manifestOf(files);
        const entry = manifest.sources.find((s) => s.path === stream.path)!;
        Object.assign(entry, { size: data.length, sha256: sha256Hex(data) });
        Object.assign(entry.chain!.leaves, { size: leaves.length, sha256: sha256Hex(leaves) });
        files.set(MANIFEST_FILE, Buffer.from(JSON.stringify(manifest, null, 2)));
      }
      const verdict = await verify(files);
      const problem = verdict.problems.find((p) => p.item === stream.path && /chain broken/.test(p.reason));
      const ok = !verdict.intact && problem !== undefined && problem.position === undefined && /cannot be located/.test(problem.reason);
      if (!ok)
        failures.add(`bundle ${base.seed} ${stream.path}: record ${r + 1} and its leaf`, verdict, 'a chain break that is not located');
      mutationsRun++;
    }
    failures.check();
  });

  it('ran at least 2,000 tamperings', () => {
    expect(mutationsRun).toBeGreaterThanOrEqual(2000);
  });
});
