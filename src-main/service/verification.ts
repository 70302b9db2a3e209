// Verification inside a case: a bundle is verified as it is imported, the records a case keeps can be
// re-verified against the sealed hashes at any time, and every run is recorded with its time.
import { createHash } from 'node:crypto';
import type { BundleFiles } from '../core/bundle/files';
import type { Limits } from '../core/limits';
import { LeafLines } from '../core/bundle/leaf-lines';
import { leavesPathFor, Manifest } from '../core/bundle/manifest';
import { verifyBundle, withTrust, type BundleVerdict, type SourceReading } from '../core/verify/bundle';
import { verifyStoredBundle, type StoredBundleInput, type StoredRecord } from '../core/verify/case';
import { recordVerdict, type Signer } from '../core/verify/event-verdict';
import type { CaseStore } from '../store/case-store';
import { sourceNames, type VerdictOf, type VerdictSpan } from '../store/queries';
import {
  addSealedLeafBlock,
  LEAVES_PER_BLOCK,
  sealedLeavesOf,
  bundleSourceLinks,
  allVerifications,
  countSourceRecords,
  latestVerifications,
  listBundles,
  pageSourceRecords,
  recordVerification,
  recordVerifications,
  type StoredBundle,
} from '../store/verification';
import { ServiceError } from '../shared/errors';
import { checkLedgerChain, ledgerChecks, ledgerRecordCount, ledgerSources, ledgerVerdicts, type LedgerCheck } from './ledger-verification';
import { analysisState } from './analysis';
import { listTrustedKeys, sealTrustedKeys, trustedFingerprintsNow } from './trust';
import { verifyCaseSeals, verifyJournalHeads } from './case-seal';
import { listStoredSources } from '../store/seals';
import { VerifyCancelled, VerifyMonitor } from './verify-monitor';

export type CaseVerification =
  | { bundle_id: number; location: string; at: string; subject: 'bundle' | 'case' | 'seal' | 'journal'; verdict: BundleVerdict }
  | LedgerCheck;

/** The keys trusted for this case: the analyst's trust store, and those trusted for this case alone (its journal). */
export async function caseTrustedKeys(store: CaseStore): Promise<Set<string>> {
  return new Set([...(await listTrustedKeys()).map((key) => key.fingerprint), ...analysisState(store).trusted_signers]);
}

/**
 * The same keys, read without waiting: verdicts shown in the workbench are re-read with the trust of the
 * moment, so that trusting a key turns its bundles' evidence from "untrusted" to "intact" at once.
 */
export function currentTrust(store: CaseStore): Set<string> {
  return new Set([...trustedFingerprintsNow(), ...analysisState(store).trusted_signers]);
}

/**
 * Verifies a bundle as it is imported, keeps its sealed leaves, and records the verdict. With
 * `requireSignature` (or any trusted key), an unsigned bundle fails.
 */
export async function verifyImportedBundle(
  store: CaseStore,
  files: BundleFiles,
  bundleId: number,
  options: { requireSignature?: boolean; limits?: Limits; readings?: ReadonlyMap<string, SourceReading> } = {},
): Promise<BundleVerdict> {
  const trustedKeys = await caseTrustedKeys(store);
  const verdict = await verifyBundle(files, {
    trustedKeys,
    signatureExpected: options.requireSignature === true || trustedKeys.size > 0,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.readings ? { readings: options.readings } : {}),
  });
  for (const source of verdict.sources) {
    const leavesPath = leavesPathFor(source.path);
    if (files.list().includes(leavesPath)) await keepSealedLeaves(store, files, leavesPath, bundleId, source.path);
  }
  recordVerification(store, { subject: 'bundle', bundle_id: bundleId, intact: verdict.intact, verdict });
  return verdict;
}

/**
 * Keeps a bundle source's leaves file in the case as 32-byte leaves, a block at a time as the file is read
 * (store/verification.ts): memory holds one block whatever the file's size. A line that is not a SHA-256
 * hash ends what is kept there; the leaves kept then fold to another root, and every later verification
 * of the case names the source's sealed hashes as not matching its signed Merkle root (as the bundle's own
 * check did at import).
 */
async function keepSealedLeaves(
  store: CaseStore,
  files: BundleFiles,
  leavesPath: string,
  bundleId: number,
  bundlePath: string,
): Promise<void> {
  // The same bundle imported again is the same bundle row: its leaves are kept already.
  if (sealedLeavesOf(store, bundleId, bundlePath)) return;
  const block = Buffer.alloc(32 * LEAVES_PER_BLOCK);
  let filled = 0;
  let seq = 0;
  const flush = (): void => {
    if (filled === 0) return;
    addSealedLeafBlock(store, bundleId, bundlePath, seq++, Buffer.from(block.subarray(0, filled * 32)));
    filled = 0;
  };
  const lines = new LeafLines((leaf) => {
    // A byte at a time: Buffer's copy and set cost half a microsecond a call, a second per million leaves.
    for (let i = 0, at = filled * 32; i < 32; i += 1) block[at + i] = leaf[i]!;
    if (++filled === LEAVES_PER_BLOCK) flush();
  });
  for await (const chunk of files.stream(leavesPath)) {
    lines.feed(chunk);
    if (lines.stopped) break;
  }
  lines.end();
  flush();
}

/** One verdict of a run, before it is recorded. */
type Checked =
  | { subject: 'case'; bundle_id: number; location: string; verdict: BundleVerdict }
  | { subject: 'seal' | 'journal'; location: string; verdict: BundleVerdict }
  | { subject: 'ledger'; source_id: number; location: string; verdict: LedgerCheck['verdict'] };

/** Each bundle's chained sources that the case keeps, with how many records each has: the work ahead. */
function chainedSources(store: CaseStore, bundle: StoredBundle): Map<string, number> {
  const parsed = Manifest.safeParse(JSON.parse(bundle.manifest));
  const chained = new Set(parsed.success ? parsed.data.sources.filter((s) => s.chain || s.elements).map((s) => s.path) : []);
  return new Map(
    bundle.sources.filter((s) => chained.has(s.bundle_path)).map((s) => [s.bundle_path, countSourceRecords(store, s.source_id)]),
  );
}

/** The source's records, a page at a time underneath, each page counted once it has been checked. */
function* countedRecords(store: CaseStore, sourceId: number, monitor: VerifyMonitor): Generator<StoredRecord> {
  for (const page of pageSourceRecords(store, sourceId)) {
    yield* page;
    monitor.advance(page.length);
  }
}

/**
 * Re-verifies every bundle's records as the case keeps them, and every ledger's own chain, reporting
 * progress to `monitor` and pausing between chunks so that the event loop stays free. The verdicts are
 * recorded together once all are known: a cancelled run (ServiceError `cancelled`) records nothing.
 */
export async function verifyCaseRecords(
  store: CaseStore,
  monitor = new VerifyMonitor(),
  options: { rederive?: boolean } = {},
): Promise<CaseVerification[]> {
  const bundles = listBundles(store).map((bundle) => ({ bundle, chained: chainedSources(store, bundle) }));
  const ledgers = ledgerSources(store).map((source) => ({ ...source, records: ledgerRecordCount(store, source.id) }));
  const sealed = listStoredSources(store).map((source) => countSourceRecords(store, source.id));
  const counts = [...bundles.flatMap(({ chained }) => [...chained.values()]), ...ledgers.map((l) => l.records), ...sealed];
  monitor.start(
    counts.length,
    counts.reduce((n, c) => n + c, 0),
  );
  try {
    const trusted = await caseTrustedKeys(store);
    const checked: Checked[] = [];
    for (const { bundle, chained } of bundles) {
      const sourceIds = new Map(bundle.sources.map((s) => [s.bundle_path, s.source_id]));
      const input: StoredBundleInput = {
        location: bundle.location,
        manifest: bundle.manifest,
        signature: bundle.signature,
        leaves: (path) => sealedLeavesOf(store, bundle.id, path),
        records: (path) => {
          const id = sourceIds.get(path);
          if (id === undefined) return undefined;
          const records = chained.get(path);
          if (records !== undefined) monitor.beginSource(bundle.location, path, records);
          return countedRecords(store, id, monitor);
        },
        pause: () => monitor.pause(),
      };
      // Whoever trusts a key expects signatures: then an unsigned bundle fails here as it does on import.
      const verdict = { ...(await verifyStoredBundle(input, trusted)), signature_expected: trusted.size > 0 };
      checked.push({ subject: 'case', bundle_id: bundle.id, location: bundle.location, verdict });
    }
    for (const ledger of ledgers) {
      monitor.beginSource(ledger.name, ledger.name, ledger.records);
      checked.push({
        subject: 'ledger',
        source_id: ledger.id,
        location: ledger.name,
        verdict: await checkLedgerChain(store, ledger.id, ledger.name, monitor),
      });
    }
    // The case's own seals, then the journal's signed heads (service/case-seal.ts).
    const sealTrust = await sealTrustedKeys();
    const seals = await verifyCaseSeals(store, store.path, {
      trusted: sealTrust,
      rederive: options.rederive === true,
      pause: () => monitor.pause(),
      beginSource: (name, records) => monitor.beginSource(store.path, name, records),
      advance: (records) => monitor.advance(records),
    });
    checked.push({ subject: 'seal', location: store.path, verdict: seals });
    checked.push({ subject: 'journal', location: store.path, verdict: verifyJournalHeads(store, sealTrust) });
    monitor.complete();
    const recorded = recordVerifications(
      store,
      checked.map((c) => ({
        subject: c.subject,
        bundle_id: c.subject === 'case' ? c.bundle_id : null,
        intact: c.verdict.intact,
        verdict: c.verdict,
      })),
    );
    return checked.map((c, i): CaseVerification => {
      const { at } = recorded[i]!;
      // In the order `causa verify --json` has always printed them.
      if (c.subject === 'case') return { bundle_id: c.bundle_id, location: c.location, at, subject: 'case', verdict: c.verdict };
      if (c.subject !== 'ledger') return { bundle_id: 0, location: c.location, at, subject: c.subject, verdict: c.verdict };
      return { bundle_id: 0, source_id: c.source_id, location: c.location, at, subject: 'ledger', verdict: c.verdict };
    });
  } catch (error) {
    if (error instanceof VerifyCancelled) throw new ServiceError('cancelled', error.message);
    throw error;
  } finally {
    monitor.finish();
  }
}

/**
 * The latest verification of each bundle (re-read with the keys trusted now), of each ledger's chain and of
 * the case's own seals and journal, each with the breaks earlier runs found in it.
 */
export function caseVerifications(store: CaseStore): (CaseVerification & { earlier?: { at: string; problems: string[] }[] })[] {
  const locations = new Map(listBundles(store).map((b) => [b.id, b.location]));
  const trusted = currentTrust(store);
  const bundles = latestVerifications(store).map((row): CaseVerification => ({
    bundle_id: row.bundle_id,
    location: locations.get(row.bundle_id) ?? '',
    at: row.at,
    subject: row.subject,
    verdict: withTrust(row.verdict as BundleVerdict, trusted),
  }));
  // The latest check of the case's own seals and of its journal's signed heads, when one has run.
  const own = allVerifications(store).filter((row) => row.subject === 'seal' || row.subject === 'journal');
  const latestOwn = (['seal', 'journal'] as const).flatMap((subject) => {
    const row = own.filter((r) => r.subject === subject).at(-1);
    return row ? [{ bundle_id: 0, location: store.path, at: row.at, subject, verdict: row.verdict as BundleVerdict }] : [];
  });
  const history = verificationHistory(store);
  return [...bundles, ...ledgerChecks(store), ...latestOwn].map((v) => {
    const earlier = history
      .filter(
        (h) =>
          h.broken &&
          h.at < v.at &&
          h.location === v.location &&
          (h.subject === v.subject || (v.bundle_id > 0 && (h.subject === 'bundle' || h.subject === 'case'))),
      )
      .map((h) => ({ at: h.at, problems: h.problems }));
    return earlier.length > 0 ? { ...v, earlier } : v;
  });
}

type SourceState = Pick<BundleVerdict['sources'][number], 'verdict' | 'first_bad_position'>;

/** The worse of two states of one source: a break anywhere wins, and the earlier break of two. */
function worse(a: SourceState | undefined, b: SourceState | undefined): SourceState | undefined {
  if (a?.verdict !== 'broken') return b?.verdict === 'broken' ? b : (a ?? b);
  if (b?.verdict !== 'broken') return a;
  if (a.first_bad_position === undefined || b.first_bad_position === undefined) return { verdict: 'broken' };
  return a.first_bad_position <= b.first_bad_position ? a : b;
}

/**
 * Every break any verification of this case ever recorded, by source id: verdicts only get worse, so a
 * source that arrived broken, or was once found altered, stays broken from its earliest bad position even
 * when a later run finds it intact (a forger who restores the rows does not restore the verdict).
 */
function everBroken(store: CaseStore): Map<number, SourceState> {
  const links = new Map(bundleSourceLinks(store).map((l) => [`${l.bundle_id}\n${l.bundle_path}`, l.source_id]));
  const byName = new Map<string, number[]>();
  for (const source of listStoredSources(store)) byName.set(source.name, [...(byName.get(source.name) ?? []), source.id]);
  const broken = new Map<number, SourceState>();
  for (const row of allVerifications(store)) {
    const verdict = row.verdict as BundleVerdict;
    for (const source of verdict.sources ?? []) {
      if (source.verdict !== 'broken') continue;
      const ids =
        row.subject === 'seal'
          ? (byName.get(source.path) ?? [])
          : row.bundle_id !== null
            ? [links.get(`${row.bundle_id}\n${source.path}`)]
            : [];
      for (const id of ids) if (id !== undefined) broken.set(id, worse(broken.get(id), source)!);
    }
  }
  return broken;
}

/** The latest check of the case's own seals, by source id (service/case-seal.ts). */
function latestSealStates(store: CaseStore): Map<number, SourceState> {
  const latest = allVerifications(store)
    .filter((row) => row.subject === 'seal')
    .at(-1);
  const states = new Map<number, SourceState>();
  if (!latest) return states;
  const byName = new Map(listStoredSources(store).map((source) => [source.name, source.id]));
  for (const source of (latest.verdict as BundleVerdict).sources) {
    const id = byName.get(source.path);
    if (id !== undefined) states.set(id, source);
  }
  return states;
}

/**
 * Each record's verdict from the latest verification of its source's bundle (and of its ledger's own
 * chain, and of the case's own seal), made worse by every break ever recorded, and where in each source
 * that verdict can change: only at a first bad position.
 */
function recordVerdicts(store: CaseStore): { verdictOf: VerdictOf; breaks: Map<number, number[]>; decidedBy: string } {
  const bySource = new Map<number, { source: SourceState | undefined; signer: Signer }>();
  const trusted = currentTrust(store);
  const latest = new Map(latestVerifications(store).map((row) => [row.bundle_id, withTrust(row.verdict as BundleVerdict, trusted)]));
  const breaks = new Map<number, number[]>();
  const addBreak = (sourceId: number, position: number | undefined) => {
    if (position !== undefined) breaks.set(sourceId, [...(breaks.get(sourceId) ?? []), position]);
  };
  for (const { bundle_id, source_id, bundle_path } of bundleSourceLinks(store)) {
    const verdict = latest.get(bundle_id);
    const source = verdict?.sources.find((s) => s.path === bundle_path);
    const signer: Signer = verdict?.signature.status !== 'valid' ? 'none' : verdict.signature.trusted ? 'trusted' : 'untrusted';
    bySource.set(source_id, { source, signer });
  }
  // The case's own seal: a loose source sealed here and found intact is intact (signed by this
  // installation's key or one it trusts); a seal found broken breaks the records of any source.
  for (const [sourceId, state] of latestSealStates(store)) {
    const entry = bySource.get(sourceId);
    if (!entry?.source || entry.source.verdict === 'unverifiable')
      bySource.set(sourceId, {
        source: state.verdict === 'unverifiable' ? entry?.source : state,
        signer: state.verdict === 'unverifiable' ? (entry?.signer ?? 'none') : 'trusted',
      });
    else bySource.set(sourceId, { ...entry, source: worse(entry.source, state) });
  }
  for (const [sourceId, state] of everBroken(store)) {
    const entry = bySource.get(sourceId);
    bySource.set(sourceId, { signer: entry?.signer ?? 'none', source: worse(entry?.source, state) });
  }
  for (const [sourceId, entry] of bySource) if (entry.source?.verdict === 'broken') addBreak(sourceId, entry.source.first_bad_position);
  // A ledger's own chain speaks for its records: a break in it breaks them wherever they came from, and
  // an intact chain makes loose ledger records intact rather than unverifiable.
  const ledgers = ledgerVerdicts(store);
  for (const [sourceId, ledger] of ledgers) if (ledger.verdict === 'broken') addBreak(sourceId, ledger.first_bad_position);
  const verdictOf: VerdictOf = (sourceId, position) => {
    const entry = bySource.get(sourceId);
    const sealed = recordVerdict(entry?.source, entry?.signer ?? 'none', position);
    const ledger = ledgers.get(sourceId);
    if (!ledger || ledger.verdict === 'unverifiable') return sealed;
    const own = recordVerdict(ledger, 'trusted', position);
    return own === 'broken' || sealed === 'unverifiable' ? own : sealed;
  };
  // Everything verdictOf reads: each source's state and signer, each ledger's state.
  const state = (s: SourceState | undefined) => (s ? [s.verdict, s.first_bad_position ?? null] : null);
  const decidedBy = JSON.stringify([
    [...bySource].sort(([a], [b]) => a - b).map(([id, entry]) => [id, entry.signer, state(entry.source)]),
    [...ledgers].sort(([a], [b]) => a - b).map(([id, ledger]) => [id, state(ledger)]),
  ]);
  return { verdictOf, breaks, decidedBy };
}

/**
 * What the records' verdicts depend on, as a key: equal keys, equal verdicts for every record. A
 * verification that finds what the last one found leaves it as it was (the link cache stays valid).
 */
export function verdictsKey(store: CaseStore): string {
  return createHash('sha256').update(recordVerdicts(store).decidedBy).digest('hex').slice(0, 32);
}

/** Maps each record to its verdict from the latest verification of its source's bundle. */
export function verdictLookup(store: CaseStore): VerdictOf {
  return recordVerdicts(store).verdictOf;
}

/**
 * A verdict filter as the store can query it: the position ranges of each source whose records have one
 * of these verdicts. Between two breaks of a source every record has the same verdict, so one probe per
 * range decides it.
 */
export function verdictSpans(store: CaseStore, verdicts: readonly string[]): VerdictSpan[] {
  const { verdictOf, breaks } = recordVerdicts(store);
  const wanted = new Set(verdicts);
  const spans: VerdictSpan[] = [];
  for (const id of sourceNames(store).keys()) {
    const cuts = [...new Set(breaks.get(id) ?? [])].sort((a, b) => a - b);
    // Ranges (-∞, c0), [c0, c1) … [cn, ∞); adjacent ranges that match are joined.
    let open: VerdictSpan | undefined;
    for (let i = 0; i <= cuts.length; i += 1) {
      const from = i === 0 ? undefined : cuts[i - 1];
      const before = cuts[i];
      const probe = from ?? (before !== undefined ? before - 1 : 0);
      const matches = wanted.has(verdictOf(id, probe) ?? 'unverifiable');
      if (matches && open) {
        if (before === undefined) delete open.before;
        else open.before = before;
      } else if (matches) {
        open = { source_id: id, ...(from !== undefined ? { from } : {}), ...(before !== undefined ? { before } : {}) };
        spans.push(open);
      } else {
        open = undefined;
      }
    }
  }
  return spans;
}

/**
 * Every verification the case recorded, oldest first, each with what it found (problems listed up to a
 * few per run): the history `causa verify CASE` and the verification panel show beside the latest verdict.
 */
export function verificationHistory(
  store: CaseStore,
): { at: string; subject: string; location: string; intact: boolean; broken: boolean; problems: string[] }[] {
  const locations = new Map(listBundles(store).map((b) => [b.id, b.location]));
  return allVerifications(store).map((row) => {
    const verdict = row.verdict as Partial<BundleVerdict>;
    const problems = (verdict.problems ?? []).map((p) => `${p.item}: ${p.reason}`);
    return {
      at: row.at,
      subject: row.subject,
      location: row.bundle_id !== null ? (locations.get(row.bundle_id) ?? '') : (verdict.bundle ?? store.path),
      intact: row.intact,
      /** A source was found broken (not only, say, signed by a key not trusted then). */
      broken: (verdict.sources ?? []).some((source) => source.verdict === 'broken'),
      problems: problems.length > 5 ? [...problems.slice(0, 5), `${problems.length - 5} more`] : problems,
    };
  });
}
