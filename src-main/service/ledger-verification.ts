// Ledger sources (format hash-ledger) carry their own hash chain: it is verified by the ledger's rule as
// the source is imported and whenever the case is verified, and each run is recorded like a bundle's
// (subject 'ledger', with the source's id in the verdict). A ledger's verdict is its own chain's, so its
// records are `intact` or `broken` even as loose files, outside any bundle.
import type { BundleVerdict } from '../core/verify/bundle';
import { LedgerChainCheck, verifyLedger, type LedgerRecord, type LedgerVerdict } from '../core/verify/ledger';
import type { CaseStore } from '../store/case-store';
import { listImportErrors, listSources, sourceNames } from '../store/queries';
import { countSourceRecords, latestLedgerVerifications, pageSourceRecords, recordVerification } from '../store/verification';
import type { VerifyMonitor } from './verify-monitor';

export const LEDGER_FORMAT = 'hash-ledger';

export interface LedgerCheck {
  /** Ledgers belong to no bundle: 0, with the source named by source_id. */
  bundle_id: 0;
  source_id: number;
  location: string;
  at: string;
  subject: 'ledger';
  verdict: BundleVerdict & { source_id: number };
}

/** The ledger's records in position order, a page at a time, with the lines that could not be imported as unreadable ones. */
function* ledgerRecordPages(store: CaseStore, sourceId: number): Generator<LedgerRecord[]> {
  const errors = listImportErrors(store, sourceId)
    .map((e) => ({ position: e.line, unreadable: `not importable (${e.reason})` }))
    .sort((a, b) => a.position - b.position);
  let next = 0;
  for (const page of pageSourceRecords(store, sourceId)) {
    const merged: LedgerRecord[] = [];
    for (const record of page) {
      while (next < errors.length && errors[next]!.position < record.position) merged.push(errors[next++]!);
      merged.push(record);
    }
    yield merged;
  }
  if (next < errors.length) yield errors.slice(next);
}

function* ledgerRecords(store: CaseStore, sourceId: number): Generator<LedgerRecord> {
  for (const page of ledgerRecordPages(store, sourceId)) yield* page;
}

/** How many records a check of the ledger's chain reads: those kept, and the lines that could not be imported. */
export function ledgerRecordCount(store: CaseStore, sourceId: number): number {
  return countSourceRecords(store, sourceId) + listImportErrors(store, sourceId).length;
}

function asBundleVerdict(sourceId: number, name: string, ledger: LedgerVerdict): BundleVerdict & { source_id: number } {
  const broken = ledger.verdict === 'broken';
  return {
    source_id: sourceId,
    bundle: name,
    files_checked: 0,
    sources: [{ path: name, type: LEDGER_FORMAT, ...ledger }],
    signature: { status: 'absent' },
    timestamp: { status: 'absent' },
    problems: broken
      ? [{ item: name, reason: ledger.reason ?? 'chain broken', position: ledger.first_bad_position, nature: ledger.nature }]
      : [],
    // A ledger's own chain has no signer: its status says only whether the chain holds.
    status: broken ? 'broken' : 'intact',
    signature_expected: false,
    intact: !broken,
  };
}

/** Verifies one ledger source's embedded chain and records the verdict (as it is imported). */
export function verifyLedgerSource(store: CaseStore, sourceId: number, name: string): LedgerCheck {
  const verdict = asBundleVerdict(sourceId, name, verifyLedger(ledgerRecords(store, sourceId)));
  const { at } = recordVerification(store, { subject: 'ledger', bundle_id: null, intact: verdict.intact, verdict });
  return { bundle_id: 0, source_id: sourceId, location: name, at, subject: 'ledger', verdict };
}

/** Checks one ledger source's chain a page at a time, pausing between pages; records nothing. */
export async function checkLedgerChain(
  store: CaseStore,
  sourceId: number,
  name: string,
  monitor: VerifyMonitor,
): Promise<LedgerCheck['verdict']> {
  const check = new LedgerChainCheck();
  for (const page of ledgerRecordPages(store, sourceId)) {
    for (const record of page) check.add(record);
    monitor.advance(page.length);
    await monitor.pause();
  }
  return asBundleVerdict(sourceId, name, check.verdict());
}

/** The case's ledger sources, in the order a verification checks them. */
export function ledgerSources(store: CaseStore): { id: number; name: string }[] {
  return listSources(store).filter((source) => source.format === LEDGER_FORMAT);
}

/** The latest recorded check of each ledger source. */
export function ledgerChecks(store: CaseStore): LedgerCheck[] {
  const names = sourceNames(store);
  return [...latestLedgerVerifications(store)].map(([sourceId, row]) => ({
    bundle_id: 0,
    source_id: sourceId,
    location: names.get(sourceId) ?? '',
    at: row.at,
    subject: 'ledger',
    verdict: row.verdict as LedgerCheck['verdict'],
  }));
}

/** Each ledger source's chain verdict (as its records' verdicts are derived from), by source id. */
export function ledgerVerdicts(store: CaseStore): Map<number, BundleVerdict['sources'][number]> {
  const found = new Map<number, BundleVerdict['sources'][number]>();
  for (const check of ledgerChecks(store)) {
    const source = check.verdict.sources[0];
    if (source) found.set(check.source_id, source);
  }
  return found;
}
