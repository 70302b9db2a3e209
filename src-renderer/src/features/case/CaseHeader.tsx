import { useCaseData, useImport } from '../../state/stores';
import { UndoRedo } from '../annotate/UndoRedo';
import { ConnectToCluster } from '../capture/ConnectToCluster';
import { PullFromLogStore } from '../pull/PullFromLogStore';
import { ExportReport } from '../report/ExportReport';
import { shortTime } from '../timeline/format';
import './case.css';

export function CaseHeader({ canOpenDialog }: { canOpenDialog: boolean }) {
  const info = useCaseData((s) => s.info);
  const error = useCaseData((s) => s.error);
  const openDialog = useImport((s) => s.openDialog);
  return (
    <header className="case-header">
      <span className="brand">Causa</span>
      <div className="case-title">
        <h1 data-testid="case-name">{info?.name ?? 'Opening case…'}</h1>
        {info && (
          <span className="muted" data-testid="case-summary">
            {info.events.toLocaleString('en')} events · {info.sources.length} source{info.sources.length === 1 ? '' : 's'}
            {info.first_time && ` · ${shortTime(info.first_time)} → ${shortTime(info.last_time)} UTC`}
          </span>
        )}
      </div>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
      <div className="actions">
        {info && <UndoRedo />}
        {info && <ExportReport />}
        <ConnectToCluster />
        {info && <PullFromLogStore />}
        {canOpenDialog ? (
          <button onClick={() => void openDialog()}>Open evidence…</button>
        ) : (
          <span className="muted drop-hint">Drop evidence files on the window to import them</span>
        )}
      </div>
    </header>
  );
}
