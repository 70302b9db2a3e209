// The Export button of the case header: the postmortem as Markdown, HTML or PDF. In web mode the server
// hands the document back as data and the browser downloads it; the desktop app shows its own Save
// dialog and says where it saved (the renderer never names a path). A cancelled dialog is not an error.
import { useState } from 'react';
import { api } from '../../api';

type Format = 'md' | 'html' | 'pdf';
const FORMATS: { format: Format; title: string }[] = [
  { format: 'md', title: 'Markdown' },
  { format: 'html', title: 'HTML' },
  { format: 'pdf', title: 'PDF' },
];

type Status = { state: 'idle' } | { state: 'exporting'; format: Format } | { state: 'done'; message: string } | { state: 'error'; message: string };

function download(fileName: string, mime: string, dataBase64: string): void {
  const bytes = Uint8Array.from(atob(dataBase64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click has handed the blob to the download by the time this task ends.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function ExportReport() {
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<Status>({ state: 'idle' });

  async function exportAs(format: Format): Promise<void> {
    setOpen(false);
    setStatus({ state: 'exporting', format });
    const result = await api.exportReport({ format });
    if (!result.ok) {
      return setStatus(result.code === 'cancelled' ? { state: 'idle' } : { state: 'error', message: `Export failed: ${result.message}` });
    }
    const { file_name, mime, data_base64, saved_to } = result.value;
    if (data_base64 !== undefined) download(file_name, mime, data_base64);
    setStatus({ state: 'done', message: saved_to ? `Saved to ${saved_to}` : `Downloaded ${file_name}` });
  }

  const busy = status.state === 'exporting';
  return (
    <span className="export-report" data-testid="export" data-status={status.state}>
      <button onClick={() => setOpen(!open)} disabled={busy} aria-haspopup="menu" aria-expanded={open} data-testid="export-button">
        {busy ? 'Exporting…' : 'Export ▾'}
      </button>
      {open && (
        <span className="export-menu" role="menu" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          {FORMATS.map(({ format, title }) => (
            <button key={format} role="menuitem" onClick={() => void exportAs(format)} data-testid={`export-${format}`}>
              {title}
            </button>
          ))}
        </span>
      )}
      {status.state === 'done' && (
        <span className="muted export-message" data-testid="export-message" title={status.message}>
          {status.message}
        </span>
      )}
      {status.state === 'error' && (
        <span className="error export-message" role="alert" data-testid="export-message" title={status.message}>
          {status.message}
        </span>
      )}
    </span>
  );
}
