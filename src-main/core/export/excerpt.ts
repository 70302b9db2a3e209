// An evidence excerpt (docs/report.md): a few events, each with its raw record, its leaf index and RFC 6962
// inclusion proof against its sealed source's Merkle root, and the signed manifest that names that root —
// so one file proves the records without the thousands of others. `causa verify FILE` checks it alone.
import { z } from 'zod';
import { contextElements } from '../bundle/elements';
import { elementLeafHash, inclusionProof, leafHash, verifyInclusion } from '../bundle/hashing';
import { canonicalManifestBytes, Manifest } from '../bundle/manifest';
import { checkSignature, SignatureFile } from '../bundle/signing';
import type { EventJson } from '../../shared/model';

export const EXCERPT_FORMAT = 'causa-evidence-excerpt';
export const EXCERPT_VERSION = 1;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** A value of a document sealed value by value, with its place in the tree and its proof. */
const ProvenValue = z.object({ locator: z.string(), raw_base64: z.string(), leaf_index: z.number().int(), leaf_hash: Hex64, proof: z.array(Hex64) });

export const Excerpt = z.object({
  format: z.literal(EXCERPT_FORMAT),
  version: z.literal(EXCERPT_VERSION),
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
  events: z.array(
    z.object({
      id: z.number().int(),
      bundle: z.string(),
      source: z.string(),
      position: z.number().int(),
      /** 0-based leaf index in the source's Merkle tree, and the tree's size (the chain's record count). */
      leaf_index: z.number().int(),
      tree_size: z.number().int(),
      raw_base64: z.string(),
      leaf_hash: Hex64,
      proof: z.array(Hex64),
      /** A record of a document sealed value by value: its JSON path, part of its leaf. */
      locator: z.string().optional(),
      /** Its context values (an OTLP span's resource and scope), each proven like the record. */
      context: z.array(ProvenValue).optional(),
      event: z.unknown(),
    }),
  ),
  /** Events asked for that cannot be proven record by record, and why (a loose file, a document hashed whole). */
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
  /** A document record's JSON path and stored context. */
  locator?: string;
  context?: Buffer;
  /** The sealed bundle and bundle path of the event's source; absent for a loose file. */
  bundle?: string;
  bundle_path?: string;
}

/** Whether the bundle's manifest seals this source value by value (a document, format 1.1). */
function sealedByElements(bundle: ExcerptBundle, path: string): boolean {
  const parsed = Manifest.safeParse(JSON.parse(bundle.manifest));
  return parsed.success && parsed.data.sources.some((s) => s.path === path && s.elements !== undefined);
}

export function buildExcerpt(input: { case: string; created_at: string; bundles: ExcerptBundle[]; events: ExcerptEvent[] }): Excerpt {
  const bundles = new Map(input.bundles.map((b) => [b.id, b]));
  const trees = new Map<string, Buffer[]>();
  const used = new Set<string>();
  const events: Excerpt['events'] = [];
  const omitted: Excerpt['omitted'] = [];
  for (const e of input.events) {
    const bundle = e.bundle ? bundles.get(e.bundle) : undefined;
    if (!bundle || !e.bundle_path) {
      omitted.push({ id: e.id, reason: 'its source was imported as a loose file, not from a sealed bundle' });
      continue;
    }
    const key = `${bundle.id}|${e.bundle_path}`;
    let leaves = trees.get(key);
    if (!leaves) {
      const text = bundle.leaves.get(e.bundle_path);
      leaves = text === undefined ? [] : text.split('\n').filter((l) => l !== '').map((hex) => Buffer.from(hex, 'hex'));
      trees.set(key, leaves);
    }
    if (leaves.length === 0) {
      omitted.push({ id: e.id, reason: `${e.bundle_path} is hashed whole (no per-record hashes): verify the whole file against the manifest instead` });
      continue;
    }
    const byElements = e.locator !== undefined && sealedByElements(bundle, e.bundle_path);
    const leaf = byElements ? elementLeafHash(e.locator!, e.raw) : leafHash(e.raw);
    // A record's line is its leaf index + 1; the search covers records whose position is not a line.
    const index = leaves[e.position - 1]?.equals(leaf) ? e.position - 1 : leaves.findIndex((l) => l.equals(leaf));
    if (index === -1) {
      omitted.push({ id: e.id, reason: `its record is not among the sealed records of ${e.bundle_path}` });
      continue;
    }
    const context: z.infer<typeof ProvenValue>[] = [];
    if (byElements && e.context) {
      for (const value of contextElements(e.context)) {
        const valueLeaf = elementLeafHash(value.locator, value.bytes);
        const at = leaves.findIndex((l) => l.equals(valueLeaf));
        if (at === -1) break;
        context.push({ locator: value.locator, raw_base64: value.bytes.toString('base64'), leaf_index: at, leaf_hash: valueLeaf.toString('hex'), proof: inclusionProof(leaves, at).map((p) => p.toString('hex')) });
      }
      if (context.length !== contextElements(e.context).length) {
        omitted.push({ id: e.id, reason: `its context is not among the sealed values of ${e.bundle_path}` });
        continue;
      }
    }
    used.add(bundle.id);
    events.push({
      id: e.id,
      bundle: bundle.id,
      source: e.bundle_path,
      position: e.position,
      leaf_index: index,
      tree_size: leaves.length,
      raw_base64: e.raw.toString('base64'),
      leaf_hash: leaf.toString('hex'),
      proof: inclusionProof(leaves, index).map((p) => p.toString('hex')),
      ...(byElements ? { locator: e.locator!, context } : {}),
      event: e.event,
    });
  }
  return {
    format: EXCERPT_FORMAT,
    version: EXCERPT_VERSION,
    created_at: input.created_at,
    case: input.case,
    bundles: input.bundles
      .filter((b) => used.has(b.id))
      .map((b) => ({ id: b.id, location: b.location, manifest: JSON.parse(b.manifest) as unknown, signature: b.signature ? (JSON.parse(b.signature) as unknown) : null })),
    events,
    omitted,
  };
}

export interface ExcerptProblem {
  item: string;
  reason: string;
}

export interface ExcerptVerdict {
  excerpt: string;
  events: number;
  proven: number;
  bundles: { id: string; location: string; signature: { status: 'absent' | 'valid' | 'invalid'; fingerprint?: string; trusted?: boolean } }[];
  problems: ExcerptProblem[];
  intact: boolean;
}

/** True for a parsed JSON value that claims to be an excerpt (what `causa verify` dispatches on). */
export function looksLikeExcerpt(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === EXCERPT_FORMAT;
}

/**
 * Checks an excerpt on its own: each raw record hashes to its leaf, each leaf's proof reaches its
 * source's Merkle root, that root is in the manifest, and the manifest's signature holds (and whether
 * its key is trusted). A valid signature by an untrusted key is a problem, as for bundles.
 */
export function verifyExcerpt(value: unknown, location: string, trustedKeys: Set<string>): ExcerptVerdict {
  const parsed = Excerpt.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { excerpt: location, events: 0, proven: 0, bundles: [], problems: [{ item: location, reason: `not an evidence excerpt: ${issue?.path.join('.') || 'value'}: ${issue?.message}` }], intact: false };
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
    const signature: ExcerptVerdict['bundles'][number]['signature'] = { status: 'absent' };
    if (bundle.signature === null) problems.push({ item, reason: 'the manifest is not signed: anyone could have written its Merkle roots' });
    else {
      const file = SignatureFile.safeParse(bundle.signature);
      if (!file.success) {
        signature.status = 'invalid';
        problems.push({ item, reason: 'its signature is not a signature file' });
      } else {
        const checked = checkSignature(canonicalManifestBytes(bundle.manifest), file.data);
        signature.status = checked.valid ? 'valid' : 'invalid';
        signature.fingerprint = checked.fingerprint;
        signature.trusted = checked.valid && trustedKeys.has(checked.fingerprint);
        if (!checked.valid) problems.push({ item, reason: `manifest signature invalid: ${checked.reason ?? 'does not verify'} (the manifest was changed after signing)` });
        else if (!signature.trusted) problems.push({ item, reason: `valid signature by key ${checked.fingerprint}, which is not in the trust store` });
      }
    }
    bundles.push({ id: bundle.id, location: bundle.location, signature });
  }
  let proven = 0;
  for (const e of excerpt.events) {
    const item = `event ${e.id} (${e.source} record ${e.position})`;
    const manifest = manifests.get(e.bundle);
    const entry = manifest?.sources.find((s) => s.path === e.source);
    // A record stream's chain, or a document's values (whose leaves name their JSON path).
    const tree = entry?.chain ?? (e.locator !== undefined ? entry?.elements : undefined);
    if (!manifest) {
      problems.push({ item, reason: `its bundle ${e.bundle} is not in the excerpt or its manifest is unreadable` });
      continue;
    }
    if (!tree) {
      problems.push({ item, reason: 'the manifest has no record chain for its source' });
      continue;
    }
    const chain = tree;
    const raw = Buffer.from(e.raw_base64, 'base64');
    const leafOf = (locator: string | undefined, bytes: Buffer): Buffer => (entry?.chain ? leafHash(bytes) : elementLeafHash(locator ?? '', bytes));
    const leaf = leafOf(e.locator, raw);
    if (leaf.toString('hex') !== e.leaf_hash) {
      problems.push({ item, reason: 'raw record modified: its bytes do not hash to the leaf hash' });
      continue;
    }
    if (e.tree_size !== chain.records) {
      problems.push({ item, reason: `the proof is for a tree of ${e.tree_size} records, the manifest's source has ${chain.records}` });
      continue;
    }
    const ok = verifyInclusion(e.leaf_index, e.tree_size, leaf, e.proof.map((p) => Buffer.from(p, 'hex')), Buffer.from(chain.merkle_root, 'hex'));
    if (!ok) {
      problems.push({ item, reason: `inclusion proof does not lead to the manifest's Merkle root ${chain.merkle_root.slice(0, 16)}…` });
      continue;
    }
    const badContext = (e.context ?? []).find((value) => {
      const valueLeaf = leafOf(value.locator, Buffer.from(value.raw_base64, 'base64'));
      if (valueLeaf.toString('hex') !== value.leaf_hash) return true;
      return !verifyInclusion(value.leaf_index, chain.records, valueLeaf, value.proof.map((p) => Buffer.from(p, 'hex')), Buffer.from(chain.merkle_root, 'hex'));
    });
    if (badContext) {
      problems.push({ item, reason: `its context ${badContext.locator} is not proven: its bytes or proof do not lead to the manifest's Merkle root` });
      continue;
    }
    proven += 1;
  }
  return { excerpt: location, events: excerpt.events.length, proven, bundles, problems, intact: problems.length === 0 };
}
