import type { FileImport, ImportProgress, ImportReport } from '../../../../src-main/shared/contract';
import { useImport } from '../../state/stores';
import { type DroppedFiles } from '../../state/import';
import './import.css';

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * The running import: which file, how far through the content, how many events, and a way to stop. Until
 * the main side has the files (a large drop takes a moment to hand over), the bar is indeterminate and
 * says what is on its way; a finished earlier import's figures are never shown as this one's.
 */
function ImportRunning({ progress, sending, onCancel }: { progress?: ImportProgress; sending?: DroppedFiles; onCancel: () => void }) {
  const active = progress?.active ? progress : undefined;
  const fraction = active && active.bytes_total > 0 ? Math.min(1, active.bytes_read / active.bytes_total) : undefined;
  return (
    <div className="import-panel" role="status" data-testid="import-busy">
      <header>
        <strong>{active?.cancelling ? 'Cancelling…' : active?.waiting ? 'Waiting for another import to finish…' : 'Importing…'}</strong>
        <button onClick={onCancel} disabled={!active || active.cancelling} data-testid="import-cancel">
          Cancel
        </button>
      </header>
      <progress max={1} value={fraction} data-testid="import-progress" aria-label="Import progress" />
      {active ? (
        <p className="muted" data-testid="import-progress-text">
          {active.file ?? '…'} · file {Math.min(active.files_done + 1, active.files_total)} of {active.files_total} ·{' '}
          {megabytes(active.bytes_read)} of {megabytes(active.bytes_total)} · {active.events.toLocaleString('en')} events
        </p>
      ) : (
        sending && (
          <p className="muted" data-testid="import-sending">
            Handing over {sending.files} file{sending.files === 1 ? '' : 's'}, {megabytes(sending.bytes)}…
          </p>
        )
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

const INTEGRITY_WORDS: Record<NonNullable<ImportReport['integrity']>[number]['status'], string> = {
  broken: 'broken: content differs from what was sealed',
  unsigned: 'unsigned: no signature covers the seal, and one was required',
  untrusted: 'signed by a key you have not trusted (see Verification)',
  intact: 'intact',
};

/** The outcome of the last import: per file what was imported, and every record that was not, with why. */
export function ImportReportPanel() {
  const { busy, progress, sending, report, error, dismiss, cancel } = useImport();
  if (busy) return <ImportRunning progress={progress} sending={sending} onCancel={() => void cancel()} />;
  if (error) {
    return (
      <div className="import-panel failed" role="alert" data-testid="import-error">
        <p>{error}</p>
        <button onClick={dismiss}>Dismiss</button>
      </div>
    );
  }
  if (!report) return null;
  const failing = report.integrity ?? [];
  return (
    <div
      className={`import-panel${report.errors > 0 || failing.length > 0 ? ' with-errors' : ''}`}
      role="status"
      data-testid="import-report"
    >
      <header>
        <strong>
          {report.cancelled ? 'Cancelled. ' : ''}Imported {report.events} event{report.events === 1 ? '' : 's'}
          {report.errors > 0 && `, ${report.errors} record${report.errors === 1 ? '' : 's'} rejected`}
        </strong>
        <button onClick={dismiss} aria-label="Dismiss import report">
          ×
        </button>
      </header>
      {failing.map((bundle) => (
        <div
          key={bundle.bundle}
          className={`import-integrity ${bundle.status === 'broken' ? 'bad' : 'caution'}`}
          data-testid="import-integrity"
          data-status={bundle.status}
        >
          <strong>
            {bundle.bundle}: {INTEGRITY_WORDS[bundle.status]}
          </strong>{' '}
          — {bundle.records} record{bundle.records === 1 ? '' : 's'} from{' '}
          {bundle.sources.length === 0
            ? 'no source (the bundle’s files are at fault)'
            : bundle.sources.map((s) => s.path.replace(/^sources\//, '')).join(', ')}
          {bundle.problems.length > 0 && (
            <ul className="record-errors">
              {bundle.problems.slice(0, 20).map((p, i) => (
                <li key={i}>
                  <code>{p.item}</code> {p.reason}
                </li>
              ))}
              {bundle.problems.length > 20 && <li>… and {bundle.problems.length - 20} more</li>}
            </ul>
          )}
        </div>
      ))}
      <ul>
        {report.files.map((file) => (
          <li key={file.file}>
            <span className="file">{file.file}</span> {describeFile(file)}
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
