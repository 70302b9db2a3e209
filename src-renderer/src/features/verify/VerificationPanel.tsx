import type { VerificationSummary, VerifyProgress } from '../../../../src-main/shared/contract';
import { useCaseData, useVerify } from '../../state/stores';
import { VerdictBadge, verdictText } from './VerdictBadge';
import './verify.css';

const count = (n: number): string => n.toLocaleString('en');

/** The running re-check: which bundle and source, records checked of the total, and a way to stop. */
function VerifyRunning({ progress, onCancel }: { progress?: VerifyProgress; onCancel: () => void }) {
  const known = progress?.active === true && progress.records_total > 0;
  const percent = known ? Math.min(100, (progress.records_done / progress.records_total) * 100) : 0;
  return (
    <div className="verify-running" role="status" data-testid="verify-busy">
      <div className="verify-running-head">
        <strong>{progress?.cancelling ? 'Cancelling…' : 'Verifying…'}</strong>
        <button onClick={onCancel} disabled={!progress?.active || progress.cancelling} data-testid="verify-cancel">
          Cancel
        </button>
      </div>
      {/* Without a total yet the bar is indeterminate: no aria-valuenow. */}
      <div
        className="meter"
        role="progressbar"
        aria-label="Verification progress"
        aria-valuemin={0}
        {...(known
          ? {
              'aria-valuemax': progress.records_total,
              'aria-valuenow': progress.records_done,
              'aria-valuetext': `${count(progress.records_done)} of ${count(progress.records_total)} records`,
            }
          : {})}
        data-testid="verify-progress"
      >
        <div className="meter-fill" style={{ width: `${percent}%` }} />
      </div>
      {progress?.active && (
        <p className="muted" data-testid="verify-progress-text">
          {[
            progress.subject?.split('/').pop(),
            progress.source && progress.source !== progress.subject ? progress.source.replace(/^sources\//, '') : undefined,
            `source ${Math.min(progress.sources_done + 1, progress.sources_total)} of ${progress.sources_total}`,
            `${count(progress.records_done)} of ${count(progress.records_total)} records`,
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
      )}
    </div>
  );
}

type Summary = VerificationSummary;
type Status = NonNullable<Summary['verdict']['status']>;

/** A ledger's own chain has no signer: its verdict says only whether the chain holds. */
function statusOf(v: Summary): Status {
  return v.verdict.status ?? (v.verdict.intact ? 'intact' : 'broken');
}

const HEADLINE: Record<Status, (v: Summary) => string> = {
  intact: () => 'Intact',
  untrusted: () => 'Signed by a key you have not trusted',
  unsigned: () => 'Unsigned',
  broken: (v) => `${v.verdict.problems.length} problem${v.verdict.problems.length === 1 ? '' : 's'}`,
};

/** Exactly what was checked, in one sentence. */
function explain(v: Summary, status: Status): string {
  if (v.subject === 'ledger')
    return status === 'intact' ? 'The ledger’s own hash chain holds.' : 'The ledger’s own hash chain does not hold.';
  switch (status) {
    case 'intact':
      return 'Every file and record is as sealed, and the seal is signed by a key you trust.';
    case 'untrusted':
      return 'Every file and record is as sealed, and the signature over the seal is valid; but the key that made it is not one you trust, so nothing yet says who sealed it.';
    case 'unsigned':
      return 'Every file and record matches the seal, but no signature covers the seal: anyone could have altered the evidence and sealed it again.';
    case 'broken':
      return 'Content differs from what was sealed:';
  }
}

const TONE: Record<Status, string> = { intact: 'ok', untrusted: 'caution', unsigned: 'caution', broken: 'bad' };

/** One click to trust the signer, for this case or always, with what trusting means. */
function TrustSigner({ fingerprint }: { fingerprint: string }) {
  const { trusting, trustError, trust } = useVerify();
  return (
    <div className="trust-signer" data-testid="trust-signer">
      <p className="muted">
        Trusting key <code title={fingerprint}>{fingerprint.slice(0, 16)}…</code> says that this key speaks for whoever you believe sealed
        the evidence. Check its fingerprint with them first: anyone can seal altered evidence with a key of their own.
      </p>
      <div className="trust-actions">
        <button onClick={() => void trust(fingerprint, 'case')} disabled={trusting} data-testid="trust-case">
          Trust for this case
        </button>
        <button onClick={() => void trust(fingerprint, 'always')} disabled={trusting} data-testid="trust-always">
          Trust always
        </button>
      </div>
      {trustError && <p className="error">{trustError}</p>}
    </div>
  );
}

/** What was verified, when, and what was found: per bundle, its signature, each source, every problem. */
export function VerificationPanel() {
  const verification = useCaseData((s) => s.info?.verification);
  const { busy, progress, last, cancelled, error, run, cancel } = useVerify();
  if (!verification) return null;
  return (
    <section className="verification" aria-label="Verification" data-testid="verification-panel">
      <h2>Verification</h2>
      {verification.length === 0 && <p className="muted">No sealed bundle in this case: its events are unverifiable.</p>}
      {verification.map((v) => {
        const sig = v.verdict.signature;
        const status = statusOf(v);
        return (
          <div
            key={`${v.subject}-${v.bundle_id}-${v.source_id ?? ''}`}
            className={`bundle-verdict ${TONE[status]}`}
            data-testid="bundle-verdict"
            data-status={status}
          >
            <strong data-testid="bundle-verdict-headline">{HEADLINE[status](v)}</strong>{' '}
            <span className="muted">
              {v.subject === 'bundle'
                ? 'bundle checked on import'
                : v.subject === 'ledger'
                  ? 'ledger chain checked'
                  : v.subject === 'seal'
                    ? "case's own seals checked"
                    : v.subject === 'journal'
                      ? 'analyst journal checked'
                      : 'records re-checked'}{' '}
              {v.at.slice(0, 19).replace('T', ' ')} UTC
            </span>
            <div className="muted" title={v.location}>
              {v.location.split('/').pop()}
            </div>
            <p className="verdict-sentence" data-testid="bundle-verdict-sentence">
              {explain(v, status)}
            </p>
            {v.subject !== 'ledger' && (
              <div>
                Signature:{' '}
                {sig.status === 'absent'
                  ? 'none'
                  : sig.status === 'invalid'
                    ? 'INVALID'
                    : `valid, key ${sig.fingerprint?.slice(0, 12)}… ${sig.trusted ? '(trusted)' : '(not trusted)'}`}
              </div>
            )}
            <ul>
              {v.verdict.sources.map((s) => (
                <li key={s.path} title={verdictText(s.verdict)}>
                  <VerdictBadge verdict={s.verdict} /> {s.path.replace(/^sources\//, '')}
                  {s.first_bad_position !== undefined && ` — record ${s.first_bad_position}: ${s.nature}`}
                  {s.verdict === 'sealed_whole' && <span className="muted"> — sealed whole (file hash)</span>}
                </li>
              ))}
            </ul>
            {v.earlier && (
              <details className="earlier" open data-testid="verification-earlier">
                <summary>Earlier findings (kept: a later intact run does not erase them)</summary>
                <ul className="problems">
                  {v.earlier.map((e) => (
                    <li key={e.at}>
                      {e.at.slice(0, 19).replace('T', ' ')} UTC: {e.problems.join('; ')}
                    </li>
                  ))}
                </ul>
              </details>
            )}
            {v.verdict.problems.length > 0 && (
              <ul className="problems">
                {v.verdict.problems.map((p, i) => (
                  <li key={i} data-testid="verification-problem">
                    <code>{p.item}</code>: {p.reason}
                  </li>
                ))}
              </ul>
            )}
            {status === 'untrusted' && sig.fingerprint && <TrustSigner fingerprint={sig.fingerprint} />}
          </div>
        );
      })}
      {busy ? (
        <VerifyRunning progress={progress} onCancel={() => void cancel()} />
      ) : (
        verification.length > 0 && (
          <button onClick={() => void run()} data-testid="reverify">
            Re-verify the records
          </button>
        )
      )}
      {!busy && cancelled && (
        <p className="muted verify-note" data-testid="verify-cancelled">
          Cancelled: nothing was recorded; the verdicts above stand.
        </p>
      )}
      {!busy && !cancelled && last && (
        <p className="muted verify-note" data-testid="verify-last">
          Re-checked {count(last.records_done)} of {count(last.records_total)} records in {last.sources_total} source
          {last.sources_total === 1 ? '' : 's'}.
        </p>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
}
