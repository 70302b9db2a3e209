// Why nothing stopped it (issue 20): the guardrail gap of each identity the agent used — the bindings
// that allowed its calls, which calls were the intended task (the analyst may change that), the
// least-privilege YAML and the held-vs-needed diff — the admission policies that only audited, the
// denied calls, and the taint chains with the instruction-like content found in tool results.
import { useEffect, useState } from 'react';
import type { GuardrailsReport, TaintReport } from '../../../../src-main/shared/contract';
import { api } from '../../api';
import { useAnalysis } from '../../state/stores';
import { useCaseData } from '../../state/stores';
import './guardrails.css';

const BASIS: Record<GuardrailsReport['intended_basis'], string> = {
  analyst: 'the calls you marked',
  root_cause: 'every call before the root cause',
  taint: 'every call before the first call a taint chain reached',
  all: 'every call (no root cause tagged, no taint chain)',
};

function useReports(intended: number[] | undefined): { guardrails?: GuardrailsReport; taint?: TaintReport; error?: string } {
  const events = useCaseData((s) => s.info?.events);
  const entries = useAnalysis((s) => s.state?.entries);
  const [result, setResult] = useState<{ guardrails?: GuardrailsReport; taint?: TaintReport; error?: string }>({});
  useEffect(() => {
    let live = true;
    void Promise.all([api.guardrails(intended ? { intended } : {}), api.taint({})]).then(([g, t]) => {
      if (!live) return;
      if (!g.ok) setResult({ error: g.message });
      else if (!t.ok) setResult({ error: t.message });
      else setResult({ guardrails: g.value, taint: t.value });
    });
    return () => {
      live = false;
    };
  }, [intended, events, entries]);
  return result;
}

function TaintSection({ taint }: { taint: TaintReport }) {
  return (
    <section className="guardrails-section" data-testid="taint-panel" aria-label="Taint chains">
      <h3>Taint chains</h3>
      <p className="hint">
        A tool result’s distinctive words repeated later by the model or in a tool call’s arguments (spans of the user’s own prompt do not
        count).
      </p>
      {taint.edges.length === 0 && <p className="muted">No tool result is repeated in a later step.</p>}
      <ul className="taint-edges">
        {taint.edges.map((e) => (
          <li key={`${e.from_event}-${e.to_event}`} data-testid="taint-edge">
            <span className="ids">
              #{e.from_event} → #{e.to_event}
            </span>{' '}
            <span className="match">
              {e.match}, {e.words} words
            </span>
            <blockquote>{e.span}</blockquote>
          </li>
        ))}
      </ul>
      {taint.reached.length > 0 && (
        <p className="reached">
          {taint.reached.length} events reached, labelled <code>tainted</code> for the taint filter.
        </p>
      )}
      <h4>Instruction-like content in tool results ({taint.findings.length})</h4>
      <ul className="findings">
        {taint.findings.map((f) => (
          <li key={`${f.event_id}-${f.kind}-${f.offset}`} data-testid="injection-finding" data-kind={f.kind}>
            <span className={`kind kind-${f.kind}`}>{f.kind}</span>{' '}
            <span className="where">
              {f.source} record {f.position}
              {f.raw_offset !== undefined ? `, byte ${f.raw_offset}` : ''}
            </span>
            <code>{f.excerpt}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function GuardrailsPanel() {
  const [intended, setIntended] = useState<number[] | undefined>(undefined);
  const { guardrails, taint, error } = useReports(intended);
  const toggle = (id: number, calls: { event_id: number; intended: boolean }[]) => {
    const now = new Set(calls.filter((c) => c.intended).map((c) => c.event_id));
    if (now.has(id)) now.delete(id);
    else now.add(id);
    setIntended([...now].sort((a, b) => a - b));
  };
  if (error) return <section className="guardrails error">{error}</section>;
  if (!guardrails || !taint) return <section className="guardrails muted">Reading the guardrails…</section>;
  return (
    <section className="guardrails" aria-label="Guardrails" data-testid="guardrails-panel">
      <header>
        <h2>Why nothing stopped it</h2>
        <span className="basis" data-testid="intended-basis">
          Intended task: {BASIS[guardrails.intended_basis]}
        </span>
        {intended && <button onClick={() => setIntended(undefined)}>Reset to default</button>}
      </header>
      <div className="guardrails-columns">
        <section className="guardrails-section" aria-label="Guardrail gap">
          <h3>Guardrail gap</h3>
          {guardrails.identities.length === 0 && <p className="muted">No API call in this case is joined to an agent’s tool call.</p>}
          {guardrails.identities.map((identity) => (
            <article key={`${identity.identity}-${identity.via ?? ''}`} className="identity" data-testid="guardrail-identity">
              <h4>
                {identity.identity}
                {identity.via && <span className="via"> via {identity.via}</span>}
              </h4>
              <p className="diff" data-testid="guardrail-diff">
                {identity.diff}
              </p>
              <table className="calls">
                <thead>
                  <tr>
                    <th className="gr-check" title="Part of the intended task (untick or tick to change it)">
                      ✓
                    </th>
                    <th>Call</th>
                    <th className="gr-outcome">Outcome</th>
                    <th className="gr-lp" title="The generated least-privilege role replayed on the call">
                      Least priv.
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {identity.calls.map((c) => (
                    <tr
                      key={c.event_id}
                      data-testid="guardrail-call"
                      data-preventable={identity.preventable.includes(c.event_id) ? 'yes' : 'no'}
                      className={identity.preventable.includes(c.event_id) ? 'preventable' : ''}
                    >
                      <td>
                        <input
                          type="checkbox"
                          checked={c.intended}
                          onChange={() => toggle(c.event_id, identity.calls)}
                          aria-label={`intended: ${c.label}`}
                        />
                      </td>
                      <td>
                        {c.label}
                        {c.tainted && <span className="tag-tainted">tainted</span>}
                        {c.allowed_by && <div className="by">{c.allowed_by}</div>}
                      </td>
                      <td className={`gr-outcome gr-outcome-${c.outcome}`}>{c.outcome}</td>
                      <td className={`gr-lp gr-lp-${c.least_privilege}`}>{c.least_privilege}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <details>
                <summary>Least-privilege Role and binding (YAML)</summary>
                <pre data-testid="least-privilege-yaml">{identity.yaml}</pre>
              </details>
            </article>
          ))}
          {guardrails.admission.length > 0 && <h4>Admission policies that only audited or warned</h4>}
          <ul className="admission">
            {guardrails.admission.map((a) => (
              <li key={a.event_id} data-testid="admission-gap">
                <strong>{a.policy}</strong> ({a.binding ? `binding ${a.binding}, ` : ''}actions: {a.actions.join(', ') || 'none'}) would
                have blocked <em>{a.request}</em>: {a.message}
              </li>
            ))}
          </ul>
          {guardrails.denied.length > 0 && <h4>Denied calls</h4>}
          <ul className="denied">
            {guardrails.denied.map((d) => (
              <li key={d.event_id} data-testid="denied-call">
                {d.label} ({d.identity}): <span className="rule">{d.rule}</span>
              </li>
            ))}
          </ul>
        </section>
        <TaintSection taint={taint} />
      </div>
    </section>
  );
}
