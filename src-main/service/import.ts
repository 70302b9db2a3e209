// Imports evidence files into a case file: hash the bytes as received, skip what is already there, parse
// record by record, and commit each file whole. A bad record costs only itself.
import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import {
  bundleFilesFromMemory,
  bundleFilesFromZip,
  isBundlePath,
  looksLikeZip,
  openBundleFiles,
  type BundleFiles,
} from '../core/bundle/files';
import { isSafeBundlePath, Manifest, MANIFEST_FILE, SIGNATURE_FILE } from '../core/bundle/manifest';
import { OBJECT_FORMATS } from '../core/ingest/k8s-objects';
import {
  bufferContent,
  detectContent,
  findFormat,
  FORMATS,
  openContent,
  parseSourceBatches,
  streamContent,
  type Detected,
} from '../core/ingest';
import { resolveLimits, type Limits } from '../core/limits';
import type { FileImport, ImportIntegrity, ImportReport } from '../shared/contract';
import { ServiceError } from '../shared/errors';
import type { RecordError } from '../shared/model';
import type { CaseStore } from '../store/case-store';
import { listImportErrors, listSources } from '../store/queries';
import { LEDGER_FORMAT, verifyLedgerSource } from './ledger-verification';
import { contentSizeOf, contentSizeOfFile, counted, ImportCancelled, ImportMonitor } from './import-monitor';
import { verdictPasses, type BundleVerdict, type SourceReading } from '../core/verify/bundle';
import { StreamingRecords } from '../core/bundle/records';
import { DELETION_BATCH, ObjectCollector } from './objects';
import { verifyImportedBundle } from './verification';
import { ContentTap, SealAccumulator } from '../core/verify/case-seal';
import { rowValues } from '../store/seals';
import { sealSource } from './case-seal';
import { sha256Hex } from '../core/bundle/hashing';

/** At most this many errors per file are listed; the rest are counted (a garbage file has one per line). */
export const LISTED_ERRORS_PER_FILE = 50;

interface EvidenceFile {
  /** How the source is named in the case and in error messages. */
  name: string;
  sha256: string;
  size: number;
  open: () => Promise<AsyncIterable<Buffer>>;
  /** Bytes of content once gunzipped, for progress (the file's size when it is not gzip). */
  contentSize?: number;
  /** The format named by the user or by a bundle's manifest; the content decides when it names none we know. */
  format?: string;
  limits: Limits;
  /**
   * Hashes the file again once its records are read (loose files): the records stored must come from the
   * bytes whose hash is stored, so a file that changed while it was read is refused whole.
   */
  rehash?: () => Promise<{ sha256: string; size: number }>;
  /** The file is not gzip: its content, as read, must hash to its sha256. */
  plain?: boolean;
  /**
   * `sha256` and `size` are what a bundle's manifest claims, not yet hashed (a plain file the case does
   * not hold). The import hashes the content as it reads it; content that does not hash to the claim
   * (or a reader that stopped early, whose file `rehash` reads again) rolls the import back, and it
   * reports `claimMissed`: the caller hashes the file and imports it again under its own hash.
   */
  claimed?: { rehash: () => Promise<{ sha256: string; size: number }> };
  /**
   * A bundle's record stream sealed by a hash chain: its records are counted and chained as the import
   * reads them, as the bundle's check does (`StreamingRecords`), and that reading is returned when the
   * content was read to its end, so that the check does not read the file again.
   */
  chained?: boolean;
}

async function* tapped(content: AsyncIterable<Buffer>, tap: ContentTap, chain?: StreamingRecords): AsyncGenerator<Buffer> {
  for await (const chunk of content) {
    tap.feed(chunk);
    chain?.push(chunk);
    yield chunk;
  }
  tap.end();
}

export interface ImportOptions {
  /** Read every loose file as this format instead of detecting it (`causa import --format`). */
  format?: string;
  /** The limits of this import (core/limits.ts); the defaults and the environment otherwise. */
  limits?: Limits;
  /** An unsigned bundle fails its check even when no key is trusted (`--require-signature`). */
  requireSignature?: boolean;
  /**
   * A bulk load builds in its transaction only the event indexes the rest of the import reads, and leaves
   * the others pending in the case (store/event-indexes.ts): the caller builds them once the import
   * returns, while it links the case (`causa import`: Workbench.linkAhead).
   */
  leaveIndexes?: boolean;
}

/** The format names a user may give, for validating `--format` before anything is read. */
export function formatNames(): string[] {
  return FORMATS.map((format) => format.name);
}

type Opened = { ok: true; detected: Detected; content: AsyncIterable<Buffer> } | { ok: false; reason: string };

async function openDetected(file: EvidenceFile, limits: Limits): Promise<Opened> {
  const named = file.format ? findFormat(file.format) : undefined;
  let found;
  try {
    found = await detectContent(file.open, named, limits);
  } catch (error) {
    return { ok: false, reason: `cannot read: ${(error as Error).message}` };
  }
  if (!found.ok) return found;
  const { content, ...detected } = found;
  return { ok: true, detected, content };
}

async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** How much of a file hashFile reads at a time, into the one buffer it reuses. */
const HASH_READ_BYTES = 1024 * 1024;

/**
 * A file's SHA-256 and size, read into one buffer reused. A read stream makes a new buffer for every
 * chunk, outside V8's heap, and a loop that only hashes allocates nothing else that would start a
 * collection: importing a 169 MB log held 68 MB of them at its peak (heaptrack), 48 MB more than now.
 */
async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const handle = await open(path, 'r');
  try {
    const digest = createHash('sha256');
    const buffer = Buffer.allocUnsafe(HASH_READ_BYTES);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      digest.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { sha256: digest.digest('hex'), size };
  } finally {
    await handle.close();
  }
}

/** A stream's SHA-256 and size, and its content size once gunzipped (the gzip trailer's, mod 2^32). */
async function hashStream(stream: AsyncIterable<Buffer>): Promise<{ sha256: string; size: number; contentSize: number }> {
  const digest = createHash('sha256');
  let size = 0;
  let head: Buffer = Buffer.alloc(0);
  let tail: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    digest.update(chunk);
    size += chunk.length;
    if (head.length < 2) head = Buffer.concat([head, chunk.subarray(0, 2 - head.length)]);
    tail = chunk.length >= 4 ? chunk.subarray(chunk.length - 4) : Buffer.concat([tail, chunk]).subarray(-4);
  }
  const gzip = size >= 18 && head[0] === 0x1f && head[1] === 0x8b;
  return { sha256: digest.digest('hex'), size, contentSize: gzip ? Buffer.from(tail).readUInt32LE(0) : size };
}

/** Why the file's stored records might not come from the bytes whose hash is stored, if they might not. */
async function changedWhileRead(
  file: EvidenceFile,
  content: { sha256: string; size: number; whole: boolean },
): Promise<string | undefined> {
  const changed = (what: string): string =>
    `the file changed while it was imported (${what}): nothing of it was kept; import it again once it is complete`;
  // A reader that stopped early (a document cut short by a syntax error) read a prefix: only a rehash says
  // whether the file changed then.
  if (file.plain && content.whole && (content.sha256 !== file.sha256 || content.size !== file.size)) {
    return changed(`hashed ${file.size} bytes with sha256 ${file.sha256}, then read ${content.size} bytes with sha256 ${content.sha256}`);
  }
  if (!file.rehash) return undefined;
  const after = await file.rehash();
  if (after.sha256 !== file.sha256 || after.size !== file.size) {
    return changed(`${file.size} bytes with sha256 ${file.sha256} before, ${after.size} bytes with sha256 ${after.sha256} after`);
  }
  return undefined;
}

function alreadyImported(store: CaseStore, file: EvidenceFile): FileImport | undefined {
  const existing = store.findSourceBySha(file.sha256);
  if (!existing) return undefined;
  const info = listSources(store).find((s) => s.id === existing.id);
  const errors = listImportErrors(store, existing.id).map((e) => ({
    file: existing.name,
    line: e.line,
    ...(e.locator ? { path: e.locator } : {}),
    reason: e.reason,
  }));
  return {
    file: file.name,
    format: existing.format,
    status: 'already_imported',
    events: info?.records ?? 0,
    errors: errors.slice(0, LISTED_ERRORS_PER_FILE),
    more_errors: Math.max(0, errors.length - LISTED_ERRORS_PER_FILE),
  };
}

async function importOne(store: CaseStore, file: EvidenceFile, monitor: ImportMonitor): Promise<FileImport> {
  return (await importOneWithId(store, file, monitor)).result;
}

function cancelledImport(file: EvidenceFile): FileImport {
  return { file: file.name, format: file.format ?? 'unknown', status: 'cancelled', events: 0, errors: [], more_errors: 0 };
}

async function importOneWithId(
  store: CaseStore,
  file: EvidenceFile,
  monitor: ImportMonitor,
): Promise<{ result: FileImport; sourceId?: number; claimMissed?: boolean; reading?: SourceReading }> {
  if (monitor.cancelled) return { result: cancelledImport(file) };
  monitor.beginFile(file.name);
  try {
    return await readIntoCase(store, file, monitor);
  } catch (error) {
    if (error instanceof ImportCancelled) return { result: cancelledImport(file) };
    throw error;
  } finally {
    monitor.endFile();
  }
}

async function readIntoCase(
  store: CaseStore,
  file: EvidenceFile,
  monitor: ImportMonitor,
): Promise<{ result: FileImport; sourceId?: number; claimMissed?: boolean; reading?: SourceReading }> {
  const known = alreadyImported(store, file);
  if (known) {
    monitor.read(file.contentSize ?? file.size);
    return { result: known, sourceId: store.findSourceBySha(file.sha256)!.id };
  }
  const opened = await openDetected(file, file.limits);
  if (!opened.ok) {
    const result: FileImport = {
      file: file.name,
      format: file.format ?? 'unknown',
      status: 'failed',
      events: 0,
      errors: [{ file: file.name, line: 1, reason: opened.reason }],
      more_errors: 0,
    };
    return { result };
  }
  const format = opened.detected.format.name;
  const errors: RecordError[] = [];
  let errorCount = 0;
  let events = 0;
  const noteError = (line: number, reason: string, path?: string): void => {
    errorCount += 1;
    if (errors.length < LISTED_ERRORS_PER_FILE) errors.push({ file: file.name, line, ...(path ? { path } : {}), reason });
  };
  let sourceId: number | undefined;
  const tap = new ContentTap(file.limits?.maxRecordBytes);
  const chain = file.chained ? new StreamingRecords() : undefined;
  let reading: SourceReading | undefined;
  let sealed = new SealAccumulator();
  let changed: string | undefined;
  let claimMissed = false;
  const objects = OBJECT_FORMATS.has(format) ? new ObjectCollector(format) : undefined;
  await store.write(
    async (tx) => {
      sourceId = tx.addSource({ name: file.name, format, sha256: file.sha256, size: file.size });
      const id = sourceId;
      // The seal's side tables go into the case a block at a time as the records are read (migration 0024).
      sealed = new SealAccumulator((kind, seq, block) => tx.addSealBlock(id, kind, seq, block));
      let lastPosition = 0;
      try {
        const batches = parseSourceBatches(tapped(counted(opened.content, monitor), tap, chain), opened.detected, file.limits, {
          objects: objects !== undefined,
        });
        for await (const batch of batches) {
          monitor.check();
          for (const record of batch) {
            lastPosition = record.position;
            if (record.ok) {
              const rawSha256 = sha256Hex(record.raw);
              const context = record.context ? { bytes: record.context, sha256: sha256Hex(record.context) } : undefined;
              const ids: number[] = [];
              const rows = record.events.map((event, ordinal) => {
                // The row's values as its seal covers them, computed once for the row and the seal.
                const values = rowValues(event, {
                  ...(record.locator ? { locator: record.locator } : {}),
                  ordinal,
                  raw_sha256: rawSha256,
                  ...(context ? { context_sha256: context.sha256 } : {}),
                });
                ids.push(
                  tx.addEvent({
                    source_id: sourceId!,
                    position: record.position,
                    locator: record.locator,
                    ordinal,
                    raw: record.raw,
                    raw_sha256: rawSha256,
                    ...(context ? { context } : {}),
                    event,
                    values,
                  }),
                );
                return values;
              });
              tap.record(record.raw);
              sealed.add(record.position, record.raw, rows, ids[0] ?? 0);
              objects?.add(record.raw, record.events[0], ids[0], record.objects);
              if (objects && objects.heldDeletions >= DELETION_BATCH) tx.recordDeletions(objects.takeDeletions());
              events += record.events.length;
              monitor.addEvents(record.events.length);
            } else {
              tx.addError(sourceId!, record.line ?? record.position, record.reason, record.locator);
              noteError(record.line ?? record.position, record.reason, record.locator);
            }
          }
        }
      } catch (error) {
        if (error instanceof ImportCancelled) throw error; // rolls the whole file back
        // A read failure mid-file (a corrupt gzip stream, a vanished file) ends this source; the records
        // read before it are kept, and the failure is reported where it happened.
        const reason = `cannot read further: ${(error as Error).message}`;
        tx.addError(sourceId!, lastPosition + 1, reason);
        noteError(lastPosition + 1, reason);
      }
      const content = tap.finish();
      if (chain && content.whole) {
        chain.end();
        reading = { count: chain.count, head: chain.head, size: content.size, sha256: content.sha256 };
      }
      if (file.claimed) {
        // A file that cannot be read whole again (a zip entry that turns out a bomb past its records) is
        // left to the caller too, which names why.
        const read = content.whole ? content : await file.claimed.rehash().catch(() => undefined);
        if (read?.sha256 !== file.sha256 || read.size !== file.size) {
          claimMissed = true;
          return { commit: false, value: undefined };
        }
      }
      changed = await changedWhileRead(file, content);
      if (changed) return { commit: false, value: undefined };
      if (events > 0) await tx.deriveSource(sourceId);
      if (events > 0 && objects) tx.recordObjects(objects.objects(), objects.kinds, objects.takeDeletions());
      if (events === 0 && errorCount === 0) noteError(1, 'no records: the file is empty');
      if (events > 0)
        sealSource(store, tx, {
          source: { id: sourceId, name: file.name, format, sha256: file.sha256, size: file.size },
          importer: format,
          records: sealed,
          content,
        });
      return { commit: events > 0, value: undefined };
    },
    monitor.writerWait,
    { expectedBytes: file.size },
  );
  if (claimMissed) {
    monitor.addEvents(-events); // rolled back: the file is read again
    return { result: cancelledImport(file), claimMissed };
  }
  if (changed) {
    return {
      result: {
        file: file.name,
        format,
        status: 'failed',
        events: 0,
        errors: [{ file: file.name, line: 0, reason: changed }],
        more_errors: 0,
      },
    };
  }
  const result: FileImport = {
    file: file.name,
    format,
    status: events > 0 ? 'imported' : 'failed',
    events,
    errors,
    more_errors: errorCount - errors.length,
  };
  if (events > 0 && format === LEDGER_FORMAT) verifyLedgerSource(store, sourceId!, file.name);
  return events > 0 ? { result, sourceId, ...(reading ? { reading } : {}) } : { result };
}

/**
 * One source of a bundle, read as a stream, never held. A plain source whose manifest hash the case does
 * not hold yet is read once: its content is hashed as it is imported, and must hash to the manifest's
 * claim (verifying the bundle reads it again, as it always does). Any other source, one whose content
 * turns out not to match its claim (an altered bundle: the import of it is rolled back), and one that
 * fails, is hashed first and imported under its own hash, so that the case never holds records under a
 * hash they do not have, and a claim of a hash the case holds never passes an altered file off as already
 * imported.
 */
async function importBundleSource(
  store: CaseStore,
  files: BundleFiles,
  entry: Manifest['sources'][number],
  name: string,
  limits: Limits,
  monitor: ImportMonitor,
): Promise<{ result: FileImport; sourceId?: number; reading?: SourceReading }> {
  const source = {
    name,
    open: async () => streamContent(files.stream(entry.path), limits, name),
    format: entry.type,
    limits,
  };
  if (store.findSourceBySha(entry.sha256) === undefined && !(await storedAsGzip(files, entry.path).catch(() => true))) {
    const claimed = await importOneWithId(
      store,
      {
        ...source,
        sha256: entry.sha256,
        size: entry.size,
        contentSize: entry.size,
        claimed: { rehash: async () => hashStream(files.stream(entry.path)) },
        chained: entry.chain !== undefined && entry.compression === undefined,
      },
      monitor,
    );
    // A file that failed (unreadable, not of its format, nothing kept) is hashed whole below and tried
    // again: a bomb is named by the hash's read, as before, where detection would have stopped first.
    if (!claimed.claimMissed && claimed.result.status !== 'failed') return claimed;
    monitor.expect(1, entry.size); // read again, below
  }
  let hashed;
  try {
    hashed = await hashStream(files.stream(entry.path));
  } catch (error) {
    const reason = `cannot read: ${(error as Error).message}`;
    return {
      result: { file: name, format: entry.type, status: 'failed', events: 0, errors: [{ file: name, line: 0, reason }], more_errors: 0 },
    };
  }
  // Progress counts content bytes: the manifest announced the stored size, the gunzipped one is known now.
  monitor.expect(0, hashed.contentSize - entry.size);
  return importOneWithId(store, { ...source, sha256: hashed.sha256, size: hashed.size, contentSize: hashed.contentSize }, monitor);
}

/** Whether a bundle's file starts as gzip does (its first chunk read, the rest not). */
async function storedAsGzip(files: BundleFiles, path: string): Promise<boolean> {
  for await (const chunk of files.stream(path)) return chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b;
  return false;
}

/**
 * What an import says about a bundle that failed its check: its status, the sources at fault and how many
 * of their records the case now holds (from the first bad record on, for a located break), every problem.
 */
function integrityOf(location: string, verdict: BundleVerdict, imported: Map<string, number>): ImportIntegrity | undefined {
  if (verdictPasses(verdict)) return undefined;
  const atFault = verdict.sources.filter((s) => (verdict.status === 'broken' ? s.verdict === 'broken' : s.verdict !== 'unverifiable'));
  const sources = atFault.map((s) => {
    const held = imported.get(s.path) ?? 0;
    const records = s.first_bad_position !== undefined ? Math.max(0, held - s.first_bad_position + 1) : held;
    return { path: s.path, verdict: s.verdict, records };
  });
  return {
    bundle: location,
    status: verdict.status,
    sources,
    records: sources.reduce((n, s) => n + s.records, 0),
    problems: verdict.problems.map((p) => ({ item: p.item, reason: p.reason })),
    ...(verdict.status === 'untrusted' && verdict.signature.fingerprint ? { fingerprint: verdict.signature.fingerprint } : {}),
  };
}

/** Opens the bundle at a path (a folder or a .zip) and imports it as importBundle does. */
async function importBundleAt(
  store: CaseStore,
  location: string,
  monitor: ImportMonitor,
  options: ImportOptions,
): Promise<{ files: FileImport[]; integrity?: ImportIntegrity }> {
  return importBundle(store, await openBundleFiles(location, options.limits), monitor, options);
}

/**
 * Imports an opened bundle, wherever its files are (on disk, or dropped on the window and held in memory),
 * and verifies it: a bundle that fails is named in the import's report.
 */
async function importBundle(
  store: CaseStore,
  files: BundleFiles,
  monitor: ImportMonitor,
  options: ImportOptions,
): Promise<{ files: FileImport[]; integrity?: ImportIntegrity }> {
  const location = files.location;
  const limits = options.limits ?? resolveLimits();
  const manifestBytes = await files.read(MANIFEST_FILE);
  let manifest: Manifest;
  try {
    manifest = Manifest.parse(JSON.parse(manifestBytes.toString('utf8')));
  } catch (error) {
    const issue = error instanceof z.ZodError ? error.issues[0] : undefined;
    const detail = issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : (error as Error).message;
    throw new ServiceError('invalid_input', `${location}: ${MANIFEST_FILE} is not a v1 bundle manifest (${detail})`);
  }
  const signature = files.list().includes(SIGNATURE_FILE) ? (await files.read(SIGNATURE_FILE)).toString('utf8') : undefined;
  const bundleId = store.recordBundle({
    location,
    manifest_sha256: sha256Hex(manifestBytes),
    manifest: manifestBytes.toString('utf8'),
    ...(signature ? { signature } : {}),
  });
  const bundleName = basename(location.replace(/[\\/]+$/, ''));
  const results: FileImport[] = [];
  const imported = new Map<string, number>();
  const readings = new Map<string, SourceReading>();
  monitor.expect(
    manifest.sources.length,
    manifest.sources.reduce((n, entry) => n + entry.size, 0),
  );
  for (const entry of manifest.sources) {
    if (!files.list().includes(entry.path)) {
      results.push({
        file: `${bundleName}/${entry.path}`,
        format: entry.type,
        status: 'failed',
        events: 0,
        errors: [{ file: `${bundleName}/${entry.path}`, line: 0, reason: 'listed in the manifest but missing from the bundle' }],
        more_errors: 0,
      });
      continue;
    }
    // A source of a format no importer reads yet (the samples carry Events, listings, OTLP and MCP) stays
    // sealed and verified in the bundle; importing it as audit would only turn every record into an error.
    if (!findFormat(entry.type)) {
      results.push({ file: `${bundleName}/${entry.path}`, format: entry.type, status: 'skipped', events: 0, errors: [], more_errors: 0 });
      continue;
    }
    const name = `${bundleName}/${entry.path}`;
    const { result, sourceId, reading } = await importBundleSource(store, files, entry, name, limits, monitor);
    if (sourceId !== undefined) store.linkBundleSource(bundleId, sourceId, entry.path);
    if (reading) readings.set(entry.path, reading);
    if (result.status === 'imported' || result.status === 'already_imported') imported.set(entry.path, result.events);
    results.push(result);
  }
  // The check takes each source this import read whole from that reading: the verdict is about the bytes
  // the case now holds, and the file is not read again.
  const verdict = await verifyImportedBundle(store, files, bundleId, { ...options, limits, readings });
  const integrity = integrityOf(bundleName, verdict, imported);
  return { files: results, ...(integrity ? { integrity } : {}) };
}

function summarize(files: FileImport[], integrity: ImportIntegrity[] = []): ImportReport {
  const cancelled = files.some((f) => f.status === 'cancelled');
  return {
    files,
    events: files.reduce((n, f) => n + (f.status === 'imported' ? f.events : 0), 0),
    errors: files.reduce((n, f) => n + f.errors.length + f.more_errors, 0),
    ...(integrity.length > 0 ? { integrity } : {}),
    ...(cancelled ? { cancelled } : {}),
  };
}

/**
 * Waits while another program writes to the case (a second `causa import`), with the monitor saying so;
 * a cancel meanwhile ends the import with nothing read.
 */
async function waitForCase(store: CaseStore, monitor: ImportMonitor): Promise<void> {
  try {
    await store.waitUntilWritable(monitor.writerWait);
  } catch (error) {
    if (error instanceof ImportCancelled)
      throw new ServiceError('cancelled', 'the import was cancelled while it waited for another import to finish');
    throw error;
  }
}

/** A monitor nobody watches, for callers that need no progress. */
const unwatched = (): ImportMonitor => new ImportMonitor();

/** Expands the given paths into the files to import: a folder means every file under it, in name order. */
export async function collectFiles(paths: string[]): Promise<{ path: string; name: string }[]> {
  const files: { path: string; name: string }[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new ServiceError('io', `${path}: no such file or folder`);
    }
    if (info.isFile()) {
      files.push({ path, name: basename(path) });
    } else if (info.isDirectory()) {
      const entries = await readdir(path, { recursive: true, withFileTypes: true });
      const found = entries
        .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
        .map((entry) => join(entry.parentPath, entry.name))
        .sort();
      for (const file of found) files.push({ path: file, name: join(basename(path), relative(path, file)) });
    } else {
      throw new ServiceError('io', `${path}: not a regular file or folder`);
    }
  }
  return files;
}

export async function importPaths(
  store: CaseStore,
  paths: string[],
  options: ImportOptions = {},
  monitor = unwatched(),
): Promise<ImportReport> {
  if (options.format !== undefined && !findFormat(options.format)) {
    throw new ServiceError('invalid_input', `unknown format "${options.format}"; known formats: ${formatNames().join(', ')}`);
  }
  const limits = options.limits ?? resolveLimits();
  monitor.start(0, 0);
  store.leaveEventIndexes = options.leaveIndexes === true;
  try {
    await waitForCase(store, monitor);
    const results: FileImport[] = [];
    const integrity: ImportIntegrity[] = [];
    const loose: string[] = [];
    for (const path of paths) {
      if (await isBundlePath(path)) {
        const bundle = await importBundleAt(store, path, monitor, { ...options, limits });
        results.push(...bundle.files);
        if (bundle.integrity) integrity.push(bundle.integrity);
      } else loose.push(path);
    }
    // A folder that holds the case file itself (`causa import . --case ./incident.causa`): the case, its
    // WAL and shared-memory files are not evidence.
    const own = resolve(store.path);
    const files = (await collectFiles(loose)).filter((file) => !resolve(file.path).startsWith(own));
    const sized = await Promise.all(
      files.map(async (file) => {
        try {
          const size = (await stat(file.path)).size;
          return { ...file, contentSize: await contentSizeOfFile(file.path, size) };
        } catch (error) {
          throw new ServiceError('io', `${file.path}: cannot read (${(error as Error).message})`);
        }
      }),
    );
    monitor.expect(
      sized.length,
      sized.reduce((n, f) => n + f.contentSize, 0),
    );
    for (const file of sized) {
      let hashed;
      try {
        hashed = await hashFile(file.path);
      } catch (error) {
        throw new ServiceError('io', `${file.path}: cannot read (${(error as Error).message})`);
      }
      const evidence: EvidenceFile = {
        name: file.name,
        ...hashed,
        contentSize: file.contentSize,
        open: () => openContent(file.path, limits),
        limits,
        rehash: () => hashFile(file.path),
        plain: !(await isGzipFile(file.path)),
        ...(options.format ? { format: options.format } : {}),
      };
      results.push(await importOne(store, evidence, monitor));
    }
    return summarize(results, integrity);
  } finally {
    store.leaveEventIndexes = false;
    monitor.finish();
  }
}

/** A file dropped on the window: its name is a path relative to what was dropped ("x.log", "bundle/sources/a.jsonl"). */
export interface UploadedEvidence {
  name: string;
  data: Buffer;
}

/**
 * What the dropped files are, in drop order: bundles (a `.zip` bundle, or the files of a folder holding a
 * manifest.json at its root, rebuilt in memory) and loose files. Names come from the renderer and are
 * untrusted: each must be a relative path with no "..", "." or empty part, no backslash, drive letter or
 * NUL, or the whole drop is refused before anything is read. A name only ever labels and groups bytes;
 * nothing is read from or written to a path it names.
 */
export async function groupUploads(
  files: UploadedEvidence[],
  limits: Limits = resolveLimits(),
): Promise<({ bundle: BundleFiles } | { loose: UploadedEvidence })[]> {
  for (const file of files) {
    if (!isSafeBundlePath(file.name)) {
      throw new ServiceError(
        'invalid_input',
        `"${file.name}": a dropped file's name must be a relative path inside what was dropped; refused`,
      );
    }
  }
  const folders = new Map<string, Map<string, Buffer>>();
  for (const file of files) {
    const slash = file.name.indexOf('/');
    if (slash === -1) continue;
    const folder = file.name.slice(0, slash);
    const inside = folders.get(folder) ?? new Map<string, Buffer>();
    if (inside.has(file.name.slice(slash + 1))) throw new ServiceError('invalid_input', `"${file.name}": dropped twice`);
    inside.set(file.name.slice(slash + 1), file.data);
    folders.set(folder, inside);
  }
  const bundleFolders = new Set([...folders].filter(([, inside]) => inside.has(MANIFEST_FILE)).map(([folder]) => folder));
  const out: ({ bundle: BundleFiles } | { loose: UploadedEvidence })[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const folder = file.name.includes('/') ? file.name.slice(0, file.name.indexOf('/')) : undefined;
    if (folder !== undefined && bundleFolders.has(folder)) {
      if (!seen.has(folder)) out.push({ bundle: bundleFilesFromMemory(folder, folders.get(folder)!) });
      seen.add(folder);
    } else if (file.name.toLowerCase().endsWith('.zip') && looksLikeZip(file.data)) {
      // Exactly what `causa import x.zip` does: a zip is read as a bundle, or refused as not one.
      out.push({ bundle: await bundleFilesFromZip(file.name, file.data, limits) });
    } else {
      out.push({ loose: file });
    }
  }
  return out;
}

/**
 * Imports files dropped on the window: a dropped bundle (`.zip` or folder) is imported and verified as
 * `causa import` does it, and its verdict recorded; other files are imported as loose evidence.
 */
export async function importBuffers(
  store: CaseStore,
  files: UploadedEvidence[],
  monitor = unwatched(),
  limits = resolveLimits(),
): Promise<ImportReport> {
  const groups = await groupUploads(files, limits);
  const loose = groups.flatMap((group) => ('loose' in group ? [group.loose] : []));
  monitor.start(
    loose.length,
    loose.reduce((n, f) => n + contentSizeOf(f.data), 0),
  );
  try {
    await waitForCase(store, monitor);
    const results: FileImport[] = [];
    const integrity: ImportIntegrity[] = [];
    for (const group of groups) {
      if ('bundle' in group) {
        const bundle = await importBundle(store, group.bundle, monitor, { limits });
        results.push(...bundle.files);
        if (bundle.integrity) integrity.push(bundle.integrity);
        continue;
      }
      const file = group.loose;
      const evidence: EvidenceFile = {
        name: file.name,
        sha256: sha256Hex(file.data),
        size: file.data.length,
        contentSize: contentSizeOf(file.data),
        open: async () => bufferContent(file.data, limits, file.name),
        limits,
      };
      results.push(await importOne(store, evidence, monitor));
    }
    return summarize(results, integrity);
  } finally {
    monitor.finish();
  }
}
