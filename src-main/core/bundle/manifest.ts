// Evidence bundle format v1 (docs/bundle-format.md): the manifest's shape, its canonical bytes (RFC 8785,
// what signatures and timestamps cover), and the layout of a bundle's files.
import canonicalize from 'canonicalize';
import { z } from 'zod';

export const BUNDLE_FORMAT = 'causa-evidence-bundle';
export const BUNDLE_VERSION = 1;

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig.json';
export const TIMESTAMP_FILE = 'manifest.tsr';
/** Files that describe the bundle rather than being listed in it. */
export const BUNDLE_META_FILES = [MANIFEST_FILE, SIGNATURE_FILE, TIMESTAMP_FILE] as const;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const RelativePath = z
  .string()
  .min(1)
  .refine((p) => isSafeBundlePath(p), 'a relative path inside the bundle, with / separators and no ..');

export const ChainInfo = z.object({
  /** h0 = 64 zeros, h_i = SHA-256(h_(i-1) ‖ record i); records are the source's lines without their "\n". */
  algorithm: z.literal('sha256-chain-v1'),
  records: z.number().int().min(0),
  head: Hex64,
  /** RFC 6962 Merkle Tree Hash over the records (leaf = SHA-256(0x00 ‖ record)). */
  merkle_root: Hex64,
  /** The per-record leaf hashes, one hex line each, so a break can be located. */
  leaves: z.object({ path: RelativePath, size: z.number().int().min(0), sha256: Hex64 }),
});
export type ChainInfo = z.infer<typeof ChainInfo>;

/**
 * For a JSON document whose records are values inside it (an OTLP trace, a resource listing): the values
 * the patterns select, in document order, each one leaf of an RFC 6962 Merkle tree (format 1.1).
 */
export const ElementsInfo = z.object({
  /** leaf = SHA-256(0x00 ‖ JSON path ‖ "\n" ‖ the value's exact bytes). */
  algorithm: z.literal('sha256-json-elements-v1'),
  /** The path patterns that select the values: keys, and "*" for any array index or key. */
  patterns: z.array(z.array(z.string())).min(1),
  records: z.number().int().min(0),
  merkle_root: Hex64,
  /** The leaf hashes, one hex line each, in document order. */
  leaves: z.object({ path: RelativePath, size: z.number().int().min(0), sha256: Hex64 }),
});
export type ElementsInfo = z.infer<typeof ElementsInfo>;

export const SourceEntry = z.object({
  path: RelativePath,
  /** The evidence format (k8s-audit, k8s-events, otel, mcp, …) or "unknown". */
  type: z.string().min(1),
  size: z.number().int().min(0),
  sha256: Hex64,
  compression: z.enum(['gzip']).optional(),
  /** Present for record streams (JSON lines); absent for files hashed whole. */
  chain: ChainInfo.optional(),
  /** Present for JSON documents whose records are values inside them (format 1.1); never with `chain`. */
  elements: ElementsInfo.optional(),
});
export type SourceEntry = z.infer<typeof SourceEntry>;

export const BlobEntry = z.object({ path: RelativePath, size: z.number().int().min(0), sha256: Hex64 });

export const Manifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  case: z.object({
    incident_id: z.string().optional(),
    title: z.string().optional(),
    cluster: z.string().optional(),
    summary: z.string().optional(),
    window: z.object({ start: z.string(), end: z.string() }).optional(),
  }),
  created_at: z.string(),
  creator: z.object({ tool: z.string(), version: z.string(), user: z.string().optional(), host: z.string().optional() }),
  sources: z.array(SourceEntry),
  blobs: z.array(BlobEntry).default([]),
  /** Free-form facts about how the evidence was obtained (e.g. a live-cluster capture's server and identity). */
  capture: z.record(z.string(), z.unknown()).optional(),
});
export type Manifest = z.infer<typeof Manifest>;

/** The exact bytes a signature or timestamp covers: the RFC 8785 canonical form of the manifest. */
export function canonicalManifestBytes(manifest: unknown): Buffer {
  const text = canonicalize(manifest);
  if (text === undefined) throw new Error('manifest cannot be canonicalized');
  return Buffer.from(text, 'utf8');
}

/** A bundle path is relative, uses "/", and never climbs out: no "..", no absolute or drive paths. */
export function isSafeBundlePath(path: string): boolean {
  if (path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/.test(path) || path.includes('\0')) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** Where the leaf hashes of a chained source live. */
export function leavesPathFor(sourcePath: string): string {
  return `hashes/${sourcePath.replace(/^sources\//, '')}.leaves`;
}
