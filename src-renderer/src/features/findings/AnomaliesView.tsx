import { useEffect } from 'react';
import { useAnalysis } from '../../state/stores';
import { useAnomalies } from '../../state/anomalies';
import { ActorsPanel } from '../actors/ActorsPanel';
import { FindingsList } from './FindingsList';
import './findings.css';

/** The Actors & anomalies view: findings beside the chains of responsibility. Reloads after each journal entry. */
export function AnomaliesView() {
  const { attribution, findings, loading, error, load } = useAnomalies();
  const entries = useAnalysis((s) => s.state?.entries);
  useEffect(() => {
    void load();
  }, [load, entries]);
  return (
    <div className="anomalies-view" data-testid="anomalies-view" aria-busy={loading}>
      {error && <p className="error">{error}</p>}
      {!attribution && !error && <p className="muted">Reading the case's API calls…</p>}
      {findings && <FindingsList report={findings} />}
      {attribution && <ActorsPanel attribution={attribution} />}
    </div>
  );
}
