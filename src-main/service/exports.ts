// What the Export button delivers, whatever the transport: the postmortem, the evidence excerpt of what
// the postmortem cites, and OCSF lines of a filter, each as a named file. Web mode hands the bytes to the
// browser for a download; the desktop app writes them where its own Save dialog says. Neither takes a
// path from the renderer.
import { basename } from 'node:path';
import type { EventFilter } from '../shared/contract';
import type { CaseStore } from '../store/case-store';
import { excerptCase, ocsfFile, ocsfSummary } from './evidence-export';
import { renderPdf } from './pdf';
import { REPORT_MIME, renderReport, reportCitedEvents, reportHtml, type ReportFormat } from './report';

export interface ExportFile {
  file_name: string;
  mime: string;
  data: Buffer;
  /** What the file holds, in a sentence for the UI ("12 events with inclusion proofs"). */
  summary?: string;
}

/** Prints a report's HTML to PDF: Chromium through playwright-core here, Electron's printToPDF on the desktop. */
export type PrintPdf = (html: string, title: string) => Promise<Buffer>;

/** The name a file gets that the user did not name: the case's name made safe, and what it is. */
export function exportFileName(store: CaseStore, what: ReportFormat | 'excerpt' | 'ocsf'): string {
  const stem = (store.meta('name') ?? basename(store.path, '.causa')).replace(/[^A-Za-z0-9._-]/g, '_') || 'case';
  // An excerpt ends in .json: `causa verify FILE` knows one by its name and its format field.
  if (what === 'excerpt') return `${stem}-excerpt.json`;
  if (what === 'ocsf') return `${stem}-ocsf.jsonl`;
  return `${stem}-postmortem.${what}`;
}

export async function reportFile(store: CaseStore, format: ReportFormat, printPdf: PrintPdf = renderPdf): Promise<ExportFile> {
  let data: Buffer;
  if (format === 'pdf') {
    const { html, title } = reportHtml(store);
    data = await printPdf(html, title);
  } else {
    data = await renderReport(store, format);
  }
  return { file_name: exportFileName(store, format), mime: REPORT_MIME[format], data };
}

/** The events the postmortem cites, with their raw records and inclusion proofs (`causa excerpt --cited`). */
export function excerptFile(store: CaseStore): ExportFile {
  const excerpt = excerptCase(store, reportCitedEvents(store));
  const omitted = excerpt.omitted.length;
  return {
    file_name: exportFileName(store, 'excerpt'),
    mime: 'application/json',
    data: Buffer.from(`${JSON.stringify(excerpt, null, 1)}\n`, 'utf8'),
    summary: `${excerpt.events.length} events with inclusion proofs${omitted ? `, ${omitted} listed as omitted (no per-record proof)` : ''}; check it with causa verify`,
  };
}

export function ocsfExportFile(store: CaseStore, filter: EventFilter): ExportFile {
  const { data, counts } = ocsfFile(store, filter);
  return { file_name: exportFileName(store, 'ocsf'), mime: 'application/x-ndjson', data, summary: ocsfSummary(counts) };
}
