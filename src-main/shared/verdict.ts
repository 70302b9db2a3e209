// The verification verdict, defined once (docs/design.md "Verification verdicts"): zod schemas here, the
// types inferred from them. core/verify/bundle.ts produces verdicts of these types (core may import
// shared), and the contract (shared/contract.ts) carries the recorded part of one to the renderer.
import { z } from 'zod';

export const BreakNature = z.enum(['modified', 'inserted', 'deleted', 'reordered', 'truncated', 'appended']);
export type BreakNature = z.infer<typeof BreakNature>;

export const Problem = z.object({
  /** The bundle path of the item at fault (a file, a source, the signature). */
  item: z.string(),
  reason: z.string(),
  /** 1-based record number, for a chain break. */
  position: z.number().int().optional(),
  nature: BreakNature.optional(),
});
export type Problem = z.infer<typeof Problem>;

/**
 * A source's verdict. Chained sources: `intact` (every record as sealed, a trusted key signed the seal),
 * `untrusted` (as sealed, signed by a key the analyst has not trusted), `unsigned` (as sealed, but no valid
 * signature covers the chain: anyone could have recomputed it), `broken`. A file hashed whole (a document
 * such as an OTLP trace or a listing): `sealed_whole` when its bytes match the manifest's SHA-256 (its
 * records were read from exactly those bytes; one record alone cannot be re-checked later), `broken`
 * when they differ. `unverifiable`: nothing sealed to check against.
 */
export const SourceVerdictWord = z.enum(['intact', 'untrusted', 'unsigned', 'sealed_whole', 'broken', 'unverifiable']);
export type SourceVerdictWord = z.infer<typeof SourceVerdictWord>;

/** The bundle as a whole, worst first: `broken` (a problem), `unsigned`, `untrusted`, `intact`. */
export const BundleStatus = z.enum(['broken', 'unsigned', 'untrusted', 'intact']);
export type BundleStatus = z.infer<typeof BundleStatus>;

export const SourceVerdict = z.object({
  path: z.string(),
  type: z.string(),
  verdict: SourceVerdictWord,
  records: z.number().int().optional(),
  first_bad_position: z.number().int().optional(),
  nature: BreakNature.optional(),
  reason: z.string().optional(),
  /** A ledger's own hash rule (core/verify/ledger.ts), and how its chain starts. */
  rule: z.string().optional(),
  genesis: z.string().optional(),
});
export type SourceVerdict = z.infer<typeof SourceVerdict>;

export const SignatureVerdict = z.object({
  status: z.enum(['absent', 'valid', 'invalid']),
  fingerprint: z.string().optional(),
  trusted: z.boolean().optional(),
  reason: z.string().optional(),
});
export type SignatureVerdict = z.infer<typeof SignatureVerdict>;

/**
 * valid: imprint, signature and chain to an anchor hold. invalid: the imprint or the signature is wrong
 * (or the token is dated after the verification time). untrusted: no path leads to an anchor (or the
 * signer certificate is unknown). unparseable: not a timestamp.
 */
export const TimestampStatus = z.enum(['valid', 'invalid', 'untrusted', 'unparseable']);
export type TimestampStatus = z.infer<typeof TimestampStatus>;

export const TimestampCheck = z.object({
  status: z.union([z.literal('absent'), TimestampStatus]),
  /** The TSA's time, RFC 3339 UTC. */
  gen_time: z.string().optional(),
  /** The TSA certificate's subject. */
  tsa: z.string().optional(),
  reason: z.string().optional(),
});
export type TimestampCheck = z.infer<typeof TimestampCheck>;

/** What a verification records and the contract carries: whether it passed, and what it found. */
export const RecordedVerdict = z.object({
  /** True only when nothing is wrong and a trusted key signed it. */
  intact: z.boolean(),
  /** Worst first: a problem, no valid signature, a signer not trusted, all well. Absent for a ledger (intact says). */
  status: BundleStatus.optional(),
  /** An unsigned bundle fails when a signature was asked for (a trusted key existed, or it was required). */
  signature_expected: z.boolean().optional(),
  signature: SignatureVerdict,
  sources: z.array(SourceVerdict),
  problems: z.array(Problem),
});
export type RecordedVerdict = z.infer<typeof RecordedVerdict>;

/** A bundle's full verdict, as `causa verify BUNDLE --json` prints it. */
export const BundleVerdict = RecordedVerdict.extend({
  bundle: z.string(),
  manifest_sha256: z.string().optional(),
  /** SHA-256 of the canonical manifest: what a signature or timestamp covers, and what to send a TSA. */
  canonical_manifest_sha256: z.string().optional(),
  files_checked: z.number().int(),
  timestamp: TimestampCheck,
  status: BundleStatus,
  /** Whether a signature was asked for (a trusted key exists, --trust or --require-signature): then unsigned fails. */
  signature_expected: z.boolean(),
});
export type BundleVerdict = z.infer<typeof BundleVerdict>;
