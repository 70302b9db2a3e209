import { useAnomalies } from '../../state/anomalies';
import './findings.css';

/** A graph node's marker when one of its events supports an open finding (subscribed to a boolean only). */
export function FindingBadge({ eventIds }: { eventIds: readonly number[] }) {
  const rule = useAnomalies((s) => eventIds.map((id) => s.flagged.get(id)).find(Boolean));
  if (!rule) return null;
  return (
    <span className={`finding-badge rule-${rule}`} data-testid="finding-badge" title={`Anomaly finding: ${rule.replace('_', ' ')}`}>
      !
    </span>
  );
}
