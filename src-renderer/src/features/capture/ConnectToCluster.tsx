// "Connect to cluster": pick a kubeconfig context, capture read-only, see what was sealed and what was
// not visible. The main side reads the kubeconfig and chooses where the bundle goes; this dialog only
// names a context and the options.
import { useState } from 'react';
import type { CaptureSummary, KubeContexts } from '../../../../src-main/shared/contract';
import { api } from '../../api';
import './capture.css';

type Phase =
  | { step: 'closed' }
  | { step: 'loading' }
  | { step: 'form'; contexts: KubeContexts }
  | { step: 'capturing'; context: string }
  | { step: 'done'; summary: CaptureSummary }
  | { step: 'failed'; message: string };

export function ConnectToCluster() {
  const [phase, setPhase] = useState<Phase>({ step: 'closed' });

  async function open(): Promise<void> {
    setPhase({ step: 'loading' });
    const result = await api.kubeContexts({});
    setPhase(result.ok ? { step: 'form', contexts: result.value } : { step: 'failed', message: result.message });
  }

  async function capture(input: { context: string; namespace?: string; since?: string; watch?: string }): Promise<void> {
    setPhase({ step: 'capturing', context: input.context });
    const result = await api.captureCluster(input);
    setPhase(result.ok ? { step: 'done', summary: result.value } : { step: 'failed', message: result.message });
  }

  const close = () => setPhase({ step: 'closed' });
  return (
    <>
      <button onClick={() => void open()} data-testid="connect-cluster">
        Connect to cluster…
      </button>
      {phase.step !== 'closed' && (
        <div className="dialog-backdrop">
          <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="capture-title" data-testid="capture-dialog">
            <header>
              <h2 id="capture-title">Capture a live cluster (read-only)</h2>
              <button onClick={close} aria-label="Close" disabled={phase.step === 'capturing'}>
                ×
              </button>
            </header>
            {phase.step === 'loading' && <p>Reading your kubeconfig…</p>}
            {phase.step === 'form' && <CaptureForm contexts={phase.contexts} onCapture={(input) => void capture(input)} />}
            {phase.step === 'capturing' && (
              <p role="status" data-testid="capture-busy">
                Capturing {phase.context}: only get, list and watch requests are sent…
              </p>
            )}
            {phase.step === 'done' && <CaptureResult summary={phase.summary} />}
            {phase.step === 'failed' && (
              <p className="error" role="alert" data-testid="capture-error">
                {phase.message}
              </p>
            )}
          </div>
        </div>
      )}
    </>
  );
}

function CaptureForm({
  contexts,
  onCapture,
}: {
  contexts: KubeContexts;
  onCapture: (input: { context: string; namespace?: string; since?: string; watch?: string }) => void;
}) {
  const [context, setContext] = useState(contexts.current ?? contexts.contexts[0]?.name ?? '');
  const [namespace, setNamespace] = useState('');
  const [since, setSince] = useState('');
  const [watch, setWatch] = useState('');
  const chosen = contexts.contexts.find((c) => c.name === context);
  if (contexts.contexts.length === 0) return <p className="error">{contexts.from} names no contexts.</p>;
  return (
    <form
      className="capture-form"
      onSubmit={(event) => {
        event.preventDefault();
        onCapture({ context, ...(namespace ? { namespace } : {}), ...(since ? { since } : {}), ...(watch ? { watch } : {}) });
      }}
    >
      <label>
        Context
        <select value={context} onChange={(e) => setContext(e.target.value)} data-testid="capture-context">
          {contexts.contexts.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {chosen && (
        <p className="muted">
          {chosen.server ?? 'no server'} as kubeconfig user {chosen.user} (from {contexts.from})
        </p>
      )}
      <label>
        Namespace <input value={namespace} onChange={(e) => setNamespace(e.target.value)} placeholder="all namespaces" />
      </label>
      <label>
        Events since <input value={since} onChange={(e) => setSince(e.target.value)} placeholder="all the cluster keeps, e.g. 1h" />
      </label>
      <label>
        Then watch Events for <input value={watch} onChange={(e) => setWatch(e.target.value)} placeholder="no watch, e.g. 5m" />
      </label>
      <button type="submit" data-testid="capture-start">
        Capture
      </button>
    </form>
  );
}

function CaptureResult({ summary }: { summary: CaptureSummary }) {
  return (
    <div data-testid="capture-result">
      <p className={summary.complete ? '' : 'warn'}>
        {summary.complete ? 'Complete' : 'Partial'} capture as {summary.identity ?? 'an unknown identity'}, sealed into{' '}
        <code>{summary.out}</code>
      </p>
      {summary.may_mutate && (
        <p className="warn" role="alert" data-testid="capture-may-mutate">
          This credential can change the cluster ({summary.mutating_rules.slice(0, 3).join('; ')}). Causa only read, but a read-only context
          is safer.
        </p>
      )}
      {summary.warnings.map((w) => (
        <p key={w} className="warn">
          {w}
        </p>
      ))}
      <table className="capture-resources">
        <tbody>
          {summary.resources.map((r) => (
            <tr key={r.name} data-testid="capture-resource" data-status={r.status}>
              <td>{r.name}</td>
              <td className="muted">{r.scope}</td>
              <td>
                {r.status === 'captured'
                  ? `${r.items ?? 0} captured`
                  : r.status === 'not_visible'
                    ? 'not visible to this credential'
                    : `${r.status}: ${r.reason ?? ''}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
