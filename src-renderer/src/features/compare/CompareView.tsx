// Compare cases (issue 21): this case and another case file side by side, each from its first prompt
// (t=0), one line per aligned step, so a responder sees whether the same agent did the same thing before.
// The main side lists the case files that can be compared (beside this one, or named to `causa serve
// --compare`); the analyst picks one, never types a path.
import { useEffect, useState } from 'react';
import type { AlignedRow, CaseComparison, CompareCandidate, CompareStep } from '../../../../src-main/shared/compare';
import { api } from '../../api';
import './compare.css';

const STATUS: Record<AlignedRow['status'], { mark: string; title: string }> = {
  match: { mark: '=', title: 'the same step in both cases' },
  differ: { mark: '≠', title: 'both cases did something here, not the same' },
  only_this: { mark: '◀', title: 'only in this case' },
  only_other: { mark: '▶', title: 'only in the other case' },
};

const KIND: Record<CompareStep['kind'], string> = { prompt: 'prompt', tool_call: 'tool', api_call: 'API' };

/** `+12.4s`, `+3m57s` from t=0. */
export function offsetText(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  const s = Math.abs(ms) / 1000;
  if (s < 60) return `${sign}${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${sign}${m}m${String(Math.floor(s - m * 60)).padStart(2, '0')}s`;
}

function StepCell({ step }: { step?: CompareStep | undefined }) {
  if (!step) return <td className="compare-step empty" colSpan={2} />;
  const what =
    step.kind === 'prompt'
      ? `“${step.text ?? ''}”`
      : step.kind === 'tool_call'
        ? [step.tool, step.resource].filter(Boolean).join(' ')
        : [step.verb, step.resource].filter(Boolean).join(' ');
  return (
    <>
      <td className="compare-offset">{offsetText(step.offset_ms)}</td>
      <td className="compare-step" title={`${step.time ?? ''} · event ${step.event_id}${step.actor ? ` · ${step.actor}` : ''}`}>
        <span className={`compare-kind kind-${step.kind}`}>{KIND[step.kind]}</span>
        <span className="compare-what">{what}</span>
        {step.namespace && <span className="compare-ns">{step.namespace}</span>}
        {step.outcome !== 'success' && step.outcome !== 'unknown' && (
          <span className={`compare-outcome outcome-${step.outcome}`}>{step.outcome}</span>
        )}
      </td>
    </>
  );
}

function Table({ comparison }: { comparison: CaseComparison }) {
  const { counts } = comparison;
  return (
    <>
      <p className="compare-summary" data-testid="compare-summary">
        <span className="status-match">{counts.match} the same</span> · <span className="status-differ">{counts.differ} different</span> ·{' '}
        {counts.only_this} only in {comparison.this.name} · {counts.only_other} only in {comparison.other.name}
      </p>
      <div className="compare-scroll">
        <table className="compare-table" data-testid="compare-table">
          <colgroup>
            <col className="col-mark" />
            <col className="col-offset" />
            <col />
            <col className="col-offset" />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th aria-label="Same or different" />
              <th colSpan={2}>
                {comparison.this.name} <span className="muted">(this case) · t=0 {comparison.this.start ?? 'its first action'}</span>
              </th>
              <th colSpan={2}>
                {comparison.other.name} <span className="muted">· t=0 {comparison.other.start ?? 'its first action'}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {comparison.rows.map((row, i) => (
              <tr key={i} className={`status-${row.status}`} data-testid="compare-row" data-status={row.status}>
                <td className="compare-mark" title={STATUS[row.status].title}>
                  {STATUS[row.status].mark}
                </td>
                <StepCell step={row.this} />
                <StepCell step={row.other} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(comparison.this.truncated || comparison.other.truncated) && (
        <p className="muted">
          Only the first {Math.max(comparison.this.steps.length, comparison.other.steps.length)} steps of each case are compared.
        </p>
      )}
    </>
  );
}

export function CompareView() {
  const [candidates, setCandidates] = useState<CompareCandidate[] | undefined>();
  const [chosen, setChosen] = useState('');
  const [state, setState] = useState<{ busy?: boolean; error?: string; comparison?: CaseComparison }>({});
  useEffect(() => {
    let live = true;
    void api.compareCandidates({}).then((result) => {
      if (!live) return;
      if (!result.ok) return setState({ error: result.message });
      setCandidates(result.value.cases);
      setChosen((c) => c || result.value.cases[0]?.path || '');
    });
    return () => {
      live = false;
    };
  }, []);
  const compare = () => {
    if (!chosen) return;
    setState({ busy: true });
    void api.compareCase({ path: chosen }).then((result) => setState(result.ok ? { comparison: result.value } : { error: result.message }));
  };
  return (
    <section className="compare" aria-label="Compare cases" data-testid="compare-panel">
      <header>
        <h2>Compare with another case</h2>
        <p className="hint">
          The agent’s prompts, tool calls and API calls of both cases, each from its first prompt (t=0). Same tool or verb on the same kind
          of resource: =; something else at that point: ≠.
        </p>
        {candidates && candidates.length === 0 ? (
          <p className="muted" data-testid="compare-none">
            No other case file beside this one. Put case files (.causa) in its folder, or start the workbench with{' '}
            <code>causa serve CASE --compare OTHER.causa</code>.
          </p>
        ) : (
          <div className="compare-pick">
            <label>
              Other case{' '}
              <select value={chosen} onChange={(e) => setChosen(e.target.value)} data-testid="compare-case" disabled={!candidates}>
                {(candidates ?? []).map((c) => (
                  <option key={c.path} value={c.path} title={c.path}>
                    {c.name}
                    {c.from === 'named' ? ' (named at start)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <button onClick={compare} disabled={!chosen || state.busy === true} data-testid="compare-run">
              {state.busy ? 'Comparing…' : 'Compare'}
            </button>
            {chosen && <code className="muted compare-path">{chosen}</code>}
          </div>
        )}
      </header>
      {state.error && (
        <p className="error" role="alert" data-testid="compare-error">
          {state.error}
        </p>
      )}
      {state.comparison && <Table comparison={state.comparison} />}
    </section>
  );
}
