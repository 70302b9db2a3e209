// Bundles, their sealed leaves, and the verifications run on them, as the case file keeps them.
import type { CaseStore } from './case-store';
import { rawSql } from './raw-blocks';

export interface StoredBundle {
  id: number;
  location: string;
  manifest_sha256: string;
  manifest: string;
  signature: string | null;
  imported_at: string;
  sources: { source_id: number; bundle_path: string }[];
}

/** How many 32-byte leaves a block of sealed leaves holds (1 MiB). */
export const LEAVES_PER_BLOCK = 32_768;

/** A block of a bundle source's sealed leaves, 32 bytes each (migration 0025), written as the file is read. */
export function addSealedLeafBlock(store: CaseStore, bundleId: number, bundlePath: string, seq: number, leaves: Buffer): void {
  store.writeNow(() =>
    store.db
      .prepare('INSERT INTO sealed_leaf_block (bundle_id, bundle_path, seq, leaves) VALUES (?, ?, ?, ?)')
      .run(bundleId, bundlePath, seq, leaves),
  );
}

/**
 * A bundle source's sealed leaves as the case keeps them, in order, a block in memory at a time: the hex
 * text of a case made before migration 0025, then the blocks. Undefined when the case keeps none. A value
 * a forger stored as another type, or a block cut short, reads as leaves that no longer fold to the signed
 * Merkle root: the check says so.
 */
export function sealedLeavesOf(store: CaseStore, bundleId: number, bundlePath: string): Iterable<Buffer> | undefined {
  const text = store.db
    .prepare('SELECT leaves FROM sealed_leaves WHERE bundle_id = ? AND bundle_path = ?')
    .pluck()
    .get(bundleId, bundlePath) as unknown;
  const hasBlocks = store.db
    .prepare('SELECT 1 FROM sealed_leaf_block WHERE bundle_id = ? AND bundle_path = ? LIMIT 1')
    .pluck()
    .get(bundleId, bundlePath);
  if (text === undefined && hasBlocks === undefined) return undefined;
  return (function* () {
    if (text !== undefined) {
      for (const line of String(text).split('\n')) if (line !== '') yield Buffer.from(line, 'hex');
    }
    const next = store.db
      .prepare('SELECT seq, leaves FROM sealed_leaf_block WHERE bundle_id = ? AND bundle_path = ? AND seq > ? ORDER BY seq LIMIT 1')
      .raw(true);
    let after = -1;
    for (;;) {
      const block = next.get(bundleId, bundlePath, after) as [number, unknown] | undefined;
      if (!block) return;
      after = block[0];
      const bytes = Buffer.isBuffer(block[1]) ? block[1] : Buffer.from(String(block[1]), 'utf8');
      for (let at = 0; at < bytes.length; at += 32) yield bytes.subarray(at, Math.min(at + 32, bytes.length));
    }
  })();
}

/**
 * Every bundle source's sealed leaves as hex text, one leaf a line, as the bundle's leaves files hold them:
 * for an excerpt, whose inclusion proofs need every leaf of the sources it cites.
 */
export function sealedLeavesText(store: CaseStore, bundleId: number): Map<string, string> {
  const paths = store.db
    .prepare(
      'SELECT bundle_path FROM sealed_leaves WHERE bundle_id = ? UNION SELECT bundle_path FROM sealed_leaf_block WHERE bundle_id = ?',
    )
    .pluck()
    .all(bundleId, bundleId) as string[];
  const texts = new Map<string, string>();
  for (const path of paths) {
    const leaves = sealedLeavesOf(store, bundleId, path);
    if (leaves) texts.set(path, [...leaves].map((leaf) => `${leaf.toString('hex')}\n`).join(''));
  }
  return texts;
}

export function recordVerification(
  store: CaseStore,
  entry: { subject: 'bundle' | 'case' | 'ledger' | 'seal' | 'journal'; bundle_id: number | null; intact: boolean; verdict: unknown },
): { id: number; at: string } {
  const at = new Date().toISOString();
  const result = store.writeNow(() =>
    store.db
      .prepare('INSERT INTO verification (at, subject, bundle_id, intact, verdict) VALUES (?, ?, ?, ?, ?)')
      .run(at, entry.subject, entry.bundle_id, entry.intact ? 1 : 0, JSON.stringify(entry.verdict)),
  );
  return { id: Number(result.lastInsertRowid), at };
}

export function listBundles(store: CaseStore): StoredBundle[] {
  const bundles = store.db.prepare('SELECT * FROM bundle ORDER BY id').all() as Omit<StoredBundle, 'sources'>[];
  const sources = store.db.prepare('SELECT source_id, bundle_path FROM bundle_source WHERE bundle_id = ? ORDER BY bundle_path');
  return bundles.map((bundle) => ({ ...bundle, sources: sources.all(bundle.id) as StoredBundle['sources'] }));
}

/** Which source came from which bundle, and under what path (without the bundles' sealed leaves). */
export function bundleSourceLinks(store: CaseStore): { bundle_id: number; source_id: number; bundle_path: string }[] {
  return store.db.prepare('SELECT bundle_id, source_id, bundle_path FROM bundle_source ORDER BY bundle_id, bundle_path').all() as {
    bundle_id: number;
    source_id: number;
    bundle_path: string;
  }[];
}

export interface VerificationRow {
  id: number;
  at: string;
  subject: 'bundle' | 'case';
  bundle_id: number;
  intact: boolean;
  verdict: unknown;
}

/** The latest verification of each bundle (whichever subject ran last). */
export function latestVerifications(store: CaseStore): VerificationRow[] {
  const rows = store.db
    .prepare(
      `SELECT v.* FROM verification v
       WHERE v.id = (SELECT max(id) FROM verification w WHERE w.bundle_id = v.bundle_id)
       ORDER BY v.bundle_id`,
    )
    .all() as (Omit<VerificationRow, 'intact' | 'verdict'> & { intact: number; verdict: string })[];
  return rows.map((row) => ({ ...row, intact: row.intact === 1, verdict: JSON.parse(row.verdict) as unknown }));
}

/**
 * The same records a page at a time, each page read whole by position (the UNIQUE (source_id, position,
 * ordinal) index), so that no statement stays open between pages: a caller that pauses between them leaves
 * the connection free for the other queries that arrive meanwhile.
 */
export function* pageSourceRecords(
  store: CaseStore,
  sourceId: number,
  size = 2000,
): Generator<{ position: number; raw: Buffer; locator: string | null; context: Buffer | null }[]> {
  // A document record's JSON path and context (migration 0012) come along: a document sealed value by
  // value proves each record by its path and bytes, and its context values the same way.
  const statement = store.db.prepare(`SELECT e.position, ${rawSql('e')} AS raw, e.locator, c.bytes AS context FROM event e
    LEFT JOIN event_context ec ON ec.event_id = e.id LEFT JOIN record_context c ON c.sha256 = ec.context_sha256
    WHERE e.source_id = ? AND e.ordinal = 0 AND e.position > ? ORDER BY e.position LIMIT ?`);
  let after = 0;
  for (;;) {
    const page = statement.all(sourceId, after, size) as {
      position: number;
      raw: Buffer;
      locator: string | null;
      context: Buffer | null;
    }[];
    if (page.length === 0) return;
    yield page;
    if (page.length < size) return;
    after = page.at(-1)!.position;
  }
}

/** How many records (not events) of one source the case keeps. */
export function countSourceRecords(store: CaseStore, sourceId: number): number {
  return (store.db.prepare('SELECT count(*) AS n FROM event WHERE source_id = ? AND ordinal = 0').get(sourceId) as { n: number }).n;
}

/** Records each verification of one run together: all of them or, should one fail, none. */
export function recordVerifications(
  store: CaseStore,
  entries: { subject: 'bundle' | 'case' | 'ledger' | 'seal' | 'journal'; bundle_id: number | null; intact: boolean; verdict: unknown }[],
): { id: number; at: string }[] {
  return store.writeNow(() => store.db.transaction(() => entries.map((entry) => recordVerification(store, entry)))());
}

/** The latest check of each ledger source's embedded chain (subject 'ledger', no bundle), by source id. */
export function latestLedgerVerifications(store: CaseStore): Map<number, { at: string; verdict: unknown }> {
  const rows = store.db.prepare("SELECT at, verdict FROM verification WHERE subject = 'ledger' ORDER BY id").all() as {
    at: string;
    verdict: string;
  }[];
  const latest = new Map<number, { at: string; verdict: unknown }>();
  for (const row of rows) {
    const verdict = JSON.parse(row.verdict) as { source_id?: unknown };
    if (typeof verdict.source_id === 'number') latest.set(verdict.source_id, { at: row.at, verdict });
  }
  return latest;
}

/** Every verification the case recorded, oldest first: what a report lists as checked when. */
export function allVerifications(
  store: CaseStore,
): { at: string; subject: string; bundle_id: number | null; intact: boolean; verdict: unknown }[] {
  const rows = store.db.prepare('SELECT at, subject, bundle_id, intact, verdict FROM verification ORDER BY id').all() as {
    at: string;
    subject: string;
    bundle_id: number | null;
    intact: number;
    verdict: string;
  }[];
  return rows.map((row) => ({ ...row, intact: row.intact === 1, verdict: JSON.parse(row.verdict) as unknown }));
}

/** Where one event's record sits: its source, its 1-based position, and its raw bytes. */
export function eventRecord(
  store: CaseStore,
  id: number,
): { source_id: number; position: number; raw: Buffer; locator: string | null; context: Buffer | null } | undefined {
  return store.db
    .prepare(
      `SELECT e.source_id, e.position, ${rawSql('e')} AS raw, e.locator, c.bytes AS context FROM event e
      LEFT JOIN event_context ec ON ec.event_id = e.id LEFT JOIN record_context c ON c.sha256 = ec.context_sha256 WHERE e.id = ?`,
    )
    .get(id) as { source_id: number; position: number; raw: Buffer; locator: string | null; context: Buffer | null } | undefined;
}
