// Verifies an evidence bundle (docs/design.md "Verification verdicts"): every file against the manifest,
// every chained source against its chain head, count and Merkle root, the first bad record located and
// named (modified, inserted, deleted, reordered, truncated), the signature over the canonical manifest, and
// the RFC 3161 timestamp token over the same bytes.
import { createHash } from 'node:crypto';
import { BundleError, type BundleFiles } from '../bundle/files';
import { documentElements, elementLeaves } from '../bundle/elements';
import { collectBounded } from '../bundle/files';
import { merkleRoot, MerkleRootBuilder, sha256Hex } from '../bundle/hashing';
import { streamContent } from '../ingest/lines';
import { DEFAULT_LIMITS, MAX_METADATA_BYTES, type Limits } from '../limits';
import {
  BUNDLE_META_FILES,
  canonicalManifestBytes,
  Manifest,
  SIGNATURE_FILE,
  TIMESTAMP_FILE,
  type ElementsInfo,
  type SourceEntry,
} from '../bundle/manifest';
import { LeafLines } from '../bundle/leaf-lines';
import { isGzip, StreamingRecords } from '../bundle/records';
import { checkSignature, SignatureFile } from '../bundle/signing';
import type {
  BreakNature,
  BundleStatus,
  BundleVerdict,
  Problem,
  SignatureVerdict,
  SourceVerdict,
  TimestampCheck,
} from '../../shared/verdict';
import { verifyTimestampToken } from './timestamp';

// The verdict's shapes are defined once, as zod schemas in shared/verdict.ts; core uses their types.
export type {
  BreakNature,
  BundleStatus,
  BundleVerdict,
  Problem,
  SignatureVerdict,
  SourceVerdict,
  SourceVerdictWord,
  TimestampCheck,
} from '../../shared/verdict';

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
export function verdictPasses(
  verdict: Pick<BundleVerdict, 'intact'> & Partial<Pick<BundleVerdict, 'status' | 'signature_expected'>>,
): boolean {
  if (verdict.status === undefined) return verdict.intact;
  return verdict.status === 'intact' || (verdict.status === 'unsigned' && verdict.signature_expected !== true);
}

/**
 * A verdict as the analyst's trust stands now: trust is a judgement about a signer, not a fact about the
 * evidence, so a verdict recorded before a key was trusted (or after it was removed) is re-read with the
 * keys trusted today. Problems found stay as they were.
 */
export function withTrust<V extends Omit<BundleVerdict, 'status' | 'signature_expected'> & Partial<BundleVerdict>>(
  verdict: V,
  trustedKeys: ReadonlySet<string>,
): V & BundleVerdict {
  // Verdicts recorded before trust was its own state listed an untrusted signer among the problems.
  const problems = verdict.problems.filter((p) => !(p.item === SIGNATURE_FILE && p.reason.endsWith('which is not in the trust store')));
  const valid = verdict.signature.status === 'valid';
  const trusted = valid && verdict.signature.fingerprint !== undefined && trustedKeys.has(verdict.signature.fingerprint);
  const signature: SignatureVerdict = { ...verdict.signature, ...(valid ? { trusted } : {}) };
  const sources = verdict.sources.map((source): SourceVerdict => {
    if (
      source.verdict === 'unverifiable' &&
      source.reason === 'hashed whole; no record chain' &&
      !problems.some((p) => p.item === source.path)
    ) {
      return { ...source, verdict: 'sealed_whole', reason: SEALED_WHOLE_KEPT };
    }
    if (source.verdict !== 'intact' && source.verdict !== 'untrusted') return source;
    return { ...source, verdict: trusted ? 'intact' : 'untrusted' };
  });
  const status = bundleStatus(problems, signature);
  return {
    ...verdict,
    problems,
    signature,
    sources,
    status,
    signature_expected: verdict.signature_expected ?? false,
    intact: status === 'intact',
  };
}

const SEALED_WHOLE = 'a document sealed whole: its bytes match the SHA-256 in the manifest; one record of it cannot be checked alone';
/** A case keeps a document's records, not the document: they were checked whole on import and cannot be re-checked. */
export const SEALED_WHOLE_KEPT =
  "a document sealed whole: its file matched the manifest's SHA-256 on import; the case keeps its records, not the file, so they are not re-checked";

/** A file's size and (when asked) SHA-256, read as a stream: a bundle's files may be of any size. */
async function hashStream(stream: AsyncIterable<Buffer>, withHash: boolean): Promise<{ size: number; sha256?: string }> {
  const hash = withHash ? createHash('sha256') : undefined;
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    hash?.update(chunk);
  }
  return hash ? { size, sha256: hash.digest('hex') } : { size };
}

async function startsWithGzip(files: BundleFiles, path: string): Promise<boolean> {
  const iterator = files.stream(path)[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    return !first.done && isGzip(first.value);
  } finally {
    await iterator.return?.();
  }
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
  limits: Limits,
  reading: SourceReading | undefined,
  read: Map<string, { size: number; sha256?: string }>,
): Promise<SourceVerdict> {
  const base = { path: entry.path, type: entry.type };
  if (!present.has(entry.path)) return { ...base, verdict: 'broken', reason: 'source file missing' };
  if (!entry.chain && entry.elements)
    return verifyElements(files, entry as SourceEntry & { elements: ElementsInfo }, present, problems, limits);
  // Whether the whole file matches is decided with the other files below.
  if (!entry.chain) return { ...base, verdict: 'sealed_whole', reason: SEALED_WHOLE };
  const chain = entry.chain;
  const name = `${entry.path}`;
  // First pass: the chain head and count, holding nothing of the records (the caller's reading, when it
  // read the file already).
  let counted: { count: number; head: Buffer };
  try {
    if (reading) {
      counted = reading;
      read.set(entry.path, { size: reading.size, sha256: reading.sha256 });
    } else {
      // The file's hash on the way too, where no valid signature vouches for the manifest (see verifyBundle).
      const records = await hashRecords(files, entry.path, limits, name, undefined, !signed);
      const sha256 = records.digest();
      read.set(entry.path, { size: records.size, ...(sha256 ? { sha256 } : {}) });
      counted = records;
    }
  } catch (error) {
    const reason = `cannot read the records: ${(error as Error).message}`;
    problems.push({ item: entry.path, reason });
    return { ...base, verdict: 'broken', reason };
  }
  const records = counted.count;
  const head = counted.head;
  const chainHolds = records === chain.records && head.toString('hex') === chain.head;
  if (chainHolds && signed) return { ...base, verdict: 'intact', records };
  // The sealed per-record hashes are trustworthy only while they hash to the manifest's Merkle root.
  // Read first only to fold them into their root (nothing held); held, 32 bytes a record, only when a
  // broken chain has to be located among them.
  let sealed: SealedLeaves | undefined;
  let leavesProblem: string | undefined;
  if (present.has(chain.leaves.path)) {
    try {
      const leaves = await readSealedLeaves(files, chain.leaves.path, false);
      if (leaves.root !== chain.merkle_root) leavesProblem = "the per-record hashes do not hash to the manifest's Merkle root";
      else if (leaves.count !== chain.records)
        leavesProblem = `the manifest counts ${chain.records} records but its Merkle root covers ${leaves.count}`;
      else if (!chainHolds) {
        // Read again to hold them; what is held must be what was folded (the file could change between).
        const held = await readSealedLeaves(files, chain.leaves.path, true);
        if (held.root === chain.merkle_root && held.count === chain.records) sealed = held;
        else leavesProblem = 'the per-record hashes changed while they were read';
      }
    } catch (error) {
      leavesProblem = `the per-record hashes cannot be read (${(error as Error).message})`;
    }
  } else {
    leavesProblem = 'the per-record hashes are missing or unreadable';
  }
  if (chainHolds) {
    if (!leavesProblem) return { ...base, verdict: 'intact', records };
    // The records are the sealed ones, but what would prove one of them later does not hold together.
    const reason = `the records are as sealed, but ${leavesProblem} (${chain.leaves.path})`;
    problems.push({ item: entry.path, reason });
    return { ...base, verdict: 'broken', records, reason };
  }
  if (!sealed) {
    const reason = `chain broken (${records} records, head ${head.toString('hex').slice(0, 16)}… instead of ${chain.records}, ${chain.head.slice(0, 16)}…); ${leavesProblem}, so the first bad record cannot be located`;
    problems.push({ item: entry.path, reason });
    return { ...base, verdict: 'broken', records, reason };
  }
  // Second pass, only for a broken chain: each record's leaf against the sealed one, to the first difference.
  let located: { position: number; nature: BreakNature } | undefined;
  try {
    located = await locateBreakStreaming(files, entry.path, sealed, limits, name);
  } catch (error) {
    const reason = `cannot read the records: ${(error as Error).message}`;
    problems.push({ item: entry.path, reason });
    return { ...base, verdict: 'broken', reason };
  }
  if (!located) {
    // Every record matches its sealed hash: the records are as sealed, the manifest's chain head is not.
    const reason = `every record matches its sealed hash, but the manifest's chain head ${chain.head.slice(0, 16)}… does not (the records give ${head.toString('hex').slice(0, 16)}…): the manifest was altered`;
    problems.push({ item: entry.path, reason });
    return { ...base, verdict: 'broken', records, reason };
  }
  const reason = `chain broken at record ${located.position}: ${NATURE_TEXT[located.nature]}`;
  problems.push({ item: entry.path, reason, position: located.position, nature: located.nature });
  return { ...base, verdict: 'broken', records, first_bad_position: located.position, nature: located.nature, reason };
}

/** The sealed leaf hashes, 32 bytes each in one buffer, and the Merkle root they fold to. */
interface SealedLeaves {
  count: number;
  at(index: number): Buffer;
  indexOf(leaf: Buffer, from: number): number;
  root: string;
}

/**
 * Reads a leaves file (one hex hash a line) as a stream, folding its root as it goes, and with `keep` into
 * a compact buffer (32 bytes a leaf) for `at` and `indexOf`; without, they find nothing.
 */
async function readSealedLeaves(files: BundleFiles, path: string, keep: boolean): Promise<SealedLeaves> {
  let store = Buffer.alloc(keep ? 32 * 1024 : 0);
  let count = 0;
  const builder = new MerkleRootBuilder();
  const lines = new LeafLines((read) => {
    const leaf = Buffer.from(read); // the builder keeps it; LeafLines reads the next into the same buffer
    if (keep) {
      if ((count + 1) * 32 > store.length) {
        const grown = Buffer.alloc(store.length * 2);
        store.copy(grown);
        store = grown;
      }
      leaf.copy(store, count * 32);
    }
    builder.add(leaf);
    count += 1;
  });
  for await (const chunk of files.stream(path)) {
    lines.feed(chunk);
    if (lines.stopped) break;
  }
  lines.end();
  if (lines.stopped) throw new BundleError(`${path}: line ${count + 1} is not a SHA-256 hash`);
  const held = keep ? count : 0;
  const at = (index: number): Buffer => store.subarray(index * 32, index * 32 + 32);
  return {
    count,
    at,
    indexOf: (leaf, from) => {
      for (let i = from; i < held; i += 1) if (at(i).equals(leaf)) return i;
      return -1;
    },
    root: builder.root().toString('hex'),
  };
}

/** The records of a source as a stream, gunzipped under the limits when they are gzip. */
function recordContent(files: BundleFiles, path: string, limits: Limits, name: string): AsyncIterable<Buffer> {
  return streamContent(files.stream(path), limits, name);
}

async function hashRecords(
  files: BundleFiles,
  path: string,
  limits: Limits,
  name: string,
  onLeaf?: (leaf: Buffer, index: number) => void,
  digest = false,
): Promise<StreamingRecords> {
  const records = new StreamingRecords(onLeaf, digest);
  for await (const chunk of recordContent(files, path, limits, name)) records.push(chunk);
  records.end();
  return records;
}

/** `locateBreak` over streams: the first record whose leaf differs from the sealed one, and what happened there. */
async function locateBreakStreaming(
  files: BundleFiles,
  path: string,
  sealed: SealedLeaves,
  limits: Limits,
  name: string,
): Promise<{ position: number; nature: BreakNature } | undefined> {
  let first = -1;
  let atFirst: Buffer | undefined;
  let afterFirst: Buffer | undefined;
  const counted = await hashRecords(files, path, limits, name, (leaf, index) => {
    if (first === -1) {
      if (index < sealed.count && sealed.at(index).equals(leaf)) return;
      first = index;
      atFirst = leaf;
    } else if (index === first + 1) {
      afterFirst = leaf;
    }
  });
  const found = counted.count;
  const i = first === -1 ? found : first;
  if (i === sealed.count && i === found) return undefined;
  if (i === found) return { position: i + 1, nature: 'truncated' };
  if (i === sealed.count) return { position: i + 1, nature: 'appended' };
  if (found > sealed.count && afterFirst?.equals(sealed.at(i))) return { position: i + 1, nature: 'inserted' };
  if (found < sealed.count && i + 1 < sealed.count && atFirst!.equals(sealed.at(i + 1))) return { position: i + 1, nature: 'deleted' };
  if (found === sealed.count && sealed.indexOf(atFirst!, i + 1) !== -1) return { position: i + 1, nature: 'reordered' };
  return { position: i + 1, nature: 'modified' };
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
  limits: Limits,
): Promise<SourceVerdict> {
  const base = { path: entry.path, type: entry.type };
  const elements = entry.elements;
  const fail = (reason: string, extra: Partial<SourceVerdict> = {}): SourceVerdict => {
    problems.push({
      item: entry.path,
      reason,
      ...(extra.first_bad_position !== undefined ? { position: extra.first_bad_position, nature: extra.nature } : {}),
    });
    return { ...base, verdict: 'broken', ...extra, reason };
  };
  if (!present.has(elements.leaves.path)) return fail(`the per-value hashes are missing (${elements.leaves.path})`);
  let sealed: string[];
  try {
    sealed = (await files.read(elements.leaves.path))
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '');
  } catch (error) {
    return fail(`the per-value hashes cannot be read (${elements.leaves.path}: ${(error as Error).message})`);
  }
  if (
    merkleRoot(sealed.map((hex) => Buffer.from(hex, 'hex'))).toString('hex') !== elements.merkle_root ||
    sealed.length !== elements.records
  ) {
    return fail(`the per-value hashes do not hash to the manifest's Merkle root (${elements.leaves.path})`);
  }
  let values;
  try {
    // A document is parsed whole to find its values: read as a stream, gunzipped under the limits, and
    // refused past the size metadata may have (docs/limits.md).
    const content = await collectBounded(streamContent(files.stream(entry.path), limits, entry.path), MAX_METADATA_BYTES, entry.path);
    values = documentElements(content, elements.patterns);
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
  return fail(`value ${located.position} of the document (${where}) differs from the sealed one: ${NATURE_TEXT[nature]}`, {
    records: found.length,
  });
}

export interface VerifyOptions {
  /** Fingerprints (SHA-256 of SPKI DER, hex) of the keys the analyst trusts. */
  trustedKeys: ReadonlySet<string>;
  /** PEM certificates of the TSAs (or their CAs) the analyst trusts for manifest.tsr. */
  tsaAnchorsPem?: string[];
  /** How far a gzip source may inflate (core/limits.ts); the defaults otherwise. */
  limits?: Limits;
  /**
   * An unsigned bundle fails: set when the analyst trusts any key, gave one for this check, or asked for
   * a signature (--require-signature). Unsigned is never reported as intact either way.
   */
  signatureExpected?: boolean;
  /**
   * Record streams already read by the caller, by bundle path: what an import saw as it read a plain
   * (not gzip) source to its end, counted and chained as `StreamingRecords` does, with the SHA-256 and
   * size of the same bytes. The verdict is then about the bytes the import read, and the file is not read
   * again (a broken chain is still located by reading it). Never given for a gzip file: its manifest hash
   * is over the compressed bytes.
   */
  readings?: ReadonlyMap<string, SourceReading>;
}

/** One reading of a plain record stream, start to end: its records' count and chain head, its bytes' hash and size. */
export interface SourceReading {
  count: number;
  head: Buffer;
  size: number;
  sha256: string;
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
    throw new NotABundleError(
      `${files.location}: manifest.json is not a v1 bundle manifest (${issue.path.join('.') || 'root'}: ${issue.message})`,
    );
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
  const limits = options.limits ?? DEFAULT_LIMITS;
  // What the chain pass read of each plain record stream: its size and hash need no read of their own.
  const read = new Map<string, { size: number; sha256?: string }>();
  for (const entry of manifest.sources) {
    const reading = entry.chain && !entry.compression ? options.readings?.get(entry.path) : undefined;
    sources.push(await verifySource(files, entry, present, problems, manifestSigned, limits, reading, read));
  }
  // An uncompressed record stream whose chain holds and whose size matches has exactly the sealed bytes:
  // the records are fixed by the chain, the "\n" between them by the format, a final "\n" by the size.
  // Its whole-file hash is skipped only when a valid signature also vouches for the manifest's sha256
  // (an unsigned manifest's sha256 could have been edited alone), and never for bytes that are gzip.
  // The size and hash of an uncompressed record stream are its chain pass's (which read the same bytes,
  // or took the caller's reading of them): the file is not read again for them.
  const provenByChain = new Set<string>();
  const plain = new Set<string>();
  for (const [i, entry] of manifest.sources.entries()) {
    if (!entry.chain || entry.compression || !read.has(entry.path)) continue;
    if (await startsWithGzip(files, entry.path).catch(() => true)) continue;
    plain.add(entry.path);
    if (manifestSigned && sources[i]!.verdict === 'intact') provenByChain.add(entry.path);
  }
  for (const [path, expected] of listed) {
    if (!present.has(path)) {
      problems.push({ item: path, reason: 'file listed in the manifest is missing' });
      continue;
    }
    let digest;
    try {
      const known = plain.has(path) ? read.get(path) : undefined;
      digest =
        known && (known.sha256 !== undefined || provenByChain.has(path))
          ? known
          : await hashStream(files.stream(path), !provenByChain.has(path));
    } catch (error) {
      problems.push({ item: path, reason: `cannot be read: ${(error as Error).message}` });
      continue;
    }
    if (digest.size !== expected.size)
      problems.push({ item: path, reason: `size ${digest.size} differs from the manifest's ${expected.size}` });
    else if (digest.sha256 !== undefined && digest.sha256 !== expected.sha256)
      problems.push({ item: path, reason: 'sha256 differs from the manifest' });
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
  const timestamp = present.has(TIMESTAMP_FILE)
    ? await checkTimestamp(await files.read(TIMESTAMP_FILE), canonical, options)
    : { status: 'absent' as const };
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
  else if (
    verdict.status === 'invalid' &&
    !verdict.checks.imprint &&
    ['sha256', 'sha384', 'sha512'].includes(verdict.hash_algorithm ?? '')
  ) {
    check.reason =
      'the timestamp covers other bytes than this manifest: the manifest changed after it was timestamped, or the token is for another bundle';
  } else if (verdict.status === 'invalid') check.reason = `invalid timestamp: ${verdict.reason}`;
  else if (verdict.status === 'untrusted')
    check.reason = `timestamp ${verdict.gen_time} by ${verdict.tsa ?? 'an unknown TSA'} is not trusted: ${verdict.reason}`;
  return check;
}
