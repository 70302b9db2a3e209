// The Export button of the case header: the postmortem as Markdown, HTML or PDF, and beside it what an
// incident responder hands on with it — the evidence excerpt of the events the postmortem cites (raw
// records with inclusion proofs, which `causa verify` checks) and OCSF lines of the timeline's filter for
// a SIEM. In web mode the server hands the file back as data and the browser downloads it; the desktop
// app shows its own Save dialog and says where it saved (the renderer never names a path). A cancelled
// dialog is not an error.
import { useCallback, useRef, useState } from 'react';
import { useCloseOnOutsideClick } from '../../ui/use-outside-click';
import type { ApiResult, EventFilter, ExportedFile } from '../../../../src-main/shared/contract';
import { api } from '../../api';
import { useCaseData } from '../../state/stores';
import './report.css';

type Item = 'md' | 'html' | 'pdf' | 'excerpt' | 'ocsf';
const REPORT: { item: Item; title: string }[] = [
  { item: 'md', title: 'Markdown' },
  { item: 'html', title: 'HTML' },
  { item: 'pdf', title: 'PDF' },
];

type Status =
  { state: 'idle' } | { state: 'exporting'; item: Item } | { state: 'done'; message: string } | { state: 'error'; message: string };

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

/** The timeline's filter in a few words, so the menu says what the OCSF lines will hold. */
export function describeFilter(filter: EventFilter): string {
  const parts = [
    filter.kind?.length ? filter.kind.join(', ') : undefined,
    filter.actor ? `actor ${filter.actor}` : undefined,
    filter.namespace?.length ? `namespace ${filter.namespace.join(', ')}` : undefined,
    filter.outcome?.length ? `outcome ${filter.outcome.join(', ')}` : undefined,
    filter.verdict?.length ? `verdict ${filter.verdict.join(', ')}` : undefined,
    filter.taint?.length ? `taint ${filter.taint.join(', ')}` : undefined,
    filter.since ? `since ${filter.since}` : undefined,
    filter.until ? `until ${filter.until}` : undefined,
    filter.search ? `“${filter.search}”` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'the whole case';
}

function request(item: Item, filter: EventFilter): Promise<ApiResult<ExportedFile>> {
  if (item === 'excerpt') return api.exportExcerpt({});
  if (item === 'ocsf') return api.exportOcsf({ filter });
  return api.exportReport({ format: item });
}

export function ExportReport() {
  const [open, setOpen] = useState(false);
  const closeMenu = useCallback(() => setOpen(false), []);
  const [status, setStatus] = useState<Status>({ state: 'idle' });
  const filter = useCaseData((s) => s.filter);
  const root = useRef<HTMLSpanElement>(null);

  useCloseOnOutsideClick(open, root, closeMenu);

  async function exportAs(item: Item): Promise<void> {
    setOpen(false);
    setStatus({ state: 'exporting', item });
    const result = await request(item, filter);
    if (!result.ok) {
      return setStatus(result.code === 'cancelled' ? { state: 'idle' } : { state: 'error', message: `Export failed: ${result.message}` });
    }
    const { file_name, mime, data_base64, saved_to, summary } = result.value;
    if (data_base64 !== undefined) download(file_name, mime, data_base64);
    const where = saved_to ? `Saved to ${saved_to}` : `Downloaded ${file_name}`;
    setStatus({ state: 'done', message: summary ? `${where}: ${summary}` : where });
  }

  const busy = status.state === 'exporting';
  const entry = (item: Item, title: string, hint?: string) => (
    <button key={item} role="menuitem" onClick={() => void exportAs(item)} data-testid={`export-${item}`} title={hint}>
      {title}
    </button>
  );
  return (
    <span
      className="export-report"
      ref={root}
      data-testid="export"
      data-status={status.state}
      onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
    >
      <button onClick={() => setOpen(!open)} disabled={busy} aria-haspopup="menu" aria-expanded={open} data-testid="export-button">
        {busy ? 'Exporting…' : 'Export ▾'}
      </button>
      {open && (
        <span className="export-menu" role="menu">
          <span className="export-group" role="presentation">
            Postmortem
          </span>
          {REPORT.map(({ item, title }) => entry(item, title))}
          <span className="export-group" role="presentation">
            Evidence
          </span>
          {entry(
            'excerpt',
            'Evidence excerpt (JSON)',
            'The events the postmortem cites, with their raw records and inclusion proofs; causa verify FILE checks it',
          )}
          {entry(
            'ocsf',
            `OCSF JSON lines: ${describeFilter(filter)}`,
            'API Activity records for a SIEM, of the events the timeline filter matches',
          )}
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
