// Ledger sources (format hash-ledger) carry their own hash chain: it is verified by the ledger's rule as
// the source is imported and whenever the case is verified, and each run is recorded like a bundle's
// (subject 'ledger', with the source's id in the verdict). A ledger's verdict is its own chain's, so its
// records are `intact` or `broken` even as loose files, outside any bundle.
import type { BundleVerdict } from '../core/verify/bundle';
import { verifyLedger, type LedgerRecord, type LedgerVerdict } from '../core/verify/ledger';
import type { CaseStore } from '../store/case-store';
import { listImportErrors, listSources, sourceNames } from '../store/queries';
import { iterateSourceRecords, latestLedgerVerifications, recordVerification } from '../store/verification';

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

/** The ledger's records in position order, with the lines that could not be imported as unreadable ones. */
function* ledgerRecords(store: CaseStore, sourceId: number): Generator<LedgerRecord> {
  const errors = listImportErrors(store, sourceId)
    .map((e) => ({ position: e.line, unreadable: `not importable (${e.reason})` }))
    .sort((a, b) => a.position - b.position);
  let next = 0;
  for (const record of iterateSourceRecords(store, sourceId)) {
    while (next < errors.length && errors[next]!.position < record.position) yield errors[next++]!;
    yield record;
  }
  while (next < errors.length) yield errors[next++]!;
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
    problems: broken ? [{ item: name, reason: ledger.reason ?? 'chain broken', position: ledger.first_bad_position, nature: ledger.nature }] : [],
    intact: !broken,
  };
}

/** Verifies one ledger source's embedded chain and records the verdict. */
export function verifyLedgerSource(store: CaseStore, sourceId: number, name: string): LedgerCheck {
  const verdict = asBundleVerdict(sourceId, name, verifyLedger(ledgerRecords(store, sourceId)));
  const { at } = recordVerification(store, { subject: 'ledger', bundle_id: null, intact: verdict.intact, verdict });
  return { bundle_id: 0, source_id: sourceId, location: name, at, subject: 'ledger', verdict };
}

export function verifyLedgerSources(store: CaseStore): LedgerCheck[] {
  return listSources(store)
    .filter((source) => source.format === LEDGER_FORMAT)
    .map((source) => verifyLedgerSource(store, source.id, source.name));
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
