import type { Finding, FindingsReport } from '../../../../src-main/shared/attribution';
import { useAnalysis } from '../../state/stores';
import { jumpToFinding } from './jump';
import './findings.css';

const RULE_TITLES: Record<Finding['rule'], string> = {
  first_seen: 'First seen',
  rate: 'Rate',
  denial_burst: 'Denial burst',
  agent_destructive: 'Destructive by agent',
  off_hours: 'Off hours',
  sequence: 'Like a root cause',
};

function FindingItem({ finding }: { finding: Finding }) {
  const record = useAnalysis((s) => s.record);
  return (
    <li
      className={`anomaly rule-${finding.rule}${finding.dismissed ? ' dismissed' : ''}`}
      data-testid="finding"
      data-rule={finding.rule}
      data-dismissed={finding.dismissed}
    >
      <div className="anomaly-head">
        <span className="anomaly-rule">{RULE_TITLES[finding.rule]}</span>
        <span className="anomaly-score" title="How far past its rule's threshold (0 to 1)">
          {finding.score.toFixed(2)}
        </span>
        <span className="anomaly-identity">{finding.identity}</span>
      </div>
      <p className="anomaly-sentence">{finding.sentence}</p>
      <div className="anomaly-foot">
        <span className="muted">
          {Object.entries(finding.parameters)
            .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`)
            .join(' · ')}
        </span>
        <button type="button" data-testid="finding-jump" onClick={() => jumpToFinding(finding)}>
          {finding.event_count} event{finding.event_count === 1 ? '' : 's'} →
        </button>
        <button
          type="button"
          data-testid="finding-dismiss"
          onClick={() => void record({ type: 'dismiss_finding', finding: finding.id, dismissed: !finding.dismissed })}
        >
          {finding.dismissed ? 'Restore' : 'Dismiss'}
        </button>
      </div>
      {finding.dismissed && finding.dismissed_reason && <p className="muted">Dismissed: {finding.dismissed_reason}</p>}
    </li>
  );
}

/** The anomaly findings, strongest rules first; dismissed ones apart, below. */
export function FindingsList({ report }: { report: FindingsReport }) {
  const open = report.findings.filter((f) => !f.dismissed);
  const dismissed = report.findings.filter((f) => f.dismissed);
  return (
    <section className="anomalies" aria-label="Anomaly findings" data-testid="findings-list">
      <h2>
        Anomalies <span className="muted">({open.length})</span>
      </h2>
      <p className="hint">
        Baseline {report.baseline}
        {report.baseline_until ? ` (until ${report.baseline_until})` : ''} · {report.calls} API calls read
      </p>
      {open.length === 0 && <p className="muted">No open finding.</p>}
      <ol className="anomaly-list">
        {open.map((f) => (
          <FindingItem key={f.id} finding={f} />
        ))}
      </ol>
      {dismissed.length > 0 && (
        <>
          <h3>Dismissed ({dismissed.length})</h3>
          <ol className="anomaly-list" data-testid="findings-dismissed">
            {dismissed.map((f) => (
              <FindingItem key={f.id} finding={f} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
