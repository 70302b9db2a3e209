import { useImport } from '../../state/import';

/** The outcome of the last import: per file what was imported, and every record that was not, with why. */
export function ImportReportPanel() {
  const { busy, report, error, dismiss } = useImport();
  if (busy) return <div className="import-panel" data-testid="import-busy">Importing…</div>;
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
          Imported {report.events} event{report.events === 1 ? '' : 's'}
          {report.errors > 0 && `, ${report.errors} record${report.errors === 1 ? '' : 's'} rejected`}
        </strong>
        <button onClick={dismiss} aria-label="Dismiss import report">×</button>
      </header>
      <ul>
        {report.files.map((file) => (
          <li key={file.file}>
            <span className="file">{file.file}</span>{' '}
            {file.status === 'already_imported' ? 'already in this case' : file.status === 'failed' ? 'nothing imported' : file.status === 'skipped' ? `skipped (no importer for ${file.format})` : `${file.events} events`}
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
