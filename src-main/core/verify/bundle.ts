// Verifies an evidence bundle (docs/design.md "Verification verdicts"): every file against the manifest,
// every chained source against its chain head, count and Merkle root, the first bad record located and
// named (modified, inserted, deleted, reordered, truncated), the signature over the canonical manifest, and
// the RFC 3161 timestamp token over the same bytes.
import { createHash } from 'node:crypto';
import { BundleError, type BundleFiles } from '../bundle/files';
import { documentElements, elementLeaves } from '../bundle/elements';
import { CHAIN_START, chainStep, leafHash, merkleRoot } from '../bundle/hashing';
import { BUNDLE_META_FILES, canonicalManifestBytes, Manifest, SIGNATURE_FILE, TIMESTAMP_FILE, type ElementsInfo, type SourceEntry } from '../bundle/manifest';
import { decompressed, isGzip, splitRecords } from '../bundle/records';
import { checkSignature, SignatureFile } from '../bundle/signing';
import { verifyTimestampToken, type TimestampStatus } from './timestamp';

export type BreakNature = 'modified' | 'inserted' | 'deleted' | 'reordered' | 'truncated' | 'appended';

export interface Problem {
  /** The bundle path of the item at fault (a file, a source, the signature). */
  item: string;
  reason: string;
  /** 1-based record number, for a chain break. */
  position?: number;
  nature?: BreakNature;
}

/**
 * A source's verdict. Chained sources: `intact` (every record as sealed, a trusted key signed the seal),
 * `untrusted` (as sealed, signed by a key the analyst has not trusted), `unsigned` (as sealed, but no valid
 * signature covers the chain: anyone could have recomputed it), `broken`. A file hashed whole (a document
 * such as an OTLP trace or a listing): `sealed_whole` when its bytes match the manifest's SHA-256 (its
 * records were read from exactly those bytes; one record alone cannot be re-checked later), `broken`
 * when they differ. `unverifiable`: nothing sealed to check against.
 */
export type SourceVerdictWord = 'intact' | 'untrusted' | 'unsigned' | 'broken' | 'sealed_whole' | 'unverifiable';

/** The bundle as a whole, worst first: `broken` (a problem), `unsigned`, `untrusted`, `intact`. */
export type BundleStatus = 'broken' | 'unsigned' | 'untrusted' | 'intact';

export interface SourceVerdict {
  path: string;
  type: string;
  verdict: SourceVerdictWord;
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

export interface TimestampCheck {
  status: 'absent' | TimestampStatus;
  /** The TSA's time, RFC 3339 UTC. */
  gen_time?: string;
  /** The TSA certificate's subject. */
  tsa?: string;
  reason?: string;
}

export interface BundleVerdict {
  bundle: string;
  manifest_sha256?: string;
  /** SHA-256 of the canonical manifest: what a signature or timestamp covers, and what to send a TSA. */
  canonical_manifest_sha256?: string;
  files_checked: number;
  sources: SourceVerdict[];
  signature: SignatureVerdict;
  timestamp: TimestampCheck;
  /** What is wrong: altered, missing or extra files, broken chains, an invalid signature or timestamp, a hostile zip. */
  problems: Problem[];
  status: BundleStatus;
  /** Whether a signature was asked for (a trusted key exists, --trust or --require-signature): then unsigned fails. */
  signature_expected: boolean;
  /** True only when the status is `intact`: nothing wrong, and a trusted key signed it. */
  intact: boolean;
}

/** The bundle's status from its problems and its signature. */
export function bundleStatus(problems: readonly Problem[], signature: SignatureVerdict): BundleStatus {
  if (problems.length > 0) return 'broken';
  if (signature.status !== 'valid') return 'unsigned';
  return signature.trusted ? 'intact' : 'untrusted';
}

/**
 * Whether a verdict passes (exit 0): intact, or unsigned when nobody asked for a signature. A valid
 * signature by an untrusted key does not pass: anyone can re-seal altered evidence with a key of their own.
 */
export function verdictPasses(verdict: Pick<BundleVerdict, 'intact'> & Partial<Pick<BundleVerdict, 'status' | 'signature_expected'>>): boolean {
  if (verdict.status === undefined) return verdict.intact;
  return verdict.status === 'intact' || (verdict.status === 'unsigned' && verdict.signature_expected !== true);
}

/**
 * A verdict as the analyst's trust stands now: trust is a judgement about a signer, not a fact about the
 * evidence, so a verdict recorded before a key was trusted (or after it was removed) is re-read with the
 * keys trusted today. Problems found stay as they were.
 */
export function withTrust<V extends Omit<BundleVerdict, 'status' | 'signature_expected'> & Partial<BundleVerdict>>(verdict: V, trustedKeys: ReadonlySet<string>): V & BundleVerdict {
  // Verdicts recorded before trust was its own state listed an untrusted signer among the problems.
  const problems = verdict.problems.filter((p) => !(p.item === SIGNATURE_FILE && p.reason.endsWith('which is not in the trust store')));
  const valid = verdict.signature.status === 'valid';
  const trusted = valid && verdict.signature.fingerprint !== undefined && trustedKeys.has(verdict.signature.fingerprint);
  const signature: SignatureVerdict = { ...verdict.signature, ...(valid ? { trusted } : {}) };
  const sources = verdict.sources.map((source): SourceVerdict => {
    if (source.verdict === 'unverifiable' && source.reason === 'hashed whole; no record chain' && !problems.some((p) => p.item === source.path)) {
      return { ...source, verdict: 'sealed_whole', reason: SEALED_WHOLE_KEPT };
    }
    if (source.verdict !== 'intact' && source.verdict !== 'untrusted') return source;
    return { ...source, verdict: trusted ? 'intact' : 'untrusted' };
  });
  const status = bundleStatus(problems, signature);
  return { ...verdict, problems, signature, sources, status, signature_expected: verdict.signature_expected ?? false, intact: status === 'intact' };
}

const SEALED_WHOLE = 'a document sealed whole: its bytes match the SHA-256 in the manifest; one record of it cannot be checked alone';
/** A case keeps a document's records, not the document: they were checked whole on import and cannot be re-checked. */
export const SEALED_WHOLE_KEPT = 'a document sealed whole: its file matched the manifest\'s SHA-256 on import; the case keeps its records, not the file, so they are not re-checked';

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
  // A longer stream gained a record and a shorter one lost one; only equal lengths can be a reordering.
  if (found.length > sealed.length && found[i + 1] === sealed[i]) return { position: i + 1, nature: 'inserted' };
  if (found.length < sealed.length && found[i] === sealed[i + 1]) return { position: i + 1, nature: 'deleted' };
  if (found.length === sealed.length && sealed.indexOf(found[i]!, i + 1) !== -1) return { position: i + 1, nature: 'reordered' };
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

/**
 * `signed`: a valid signature covers the manifest. Then an intact chain needs no more: the signer bound
 * the chain head, the Merkle root and the leaves file's hash together. Without one, every field of the
 * manifest could have been edited alone, so the leaves are checked against the root as well.
 */
async function verifySource(
  files: BundleFiles,
  entry: SourceEntry,
  present: Set<string>,
  problems: Problem[],
  signed: boolean,
): Promise<SourceVerdict> {
  const base = { path: entry.path, type: entry.type };
  if (!present.has(entry.path)) return { ...base, verdict: 'broken', reason: 'source file missing' };
  if (!entry.chain && entry.elements) return verifyElements(files, entry as SourceEntry & { elements: ElementsInfo }, present, problems);
  // Whether the whole file matches is decided with the other files below.
  if (!entry.chain) return { ...base, verdict: 'sealed_whole', reason: SEALED_WHOLE };
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
  const chainHolds = records.length === chain.records && head.toString('hex') === chain.head;
  if (chainHolds && signed) return { ...base, verdict: 'intact', records: records.length };
  // The sealed per-record hashes are trustworthy only while they hash to the manifest's Merkle root.
  let sealed: string[] | undefined;
  let leavesProblem: string | undefined;
  const leavesBytes = present.has(chain.leaves.path) ? await files.read(chain.leaves.path).catch(() => undefined) : undefined;
  if (leavesBytes) {
    const lines = leavesBytes.toString('utf8').split('\n').filter((line) => line !== '');
    const root = merkleRoot(lines.map((hex) => Buffer.from(hex, 'hex'))).toString('hex');
    if (root !== chain.merkle_root) leavesProblem = 'the per-record hashes do not hash to the manifest\'s Merkle root';
    else if (lines.length !== chain.records) leavesProblem = `the manifest counts ${chain.records} records but its Merkle root covers ${lines.length}`;
    else sealed = lines;
  } else {
    leavesProblem = 'the per-record hashes are missing or unreadable';
  }
  if (chainHolds) {
    if (!leavesProblem) return { ...base, verdict: 'intact', records: records.length };
    // The records are the sealed ones, but what would prove one of them later does not hold together.
    const reason = `the records are as sealed, but ${leavesProblem} (${chain.leaves.path})`;
    problems.push({ item: entry.path, reason });
    return { ...base, verdict: 'broken', records: records.length, reason };
  }
  if (!sealed) {
    const reason = `chain broken (${records.length} records, head ${head.toString('hex').slice(0, 16)}… instead of ${chain.records}, ${chain.head.slice(0, 16)}…); ${leavesProblem}, so the first bad record cannot be located`;
    problems.push({ item: entry.path, reason });
    return { ...base, verdict: 'broken', records: records.length, reason };
  }
  const found = records.map((record) => leafHash(record).toString('hex'));
  const located = locateBreak(sealed, found);
  if (!located) {
    // Every record matches its sealed hash: the records are as sealed, the manifest's chain head is not.
    const reason = `every record matches its sealed hash, but the manifest's chain head ${chain.head.slice(0, 16)}… does not (the records give ${head.toString('hex').slice(0, 16)}…): the manifest was altered`;
    problems.push({ item: entry.path, reason });
    return { ...base, verdict: 'broken', records: records.length, reason };
  }
  const reason = `chain broken at record ${located.position}: ${NATURE_TEXT[located.nature]}`;
  problems.push({ item: entry.path, reason, position: located.position, nature: located.nature });
  return { ...base, verdict: 'broken', records: found.length, first_bad_position: located.position, nature: located.nature, reason };
}

/**
 * A document sealed value by value (format 1.1): the values the manifest's patterns select are found
 * again, each leaf compared with the sealed one, and the sealed leaves with the Merkle root. Intact here
 * means every sealed value is there, byte for byte, at its path; the signature decides intact or unsigned.
 */
async function verifyElements(
  files: BundleFiles,
  entry: SourceEntry & { elements: ElementsInfo },
  present: Set<string>,
  problems: Problem[],
): Promise<SourceVerdict> {
  const base = { path: entry.path, type: entry.type };
  const elements = entry.elements;
  const fail = (reason: string, extra: Partial<SourceVerdict> = {}): SourceVerdict => {
    problems.push({ item: entry.path, reason, ...(extra.first_bad_position !== undefined ? { position: extra.first_bad_position, nature: extra.nature } : {}) });
    return { ...base, verdict: 'broken', ...extra, reason };
  };
  if (!present.has(elements.leaves.path)) return fail(`the per-value hashes are missing (${elements.leaves.path})`);
  const sealed = (await files.read(elements.leaves.path)).toString('utf8').split('\n').filter((line) => line !== '');
  if (merkleRoot(sealed.map((hex) => Buffer.from(hex, 'hex'))).toString('hex') !== elements.merkle_root || sealed.length !== elements.records) {
    return fail(`the per-value hashes do not hash to the manifest's Merkle root (${elements.leaves.path})`);
  }
  let values;
  try {
    values = documentElements(decompressed(await files.read(entry.path)), elements.patterns);
  } catch (error) {
    return fail(`the document cannot be read value by value: ${(error as Error).message}`);
  }
  const found = elementLeaves(values).map((leaf) => leaf.toString('hex'));
  const located = locateBreak(sealed, found);
  if (!located) return { ...base, verdict: 'intact', records: found.length };
  // The values count records and their context together, so no record position is given: every record
  // of a document that changed is reported broken, and the reason names the first value that differs.
  const where = values[located.position - 1]?.locator ?? 'after the last value';
  const nature = located.nature === 'truncated' || located.nature === 'appended' ? located.nature : 'modified';
  return fail(`value ${located.position} of the document (${where}) differs from the sealed one: ${NATURE_TEXT[nature]}`, { records: found.length });
}

export interface VerifyOptions {
  /** Fingerprints (SHA-256 of SPKI DER, hex) of the keys the analyst trusts. */
  trustedKeys: ReadonlySet<string>;
  /** PEM certificates of the TSAs (or their CAs) the analyst trusts for manifest.tsr. */
  tsaAnchorsPem?: string[];
  /**
   * An unsigned bundle fails: set when the analyst trusts any key, gave one for this check, or asked for
   * a signature (--require-signature). Unsigned is never reported as intact either way.
   */
  signatureExpected?: boolean;
}

export class NotABundleError extends BundleError {}

async function hasValidSignature(files: BundleFiles, present: Set<string>, manifestJson: unknown): Promise<boolean> {
  if (!present.has(SIGNATURE_FILE)) return false;
  let json: unknown;
  try {
    json = JSON.parse((await files.read(SIGNATURE_FILE)).toString('utf8'));
  } catch {
    return false;
  }
  const parsed = SignatureFile.safeParse(json);
  return parsed.success && checkSignature(canonicalManifestBytes(manifestJson), parsed.data).valid;
}

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
  // What the container itself gets wrong (a zip's duplicate or disagreeing entries) comes first.
  const problems: Problem[] = (files.findings ?? []).map((f) => ({ item: f.item, reason: f.reason }));
  const present = new Set(files.list());

  const listed = new Map<string, { size: number; sha256: string }>();
  for (const source of manifest.sources) {
    listed.set(source.path, source);
    if (source.chain) listed.set(source.chain.leaves.path, source.chain.leaves);
    if (source.elements) listed.set(source.elements.leaves.path, source.elements.leaves);
  }
  for (const blob of manifest.blobs) listed.set(blob.path, blob);
  const manifestSigned = await hasValidSignature(files, present, manifestJson);
  const sources: SourceVerdict[] = [];
  for (const entry of manifest.sources) sources.push(await verifySource(files, entry, present, problems, manifestSigned));
  // An uncompressed record stream whose chain holds and whose size matches has exactly the sealed bytes:
  // the records are fixed by the chain, the "\n" between them by the format, a final "\n" by the size.
  // Its whole-file hash is skipped only when a valid signature also vouches for the manifest's sha256
  // (an unsigned manifest's sha256 could have been edited alone), and never for bytes that are gzip.
  const provenByChain = new Set<string>();
  if (manifestSigned) {
    for (const [i, entry] of manifest.sources.entries()) {
      if (!entry.chain || entry.compression || sources[i]!.verdict !== 'intact') continue;
      if (!isGzip(await files.read(entry.path))) provenByChain.add(entry.path);
    }
  }
  for (const [path, expected] of listed) {
    if (!present.has(path)) {
      problems.push({ item: path, reason: 'file listed in the manifest is missing' });
      continue;
    }
    let data: Buffer;
    try {
      data = await files.read(path);
    } catch (error) {
      problems.push({ item: path, reason: `cannot be read: ${(error as Error).message}` });
      continue;
    }
    if (data.length !== expected.size) problems.push({ item: path, reason: `size ${data.length} differs from the manifest's ${expected.size}` });
    else if (!provenByChain.has(path) && sha256Hex(data) !== expected.sha256) problems.push({ item: path, reason: 'sha256 differs from the manifest' });
  }
  for (const path of present) {
    if (!listed.has(path) && !(BUNDLE_META_FILES as readonly string[]).includes(path)) {
      problems.push({ item: path, reason: 'file not listed in the manifest' });
    }
  }
  // A file hashed whole whose bytes changed (or whose zip entry is in doubt) is broken.
  for (const source of sources) {
    if (source.verdict === 'sealed_whole' && problems.some((p) => p.item === source.path)) {
      source.verdict = 'broken';
      source.reason = 'the file differs from the manifest';
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
  }
  // A chain whose head no valid signature covers is as sealed but unsigned: anyone could have recomputed
  // it. One signed by a key the analyst has not trusted is its own state, not a problem: the evidence is
  // as that key sealed it, and whether that key speaks for who it claims is the analyst's call.
  for (const source of sources) {
    if (source.verdict !== 'intact') continue;
    if (signature.status !== 'valid') source.verdict = 'unsigned';
    else if (!signature.trusted) source.verdict = 'untrusted';
  }

  const canonical = canonicalManifestBytes(manifestJson);
  const timestamp = present.has(TIMESTAMP_FILE) ? await checkTimestamp(await files.read(TIMESTAMP_FILE), canonical, options) : { status: 'absent' as const };
  if (timestamp.status !== 'absent' && timestamp.status !== 'valid') {
    problems.push({ item: TIMESTAMP_FILE, reason: timestamp.reason ?? `timestamp ${timestamp.status}` });
  }

  return {
    bundle: files.location,
    manifest_sha256: sha256Hex(manifestBytes),
    canonical_manifest_sha256: sha256Hex(canonical),
    files_checked: listed.size,
    sources,
    signature,
    timestamp,
    problems,
    status: bundleStatus(problems, signature),
    signature_expected: options.signatureExpected === true,
    intact: bundleStatus(problems, signature) === 'intact',
  };
}

/** The token over the canonical manifest, reduced to what a bundle verdict reports. */
async function checkTimestamp(token: Buffer, canonical: Buffer, options: VerifyOptions): Promise<TimestampCheck> {
  const verdict = await verifyTimestampToken(token, canonical, { trustAnchorsPem: options.tsaAnchorsPem ?? [] });
  const check: TimestampCheck = { status: verdict.status };
  if (verdict.gen_time) check.gen_time = verdict.gen_time;
  if (verdict.tsa) check.tsa = verdict.tsa;
  if (verdict.status === 'unparseable') check.reason = `not an RFC 3161 timestamp token: ${verdict.reason}`;
  else if (verdict.status === 'invalid' && !verdict.checks.imprint && ['sha256', 'sha384', 'sha512'].includes(verdict.hash_algorithm ?? '')) {
    check.reason = 'the timestamp covers other bytes than this manifest: the manifest changed after it was timestamped, or the token is for another bundle';
  } else if (verdict.status === 'invalid') check.reason = `invalid timestamp: ${verdict.reason}`;
  else if (verdict.status === 'untrusted') check.reason = `timestamp ${verdict.gen_time} by ${verdict.tsa ?? 'an unknown TSA'} is not trusted: ${verdict.reason}`;
  return check;
}
