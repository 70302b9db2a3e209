// An evidence excerpt (docs/report.md): a few events, each with its raw record, its leaf index and RFC 6962
// inclusion proof against its sealed source's Merkle root, and the signed manifest that names that root —
// so one file proves the records without the thousands of others. `causa verify FILE` checks it alone.
// Version 2 adds the case's own seals (docs/threat-model.md): each record is also proven against the
// Merkle root of its source's seal, signed by the installation key that imported it, so a record of a
// loose file (no bundle) is proven too, and a bundle record is shown to be the one the case holds.
import { z } from 'zod';
import { contextElements } from '../bundle/elements';
import { elementLeafHash, inclusionProof, leafHash, verifyInclusion } from '../bundle/hashing';
import { canonicalManifestBytes, Manifest } from '../bundle/manifest';
import { checkSignature, SignatureFile } from '../bundle/signing';
import type { EventJson } from '../../shared/model';
import { SEAL_KIND } from '../verify/case-seal';

export const EXCERPT_FORMAT = 'causa-evidence-excerpt';
export const EXCERPT_VERSION = 2;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** A value of a document sealed value by value, with its place in the tree and its proof. */
const ProvenValue = z.object({
  locator: z.string(),
  raw_base64: z.string(),
  leaf_index: z.number().int(),
  leaf_hash: Hex64,
  proof: z.array(Hex64),
});

/** A record's place in its source's case seal: the seal's leaves are RFC 6962 leaf hashes of the raw records. */
const CaseProof = z.object({
  source_id: z.number().int(),
  leaf_index: z.number().int(),
  tree_size: z.number().int(),
  proof: z.array(Hex64),
});
export type CaseProof = z.infer<typeof CaseProof>;

/** A source's seal as the case keeps it: the canonical JSON text the signature covers, and the signature. */
const CaseSealEntry = z.object({ source_id: z.number().int(), seal: z.string(), signature: z.unknown() });
export type CaseSealEntry = z.infer<typeof CaseSealEntry>;

export const Excerpt = z.object({
  format: z.literal(EXCERPT_FORMAT),
  version: z.union([z.literal(1), z.literal(EXCERPT_VERSION)]),
  created_at: z.string(),
  case: z.string(),
  bundles: z.array(
    z.object({
      id: z.string(),
      location: z.string(),
      /** The manifest's JSON value as sealed; the signature covers its RFC 8785 form. */
      manifest: z.unknown(),
      signature: z.unknown().nullable(),
    }),
  ),
  /** The case seals the events' case proofs lead to (version 2). */
  case_seals: z.array(CaseSealEntry).optional(),
  events: z.array(
    z.object({
      id: z.number().int(),
      /** The bundle whose signed manifest proves the record; absent for a record only the case seal proves. */
      bundle: z.string().optional(),
      source: z.string(),
      position: z.number().int(),
      /** 0-based leaf index in the bundle source's Merkle tree, and the tree's size (the chain's record count). */
      leaf_index: z.number().int().optional(),
      tree_size: z.number().int().optional(),
      raw_base64: z.string(),
      leaf_hash: Hex64,
      proof: z.array(Hex64).optional(),
      /** The record against its source's case seal (version 2). */
      case_proof: CaseProof.optional(),
      /** A record of a document sealed value by value: its JSON path, part of its leaf. */
      locator: z.string().optional(),
      /** Its context values (an OTLP span's resource and scope), each proven like the record. */
      context: z.array(ProvenValue).optional(),
      event: z.unknown(),
    }),
  ),
  /** Events asked for that cannot be proven record by record, and why (a record outside any seal). */
  omitted: z.array(z.object({ id: z.number().int(), reason: z.string() })),
});
export type Excerpt = z.infer<typeof Excerpt>;

export interface ExcerptBundle {
  id: string;
  location: string;
  manifest: string;
  signature: string | null;
  /** The sealed leaves files by bundle path: one hex leaf hash a line. */
  leaves: Map<string, string>;
}

export interface ExcerptEvent {
  id: number;
  event: EventJson;
  raw: Buffer;
  position: number;
  /** The case's source of the record: its id (the seal's) and name. */
  source_id: number;
  source_name: string;
  /** A document record's JSON path and stored context. */
  locator?: string;
  context?: Buffer;
  /** The sealed bundle and bundle path of the event's source; absent for a loose file. */
  bundle?: string;
  bundle_path?: string;
}

/** A source's case seal as the case keeps it: the signed text and the per-record leaves and positions. */
export interface ExcerptSeal {
  source_id: number;
  seal: string;
  signature: string;
  /** The RFC 6962 leaf hash of each record, 32 bytes each, in record order. */
  leaves: Buffer;
  /** Each record's position, UInt32LE, in the same order. */
  positions: Buffer;
}

/** Whether the bundle's manifest seals this source value by value (a document, format 1.1). */
function sealedByElements(bundle: ExcerptBundle, path: string): boolean {
  const parsed = Manifest.safeParse(JSON.parse(bundle.manifest));
  return parsed.success && parsed.data.sources.some((s) => s.path === path && s.elements !== undefined);
}

type BundleProof = Pick<
  Excerpt['events'][number],
  'bundle' | 'source' | 'leaf_index' | 'tree_size' | 'leaf_hash' | 'proof' | 'locator' | 'context'
>;

/** The record's proof against its bundle's signed manifest, or why there is none. */
function bundleProof(
  e: ExcerptEvent,
  bundles: Map<string, ExcerptBundle>,
  trees: Map<string, Buffer[]>,
): BundleProof | { omitted: string } {
  const bundle = e.bundle ? bundles.get(e.bundle) : undefined;
  if (!bundle || !e.bundle_path) return { omitted: 'its source was imported as a loose file, not from a sealed bundle' };
  const key = `${bundle.id}|${e.bundle_path}`;
  let leaves = trees.get(key);
  if (!leaves) {
    const text = bundle.leaves.get(e.bundle_path);
    leaves =
      text === undefined
        ? []
        : text
            .split('\n')
            .filter((l) => l !== '')
            .map((hex) => Buffer.from(hex, 'hex'));
    trees.set(key, leaves);
  }
  if (leaves.length === 0)
    return { omitted: `${e.bundle_path} is hashed whole (no per-record hashes): verify the whole file against the manifest instead` };
  const byElements = e.locator !== undefined && sealedByElements(bundle, e.bundle_path);
  const leaf = byElements ? elementLeafHash(e.locator!, e.raw) : leafHash(e.raw);
  // A record's line is its leaf index + 1; the search covers records whose position is not a line.
  const index = leaves[e.position - 1]?.equals(leaf) ? e.position - 1 : leaves.findIndex((l) => l.equals(leaf));
  if (index === -1) return { omitted: `its record is not among the sealed records of ${e.bundle_path}` };
  const context: z.infer<typeof ProvenValue>[] = [];
  if (byElements && e.context) {
    for (const value of contextElements(e.context)) {
      const valueLeaf = elementLeafHash(value.locator, value.bytes);
      const at = leaves.findIndex((l) => l.equals(valueLeaf));
      if (at === -1) break;
      context.push({
        locator: value.locator,
        raw_base64: value.bytes.toString('base64'),
        leaf_index: at,
        leaf_hash: valueLeaf.toString('hex'),
        proof: inclusionProof(leaves, at).map((p) => p.toString('hex')),
      });
    }
    if (context.length !== contextElements(e.context).length)
      return { omitted: `its context is not among the sealed values of ${e.bundle_path}` };
  }
  return {
    bundle: bundle.id,
    source: e.bundle_path,
    leaf_index: index,
    tree_size: leaves.length,
    leaf_hash: leaf.toString('hex'),
    proof: inclusionProof(leaves, index).map((p) => p.toString('hex')),
    ...(byElements ? { locator: e.locator!, context } : {}),
  };
}

/** The record's proof against its source's case seal, or undefined when the seal does not hold it. */
function caseProof(e: ExcerptEvent, seal: ExcerptSeal, trees: Map<number, Buffer[]>): CaseProof | undefined {
  let leaves = trees.get(seal.source_id);
  if (!leaves) {
    leaves = [];
    for (let at = 0; at + 32 <= seal.leaves.length; at += 32) leaves.push(seal.leaves.subarray(at, at + 32));
    trees.set(seal.source_id, leaves);
  }
  const leaf = leafHash(e.raw);
  let index = -1;
  for (let i = 0; i < leaves.length; i += 1) {
    if (seal.positions.readUInt32LE(i * 4) === e.position && leaves[i]!.equals(leaf)) {
      index = i;
      break;
    }
  }
  if (index === -1) return undefined;
  return {
    source_id: seal.source_id,
    leaf_index: index,
    tree_size: leaves.length,
    proof: inclusionProof(leaves, index).map((p) => p.toString('hex')),
  };
}

export function buildExcerpt(input: {
  case: string;
  created_at: string;
  bundles: ExcerptBundle[];
  seals: ExcerptSeal[];
  events: ExcerptEvent[];
}): Excerpt {
  const bundles = new Map(input.bundles.map((b) => [b.id, b]));
  const seals = new Map(input.seals.map((s) => [s.source_id, s]));
  const bundleTrees = new Map<string, Buffer[]>();
  const sealTrees = new Map<number, Buffer[]>();
  const usedBundles = new Set<string>();
  const usedSeals = new Set<number>();
  const events: Excerpt['events'] = [];
  const omitted: Excerpt['omitted'] = [];
  for (const e of input.events) {
    const fromBundle = bundleProof(e, bundles, bundleTrees);
    const seal = seals.get(e.source_id);
    const fromCase = seal ? caseProof(e, seal, sealTrees) : undefined;
    if ('omitted' in fromBundle && !fromCase) {
      omitted.push({
        id: e.id,
        reason: `${fromBundle.omitted}, and ${seal ? "its source's case seal does not hold it" : 'its source has no case seal (imported before the case was sealed)'}`,
      });
      continue;
    }
    if (!('omitted' in fromBundle)) usedBundles.add(fromBundle.bundle!);
    if (fromCase) usedSeals.add(e.source_id);
    events.push({
      id: e.id,
      ...('omitted' in fromBundle ? { source: e.source_name, leaf_hash: leafHash(e.raw).toString('hex') } : fromBundle),
      position: e.position,
      raw_base64: e.raw.toString('base64'),
      ...(fromCase ? { case_proof: fromCase } : {}),
      event: e.event,
    });
  }
  return {
    format: EXCERPT_FORMAT,
    version: EXCERPT_VERSION,
    created_at: input.created_at,
    case: input.case,
    bundles: input.bundles
      .filter((b) => usedBundles.has(b.id))
      .map((b) => ({
        id: b.id,
        location: b.location,
        manifest: JSON.parse(b.manifest) as unknown,
        signature: b.signature ? (JSON.parse(b.signature) as unknown) : null,
      })),
    case_seals: input.seals
      .filter((s) => usedSeals.has(s.source_id))
      .map((s) => ({ source_id: s.source_id, seal: s.seal, signature: JSON.parse(s.signature) as unknown })),
    events,
    omitted,
  };
}

export interface ExcerptProblem {
  item: string;
  reason: string;
}

type SignatureStatus = { status: 'absent' | 'valid' | 'invalid'; fingerprint?: string; trusted?: boolean };

export interface ExcerptVerdict {
  excerpt: string;
  events: number;
  proven: number;
  bundles: { id: string; location: string; signature: SignatureStatus }[];
  /** The case seals the excerpt carries: which source each seals and who signed it. */
  case_seals: { source_id: number; source: string; records: number; merkle_root: string; signature: SignatureStatus }[];
  problems: ExcerptProblem[];
  intact: boolean;
}

function checkedSignature(bytes: Buffer, value: unknown, trustedKeys: Set<string>): { signature: SignatureStatus; problem?: string } {
  if (value === null || value === undefined) return { signature: { status: 'absent' }, problem: 'not signed' };
  const file = SignatureFile.safeParse(value);
  if (!file.success) return { signature: { status: 'invalid' }, problem: 'its signature is not a signature file' };
  const checked = checkSignature(bytes, file.data);
  const signature: SignatureStatus = {
    status: checked.valid ? 'valid' : 'invalid',
    fingerprint: checked.fingerprint,
    trusted: checked.valid && trustedKeys.has(checked.fingerprint),
  };
  return checked.valid ? { signature } : { signature, problem: checked.reason ?? 'does not verify' };
}

const SealText = z.object({
  kind: z.literal(SEAL_KIND),
  source: z.object({ id: z.number().int(), name: z.string() }),
  records: z.number().int(),
  merkle_root: Hex64,
});
type SealText = z.infer<typeof SealText>;

/**
 * Checks an excerpt on its own: each raw record hashes to its leaf, each leaf's proof reaches its
 * source's Merkle root, that root is in the manifest (or the case seal), and the manifest's (or seal's)
 * signature holds, and whether its key is trusted. A valid signature by an untrusted key is a problem,
 * as for bundles — for a case seal only when it is the one proof of a record.
 */
export function verifyExcerpt(value: unknown, location: string, trustedKeys: Set<string>): ExcerptVerdict {
  const parsed = Excerpt.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      excerpt: location,
      events: 0,
      proven: 0,
      bundles: [],
      case_seals: [],
      problems: [{ item: location, reason: `not an evidence excerpt: ${issue?.path.join('.') || 'value'}: ${issue?.message}` }],
      intact: false,
    };
  }
  const excerpt = parsed.data;
  const problems: ExcerptProblem[] = [];
  const manifests = new Map<string, Manifest>();
  const bundles: ExcerptVerdict['bundles'] = [];
  for (const bundle of excerpt.bundles) {
    const item = `bundle ${bundle.id} (${bundle.location})`;
    const manifest = Manifest.safeParse(bundle.manifest);
    if (!manifest.success) {
      problems.push({ item, reason: 'its manifest is not a bundle manifest' });
      continue;
    }
    manifests.set(bundle.id, manifest.data);
    const { signature, problem } = checkedSignature(canonicalManifestBytes(bundle.manifest), bundle.signature, trustedKeys);
    if (signature.status === 'absent')
      problems.push({ item, reason: 'the manifest is not signed: anyone could have written its Merkle roots' });
    else if (problem)
      problems.push({
        item,
        reason:
          signature.status === 'invalid' && bundle.signature !== null && SignatureFile.safeParse(bundle.signature).success
            ? `manifest signature invalid: ${problem} (the manifest was changed after signing)`
            : problem,
      });
    else if (!signature.trusted)
      problems.push({ item, reason: `valid signature by key ${signature.fingerprint}, which is not in the trust store` });
    bundles.push({ id: bundle.id, location: bundle.location, signature });
  }
  const seals = new Map<number, SealText>();
  const case_seals: ExcerptVerdict['case_seals'] = [];
  const sealItems = new Map<number, string>();
  for (const entry of excerpt.case_seals ?? []) {
    const item = `case seal of source ${entry.source_id}`;
    sealItems.set(entry.source_id, item);
    let body: SealText;
    try {
      const read = SealText.safeParse(JSON.parse(entry.seal));
      if (!read.success) throw new Error('not a source seal');
      body = read.data;
    } catch {
      problems.push({ item, reason: 'its text is not a source seal' });
      continue;
    }
    const { signature, problem } = checkedSignature(Buffer.from(entry.seal, 'utf8'), entry.signature, trustedKeys);
    case_seals.push({
      source_id: entry.source_id,
      source: body.source.name,
      records: body.records,
      merkle_root: body.merkle_root,
      signature,
    });
    if (problem) {
      problems.push({
        item,
        reason:
          signature.status === 'absent'
            ? 'the seal is not signed: anyone could have written its Merkle root'
            : `seal signature invalid: ${problem} (the seal was changed after signing)`,
      });
      continue;
    }
    if (body.source.id !== entry.source_id) {
      problems.push({ item, reason: `the seal is the seal of source ${body.source.id}: seal moved` });
      continue;
    }
    seals.set(entry.source_id, body);
  }
  /** Seals that are the only proof of some record: their signer must be trusted. */
  const soleProof = new Set<number>();
  let proven = 0;
  for (const e of excerpt.events) {
    const item = `event ${e.id} (${e.source} record ${e.position})`;
    const raw = Buffer.from(e.raw_base64, 'base64');
    const failures = [
      ...(e.bundle !== undefined ? bundleFailure(e, raw, manifests) : []),
      ...(e.case_proof ? caseFailure(e.case_proof, raw, seals, sealItems) : []),
    ];
    if (e.bundle === undefined && !e.case_proof) failures.push('it carries no proof: neither a bundle nor a case seal proves it');
    if (e.bundle === undefined && e.case_proof) soleProof.add(e.case_proof.source_id);
    for (const reason of failures) problems.push({ item, reason });
    if (failures.length === 0) proven += 1;
  }
  for (const seal of case_seals) {
    if (soleProof.has(seal.source_id) && seal.signature.status === 'valid' && !seal.signature.trusted) {
      problems.push({
        item: `case seal of source ${seal.source_id} (${seal.source})`,
        reason: `valid signature by key ${seal.signature.fingerprint} (the installation that imported the case), which is not in the trust store`,
      });
    }
  }
  return { excerpt: location, events: excerpt.events.length, proven, bundles, case_seals, problems, intact: problems.length === 0 };
}

type ExcerptEventEntry = Excerpt['events'][number];

/** Why a record's bundle proof does not hold (empty when it holds). */
function bundleFailure(e: ExcerptEventEntry, raw: Buffer, manifests: Map<string, Manifest>): string[] {
  const manifest = manifests.get(e.bundle!);
  const entry = manifest?.sources.find((s) => s.path === e.source);
  // A record stream's chain, or a document's values (whose leaves name their JSON path).
  const chain = entry?.chain ?? (e.locator !== undefined ? entry?.elements : undefined);
  if (!manifest) return [`its bundle ${e.bundle} is not in the excerpt or its manifest is unreadable`];
  if (!chain) return ['the manifest has no record chain for its source'];
  if (e.leaf_index === undefined || e.tree_size === undefined || e.proof === undefined)
    return ['its bundle proof is incomplete (no leaf index, tree size or proof)'];
  const leafOf = (locator: string | undefined, bytes: Buffer): Buffer =>
    entry?.chain ? leafHash(bytes) : elementLeafHash(locator ?? '', bytes);
  const leaf = leafOf(e.locator, raw);
  if (leaf.toString('hex') !== e.leaf_hash) return ['raw record modified: its bytes do not hash to the leaf hash'];
  if (e.tree_size !== chain.records)
    return [`the proof is for a tree of ${e.tree_size} records, the manifest's source has ${chain.records}`];
  const root = Buffer.from(chain.merkle_root, 'hex');
  if (
    !verifyInclusion(
      e.leaf_index,
      e.tree_size,
      leaf,
      e.proof.map((p) => Buffer.from(p, 'hex')),
      root,
    )
  ) {
    return [`inclusion proof does not lead to the manifest's Merkle root ${chain.merkle_root.slice(0, 16)}…`];
  }
  const badContext = (e.context ?? []).find((value) => {
    const valueLeaf = leafOf(value.locator, Buffer.from(value.raw_base64, 'base64'));
    if (valueLeaf.toString('hex') !== value.leaf_hash) return true;
    return !verifyInclusion(
      value.leaf_index,
      chain.records,
      valueLeaf,
      value.proof.map((p) => Buffer.from(p, 'hex')),
      root,
    );
  });
  if (badContext) return [`its context ${badContext.locator} is not proven: its bytes or proof do not lead to the manifest's Merkle root`];
  return [];
}

/** Why a record's case proof does not hold (empty when it holds). */
function caseFailure(proof: CaseProof, raw: Buffer, seals: Map<number, SealText>, items: Map<number, string>): string[] {
  const seal = seals.get(proof.source_id);
  if (!seal)
    return [
      items.has(proof.source_id)
        ? `its ${items.get(proof.source_id)} does not hold (see above)`
        : `the case seal of its source ${proof.source_id} is not in the excerpt`,
    ];
  if (proof.tree_size !== seal.records)
    return [`the case proof is for a tree of ${proof.tree_size} records, the case seal of ${seal.source.name} has ${seal.records}`];
  const ok = verifyInclusion(
    proof.leaf_index,
    proof.tree_size,
    leafHash(raw),
    proof.proof.map((p) => Buffer.from(p, 'hex')),
    Buffer.from(seal.merkle_root, 'hex'),
  );
  return ok ? [] : [`raw record or case proof altered: it does not lead to the case seal's Merkle root ${seal.merkle_root.slice(0, 16)}…`];
}
