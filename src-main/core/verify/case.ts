// Re-checks the records a case keeps against the bundle they came from, without the bundle: the stored
// manifest's signature, the stored sealed leaves against the signed Merkle root, and each stored record's
// leaf hash against the sealed leaf at its position. A case file edited behind Causa's back shows here.
import { leafHash, merkleRoot } from '../bundle/hashing';
import { canonicalManifestBytes, Manifest } from '../bundle/manifest';
import { checkSignature, SignatureFile } from '../bundle/signing';
import type { BundleVerdict, Problem, SignatureVerdict, SourceVerdict } from './bundle';

export interface StoredBundleInput {
  location: string;
  manifest: string;
  signature: string | null;
  /** The sealed leaves file of each chained source, by bundle path. */
  leaves: ReadonlyMap<string, string>;
  /** The records the case keeps, by bundle path of their source. */
  records: (bundlePath: string) => Iterable<{ position: number; raw: Buffer }> | undefined;
}

export function verifyStoredBundle(input: StoredBundleInput, trustedKeys: ReadonlySet<string>): BundleVerdict {
  const problems: Problem[] = [];
  const manifestJson: unknown = JSON.parse(input.manifest);
  const manifest = Manifest.parse(manifestJson);

  const signature: SignatureVerdict = { status: 'absent' };
  if (input.signature !== null) {
    const parsed = SignatureFile.safeParse(JSON.parse(input.signature));
    if (!parsed.success) Object.assign(signature, { status: 'invalid', reason: 'the stored signature is not a signature file' });
    else {
      const checked = checkSignature(canonicalManifestBytes(manifestJson), parsed.data);
      Object.assign(signature, {
        status: checked.valid ? 'valid' : 'invalid',
        fingerprint: checked.fingerprint,
        trusted: checked.valid && trustedKeys.has(checked.fingerprint),
        ...(checked.reason ? { reason: checked.reason } : {}),
      });
    }
    if (signature.status === 'invalid') problems.push({ item: 'manifest.sig.json', reason: signature.reason ?? 'invalid signature' });
    else if (!signature.trusted) {
      problems.push({ item: 'manifest.sig.json', reason: `valid signature by key ${signature.fingerprint}, which is not in the trust store` });
    }
  }

  const sources: SourceVerdict[] = manifest.sources.map((entry): SourceVerdict => {
    const base = { path: entry.path, type: entry.type };
    const records = input.records(entry.path);
    if (!records) return { ...base, verdict: 'unverifiable', reason: 'not imported into this case' };
    if (!entry.chain) return { ...base, verdict: 'unverifiable', reason: 'hashed whole; no record chain' };
    const text = input.leaves.get(entry.path);
    const sealed = text?.split('\n').filter((line) => line !== '');
    if (!sealed || sealed.length !== entry.chain.records || merkleRoot(sealed.map((h) => Buffer.from(h, 'hex'))).toString('hex') !== entry.chain.merkle_root) {
      const reason = 'the sealed per-record hashes kept in the case no longer match the signed Merkle root';
      problems.push({ item: entry.path, reason });
      return { ...base, verdict: 'broken', reason };
    }
    let count = 0;
    for (const record of records) {
      count += 1;
      if (leafHash(record.raw).toString('hex') !== sealed[record.position - 1]) {
        const reason = `record ${record.position} kept in the case differs from the sealed record: record modified`;
        problems.push({ item: entry.path, reason, position: record.position, nature: 'modified' });
        return { ...base, verdict: 'broken', records: count, first_bad_position: record.position, nature: 'modified', reason };
      }
    }
    return { ...base, verdict: signature.status === 'valid' ? 'intact' : 'unsigned', records: count };
  });

  return {
    bundle: input.location,
    files_checked: 0,
    sources,
    signature,
    timestamp: { status: 'absent' },
    problems,
    intact: problems.length === 0,
  };
}
