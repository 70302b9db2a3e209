// "Pull from log store…" (docs/pull.md, "In the workbench"): name a profile file, see what it points at,
// enter a window and filters, Plan (the server's count and aggregates) and Pull (streamed into a sealed
// bundle beside the case and imported), with progress and Cancel. The main side reads the profile and
// the credentials it names; the page sends a path, times and filter values, never a credential.
import { useEffect, useState } from 'react';
import type {
  PullPlanSummary,
  PullProfileInfo,
  PullProgressInfo,
  PullSummary,
  PullWindowRequest,
} from '../../../../src-main/shared/contract';
import { api } from '../../api';
import { useCaseData, useSelection } from '../../state/stores';
import './pull.css';

type Phase = { step: 'closed' } | { step: 'form' } | { step: 'planning' } | { step: 'pulling' } | { step: 'done'; summary: PullSummary };

export function PullFromLogStore() {
  const [phase, setPhase] = useState<Phase>({ step: 'closed' });
  const [path, setPath] = useState('');
  const [profile, setProfile] = useState<PullProfileInfo | undefined>();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [filters, setFilters] = useState<{ namespace: string; user: string; cluster: string }>({ namespace: '', user: '', cluster: '' });
  const [plan, setPlan] = useState<PullPlanSummary | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [progress, setProgress] = useState<PullProgressInfo | undefined>();

  const running = phase.step === 'pulling';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void api.pullProgress({}).then((r) => r.ok && setProgress(r.value));
    }, 250);
    return () => clearInterval(timer);
  }, [running]);

  async function readProfile(): Promise<void> {
    setError(undefined);
    setProfile(undefined);
    setPlan(undefined);
    const result = await api.pullProfile({ path });
    if (result.ok) setProfile(result.value);
    else setError(result.message);
  }

  function request(): PullWindowRequest {
    return {
      profile: path,
      from,
      to,
      ...(filters.namespace ? { namespace: filters.namespace } : {}),
      ...(filters.user ? { user: filters.user } : {}),
      ...(filters.cluster ? { cluster: filters.cluster } : {}),
    };
  }

  async function runPlan(): Promise<void> {
    setError(undefined);
    setPlan(undefined);
    setPhase({ step: 'planning' });
    const result = await api.planPull(request());
    setPhase({ step: 'form' });
    if (result.ok) setPlan(result.value);
    else setError(result.message);
  }

  async function runPull(): Promise<void> {
    setError(undefined);
    setProgress(undefined);
    setPhase({ step: 'pulling' });
    const result = await api.pullWindow(request());
    if (!result.ok) {
      setError(result.message);
      setPhase({ step: 'form' });
      return;
    }
    setPhase({ step: 'done', summary: result.value });
    if (result.value.imported) {
      await useCaseData.getState().refresh();
      await useSelection.getState().openOnIncident();
    }
  }

  const close = () => setPhase({ step: 'closed' });
  const ready = profile !== undefined && from !== '' && to !== '';
  return (
    <>
      <button onClick={() => setPhase({ step: 'form' })} data-testid="pull-open">
        Pull from log store…
      </button>
      {phase.step !== 'closed' && (
        <div className="dialog-backdrop">
          <div className="dialog pull-dialog" role="dialog" aria-modal="true" aria-labelledby="pull-title" data-testid="pull-dialog">
            <header>
              <h2 id="pull-title">Pull from a log store (read-only)</h2>
              <button onClick={close} aria-label="Close" disabled={running}>
                ×
              </button>
            </header>
            {phase.step === 'done' ? (
              <PullResult summary={phase.summary} onAgain={() => setPhase({ step: 'form' })} />
            ) : (
              <form
                className="pull-form"
                onSubmit={(event) => {
                  event.preventDefault();
                  void readProfile();
                }}
              >
                <label>
                  Profile file
                  <span className="pull-row">
                    <input
                      value={path}
                      onChange={(e) => setPath(e.target.value)}
                      placeholder="/path/to/profile.json (read by Causa, not the page)"
                      data-testid="pull-profile-path"
                      disabled={running}
                    />
                    <button type="submit" disabled={path === '' || running} data-testid="pull-profile-read">
                      Read
                    </button>
                  </span>
                </label>
                {profile && (
                  <p className="muted pull-profile" data-testid="pull-profile-summary">
                    {profile.name ? `${profile.name}: ` : ''}
                    {profile.table} on {profile.url} · {profile.format}, time {profile.time_column}, tiebreak {profile.tiebreak_column} ·
                    credentials: {profile.credentials}
                  </p>
                )}
                <label>
                  From (inclusive)
                  <input
                    value={from}
                    onChange={(e) => setFrom(e.target.value)}
                    placeholder="2025-04-03T14:25:00Z"
                    data-testid="pull-from"
                    disabled={running}
                  />
                </label>
                <label>
                  To (exclusive)
                  <input
                    value={to}
                    onChange={(e) => setTo(e.target.value)}
                    placeholder="2025-04-03T15:00:00Z"
                    data-testid="pull-to"
                    disabled={running}
                  />
                </label>
                {profile?.filters.map((role) => (
                  <label key={role}>
                    {role[0]!.toUpperCase() + role.slice(1)}
                    <input
                      value={filters[role]}
                      onChange={(e) => setFilters({ ...filters, [role]: e.target.value })}
                      placeholder="any"
                      data-testid={`pull-filter-${role}`}
                      disabled={running}
                    />
                  </label>
                ))}
                <div className="pull-actions">
                  <button
                    type="button"
                    onClick={() => void runPlan()}
                    disabled={!ready || running || phase.step === 'planning'}
                    data-testid="pull-plan"
                  >
                    {phase.step === 'planning' ? 'Planning…' : 'Plan'}
                  </button>
                  <button type="button" onClick={() => void runPull()} disabled={!ready || running} data-testid="pull-start">
                    Pull and import
                  </button>
                </div>
                {running && <PullRunning progress={progress} />}
                {error && (
                  <p className="error" role="alert" data-testid="pull-error">
                    {error}
                  </p>
                )}
                {plan && !running && <PlanTables plan={plan} />}
              </form>
            )}
          </div>
        </div>
      )}
    </>
  );
}

function PullRunning({ progress }: { progress?: PullProgressInfo }) {
  const active = progress?.active ? progress : undefined;
  const fraction = active?.server_rows ? Math.min(active.rows / active.server_rows, 1) : undefined;
  return (
    <div className="pull-running" role="status">
      <span>
        <strong>{active?.phase === 'importing' ? 'Importing…' : 'Pulling…'}</strong>{' '}
        <button type="button" onClick={() => void api.cancelPull({})} data-testid="pull-cancel">
          Cancel
        </button>
      </span>
      <progress max={1} value={fraction} data-testid="pull-progress" aria-label="Pull progress" />
      <span className="muted" data-testid="pull-progress-text">
        {active
          ? `${active.phase ?? ''} ${active.rows.toLocaleString('en')}${active.server_rows !== undefined ? ` of ${active.server_rows.toLocaleString('en')}` : ''} rows`
          : 'connecting…'}
      </span>
    </div>
  );
}

function Buckets({ title, buckets, testid }: { title: string; buckets?: { bucket: string; rows: number }[]; testid: string }) {
  if (!buckets) return null;
  return (
    <table className="pull-plan-table" data-testid={testid}>
      <thead>
        <tr>
          <th>{title}</th>
          <th className="num">rows</th>
        </tr>
      </thead>
      <tbody>
        {buckets.length === 0 && (
          <tr>
            <td className="muted" colSpan={2}>
              none
            </td>
          </tr>
        )}
        {buckets.map((b) => (
          <tr key={b.bucket}>
            <td>{b.bucket}</td>
            <td className="num">{b.rows.toLocaleString('en')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PlanTables({ plan }: { plan: PullPlanSummary }) {
  return (
    <div data-testid="pull-plan-result">
      <p>
        <strong data-testid="pull-plan-rows">{plan.rows.toLocaleString('en')} rows</strong> in {plan.table} ({plan.engine}, ClickHouse{' '}
        {plan.server_version}) from {plan.window.from} to {plan.window.to}, counted by the server
      </p>
      <div className="pull-plan">
        <Buckets title="hour" buckets={plan.per_hour} testid="pull-plan-hours" />
        <Buckets title="identity" buckets={plan.per_user} testid="pull-plan-users" />
        <Buckets title="namespace" buckets={plan.per_namespace} testid="pull-plan-namespaces" />
      </div>
    </div>
  );
}

function PullResult({ summary, onAgain }: { summary: PullSummary; onAgain: () => void }) {
  return (
    <div data-testid="pull-result">
      <p className={summary.complete ? '' : 'warn'}>
        {summary.complete ? 'Pulled' : summary.cancelled ? 'Cancelled: partial pull of' : 'Partial pull of'}{' '}
        {summary.rows.toLocaleString('en')} of {summary.server_rows.toLocaleString('en')} rows ({summary.statements} read-only statements),
        sealed into <code>{summary.out}</code>
      </p>
      {summary.failed && <p className="warn">{summary.failed}</p>}
      {summary.warnings.map((w) => (
        <p key={w} className="warn">
          {w}
        </p>
      ))}
      {summary.imported ? (
        <p data-testid="pull-imported">
          Imported {summary.imported.events.toLocaleString('en')} events into the case
          {summary.imported.errors > 0 ? `; ${summary.imported.errors} records could not be imported` : ''}.
        </p>
      ) : (
        <p className="muted">
          Not imported: a partial pull is the analyst’s call (import it with Open evidence…, or resume it with causa pull).
        </p>
      )}
      <button onClick={onAgain}>Pull another window</button>
    </div>
  );
}
