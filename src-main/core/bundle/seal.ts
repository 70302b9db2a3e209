// Sealing: raw evidence files in, a bundle out (docs/bundle-format.md). Sealing never alters evidence: a
// record stream is copied byte for byte and the chain and the Merkle tree run over its exact records.
import type { KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { documentElements, elementLeaves } from './elements';
import { merkleRoot, RecordStreamHasher, sha256Hex } from './hashing';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  canonicalManifestBytes,
  leavesPathFor,
  MANIFEST_FILE,
  SIGNATURE_FILE,
  Manifest,
  type SourceEntry,
} from './manifest';
import { decompressed, isGzip, looksLikeRecordStream, splitRecords } from './records';
import { signManifest } from './signing';

export interface RawSource {
  /** Path relative to the source folder, "/" separated. */
  path: string;
  data: Buffer;
  /** The evidence format, if the caller knows it; otherwise it is detected from the first record. */
  type?: string;
}

export interface SealOptions {
  case?: Manifest['case'];
  createdAt: string;
  creator: Manifest['creator'];
  key?: KeyObject;
  capture?: Manifest['capture'];
  /**
   * Names a source's format from its (decompressed) content, "unknown" when nothing fits; with a layout,
   * says whether its records are lines (a record stream, chained) or values inside one document (hashed
   * whole), so that a one-line `kubectl -o json` list is not mistaken for a stream of one record.
   */
  detectType: (content: Buffer) => string | { type: string; layout: 'lines' | 'document'; patterns?: readonly (readonly string[])[] };
}

/** Builds every file of the bundle in memory: path → bytes. */
export function sealSources(sources: RawSource[], options: SealOptions): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const entries: SourceEntry[] = [];
  const blobs: Manifest['blobs'] = [];
  for (const source of [...sources].sort((a, b) => a.path.localeCompare(b.path))) {
    const entry = sealSource(source, options, files, blobs);
    if (entry) entries.push(entry);
  }
  for (const [path, data] of manifestFiles(entries, blobs, options)) files.set(path, data);
  return files;
}

/**
 * Seals one source held in memory: its file (and its leaves file) go into `files`; a blob is listed in
 * `blobs`, and anything else answers its manifest entry.
 */
export function sealSource(
  source: RawSource,
  options: SealOptions,
  files: Map<string, Buffer>,
  blobs: Manifest['blobs'],
): SourceEntry | undefined {
  if (source.path.startsWith('blobs/')) {
    const hex = sha256Hex(source.data);
    const path = `blobs/sha256/${hex}`;
    if (!files.has(path)) blobs.push({ path, size: source.data.length, sha256: hex });
    files.set(path, source.data);
    return undefined;
  }
  const path = `sources/${source.path}`;
  files.set(path, source.data);
  let content: Buffer;
  try {
    content = decompressed(source.data);
  } catch (error) {
    throw new SealError(`${source.path}: not a readable gzip file (${(error as Error).message})`);
  }
  const entry: SourceEntry = {
    path,
    type: source.type ?? 'unknown',
    size: source.data.length,
    sha256: sha256Hex(source.data),
    ...(isGzip(source.data) ? { compression: 'gzip' as const } : {}),
  };
  const detected = options.detectType(content);
  const layout = typeof detected === 'object' ? detected.layout : undefined;
  entry.type = source.type ?? (typeof detected === 'object' ? detected.type : detected);
  if (layout !== 'document' && looksLikeRecordStream(content)) {
    const records = splitRecords(content);
    const hasher = new RecordStreamHasher();
    for (const record of records) hasher.add(record);
    const leaves = Buffer.from(hasher.leaves.map((leaf) => `${leaf.toString('hex')}\n`).join(''), 'utf8');
    const leavesPath = leavesPathFor(path);
    files.set(leavesPath, leaves);
    entry.chain = {
      algorithm: 'sha256-chain-v1',
      ...hasher.result(),
      leaves: { path: leavesPath, size: leaves.length, sha256: sha256Hex(leaves) },
    };
  }
  if (layout === 'document' && typeof detected === 'object' && detected.patterns && detected.patterns.length > 0) {
    // A document whose records are values inside it: each value sealed as a leaf, with its JSON path.
    let leaves: Buffer[];
    try {
      leaves = elementLeaves(documentElements(content, detected.patterns));
    } catch (error) {
      throw new SealError(`${source.path}: ${(error as Error).message}`);
    }
    const leavesFile = Buffer.from(leaves.map((leaf) => `${leaf.toString('hex')}\n`).join(''), 'utf8');
    const leavesPath = leavesPathFor(path);
    files.set(leavesPath, leavesFile);
    entry.elements = {
      algorithm: 'sha256-json-elements-v1',
      patterns: detected.patterns.map((pattern) => [...pattern]),
      records: leaves.length,
      merkle_root: merkleRoot(leaves).toString('hex'),
      leaves: { path: leavesPath, size: leavesFile.length, sha256: sha256Hex(leavesFile) },
    };
  }
  return entry;
}

/** manifest.json, and manifest.sig.json when a key is given, for sources already sealed. */
export function manifestFiles(entries: SourceEntry[], blobs: Manifest['blobs'], options: SealOptions): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    case: options.case ?? {},
    created_at: options.createdAt,
    creator: options.creator,
    sources: entries,
    blobs,
    ...(options.capture ? { capture: options.capture } : {}),
  };
  files.set(MANIFEST_FILE, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
  if (options.key) {
    const signature = signManifest(canonicalManifestBytes(manifest), options.key);
    files.set(SIGNATURE_FILE, Buffer.from(`${JSON.stringify(signature, null, 2)}\n`, 'utf8'));
  }
  return files;
}

export class SealError extends Error {}

/** Reads every plain file under a folder (hidden files and a case.json of metadata aside). */
export async function readSourceFolder(folder: string): Promise<{ sources: RawSource[]; case?: Manifest['case'] }> {
  let entries;
  try {
    entries = await readdir(folder, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw new SealError(`${folder}: cannot read the source folder (${(error as Error).message})`);
  }
  const sources: RawSource[] = [];
  let caseInfo: Manifest['case'] | undefined;
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(folder, full).split(sep).join('/');
    if (entry.isSymbolicLink()) throw new SealError(`${full}: a symbolic link; seal plain files only`);
    if (!entry.isFile()) continue;
    let data: Buffer;
    try {
      data = await readFile(full);
    } catch (error) {
      throw new SealError(`${full}: cannot read (${(error as Error).message})`);
    }
    if (path === 'case.json') {
      let json: unknown;
      try {
        json = JSON.parse(data.toString('utf8'));
      } catch (error) {
        throw new SealError(`${full}: not valid JSON (${(error as Error).message})`);
      }
      const parsed = Manifest.shape.case.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new SealError(`${full}: not case metadata (${issue.path.join('.') || 'root'}: ${issue.message})`);
      }
      caseInfo = parsed.data;
      continue;
    }
    sources.push({ path, data });
  }
  if (sources.length === 0) throw new SealError(`${folder}: no files to seal`);
  return { sources, ...(caseInfo ? { case: caseInfo } : {}) };
}
