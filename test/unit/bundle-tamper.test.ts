// Tampering with bundles and excerpts as an adversary with full write access to the files would, each
// through `causa verify` (and `causa import`): the exit code, the status, and the exact file and record
// position where the tampering is found. Hostile zips are built byte by byte (core/hand-zip.ts).
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli';
import { canonicalManifestBytes, MANIFEST_FILE, SIGNATURE_FILE } from '../../src-main/core/bundle/manifest';
import { sealSources, type RawSource } from '../../src-main/core/bundle/seal';
import { keyFingerprint } from '../../src-main/core/bundle/signing';
import type { Excerpt } from '../../src-main/core/export/excerpt';
import type { BundleVerdict } from '../../src-main/core/verify/bundle';
import type { ImportReport } from '../../src-main/shared/contract';
import { handZip, type HandEntry } from './core/hand-zip';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'causa-tamper-'));

function newKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    publicKey,
    fingerprint: keyFingerprint(publicKey),
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
const KEY = newKey();
const MALLORY = newKey();
const PUB = join(dir, 'key.pub.pem');
writeFileSync(PUB, KEY.pem);

const AUDIT = 'sources/k8s-audit/audit.jsonl';
const LEAVES = 'hashes/k8s-audit/audit.jsonl.leaves';
const auditLine = (i: number): string =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `a-${i}`,
    stage: 'ResponseComplete',
    verb: 'patch',
    user: { username: `user-${i}` },
    requestReceivedTimestamp: `2025-04-03T14:30:0${i}.000000Z`,
  });
const RECORDS = Array.from({ length: 8 }, (_, i) => auditLine(i));
const text = (records: string[]): Buffer => Buffer.from(records.map((r) => `${r}\n`).join(''));

/** Sealed and signed with `key`, or with no signature when `key` is null. */
function seal(records: string[], key: KeyObject | null = KEY.privateKey): Map<string, Buffer> {
  const sources: RawSource[] = [{ path: 'k8s-audit/audit.jsonl', data: text(records) }];
  return sealSources(sources, {
    case: { title: 'tamper' },
    createdAt: '2025-04-03T15:00:00Z',
    creator: { tool: 'causa-test', version: '0' },
    ...(key ? { key } : {}),
    detectType: () => 'k8s-audit',
  });
}
const SEALED = seal(RECORDS);

let counter = 0;
/** Writes a bundle as a folder and returns its path. */
function folder(files: ReadonlyMap<string, Buffer>): string {
  const out = join(dir, `b${counter++}`);
  for (const [path, data] of files) {
    mkdirSync(join(out, ...path.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(out, ...path.split('/')), data);
  }
  return out;
}
/** Writes a hand-built zip and returns its path. */
function zip(entries: HandEntry[]): string {
  const out = join(dir, `z${counter++}.zip`);
  writeFileSync(out, handZip(entries));
  return out;
}
const entriesOf = (files: ReadonlyMap<string, Buffer>): HandEntry[] => [...files].map(([name, data]) => ({ name, data }));

async function verify(path: string, ...extra: string[]): Promise<{ code: number; verdict: BundleVerdict; stdout: string }> {
  const json = await run('verify', path, '--json', ...extra);
  const human = await run('verify', path, ...extra);
  expect(human.code).toBe(json.code);
  return { code: json.code, verdict: JSON.parse(json.stdout) as BundleVerdict, stdout: human.stdout };
}

function withRecords(records: string[]): Map<string, Buffer> {
  return new Map(SEALED).set(AUDIT, text(records));
}

describe('honest bundles still verify', () => {
  it('the sealed folder and a hand-built zip of it are INTACT with the key trusted (exit 0)', async () => {
    for (const path of [folder(SEALED), zip(entriesOf(SEALED)), zip(entriesOf(SEALED).map((e) => ({ ...e, method: 0 })))]) {
      const { code, verdict } = await verify(path, '--trust', PUB);
      expect({ code, status: verdict.status, problems: verdict.problems }).toEqual({ code: 0, status: 'intact', problems: [] });
    }
  });
});

describe('signature tampering', () => {
  it('1. signature file removed: UNSIGNED, exit 1 with --trust or --require-signature; exit 0 only when nobody asked', async () => {
    const stripped = new Map(SEALED);
    stripped.delete(SIGNATURE_FILE);
    const path = folder(stripped);
    const trusted = await verify(path, '--trust', PUB);
    expect({
      code: trusted.code,
      status: trusted.verdict.status,
      intact: trusted.verdict.intact,
      problems: trusted.verdict.problems,
    }).toEqual({ code: 1, status: 'unsigned', intact: false, problems: [] });
    expect(trusted.stdout).toContain('UNSIGNED: no valid signature covers the seal');
    expect((await verify(path, '--require-signature')).code).toBe(1);
    const nobody = await verify(path);
    expect({ code: nobody.code, status: nobody.verdict.status, intact: nobody.verdict.intact }).toEqual({
      code: 0,
      status: 'unsigned',
      intact: false,
    });
    expect(nobody.stdout).not.toContain('INTACT');
  });

  it('2. record 3 edited and the bundle re-sealed with no key: UNSIGNED, exit 1 with --trust', async () => {
    const edited = [...RECORDS];
    edited[2] = edited[2]!.replace('user-2', 'deployment-controller');
    const path = folder(seal(edited, null));
    const { code, verdict } = await verify(path, '--trust', PUB);
    expect({ code, status: verdict.status, sources: verdict.sources.map((s) => s.verdict) }).toEqual({
      code: 1,
      status: 'unsigned',
      sources: ['unsigned'],
    });
  });

  it('3. public key swapped in the signature file (original signature bytes kept): invalid, located at manifest.sig.json', async () => {
    const sig = JSON.parse(SEALED.get(SIGNATURE_FILE)!.toString()) as Record<string, string>;
    const swapped = new Map(SEALED).set(
      SIGNATURE_FILE,
      Buffer.from(JSON.stringify({ ...sig, public_key_pem: MALLORY.pem, key_fingerprint: MALLORY.fingerprint })),
    );
    const { code, verdict } = await verify(folder(swapped), '--trust', PUB);
    expect({ code, status: verdict.status, signature: verdict.signature.status }).toEqual({
      code: 1,
      status: 'broken',
      signature: 'invalid',
    });
    expect(verdict.problems.map((p) => p.item)).toEqual([SIGNATURE_FILE]);
  });

  it('4. re-signed by another key after an edit: UNTRUSTED (exit 1), and the records are as that key sealed them', async () => {
    const edited = [...RECORDS];
    edited[4] = edited[4]!.replace('patch', 'delete');
    const path = folder(seal(edited, MALLORY.privateKey));
    const { code, verdict, stdout } = await verify(path, '--trust', PUB);
    expect({ code, status: verdict.status, fingerprint: verdict.signature.fingerprint, problems: verdict.problems }).toEqual({
      code: 1,
      status: 'untrusted',
      fingerprint: MALLORY.fingerprint,
      problems: [],
    });
    expect(stdout).toContain(`signed by a key you have not trusted (${MALLORY.fingerprint})`);
  });
});

describe('manifest and leaves tampering', () => {
  it('5. manifest edited (chain head of the audit source): the signature no longer verifies', async () => {
    const manifest = JSON.parse(SEALED.get(MANIFEST_FILE)!.toString()) as { sources: { chain: { head: string } }[] };
    manifest.sources[0]!.chain.head = '0'.repeat(64);
    const { code, verdict } = await verify(
      folder(new Map(SEALED).set(MANIFEST_FILE, Buffer.from(JSON.stringify(manifest)))),
      '--trust',
      PUB,
    );
    expect({ code, status: verdict.status, signature: verdict.signature.status }).toEqual({
      code: 1,
      status: 'broken',
      signature: 'invalid',
    });
    expect(verdict.problems.map((p) => p.item)).toContain(SIGNATURE_FILE);
  });

  it('6. leaves file edited (leaf 4): located at the leaves file', async () => {
    const leaves = SEALED.get(LEAVES)!.toString().split('\n');
    leaves[3] = 'f'.repeat(64);
    const { code, verdict } = await verify(folder(new Map(SEALED).set(LEAVES, Buffer.from(leaves.join('\n')))), '--trust', PUB);
    expect({ code, status: verdict.status }).toEqual({ code: 1, status: 'broken' });
    expect(verdict.problems).toEqual([{ item: LEAVES, reason: 'sha256 differs from the manifest' }]);
  });
});

describe('record tampering, each located at its record', () => {
  const cases: [string, string[], number, string][] = [
    ['7. record 5 edited', RECORDS.map((r, i) => (i === 4 ? r.replace('user-4', 'deployment-controller') : r)), 5, 'modified'],
    ['8. record inserted before record 3', [...RECORDS.slice(0, 2), auditLine(9), ...RECORDS.slice(2)], 3, 'inserted'],
    ['9. record 4 deleted', RECORDS.filter((_, i) => i !== 3), 4, 'deleted'],
    ['10. records 2 and 3 swapped', [RECORDS[0]!, RECORDS[2]!, RECORDS[1]!, ...RECORDS.slice(3)], 2, 'reordered'],
    ['11. last record cut in half', [...RECORDS.slice(0, 7), RECORDS[7]!.slice(0, 40)], 8, 'modified'],
    ['12. last record dropped', RECORDS.slice(0, 7), 8, 'truncated'],
  ];
  it.each(cases)('%s', async (_name, records, position, nature) => {
    const { code, verdict } = await verify(folder(withRecords(records)), '--trust', PUB);
    expect(code).toBe(1);
    expect(verdict.status).toBe('broken');
    expect(verdict.sources[0]).toMatchObject({ path: AUDIT, verdict: 'broken', first_bad_position: position, nature });
    expect(verdict.problems).toContainEqual(expect.objectContaining({ item: AUDIT, position, nature }));
  });
});

describe('hostile zips, built by hand', () => {
  const edited = text(RECORDS.map((r, i) => (i === 1 ? r.replace('user-1', 'system:admin') : r)));

  it('13. two entries of the source name (the forged one first): named as a duplicate', async () => {
    const entries = entriesOf(SEALED);
    const at = entries.findIndex((e) => e.name === AUDIT);
    entries.splice(at, 0, { name: AUDIT, data: edited });
    const { code, verdict } = await verify(zip(entries), '--trust', PUB);
    expect({ code, status: verdict.status }).toEqual({ code: 1, status: 'broken' });
    expect(verdict.problems).toContainEqual({ item: AUDIT, reason: expect.stringContaining('the zip holds 2 entries of this name') });
  });

  it('14. an entry outside the manifest: named', async () => {
    const { code, verdict } = await verify(
      zip([...entriesOf(SEALED), { name: 'sources/k8s-audit/extra.jsonl', data: text([auditLine(9)]) }]),
      '--trust',
      PUB,
    );
    expect({ code, status: verdict.status }).toEqual({ code: 1, status: 'broken' });
    expect(verdict.problems).toEqual([{ item: 'sources/k8s-audit/extra.jsonl', reason: 'file not listed in the manifest' }]);
  });

  const mismatches: [string, HandEntry['local'], RegExp][] = [
    ['15. local header names another file', { name: 'sources/k8s-audit/other.jsonl' }, /disagree on the name/],
    ['16. local header declares another size', { size: 17 }, /disagree on the size/],
    ['17. local header declares another compressed size', { compressedSize: 3 }, /disagree on the compressed size/],
    ['18. local header declares another CRC-32', { crc: 0x12345678 }, /disagree on the CRC-32/],
    ['19. local header declares another compression method', { method: 0 }, /disagree on the compression method/],
  ];
  it.each(mismatches)('%s: central directory vs local header, named at the entry', async (_name, local, reason) => {
    const entries = entriesOf(SEALED).map((e) => (e.name === AUDIT ? { ...e, local } : e));
    const { code, verdict } = await verify(zip(entries), '--trust', PUB);
    expect({ code, status: verdict.status }).toEqual({ code: 1, status: 'broken' });
    expect(verdict.problems).toContainEqual({ item: AUDIT, reason: expect.stringMatching(reason) });
  });

  it('20. bytes hidden between entries (a forged entry the directory does not list): named', async () => {
    const entries = entriesOf(SEALED).map((e) =>
      e.name === AUDIT ? { ...e, after: handZip([{ name: AUDIT, data: edited }]).subarray(0, 200) } : e,
    );
    const { code, verdict } = await verify(zip(entries), '--trust', PUB);
    expect({ code, status: verdict.status }).toEqual({ code: 1, status: 'broken' });
    expect(verdict.problems).toContainEqual({
      item: 'archive',
      reason: expect.stringMatching(/^bytes \d+–\d+ belong to no entry the central directory lists$/),
    });
  });

  it('21. data that does not match the CRC-32 the directory declares: named at the entry', async () => {
    const entries = entriesOf(SEALED).map((e) => (e.name === AUDIT ? { ...e, method: 0, data: edited, local: {} } : e));
    // The directory's CRC is computed from `data`, so forge it differently: store the edited bytes under the sealed CRC.
    const bytes = handZip(entries);
    const sealedCrc = handZip([{ name: AUDIT, data: SEALED.get(AUDIT)!, method: 0 }]).readUInt32LE(14);
    const forgedCrc = handZip([{ name: AUDIT, data: edited, method: 0 }]).readUInt32LE(14);
    let patched = 0;
    for (let i = 0; i + 4 <= bytes.length; i++) {
      if (bytes.readUInt32LE(i) === forgedCrc) {
        bytes.writeUInt32LE(sealedCrc, i);
        patched++;
      }
    }
    expect(patched).toBe(2); // the local header and the directory, both now claiming the sealed CRC
    const path = join(dir, `crc${counter++}.zip`);
    writeFileSync(path, bytes);
    const { code, verdict } = await verify(path, '--trust', PUB);
    expect({ code, status: verdict.status }).toEqual({ code: 1, status: 'broken' });
    expect(verdict.problems).toContainEqual({ item: AUDIT, reason: 'its data does not match the CRC-32 the directory declares' });
  });
});

describe('import of a tampered bundle', () => {
  it('22. exits 1 and names the bundle, its broken source and how many records came from the first bad one on', async () => {
    const path = folder(withRecords(RECORDS.map((r, i) => (i === 5 ? r.replace('user-5', 'mallory') : r))));
    const casePath = join(dir, `import${counter++}.causa`);
    const human = await run('import', path, '--case', casePath);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(
      /BROKEN: its content differs from what was sealed; 3 records imported from 1 source at fault: sources\/k8s-audit\/audit\.jsonl \(3 records, broken\)/,
    );
    expect(human.stdout).toContain(`${AUDIT}: chain broken at record 6: record modified`);
    const again = await run('import', path, '--case', join(dir, `import${counter++}.causa`), '--json');
    const report = JSON.parse(again.stdout) as ImportReport;
    expect(report.integrity).toEqual([
      expect.objectContaining({ status: 'broken', records: 3, sources: [{ path: AUDIT, verdict: 'broken', records: 3 }] }),
    ]);
  });

  it('23. an unsigned bundle imports with exit 0 unless a signature is required; then exit 1, naming every record', async () => {
    const unsigned = folder(seal(RECORDS, null));
    expect((await run('import', unsigned, '--case', join(dir, `u${counter++}.causa`))).code).toBe(0);
    const required = await run('import', unsigned, '--case', join(dir, `u${counter++}.causa`), '--require-signature');
    expect(required.code).toBe(1);
    expect(required.stdout).toContain(
      'UNSIGNED: no valid signature covers its seal, and a signature was required; 8 records imported from 1 source at fault',
    );
  });
});

describe('re-verifying a case', () => {
  it('27. an unsigned bundle in a case: causa verify CASE says UNSIGNED, and exits 1 once any key is trusted', async () => {
    const casePath = join(dir, `rv${counter++}.causa`);
    expect((await run('import', folder(seal(RECORDS, null)), '--case', casePath)).code).toBe(0);
    const untrustedHome = await run('verify', casePath);
    expect(untrustedHome.code).toBe(0);
    expect(untrustedHome.stdout).toContain('UNSIGNED: as sealed, but no signature covers the seal');
    expect((await run('trust', 'add', PUB)).code).toBe(0);
    try {
      const expected = await run('verify', casePath);
      expect(expected.code).toBe(1);
      expect(expected.stdout).toContain(
        'UNSIGNED: no valid signature covers the seal, so anyone could have re-sealed it; a signature was required',
      );
    } finally {
      expect((await run('trust', 'remove', KEY.fingerprint)).code).toBe(0);
    }
  });
});

describe('excerpts', () => {
  let excerpt: Excerpt;
  const SAMPLE_PUB = fileURLToPath(new URL('../../resources/keys/sample-ed25519.pub.pem', import.meta.url));
  beforeAll(async () => {
    const sample = join(dir, 'sample');
    cpSync(fileURLToPath(new URL('../../resources/samples/inc-0047', import.meta.url)), sample, { recursive: true });
    const casePath = join(dir, 'sample.causa');
    await run('import', sample, '--case', casePath);
    const out = join(dir, 'excerpt.json');
    const made = await run('excerpt', casePath, '--events', '1,2,3,4', '-o', out);
    expect(made.code, made.stderr).toBe(0);
    excerpt = JSON.parse(readFileSync(out, 'utf8')) as Excerpt;
    rmSync(sample, { recursive: true });
  });
  async function verifyExcerpt(value: Excerpt): Promise<{ code: number; stdout: string }> {
    const path = join(dir, `excerpt${counter++}.json`);
    writeFileSync(path, JSON.stringify(value));
    return run('verify', path, '--trust', SAMPLE_PUB);
  }
  const clone = (): Excerpt => JSON.parse(JSON.stringify(excerpt)) as Excerpt;

  it('the honest excerpt verifies (exit 0)', async () => {
    expect((await verifyExcerpt(clone())).code).toBe(0);
  });

  it('24. a proof hash edited: located at the event and its record position', async () => {
    const forged = clone();
    const e = forged.events[1]!;
    e.proof![0] = 'f'.repeat(64);
    const { code, stdout } = await verifyExcerpt(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `event ${e.id} (${e.source} record ${e.position}): inclusion proof does not lead to the manifest's Merkle root`,
    );
  });

  it('25. a raw record edited: located at the event and its record position', async () => {
    const forged = clone();
    const e = forged.events[2]!;
    e.raw_base64 = Buffer.from(Buffer.from(e.raw_base64, 'base64').toString().replace('"', ' "')).toString('base64');
    const { code, stdout } = await verifyExcerpt(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(`event ${e.id} (${e.source} record ${e.position}): raw record modified`);
  });

  it('26. the signer swapped (manifest re-signed by another key): named as not trusted', async () => {
    const forged = clone();
    const bundle = forged.bundles[0]!;
    const canonical = canonicalManifestBytes(bundle.manifest);
    bundle.signature = {
      algorithm: 'Ed25519',
      key_fingerprint: MALLORY.fingerprint,
      public_key_pem: MALLORY.pem,
      signature: sign(null, canonical, MALLORY.privateKey).toString('base64'),
    };
    const { code, stdout } = await verifyExcerpt(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(`valid signature by key ${MALLORY.fingerprint}, which is not in the trust store`);
  });
});
