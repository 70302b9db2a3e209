import type { FileImport, ImportProgress } from '../../../../src-main/shared/contract';
import { useImport } from '../../state/import';

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The running import: which file, how far through the content, how many events, and a way to stop. */
function ImportRunning({ progress, onCancel }: { progress?: ImportProgress; onCancel: () => void }) {
  const fraction = progress && progress.bytes_total > 0 ? Math.min(1, progress.bytes_read / progress.bytes_total) : undefined;
  return (
    <div className="import-panel" role="status" data-testid="import-busy">
      <header>
        <strong>{progress?.cancelling ? 'Cancelling…' : 'Importing…'}</strong>
        <button onClick={onCancel} disabled={!progress?.active || progress.cancelling} data-testid="import-cancel">
          Cancel
        </button>
      </header>
      <progress max={1} value={fraction} data-testid="import-progress" aria-label="Import progress" />
      {progress?.active && (
        <p className="muted" data-testid="import-progress-text">
          {progress.file ?? '…'} · file {Math.min(progress.files_done + 1, progress.files_total)} of {progress.files_total} ·{' '}
          {megabytes(progress.bytes_read)} of {megabytes(progress.bytes_total)} · {progress.events.toLocaleString('en')} events
        </p>
      )}
    </div>
  );
}

function describeFile(file: FileImport): string {
  switch (file.status) {
    case 'already_imported':
      return 'already in this case';
    case 'failed':
      return 'nothing imported';
    case 'skipped':
      return `skipped (no importer for ${file.format})`;
    case 'cancelled':
      return 'cancelled: nothing of it imported';
    default:
      return `${file.events} events`;
  }
}

/** The outcome of the last import: per file what was imported, and every record that was not, with why. */
export function ImportReportPanel() {
  const { busy, progress, report, error, dismiss, cancel } = useImport();
  if (busy) return <ImportRunning progress={progress} onCancel={() => void cancel()} />;
  if (error) {
    return (
      <div className="import-panel failed" role="alert" data-testid="import-error">
        <p>{error}</p>
        <button onClick={dismiss}>Dismiss</button>
      </div>
    );
  }
  if (!report) return null;
  return (
    <div className={`import-panel${report.errors > 0 ? ' with-errors' : ''}`} role="status" data-testid="import-report">
      <header>
        <strong>
          {report.cancelled ? 'Cancelled. ' : ''}Imported {report.events} event{report.events === 1 ? '' : 's'}
          {report.errors > 0 && `, ${report.errors} record${report.errors === 1 ? '' : 's'} rejected`}
        </strong>
        <button onClick={dismiss} aria-label="Dismiss import report">×</button>
      </header>
      <ul>
        {report.files.map((file) => (
          <li key={file.file}>
            <span className="file">{file.file}</span>{' '}
            {describeFile(file)}
            {file.errors.length > 0 && (
              <ul className="record-errors">
                {file.errors.map((e) => (
                  <li key={`${e.file}:${e.line}`} data-testid="import-record-error">
                    <code>
                      {e.file}:{e.line}
                    </code>{' '}
                    {e.reason}
                  </li>
                ))}
                {file.more_errors > 0 && <li>… and {file.more_errors} more</li>}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
