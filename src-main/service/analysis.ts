// The analyst's actions on a case: each one sealed onto the journal, the state replayed from it.
import { redoTarget, replayJournal, sealEntry, undoTarget, verifyJournal, type JournalVerdict } from '../core/analysis/journal';
import type { AnalysisState, JournalAction, JournalEntry, JournalReport } from '../shared/analysis';
import { analystName } from './analyst';
import { ServiceError } from '../shared/errors';
import type { CaseStore } from '../store/case-store';
import { appendJournal, readJournal } from '../store/journal';
import { signedJournalEntries, signJournalHead } from './case-seal';
import { installationKey, trustedFingerprintsNow } from './trust';

function append(store: CaseStore, action: JournalEntry['action'], analyst: string): void {
  const entries = readJournal(store);
  appendJournal(store, sealEntry(entries.at(-1), { at: new Date().toISOString(), analyst, action }), (head) =>
    signJournalHead(store, head),
  );
}

/**
 * The case's state, replayed from its journal. The signers trusted for this case alone (which turn a
 * bundle's evidence from "untrusted" to "intact") come only from `trust_signer` entries a valid signed
 * journal head vouches for: one written into the case file outside Causa trusts nothing, whether or not
 * `causa verify CASE` has run since to name it (docs/threat-model.md).
 */
export function analysisState(store: CaseStore): AnalysisState {
  const entries = readJournal(store);
  const state = replayJournal(entries);
  if (!entries.some((entry) => entry.action.type === 'trust_signer')) return state;
  const headKeys = new Set([...trustedFingerprintsNow(), installationKey().fingerprint]);
  return { ...state, trusted_signers: replayJournal(signedJournalEntries(store, headKeys, entries)).trusted_signers };
}

/**
 * An edit or removal must name a recommendation in effect now: the journal would ignore one that names
 * nothing, and an entry that does nothing would only mislead a reader of the journal.
 */
function checkAction(store: CaseStore, action: JournalAction): void {
  if (action.type !== 'edit_recommendation' && action.type !== 'remove_recommendation') return;
  if (!analysisState(store).recommendations.some((r) => r.id === action.id)) {
    throw new ServiceError('invalid_input', `no recommendation ${action.id} in effect (it was removed, undone, or never added)`);
  }
}

export function recordAction(store: CaseStore, action: JournalAction, analyst = analystName()): AnalysisState {
  checkAction(store, action);
  append(store, action, analyst);
  return analysisState(store);
}

export function undoAction(store: CaseStore, analyst = analystName()): AnalysisState {
  const seq = undoTarget(readJournal(store));
  if (seq === undefined) throw new ServiceError('invalid_input', 'nothing to undo');
  append(store, { type: 'undo', seq }, analyst);
  return analysisState(store);
}

export function redoAction(store: CaseStore, analyst = analystName()): AnalysisState {
  const seq = redoTarget(readJournal(store));
  if (seq === undefined) throw new ServiceError('invalid_input', 'nothing to redo');
  append(store, { type: 'redo', seq }, analyst);
  return analysisState(store);
}

export function verifyAnalysisJournal(store: CaseStore): JournalVerdict {
  return verifyJournal(readJournal(store));
}

/** The journal as the analyst's history view shows it: every entry, and whether the chain still holds. */
export function journalReport(store: CaseStore): JournalReport {
  const entries = readJournal(store);
  return { entries, verdict: verifyJournal(entries) };
}
