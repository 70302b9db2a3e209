// Verification inside a case: a bundle is verified as it is imported, the records a case keeps can be
// re-verified against the sealed hashes at any time, and every run is recorded with its time.
import type { BundleFiles } from '../core/bundle/files';
import { leavesPathFor } from '../core/bundle/manifest';
import { verifyBundle, type BundleVerdict } from '../core/verify/bundle';
import { verifyStoredBundle } from '../core/verify/case';
import { recordVerdict } from '../core/verify/event-verdict';
import type { CaseStore } from '../store/case-store';
import { sourceNames, type VerdictOf, type VerdictSpan } from '../store/queries';
import {
  addSealedLeaves,
  bundleSourceLinks,
  iterateSourceRecords,
  latestVerifications,
  listBundles,
  recordVerification,
} from '../store/verification';
import { ledgerChecks, ledgerVerdicts, verifyLedgerSources, type LedgerCheck } from './ledger-verification';
import { listTrustedKeys } from './trust';

export type CaseVerification =
  | { bundle_id: number; location: string; at: string; subject: 'bundle' | 'case'; verdict: BundleVerdict }
  | LedgerCheck;

async function trustedKeys(): Promise<Set<string>> {
  return new Set((await listTrustedKeys()).map((key) => key.fingerprint));
}

/** Verifies a bundle as it is imported, keeps its sealed leaves, and records the verdict. */
export async function verifyImportedBundle(store: CaseStore, files: BundleFiles, bundleId: number): Promise<BundleVerdict> {
  const verdict = await verifyBundle(files, { trustedKeys: await trustedKeys() });
  for (const source of verdict.sources) {
    const leavesPath = leavesPathFor(source.path);
    if (files.list().includes(leavesPath)) addSealedLeaves(store, bundleId, source.path, (await files.read(leavesPath)).toString('utf8'));
  }
  recordVerification(store, { subject: 'bundle', bundle_id: bundleId, intact: verdict.intact, verdict });
  return verdict;
}

/** Re-verifies every bundle's records as the case keeps them, and every ledger's own chain; records each verdict. */
export async function verifyCaseRecords(store: CaseStore): Promise<CaseVerification[]> {
  const trusted = await trustedKeys();
  const bundles = listBundles(store).map((bundle): CaseVerification => {
    const sourceIds = new Map(bundle.sources.map((s) => [s.bundle_path, s.source_id]));
    const verdict = verifyStoredBundle(
      {
        location: bundle.location,
        manifest: bundle.manifest,
        signature: bundle.signature,
        leaves: bundle.leaves,
        records: (path) => {
          const id = sourceIds.get(path);
          return id === undefined ? undefined : iterateSourceRecords(store, id);
        },
      },
      trusted,
    );
    const { at } = recordVerification(store, { subject: 'case', bundle_id: bundle.id, intact: verdict.intact, verdict });
    return { bundle_id: bundle.id, location: bundle.location, at, subject: 'case', verdict };
  });
  return [...bundles, ...verifyLedgerSources(store)];
}

export function caseVerifications(store: CaseStore): CaseVerification[] {
  const locations = new Map(listBundles(store).map((b) => [b.id, b.location]));
  const bundles = latestVerifications(store).map((row): CaseVerification => ({
    bundle_id: row.bundle_id,
    location: locations.get(row.bundle_id) ?? '',
    at: row.at,
    subject: row.subject,
    verdict: row.verdict as BundleVerdict,
  }));
  return [...bundles, ...ledgerChecks(store)];
}

/**
 * Each record's verdict from the latest verification of its source's bundle (and of its ledger's own
 * chain), and where in each source that verdict can change: only at a chain's first bad position.
 */
function recordVerdicts(store: CaseStore): { verdictOf: VerdictOf; breaks: Map<number, number[]> } {
  const bySource = new Map<number, { source: BundleVerdict['sources'][number] | undefined; signed: boolean }>();
  const latest = new Map(latestVerifications(store).map((row) => [row.bundle_id, row.verdict as BundleVerdict]));
  const breaks = new Map<number, number[]>();
  const addBreak = (sourceId: number, position: number | undefined) => {
    if (position !== undefined) breaks.set(sourceId, [...(breaks.get(sourceId) ?? []), position]);
  };
  for (const { bundle_id, source_id, bundle_path } of bundleSourceLinks(store)) {
    const verdict = latest.get(bundle_id);
    const source = verdict?.sources.find((s) => s.path === bundle_path);
    bySource.set(source_id, { source, signed: verdict?.signature.status === 'valid' });
    if (source?.verdict === 'broken') addBreak(source_id, source.first_bad_position);
  }
  // A ledger's own chain speaks for its records: a break in it breaks them wherever they came from, and
  // an intact chain makes loose ledger records intact rather than unverifiable.
  const ledgers = ledgerVerdicts(store);
  for (const [sourceId, ledger] of ledgers) if (ledger.verdict === 'broken') addBreak(sourceId, ledger.first_bad_position);
  const verdictOf: VerdictOf = (sourceId, position) => {
    const entry = bySource.get(sourceId);
    const sealed = recordVerdict(entry?.source, entry?.signed ?? false, position);
    const ledger = ledgers.get(sourceId);
    if (!ledger || ledger.verdict === 'unverifiable') return sealed;
    const own = recordVerdict(ledger, true, position);
    return own === 'broken' || sealed === 'unverifiable' ? own : sealed;
  };
  return { verdictOf, breaks };
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
