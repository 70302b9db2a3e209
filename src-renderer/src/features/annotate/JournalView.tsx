import { useEffect } from 'react';
import { useAnalysis, useGraph } from '../../state/stores';
import { AnalystName } from './AnalystName';
import { describeAction } from './describe';
import './annotate.css';

/** The journal as recorded: who did what and when, newest first, and whether its hash chain holds. */
export function JournalView() {
  const journal = useAnalysis((s) => s.journal);
  const entries = useAnalysis((s) => s.state?.entries);
  const loadJournal = useAnalysis((s) => s.loadJournal);
  const nodes = useGraph((s) => s.summaries);
  useEffect(() => {
    void loadJournal();
  }, [loadJournal, entries]);
  const label = (node: string) => nodes[node]?.label ?? node;
  const verdict = journal?.verdict;
  return (
    <section className="journal" aria-label="Journal" data-testid="journal-view">
      <header>
        <h2>Analyst journal</h2>
        {verdict && (
          <span className={verdict.intact ? 'journal-ok' : 'error'} data-testid="journal-verdict">
            {verdict.intact
              ? `Chain intact · ${verdict.entries} entr${verdict.entries === 1 ? 'y' : 'ies'} · head ${verdict.head.slice(0, 12)}…`
              : `Chain broken at entry ${verdict.first_bad_seq}: ${verdict.reason}`}
          </span>
        )}
      </header>
      <p className="hint">Append-only and hash-chained apart from the evidence; undo and redo are entries too.</p>
      <AnalystName />
      {journal?.entries.length === 0 && <p className="muted">Nothing recorded yet.</p>}
      <table>
        <tbody>
          {journal?.entries
            .slice()
            .reverse()
            .map((entry) => (
              <tr key={entry.seq} data-testid="journal-entry" data-type={entry.action.type}>
                <td className="seq">{entry.seq}</td>
                <td className="when">{entry.at.slice(0, 19).replace('T', ' ')}</td>
                <td className="who" data-testid="journal-analyst">
                  {entry.analyst}
                </td>
                <td className="what">{describeAction(entry.action, label)}</td>
                <td className="hash" title={entry.hash}>
                  {entry.hash.slice(0, 10)}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}
