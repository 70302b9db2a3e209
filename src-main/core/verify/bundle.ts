// Verifies an evidence bundle (DESIGN.md "Verification verdicts"): every file against the manifest,
// every chained source against its chain head, count and Merkle root, the first bad record located and
// named (modified, inserted, deleted, reordered, truncated), and the signature over the canonical manifest.
import { createHash } from 'node:crypto';
import { BundleError, type BundleFiles } from '../bundle/files';
import { CHAIN_START, chainStep, leafHash, merkleRoot } from '../bundle/hashing';
import { BUNDLE_META_FILES, canonicalManifestBytes, Manifest, SIGNATURE_FILE, TIMESTAMP_FILE, type SourceEntry } from '../bundle/manifest';
import { decompressed, splitRecords } from '../bundle/records';
import { checkSignature, SignatureFile } from '../bundle/signing';

export type BreakNature = 'modified' | 'inserted' | 'deleted' | 'reordered' | 'truncated' | 'appended';

export interface Problem {
  /** The bundle path of the item at fault (a file, a source, the signature). */
  item: string;
  reason: string;
  /** 1-based record number, for a chain break. */
  position?: number;
  nature?: BreakNature;
}

export interface SourceVerdict {
  path: string;
  type: string;
  verdict: 'intact' | 'broken' | 'unsigned' | 'unverifiable';
  records?: number;
  first_bad_position?: number;
  nature?: BreakNature;
  reason?: string;
}

export interface SignatureVerdict {
  status: 'absent' | 'valid' | 'invalid';
  fingerprint?: string;
  trusted?: boolean;
  reason?: string;
}

export interface BundleVerdict {
  bundle: string;
  manifest_sha256?: string;
  files_checked: number;
  sources: SourceVerdict[];
  signature: SignatureVerdict;
  timestamp: { status: 'absent' | 'present-unchecked' };
  problems: Problem[];
  /** True when nothing is invalid: every file matches, every chain holds, and any signature is valid and trusted. */
  intact: boolean;
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Locates the first difference between the sealed per-record hashes and the records found now, and
 * names what happened there. `sealed` is trustworthy only once it has matched the signed Merkle root.
 */
export function locateBreak(sealed: readonly string[], found: readonly string[]): { position: number; nature: BreakNature } | undefined {
  let i = 0;
  while (i < sealed.length && i < found.length && sealed[i] === found[i]) i++;
  if (i === sealed.length && i === found.length) return undefined;
  if (i === found.length) return { position: i + 1, nature: 'truncated' };
  if (i === sealed.length) return { position: i + 1, nature: 'appended' };
  if (found[i] === sealed[i + 1] && found[i + 1] === sealed[i]) return { position: i + 1, nature: 'reordered' };
  if (found[i] === sealed[i + 1]) return { position: i + 1, nature: 'deleted' };
  if (found[i + 1] === sealed[i]) return { position: i + 1, nature: 'inserted' };
  const laterIndex = sealed.indexOf(found[i]!, i + 1);
  if (laterIndex !== -1 && found.length === sealed.length) return { position: i + 1, nature: 'reordered' };
  return { position: i + 1, nature: 'modified' };
}

const NATURE_TEXT: Record<BreakNature, string> = {
  modified: 'record modified',
  inserted: 'record inserted',
  deleted: 'record deleted',
  reordered: 'records reordered',
  truncated: 'records cut off at the end',
  appended: 'records added after the sealed end',
};

async function verifySource(files: BundleFiles, entry: SourceEntry, present: Set<string>, problems: Problem[]): Promise<SourceVerdict> {
  const base = { path: entry.path, type: entry.type };
  if (!present.has(entry.path)) return { ...base, verdict: 'broken', reason: 'source file missing' };
  if (!entry.chain) return { ...base, verdict: 'unverifiable', reason: 'hashed whole; no record chain' };
  const chain = entry.chain;
  let content: Buffer;
  try {
    content = decompressed(await files.read(entry.path));
  } catch (error) {
    const reason = `cannot read the records: ${(error as Error).message}`;
    problems.push({ item: entry.path, reason });
    return { ...base, verdict: 'broken', reason };
  }
  const records = splitRecords(content);
  let head: Buffer = Buffer.from(CHAIN_START, 'hex');
  for (const record of records) head = chainStep(head, record);
  if (records.length === chain.records && head.toString('hex') === chain.head) {
    return { ...base, verdict: 'intact', records: records.length };
  }
  const found = records.map((record) => leafHash(record).toString('hex'));
  // The chain does not hold. Locate the first bad record with the sealed per-record hashes, which can be
  // trusted only if they still hash to the Merkle root the manifest records.
  let sealed: string[] | undefined;
  if (present.has(chain.leaves.path)) {
    const text = (await files.read(chain.leaves.path)).toString('utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    const root = merkleRoot(lines.map((hex) => Buffer.from(hex, 'hex'))).toString('hex');
    if (root === chain.merkle_root && lines.length === chain.records) sealed = lines;
  }
  if (!sealed) {
    const reason = `chain broken (${found.length} records, head ${head.toString('hex').slice(0, 16)}… instead of ${chain.records}, ${chain.head.slice(0, 16)}…); the per-record hashes were altered too, so the first bad record cannot be located`;
    problems.push({ item: entry.path, reason });
    return { ...base, verdict: 'broken', records: found.length, reason };
  }
  const located = locateBreak(sealed, found) ?? { position: 1, nature: 'modified' as const };
  const reason = `chain broken at record ${located.position}: ${NATURE_TEXT[located.nature]}`;
  problems.push({ item: entry.path, reason, position: located.position, nature: located.nature });
  return { ...base, verdict: 'broken', records: found.length, first_bad_position: located.position, nature: located.nature, reason };
}

export interface VerifyOptions {
  /** Fingerprints (SHA-256 of SPKI DER, hex) of the keys the analyst trusts. */
  trustedKeys: ReadonlySet<string>;
}

export class NotABundleError extends BundleError {}

export async function verifyBundle(files: BundleFiles, options: VerifyOptions): Promise<BundleVerdict> {
  const manifestBytes = await files.read('manifest.json');
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(manifestBytes.toString('utf8'));
  } catch (error) {
    throw new NotABundleError(`${files.location}: manifest.json is not JSON (${(error as Error).message})`);
  }
  const parsed = Manifest.safeParse(manifestJson);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new NotABundleError(`${files.location}: manifest.json is not a v1 bundle manifest (${issue.path.join('.') || 'root'}: ${issue.message})`);
  }
  const manifest = parsed.data;
  const problems: Problem[] = [];
  const present = new Set(files.list());

  const listed = new Map<string, { size: number; sha256: string }>();
  for (const source of manifest.sources) {
    listed.set(source.path, source);
    if (source.chain) listed.set(source.chain.leaves.path, source.chain.leaves);
  }
  for (const blob of manifest.blobs) listed.set(blob.path, blob);
  const sources: SourceVerdict[] = [];
  for (const entry of manifest.sources) sources.push(await verifySource(files, entry, present, problems));
  // An uncompressed record stream whose chain holds and whose size matches has exactly the sealed bytes:
  // the records are fixed by the chain, the "\n" between them by the format, a final "\n" by the size.
  // Hashing the whole file again would only read it twice.
  const provenByChain = new Set(
    manifest.sources
      .filter((entry, i) => entry.chain && !entry.compression && sources[i]!.verdict === 'intact')
      .map((entry) => entry.path),
  );
  for (const [path, expected] of listed) {
    if (!present.has(path)) {
      problems.push({ item: path, reason: 'file listed in the manifest is missing' });
      continue;
    }
    const data = await files.read(path);
    if (data.length !== expected.size) problems.push({ item: path, reason: `size ${data.length} differs from the manifest's ${expected.size}` });
    else if (!provenByChain.has(path) && sha256Hex(data) !== expected.sha256) problems.push({ item: path, reason: 'sha256 differs from the manifest' });
  }
  for (const path of present) {
    if (!listed.has(path) && !(BUNDLE_META_FILES as readonly string[]).includes(path)) {
      problems.push({ item: path, reason: 'file not listed in the manifest' });
    }
  }

  const signature: SignatureVerdict = { status: 'absent' };
  if (present.has(SIGNATURE_FILE)) {
    let file: SignatureFile | undefined;
    try {
      file = SignatureFile.parse(JSON.parse((await files.read(SIGNATURE_FILE)).toString('utf8')));
    } catch {
      signature.status = 'invalid';
      signature.reason = `${SIGNATURE_FILE} is not a signature file`;
    }
    if (file) {
      const checked = checkSignature(canonicalManifestBytes(manifestJson), file);
      signature.fingerprint = checked.fingerprint;
      signature.status = checked.valid ? 'valid' : 'invalid';
      signature.trusted = checked.valid && options.trustedKeys.has(checked.fingerprint);
      if (checked.reason) signature.reason = checked.reason;
    }
    if (signature.status === 'invalid') problems.push({ item: SIGNATURE_FILE, reason: signature.reason ?? 'invalid signature' });
    else if (!signature.trusted) {
      problems.push({ item: SIGNATURE_FILE, reason: `valid signature by key ${signature.fingerprint}, which is not in the trust store` });
    }
  }
  // A chain whose head no valid signature covers is intact but unsigned: anyone could have recomputed it.
  // Whether the signer is trusted is the bundle's verdict (a problem above), not the chain's.
  if (signature.status !== 'valid') for (const source of sources) if (source.verdict === 'intact') source.verdict = 'unsigned';

  return {
    bundle: files.location,
    manifest_sha256: sha256Hex(manifestBytes),
    files_checked: listed.size,
    sources,
    signature,
    timestamp: { status: present.has(TIMESTAMP_FILE) ? 'present-unchecked' : 'absent' },
    problems,
    intact: problems.length === 0,
  };
}
