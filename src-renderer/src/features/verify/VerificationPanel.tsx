import { useState } from 'react';
import { api } from '../../api';
import { useCaseData } from '../../state/case-data';
import { VerdictBadge } from './VerdictBadge';

/** What was verified, when, and what was found: per bundle, its signature, each source, every problem. */
export function VerificationPanel() {
  const verification = useCaseData((s) => s.info?.verification);
  const refresh = useCaseData((s) => s.refresh);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();
  if (!verification) return null;
  const reverify = async () => {
    setRunning(true);
    const result = await api.verifyCase({});
    setRunning(false);
    if (!result.ok) return setError(result.message);
    setError(undefined);
    await refresh();
  };
  return (
    <section className="verification" aria-label="Verification" data-testid="verification-panel">
      <h2>Verification</h2>
      {verification.length === 0 && <p className="muted">No sealed bundle in this case: its events are unverifiable.</p>}
      {verification.map((v) => {
        const sig = v.verdict.signature;
        return (
          <div key={`${v.subject}-${v.bundle_id}-${v.source_id ?? ''}`} className={`bundle-verdict ${v.verdict.intact ? 'ok' : 'bad'}`} data-testid="bundle-verdict">
            <strong>{v.verdict.intact ? 'Intact' : `${v.verdict.problems.length} problem${v.verdict.problems.length === 1 ? '' : 's'}`}</strong>{' '}
            <span className="muted">
              {v.subject === 'bundle' ? 'bundle checked on import' : v.subject === 'ledger' ? 'ledger chain checked' : 'records re-checked'} {v.at.slice(0, 19).replace('T', ' ')} UTC
            </span>
            <div className="muted" title={v.location}>{v.location.split('/').pop()}</div>
            <div>
              Signature:{' '}
              {sig.status === 'absent'
                ? 'none'
                : sig.status === 'invalid'
                  ? 'INVALID'
                  : `valid, key ${sig.fingerprint?.slice(0, 12)}… ${sig.trusted ? '(trusted)' : '(not trusted)'}`}
            </div>
            <ul>
              {v.verdict.sources.map((s) => (
                <li key={s.path}>
                  <VerdictBadge verdict={s.verdict} /> {s.path.replace(/^sources\//, '')}
                  {s.first_bad_position !== undefined && ` — record ${s.first_bad_position}: ${s.nature}`}
                </li>
              ))}
            </ul>
            {v.verdict.problems.length > 0 && (
              <ul className="problems">
                {v.verdict.problems.map((p, i) => (
                  <li key={i} data-testid="verification-problem">
                    <code>{p.item}</code>: {p.reason}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
      {verification.length > 0 && (
        <button onClick={() => void reverify()} disabled={running} data-testid="reverify">
          {running ? 'Verifying…' : 'Re-verify the records'}
        </button>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
}
