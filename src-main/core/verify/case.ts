// Re-checks the records a case keeps against the bundle they came from, without the bundle: the stored
// manifest's signature, the stored sealed leaves against the signed Merkle root, and each stored record's
// leaf hash against the sealed leaf at its position. A case file edited behind Causa's back shows here.
import { contextElements } from '../bundle/elements';
import { elementLeafHash, leafHash, MerkleRootBuilder } from '../bundle/hashing';
import { canonicalManifestBytes, Manifest, type ElementsInfo, type SourceEntry } from '../bundle/manifest';
import { checkSignature, SignatureFile } from '../bundle/signing';
import { SEALED_WHOLE_KEPT, withTrust, type BundleVerdict, type Problem, type SignatureVerdict, type SourceVerdict } from './bundle';

export interface StoredRecord {
  position: number;
  raw: Buffer;
  /** A document record's JSON path and context (values sealed with it), when it has them. */
  locator?: string | null;
  context?: Buffer | null;
}

export interface StoredBundleInput {
  location: string;
  manifest: string;
  signature: string | null;
  /** The sealed leaves of a chained source, by bundle path, in order (read as they are checked). */
  leaves: (bundlePath: string) => Iterable<Buffer> | undefined;
  /** The records the case keeps, by bundle path of their source, in position order. */
  records: (bundlePath: string) => Iterable<StoredRecord> | undefined;
  /**
   * Awaited between chunks of work (records checked, sealed leaves hashed), so that a long check leaves
   * the event loop to others; a caller stops the check by throwing from it.
   */
  pause?: () => Promise<void>;
}

/** How many records or sealed leaves are checked between two pauses. */
export const PAUSE_EVERY = 1024;

const LEAVES_DIFFER = 'the sealed per-record hashes kept in the case no longer match the signed Merkle root';

/**
 * One chained source in one pass: each record's leaf hash against the sealed leaf at its position, while
 * the sealed leaves are folded into the Merkle root. The leaves speak only once their root is the signed
 * one, so a record that differs is reported only after the root is known to hold.
 */
async function checkStoredSource(
  entry: SourceEntry & { chain: NonNullable<SourceEntry['chain']> },
  sealed: Iterable<Buffer> | undefined,
  records: Iterable<StoredRecord>,
  pause: () => Promise<void>,
): Promise<Omit<SourceVerdict, 'path' | 'type' | 'verdict'> & { verdict: 'broken' | 'intact' }> {
  if (!sealed) return { verdict: 'broken', reason: LEAVES_DIFFER };
  // The sealed leaves are read once, in step with the records (a block at a time underneath): each one is
  // folded into the root as it is passed, and compared with the record at its position.
  const leaves = sealed[Symbol.iterator]();
  const root = new MerkleRootBuilder();
  let fed = 0;
  let last: Buffer | undefined;
  const take = (): boolean => {
    const next = leaves.next();
    if (next.done) return false;
    root.add(next.value);
    last = next.value;
    fed += 1;
    return true;
  };
  let work = 0;
  let checked = 0;
  let firstBad: number | undefined;
  // An `await` only every PAUSE_EVERY steps: between pauses the check runs at the speed of its hashing.
  for (const record of records) {
    checked += 1;
    while (fed < record.position && take()) if (++work % PAUSE_EVERY === 0) await pause();
    if (fed !== record.position || !last || !leafHash(record.raw).equals(last)) {
      firstBad = record.position;
      break;
    }
    if (++work % PAUSE_EVERY === 0) await pause();
  }
  while (take()) if (++work % PAUSE_EVERY === 0) await pause();
  if (fed !== entry.chain.records || root.root().toString('hex') !== entry.chain.merkle_root)
    return { verdict: 'broken', reason: LEAVES_DIFFER };
  if (firstBad === undefined) return { verdict: 'intact', records: checked };
  const reason = `record ${firstBad} kept in the case differs from the sealed record: record modified`;
  return { verdict: 'broken', records: checked, first_bad_position: firstBad, nature: 'modified', reason };
}

/**
 * One document sealed value by value: each stored record's leaf (its JSON path and bytes), and each value
 * of its context, must be among the sealed leaves, and those must hash to the signed Merkle root.
 */
async function checkStoredElements(
  elements: ElementsInfo,
  sealedLeaves: Iterable<Buffer> | undefined,
  records: Iterable<StoredRecord>,
  pause: () => Promise<void>,
): Promise<Omit<SourceVerdict, 'path' | 'type' | 'verdict'> & { verdict: 'broken' | 'intact' }> {
  // A document's values are looked up by hash, so its leaves are held (a document's values, not a log's lines).
  const sealed = sealedLeaves && [...sealedLeaves].map((leaf) => leaf.toString('hex'));
  if (!sealed || sealed.length !== elements.records) return { verdict: 'broken', reason: LEAVES_DIFFER };
  const root = new MerkleRootBuilder();
  for (const [i, hex] of sealed.entries()) {
    root.add(Buffer.from(hex, 'hex'));
    if ((i + 1) % PAUSE_EVERY === 0) await pause();
  }
  if (root.root().toString('hex') !== elements.merkle_root) return { verdict: 'broken', reason: LEAVES_DIFFER };
  const known = new Set(sealed);
  let checked = 0;
  for (const record of records) {
    checked += 1;
    const values = [{ locator: record.locator ?? '', bytes: record.raw }, ...(record.context ? contextElements(record.context) : [])];
    const bad = values.find((value) => !known.has(elementLeafHash(value.locator, value.bytes).toString('hex')));
    if (bad) {
      const what =
        bad.bytes === record.raw ? `record ${record.position} (${bad.locator})` : `the context ${bad.locator} of record ${record.position}`;
      const reason = `${what} kept in the case differs from the sealed value: record modified`;
      return { verdict: 'broken', records: checked, first_bad_position: record.position, nature: 'modified', reason };
    }
    if (checked % PAUSE_EVERY === 0) await pause();
  }
  return { verdict: 'intact', records: checked };
}

export async function verifyStoredBundle(input: StoredBundleInput, trustedKeys: ReadonlySet<string>): Promise<BundleVerdict> {
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
  }

  const pause = input.pause ?? (() => Promise.resolve());
  const sources: SourceVerdict[] = [];
  for (const entry of manifest.sources) {
    const base = { path: entry.path, type: entry.type };
    const records = input.records(entry.path);
    if (!records) sources.push({ ...base, verdict: 'unverifiable', reason: 'not imported into this case' });
    else if (!entry.chain && !entry.elements) sources.push({ ...base, verdict: 'sealed_whole', reason: SEALED_WHOLE_KEPT });
    else {
      const checked = entry.chain
        ? await checkStoredSource({ ...entry, chain: entry.chain }, input.leaves(entry.path), records, pause)
        : await checkStoredElements(entry.elements!, input.leaves(entry.path), records, pause);
      if (checked.verdict === 'intact')
        sources.push({ ...base, ...checked, verdict: signature.status === 'valid' ? 'intact' : 'unsigned' });
      else {
        sources.push({ ...base, ...checked });
        problems.push({
          item: entry.path,
          reason: checked.reason!,
          ...(checked.first_bad_position !== undefined ? { position: checked.first_bad_position, nature: checked.nature } : {}),
        });
      }
    }
  }

  // Untrusted and unsigned are states of the signer, decided the same way as for the bundle itself.
  return withTrust(
    { bundle: input.location, files_checked: 0, sources, signature, timestamp: { status: 'absent' }, problems, intact: false },
    trustedKeys,
  );
}
