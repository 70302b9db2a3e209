// Seals a source as it is imported, and re-checks every seal of a case: the signature, the chain of seals,
// the source row, the import errors, and each record and event row by position (core/verify/case-seal.ts).
// The normalized fields are then derived again from the raw bytes by the importer that made them, so a
// row whose fields were rewritten is named with the fields that differ (docs/threat-model.md).
import { createHash } from 'node:crypto';
import { GENESIS, hashEntry } from '../core/analysis/journal';
import { checkSignature, signManifest, SignatureFile } from '../core/bundle/signing';
import {
  betweenHashes,
  canonicalBytes,
  errorsDigest,
  headBytes,
  rebuildContent,
  SEAL_GENESIS,
  SEAL_KIND,
  SealedRecordCheck,
  sealHash,
  tableHashes,
  type ContentTap,
  type Finding,
  type SealAccumulator,
  type SealBody,
} from '../core/verify/case-seal';
import type { BundleVerdict, Problem, SourceVerdict } from '../core/verify/bundle';
import { detectFormat, findFormat, parseSourceBatches, PROBE_BYTES } from '../core/ingest';
import { CAUSA_VERSION } from '../shared/version';
import type { JournalEntry } from '../shared/analysis';
import type { CaseStore, WriteTransaction } from '../store/case-store';
import { readJournal } from '../store/journal';
import {
  listStoredSources,
  pageSourceDigestTexts,
  pageSourceRows,
  readJournalHeads,
  readSealEpoch,
  readSeals,
  rowValues,
  SEALED_VALUES,
  sourceErrors,
  type SealRow,
  type StoredRow,
} from '../store/seals';
import { LeafStream, type LeafPage } from '../store/seal-leaves';
import { installationKey } from './trust';
import { sha256Hex } from '../core/bundle/hashing';

/**
 * From this many records, a source's leaves are hashed on a second thread: below it, starting the worker
 * (about 30 ms) costs more than it saves.
 */
export const PARALLEL_FROM = 20_000;

/** PARALLEL_FROM, or `CAUSA_SEAL_PARALLEL_FROM` (the tests run every tampering through both paths with 0). */
function parallelFrom(env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env.CAUSA_SEAL_PARALLEL_FROM);
  return env.CAUSA_SEAL_PARALLEL_FROM !== undefined && Number.isInteger(given) && given >= 0 ? given : PARALLEL_FROM;
}

/** How many findings of one source are listed (the rest are counted). */
export const LISTED_FINDINGS = 200;

/** Seals a source just written, inside its import transaction. */
export function sealSource(
  store: CaseStore,
  tx: WriteTransaction,
  input: {
    source: SealBody['source'];
    importer: string;
    records: SealAccumulator;
    content: ReturnType<ContentTap['finish']>;
  },
): void {
  const key = installationKey();
  const tables = input.records.tables();
  const errors = sourceErrors(store, input.source.id);
  const previous = tx.lastSeal();
  const { between, gap_lengths } = input.content;
  const body: SealBody = {
    kind: SEAL_KIND,
    version: 1,
    epoch: tx.sealEpoch(),
    prev_seal: previous ? sealHash(previous.seal) : SEAL_GENESIS,
    source: input.source,
    importer: { name: input.importer, version: CAUSA_VERSION },
    records: input.records.records,
    events: input.records.events,
    first_event_id: input.records.firstEventId,
    errors: errors.length,
    errors_sha256: errorsDigest(errors),
    merkle_root: tables.merkle_root,
    ...tableHashes(tables),
    content:
      between && gap_lengths ? { sha256: input.content.sha256, size: input.content.size, ...betweenHashes(between, gap_lengths) } : null,
    sealed_at: new Date().toISOString(),
  };
  const text = canonicalBytes(body);
  tx.addSeal({
    source_id: input.source.id,
    seal: text.toString('utf8'),
    leaves: tables.leaves,
    positions: tables.positions,
    rows: tables.rows,
    ...(between && gap_lengths ? { gaps: between, gap_lengths } : {}),
    signature: JSON.stringify(signManifest(text, key.privateKey)),
  });
}

/** The signature of a journal head (the installation key), kept beside the entry it ends. */
export function signJournalHead(store: CaseStore, head: { seq: number; hash: string }): string {
  const epoch = readSealEpoch(store) ?? { after_source: 0, after_journal: 0 };
  return JSON.stringify(signManifest(headBytes(head, epoch), installationKey().privateKey));
}

type SignatureCheck = { ok: true; fingerprint: string } | { ok: false; reason: string; fingerprint?: string };

function checkSealSignature(bytes: Buffer, signatureText: string, trusted: ReadonlySet<string>): SignatureCheck {
  let parsed;
  try {
    parsed = SignatureFile.safeParse(JSON.parse(signatureText));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) return { ok: false, reason: 'its signature is not a signature file' };
  const checked = checkSignature(bytes, parsed.data);
  if (!checked.valid)
    return { ok: false, reason: `its signature does not hold (${checked.reason ?? 'invalid'})`, fingerprint: checked.fingerprint };
  if (!trusted.has(checked.fingerprint)) {
    return {
      ok: false,
      reason: `signed by key ${checked.fingerprint}, which is neither this installation's key nor in the trust store`,
      fingerprint: checked.fingerprint,
    };
  }
  return { ok: true, fingerprint: checked.fingerprint };
}

export interface SealCheckOptions {
  trusted: ReadonlySet<string>;
  /** Derive every row again with the importer even when the signed row digests all hold. */
  rederive?: boolean;
  /** From how many records a source's leaves are hashed on a worker thread (PARALLEL_FROM unless set). */
  parallelFrom?: number;
  pause: () => Promise<void>;
  beginSource?: (name: string, records: number) => void;
  advance?: (records: number) => void;
}

/** Groups a source's stored rows (of any of the page reads) into records (rows of one position), a page at a time. */
function* grouped<R extends { position: bigint; raw: Buffer | undefined }>(
  pages: Iterable<R[]>,
  onPage?: (records: number) => void,
): Generator<{ position: number; raw: R['raw']; rows: R[] }> {
  let current: { position: number; raw: R['raw']; rows: R[] } | undefined;
  for (const page of pages) {
    let started = 0;
    for (const row of page) {
      const position = Number(row.position);
      if (current && current.position === position) current.rows.push(row);
      else {
        if (current) yield current;
        current = { position, raw: row.raw, rows: [row] };
        started += 1;
      }
    }
    onPage?.(started);
  }
  if (current) yield current;
}

/** A source's stored records with their rows' sealed values. */
function storedRecords(store: CaseStore, sourceId: number): Generator<{ position: number; raw: Buffer; rows: StoredRow[] }> {
  return grouped(pageSourceRows(store, sourceId));
}

interface SourceResult {
  verdict: SourceVerdict;
  findings: Finding[];
  problems: Problem[];
}

/** Re-checks one sealed source. */
async function checkSealedSource(
  store: CaseStore,
  source: ReturnType<typeof listStoredSources>[number],
  row: SealRow,
  expected: { prev: string; epoch: { after_source: number; after_journal: number } },
  options: SealCheckOptions,
): Promise<SourceResult> {
  const base = { path: source.name, type: source.format };
  const problems: Problem[] = [];
  const broken = (reason: string): SourceResult => ({
    verdict: { ...base, verdict: 'broken', reason },
    findings: [],
    problems: [{ item: source.name, reason }],
  });
  const signature = checkSealSignature(Buffer.from(row.seal, 'utf8'), row.signature, options.trusted);
  if (!signature.ok) return broken(`the seal of ${source.name} ${signature.reason}: seal altered or not made here`);
  let body: SealBody;
  try {
    body = JSON.parse(row.seal) as SealBody;
  } catch {
    return broken(`the seal of ${source.name} is not JSON: seal altered`);
  }
  if (body.kind !== SEAL_KIND || body.source.id !== source.id)
    return broken(`the seal kept for source ${source.id} belongs to source ${body.source?.id}: seal moved`);
  const sourceFields = (['name', 'format', 'sha256', 'size'] as const).filter((f) => body.source[f] !== source[f]);
  if (sourceFields.length > 0)
    problems.push({
      item: source.name,
      reason: `the source row's ${sourceFields.join(', ')} differ from the sealed ones: source row altered`,
    });
  if (body.prev_seal !== expected.prev)
    problems.push({ item: source.name, reason: 'the seal does not follow the seal before it: a seal was removed, inserted or replaced' });
  if (body.epoch.after_source !== expected.epoch.after_source || body.epoch.after_journal !== expected.epoch.after_journal) {
    problems.push({ item: source.name, reason: 'the seal epoch kept in the case differs from the one sealed: seal_epoch altered' });
  }
  // The adversary's client can store any type in any column: a side table that is not a blob is altered.
  const notBlob = (['leaves', 'positions', 'rows'] as const).find((t) => !Buffer.isBuffer(row[t]));
  if (notBlob) return broken(`the sealed ${notBlob} kept for ${source.name} are not the bytes sealed: seal tables altered`);
  if ((row.gaps !== null && !Buffer.isBuffer(row.gaps)) || (row.gap_lengths !== null && !Buffer.isBuffer(row.gap_lengths))) {
    return broken(`the bytes kept between the records of ${source.name} are not the bytes sealed: between bytes altered`);
  }
  const tables = tableHashes(row);
  for (const table of ['leaves', 'positions', 'rows'] as const) {
    if (tables[`${table}_sha256`] !== body[`${table}_sha256`])
      return broken(`the sealed ${table} kept for ${source.name} differ from the signed seal: seal tables altered`);
  }
  const errors = sourceErrors(store, source.id);
  if (errors.length !== body.errors || errorsDigest(errors) !== body.errors_sha256) {
    problems.push({
      item: source.name,
      reason: `the import errors kept for ${source.name} (${errors.length}) differ from the ${body.errors} sealed: import_error rows altered`,
    });
  }
  if (
    body.content &&
    (!row.gaps ||
      !row.gap_lengths ||
      betweenHashes(row.gaps, row.gap_lengths).between_sha256 !== body.content.between_sha256 ||
      betweenHashes(row.gaps, row.gap_lengths).between_lengths_sha256 !== body.content.between_lengths_sha256)
  ) {
    problems.push({ item: source.name, reason: 'the bytes kept between records differ from the sealed ones: between bytes altered' });
  }

  options.beginSource?.(source.name, body.records);
  // One read of the rows: each stored record is checked against the seal as it is fed, in its place among
  // the bytes between records, to the importer that made it (when those bytes were kept).
  const check = new SealedRecordCheck({ ...row, first_event_id: body.first_event_id, events: body.events });
  let rowsSeen = 0;
  let records = 0;
  // A large source's leaves are hashed by a worker thread (its own read of the raw bytes) while this thread
  // reads and hashes the rows' sealed values: the check then takes about as long as the larger half.
  const leaves = body.records >= (options.parallelFrom ?? parallelFrom()) ? new LeafStream(store, source.id) : undefined;
  let leafPage: LeafPage | null = null;
  let leafIndex = 0;
  try {
    let work = 0;
    for (const record of grouped(pageSourceDigestTexts(store, source.id, { raw: !leaves }), options.advance)) {
      records += 1;
      rowsSeen += record.rows.length;
      const ids = record.rows.map((r) => r.id);
      const rowsText = record.rows.length === 1 ? record.rows[0]!.text : record.rows.map((r) => r.text).join('');
      if (leaves) {
        while (!leafPage || leafIndex >= leafPage.positions.length) {
          leafPage = await leaves.next();
          leafIndex = 0;
          if (!leafPage) break;
        }
        if (!leafPage || leafPage.positions[leafIndex] !== record.position) {
          throw new Error(`the records of ${source.name} changed while their seal was checked: verify again`);
        }
        const leaf = leafPage.leaves.subarray(32 * leafIndex, 32 * leafIndex + 32);
        leafIndex += 1;
        check.add({ position: record.position, ids, leaf, rowsText });
      } else {
        check.add({ position: record.position, ids, raw: record.raw!, rowsText });
      }
      if (++work % 1024 === 0) await options.pause();
    }
  } finally {
    await leaves?.close();
  }
  const findings = check.finish();
  if (rowsSeen !== body.events && !findings.length) {
    findings.push({ position: 0, nature: 'modified', reason: `${rowsSeen} event rows where ${body.events} were sealed` });
  }
  // What the importer made of the rebuilt content counts only while the records are where they were sealed
  // (a record removed from a line-based source shifts every line after it); a row changed in place is then
  // named with the fields that differ, in place of the bare row-digest finding.
  const structural = findings.some((f) => f.nature !== 'modified' || !f.reason.includes('normalized fields'));
  // The signed row digests prove each row is what the importer made at import. The importer reads the
  // records again (a second pass, over the content rebuilt from the case) when that proof is not enough:
  // rows differ from their digests (to name the fields), the importer is of another version (to say what
  // it now derives), or a full re-derivation was asked for.
  const rowsDiffer = findings.length > 0;
  const changed = body.importer.version !== CAUSA_VERSION;
  if (!structural && body.content && row.gaps && row.gap_lengths && (rowsDiffer || changed || options.rederive)) {
    const derived = await rederive(store, source, body, row, options);
    if (problems.length === 0 && derived.content !== body.content.sha256) {
      problems.push({ item: source.name, reason: `the content rebuilt from the case does not hash to the sealed ${body.content.sha256}` });
    }
    const named = new Set(derived.findings.map((f) => f.position));
    findings.splice(
      0,
      findings.length,
      ...findings.filter((f) => !named.has(f.position) || !f.reason.includes('normalized fields')),
      ...derived.findings,
    );
    findings.sort((a, b) => a.position - b.position);
    problems.push(...derived.notes);
  }
  for (const finding of findings.slice(0, LISTED_FINDINGS))
    problems.push({
      item: source.name,
      reason: finding.reason,
      ...(finding.position > 0 ? { position: finding.position, nature: finding.nature } : {}),
    });
  if (findings.length > LISTED_FINDINGS)
    problems.push({ item: source.name, reason: `${findings.length - LISTED_FINDINGS} more findings not listed` });
  const first = findings
    .filter((f) => f.position > 0)
    .reduce<Finding | undefined>((min, f) => (!min || f.position < min.position ? f : min), undefined);
  const bad = problems.filter((p) => !p.reason.startsWith('importer changed')).length > 0;
  const verdict: SourceVerdict = bad
    ? {
        ...base,
        verdict: 'broken',
        records,
        ...(first ? { first_bad_position: first.position, nature: first.nature } : {}),
        reason: problems[0]!.reason,
      }
    : { ...base, verdict: 'intact', records };
  return { verdict, findings, problems };
}

async function* asyncOf(pieces: Iterable<Buffer>): AsyncGenerator<Buffer> {
  // The importer reads content in chunks; a run of pieces is joined up to a MiB at a time.
  let run: Buffer[] = [];
  let size = 0;
  for (const piece of pieces) {
    run.push(piece);
    size += piece.length;
    if (size >= 1 << 20) {
      yield Buffer.concat(run, size);
      run = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.concat(run, size);
}

interface Derived {
  findings: Finding[];
  notes: Problem[];
  /** SHA-256 of the content rebuilt from the case (records and the bytes between them). */
  content?: string;
}

/**
 * Rebuilds the content from the case (each stored record in its place among the bytes between records),
 * derives every row's normalized fields again from that content with the importer named in the seal (documents and
 * stateful formats read a record in its context), and names each row whose stored fields differ and which
 * fields. An importer of another version is reported as such, not as tampering.
 */
async function rederive(
  store: CaseStore,
  source: { id: number; name: string },
  body: SealBody,
  row: SealRow,
  options: SealCheckOptions,
): Promise<Derived> {
  const contentHash = createHash('sha256');
  const waiting = new Map<number, StoredRow[]>();
  const stored = storedRecords(store, source.id);
  function* pieces(): Generator<Buffer> {
    for (const piece of rebuildContent(
      (function* () {
        for (const record of stored) {
          waiting.set(record.position, record.rows);
          yield record.raw;
        }
      })(),
      row.gaps!,
      row.gap_lengths!,
    )) {
      contentHash.update(piece);
      yield piece;
    }
  }
  const content = asyncOf(pieces());
  const iterator = content[Symbol.asyncIterator]();
  const drain = async (): Promise<string> => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) await options.pause();
    return contentHash.digest('hex');
  };
  const format = findFormat(body.importer.name);
  if (!format) {
    return {
      findings: [],
      notes: [
        {
          item: source.name,
          reason: `importer changed: ${body.importer.name} is no longer a format this Causa reads; fields not derived again`,
        },
      ],
      content: await drain(),
    };
  }
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  const detected = detectFormat(head.subarray(0, PROBE_BYTES), format);
  if (!detected.ok) {
    return {
      findings: [],
      notes: [{ item: source.name, reason: `importer changed: ${body.importer.name} no longer reads this source (${detected.reason})` }],
      content: await drain(),
    };
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (!first.done) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
      await options.pause();
    }
  }
  const changed = body.importer.version !== CAUSA_VERSION;
  const findings: Finding[] = [];
  for await (const batch of parseSourceBatches(all(), detected)) {
    for (const record of batch) {
      if (!record.ok) continue;
      const rows = waiting.get(record.position);
      if (!rows) continue;
      waiting.delete(record.position);
      const rawSha = sha256Hex(record.raw);
      record.events.forEach((event, ordinal) => {
        const context = record.context ? { context_sha256: sha256Hex(record.context) } : {};
        const want = rowValues(event, { ...(record.locator ? { locator: record.locator } : {}), ordinal, raw_sha256: rawSha, ...context });
        const have = rows[ordinal]?.values;
        const differ = have ? SEALED_VALUES.flatMap((_, i) => (String(want[i] ?? '') !== String(have[i] ?? '') ? [i] : [])) : [];
        if (have && differ.length === 0) return;
        const detail = have
          ? differ
              .map(
                (i) =>
                  `${SEALED_VALUES[i]} is ${JSON.stringify(have[i] === null ? null : String(have[i]))}, derived ${JSON.stringify(want[i] === null ? null : String(want[i]))}`,
              )
              .join('; ')
          : 'the row is missing';
        findings.push({
          position: record.position,
          nature: 'modified',
          reason: changed
            ? `importer changed: ${body.importer.name} ${body.importer.version} made record ${record.position}'s row ${ordinal}, ${CAUSA_VERSION} derives other fields (${detail})`
            : `record ${record.position}'s row ${ordinal} was not derived from its raw bytes (${detail}): normalized fields rewritten`,
        });
      });
    }
  }
  const digest = await drain();
  if (changed)
    return { findings: [], notes: findings.map((f) => ({ item: source.name, reason: f.reason, position: f.position })), content: digest };
  return { findings, notes: [], content: digest };
}

/** Re-checks every source's seal: the case's own verdict, one source each, located by position. */
export async function verifyCaseSeals(store: CaseStore, location: string, options: SealCheckOptions): Promise<BundleVerdict> {
  const problems: Problem[] = [];
  const sources: SourceVerdict[] = [];
  for (const schema of store.schemaProblems)
    problems.push({ item: 'schema', reason: `${schema}: the case file's schema was changed outside Causa` });
  const epoch = readSealEpoch(store);
  if (!epoch) problems.push({ item: 'seal_epoch', reason: 'the seal epoch is missing: seal_epoch altered' });
  const seals = new Map(readSeals(store).map((row) => [row.source_id, row]));
  let prev = SEAL_GENESIS;
  for (const source of listStoredSources(store)) {
    const row = seals.get(source.id);
    seals.delete(source.id);
    if (!row) {
      if (epoch && source.id <= epoch.after_source) {
        sources.push({
          path: source.name,
          type: source.format,
          verdict: 'unverifiable',
          reason: 'imported before this case sealed its sources',
        });
      } else {
        const reason = `${source.name} has no seal: seal removed`;
        sources.push({ path: source.name, type: source.format, verdict: 'broken', reason });
        problems.push({ item: source.name, reason });
      }
      continue;
    }
    const result = await checkSealedSource(store, source, row, { prev, epoch: epoch ?? { after_source: -1, after_journal: -1 } }, options);
    prev = sealHash(row.seal);
    sources.push(result.verdict);
    problems.push(...result.problems);
  }
  for (const [sourceId] of seals)
    problems.push({
      item: `source ${sourceId}`,
      reason: `a seal is kept for source ${sourceId}, which is not in the case: source row deleted`,
    });
  const fingerprint = installationKey().fingerprint;
  const brokenProblems = problems.filter((p) => !p.reason.startsWith('importer changed'));
  return {
    bundle: location,
    files_checked: 0,
    sources,
    signature: { status: 'valid', fingerprint, trusted: true },
    timestamp: { status: 'absent' },
    problems,
    // Signed by this installation's key, always: its status is intact or broken, never unsigned.
    status: brokenProblems.length === 0 ? 'intact' : 'broken',
    signature_expected: true,
    intact: brokenProblems.length === 0,
  };
}

/** Which key made each signed head found valid, or null: a head's signature is checked once per case. */
const headSigners = new WeakMap<CaseStore, Map<string, string | null>>();

function headSigner(
  store: CaseStore,
  head: { seq: number; hash: string; signature: string },
  epoch: { after_source: number; after_journal: number },
): string | null {
  let known = headSigners.get(store);
  if (!known) headSigners.set(store, (known = new Map()));
  const key = `${epoch.after_source}\n${epoch.after_journal}\n${head.seq}\n${head.hash}\n${head.signature}`;
  let signer = known.get(key);
  if (signer === undefined) {
    let parsed;
    try {
      parsed = SignatureFile.safeParse(JSON.parse(head.signature));
    } catch {
      parsed = undefined;
    }
    const checked = parsed?.success ? checkSignature(headBytes(head, epoch), parsed.data) : undefined;
    signer = checked?.valid ? checked.fingerprint : null;
    known.set(key, signer);
  }
  return signer;
}

/**
 * The journal entries a valid signed head vouches for, by a key in `trusted`: from the first entry up to
 * the last one whose own head holds, and never past the first entry `verifyJournalHeads` would name (one
 * changed, out of chain, or written after the seal epoch without a valid signed head of its own). An entry
 * written outside Causa therefore counts for nothing, even once Causa signs an entry after it.
 */
export function signedJournalEntries(
  store: CaseStore,
  trusted: ReadonlySet<string>,
  entries: readonly JournalEntry[] = readJournal(store),
): JournalEntry[] {
  const epoch = readSealEpoch(store) ?? { after_source: -1, after_journal: -1 };
  const heads = new Map(readJournalHeads(store).map((head) => [head.seq, head]));
  let prevHash = GENESIS;
  let covered = 0;
  for (const [i, entry] of entries.entries()) {
    if (entry.prev_hash !== prevHash || hashEntry(entry.prev_hash, entry) !== entry.hash) break;
    prevHash = entry.hash;
    const head = heads.get(entry.seq);
    const signer = head && head.hash === entry.hash ? headSigner(store, head, epoch) : null;
    if (signer !== null && trusted.has(signer)) covered = i + 1;
    else if (entry.seq > epoch.after_journal) break;
  }
  return entries.slice(0, covered);
}

/** The journal's chain and its signed heads: an entry changed after its head was signed is named. */
export function verifyJournalHeads(store: CaseStore, trusted: ReadonlySet<string>): BundleVerdict {
  const entries = readJournal(store);
  const heads = readJournalHeads(store);
  const epoch = readSealEpoch(store) ?? { after_source: -1, after_journal: -1 };
  const problems: Problem[] = [];
  const byseq = new Map(entries.map((e) => [e.seq, e]));
  const signed = new Set<number>();
  for (const head of heads) {
    if (head.seq > epoch.after_journal) signed.add(head.seq);
    const check = checkSealSignature(headBytes(head, epoch), head.signature, trusted);
    if (!check.ok) {
      problems.push({
        item: 'journal',
        reason: `the signed head at entry ${head.seq} ${check.reason}: head altered`,
        position: head.seq,
        nature: 'modified',
      });
      continue;
    }
    const entry = byseq.get(head.seq);
    if (!entry)
      problems.push({
        item: 'journal',
        reason: `entry ${head.seq} was signed but is no longer in the journal: entry deleted`,
        position: head.seq,
        nature: 'deleted',
      });
    else if (entry.hash !== head.hash) {
      problems.push({
        item: 'journal',
        reason: `entry ${head.seq} is not the entry whose head was signed: entry changed after the fact (journal rewritten)`,
        position: head.seq,
        nature: 'modified',
      });
    }
  }
  let prevHash = '0'.repeat(64);
  for (const entry of entries) {
    if (entry.seq > epoch.after_journal && !signed.has(entry.seq)) {
      problems.push({
        item: 'journal',
        reason: `entry ${entry.seq} has no signed head: entry written outside Causa`,
        position: entry.seq,
        nature: 'inserted',
      });
    }
    if (hashEntry(entry.prev_hash, entry) !== entry.hash) {
      problems.push({
        item: 'journal',
        reason: `entry ${entry.seq} was modified (its hash does not match its content)`,
        position: entry.seq,
        nature: 'modified',
      });
    }
    if (entry.prev_hash !== prevHash)
      problems.push({
        item: 'journal',
        reason: `entry ${entry.seq} does not follow entry ${entry.seq - 1}: chain broken`,
        position: entry.seq,
        nature: 'reordered',
      });
    prevHash = entry.hash;
  }
  problems.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const first = problems[0];
  return {
    bundle: 'analyst journal',
    files_checked: 0,
    sources: [
      first
        ? {
            path: 'journal',
            type: 'journal',
            verdict: 'broken',
            records: entries.length,
            ...(first.position ? { first_bad_position: first.position, nature: first.nature } : {}),
            reason: first.reason,
          }
        : {
            path: 'journal',
            type: 'journal',
            verdict: entries.length > 0 && entries.every((e) => e.seq <= epoch.after_journal) ? 'unverifiable' : 'intact',
            records: entries.length,
          },
    ],
    signature: { status: 'valid', fingerprint: installationKey().fingerprint, trusted: true },
    timestamp: { status: 'absent' },
    problems,
    status: problems.length === 0 ? 'intact' : 'broken',
    signature_expected: true,
    intact: problems.length === 0,
  };
}
