// What the Export button delivers, whatever the transport: the postmortem, the evidence excerpt of what
// the postmortem cites, and OCSF lines of a filter, each as a named file. Web mode hands the bytes to the
// browser for a download; the desktop app writes them where its own Save dialog says. Neither takes a
// path from the renderer.
//
// The evidence leaving the case record by record: the excerpt with inclusion proofs (core/export/excerpt.ts)
// and OCSF JSON lines for a SIEM (core/export/ocsf.ts, ocsf-mcp.ts), both read from raw records in the case
// file; the postmortem itself is rendered by report.ts. `causa report|excerpt|export` write the same files.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  buildExcerpt,
  verifyExcerpt,
  type Excerpt,
  type ExcerptEvent,
  type ExcerptSeal,
  type ExcerptVerdict,
} from '../core/export/excerpt';
import { kubernetesApiActivity } from '../core/export/ocsf';
import { mcpToolActivity } from '../core/export/ocsf-mcp';
import type { EventFilter } from '../shared/contract';
import { ServiceError } from '../shared/errors';
import { CAUSA_VERSION } from '../shared/version';
import type { CaseStore } from '../store/case-store';
import { getEvent, iterateEvents } from '../store/queries';
import { listStoredSources, readSeal, readSealTable } from '../store/seals';
import { mcpSourceIds, toolResultId } from '../store/tool-calls';
import { eventRecord, listBundles, sealedLeavesText } from '../store/verification';
import type { LinkedCase } from '../core/link';
import { filterBounds } from './filter-bounds';
import { renderPdf } from './pdf';
import { REPORT_MIME, renderReport, reportCitedEvents, reportHtml, type ReportFormat } from './report';
import { installationKeyFingerprint, listTrustedKeys, readPublicKeyFile } from './trust';
import { verdictLookup } from './verification';

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

export async function reportFile(
  store: CaseStore,
  linked: LinkedCase,
  format: ReportFormat,
  printPdf: PrintPdf = renderPdf,
): Promise<ExportFile> {
  let data: Buffer;
  if (format === 'pdf') {
    const { html, title } = reportHtml(store, linked);
    data = await printPdf(html, title);
  } else {
    data = await renderReport(store, linked, format);
  }
  return { file_name: exportFileName(store, format), mime: REPORT_MIME[format], data };
}

/** The events the postmortem cites, with their raw records and inclusion proofs (`causa excerpt --cited`). */
export function excerptFile(store: CaseStore, linked: LinkedCase): ExportFile {
  const excerpt = excerptCase(store, reportCitedEvents(store, linked));
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

export function excerptCase(store: CaseStore, ids: number[]): Excerpt {
  const bundles = listBundles(store);
  const home = new Map<number, { bundle: string; path: string }>();
  for (const b of bundles) for (const s of b.sources) home.set(s.source_id, { bundle: `b${b.id}`, path: s.bundle_path });
  const verdictOf = verdictLookup(store);
  const names = new Map(listStoredSources(store).map((s) => [s.id, s.name]));
  const seals = new Map<number, ExcerptSeal>();
  const events: ExcerptEvent[] = [];
  for (const id of [...new Set(ids)]) {
    const record = eventRecord(store, id);
    const found = getEvent(store, id, verdictOf);
    if (!record || !found) throw new ServiceError('not_found', `no event ${id} in this case`);
    const where = home.get(record.source_id);
    if (!seals.has(record.source_id)) {
      const seal = readSeal(store, record.source_id);
      if (seal)
        seals.set(record.source_id, {
          source_id: seal.source_id,
          seal: seal.seal,
          signature: seal.signature,
          leaves: readSealTable(store, seal, 'leaves'),
          positions: readSealTable(store, seal, 'positions'),
        });
    }
    events.push({
      id,
      event: found.event,
      raw: record.raw,
      position: record.position,
      source_id: record.source_id,
      source_name: names.get(record.source_id) ?? `source ${record.source_id}`,
      ...(record.locator ? { locator: record.locator } : {}),
      ...(record.context ? { context: record.context } : {}),
      ...(where ? { bundle: where.bundle, bundle_path: where.path } : {}),
    });
  }
  return buildExcerpt({
    case: store.meta('name') ?? basename(store.path, '.causa'),
    created_at: new Date().toISOString(),
    bundles: bundles.map((b) => ({
      id: `b${b.id}`,
      location: b.location,
      manifest: b.manifest,
      signature: b.signature,
      leaves: sealedLeavesText(store, b.id),
    })),
    seals: [...seals.values()],
    events,
  });
}

/** Verifies an excerpt file alone; `trust` adds public keys to the trust store's for this run. */
export async function verifyExcerptAt(path: string, value: unknown, trust: string[] = []): Promise<ExcerptVerdict> {
  const trusted = new Set((await listTrustedKeys()).map((k) => k.fingerprint));
  // The key this installation seals its cases with is trusted here, as `causa verify CASE` trusts it.
  const own = installationKeyFingerprint();
  if (own) trusted.add(own);
  for (const file of trust) trusted.add((await readPublicKeyFile(file)).fingerprint);
  return verifyExcerpt(value, path, trusted);
}

/** Reads a JSON file that may be an excerpt; undefined when it is not JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** What an OCSF export wrote, and what it left out and why (the CLI prints it; docs/report.md explains it). */
export interface OcsfCounts {
  written: number;
  kubernetes: number;
  mcp: number;
  /** Events that ride on their call's record: an MCP result, an admission policy's verdict. */
  folded: Map<string, number>;
  /** Events with no honest OCSF class, by kind; an agent's own tool-call telemetry as `tool_call (telemetry)`. */
  skipped: Map<string, number>;
}

export function emptyOcsfCounts(): OcsfCounts {
  return { written: 0, kubernetes: 0, mcp: 0, folded: new Map(), skipped: new Map() };
}

const FOLDED: readonly string[] = ['tool_result', 'policy_decision'];

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * The case's API calls as OCSF JSON lines, filtered like the timeline (kind, actor, namespace, time,
 * text). One record per call whatever the filter says about stages: an audited call is its latest stage.
 */
export function* ocsfLines(store: CaseStore, filter: EventFilter, counts: OcsfCounts): Generator<string> {
  const calls: EventFilter = { ...filter, stages: undefined };
  const verdictOf = verdictLookup(store);
  const mcpSources = mcpSourceIds(store);
  const product = { version: CAUSA_VERSION };
  for (const event of iterateEvents(store, calls, filterBounds(store, calls), verdictOf)) {
    let record: Record<string, unknown> | undefined;
    if (event.kind === 'k8s_api') {
      const raw = eventRecord(store, event.id)?.raw ?? Buffer.alloc(0);
      record = kubernetesApiActivity(event, raw, product);
      counts.kubernetes += 1;
    } else if (event.kind === 'tool_call') {
      const stored = eventRecord(store, event.id);
      if (!stored || !mcpSources.has(stored.source_id)) {
        bump(counts.skipped, 'tool_call (telemetry)');
        continue;
      }
      const resultId =
        event.keys?.jsonrpc_id !== undefined ? toolResultId(store, stored.source_id, stored.position, event.keys.jsonrpc_id) : undefined;
      const result = resultId !== undefined ? getEvent(store, resultId, verdictOf)?.event : undefined;
      record = mcpToolActivity(event, stored.raw, result, product);
      counts.mcp += 1;
    } else {
      bump(FOLDED.includes(event.kind) ? counts.folded : counts.skipped, event.kind);
      continue;
    }
    counts.written += 1;
    yield JSON.stringify(record);
  }
}

function listCounts(counts: Map<string, number>): string {
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
}

/** "1988 OCSF API Activity records (1984 Kubernetes API calls, 4 MCP tool calls); folded …; skipped …". */
export function ocsfSummary(counts: OcsfCounts): string {
  const folded = listCounts(counts.folded);
  const skipped = listCounts(counts.skipped);
  return (
    `${counts.written} OCSF API Activity records (${counts.kubernetes} Kubernetes API calls, ${counts.mcp} MCP tool calls)` +
    (folded ? `; folded into their call's record: ${folded}` : '') +
    (skipped ? `; skipped (no OCSF mapping): ${skipped}` : '')
  );
}

/** Web mode hands a download to the browser as one JSON string; past this, use `causa export`. */
export const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;

/** The OCSF lines of the filter as one file, for the Export button. */
export function ocsfFile(store: CaseStore, filter: EventFilter): { data: Buffer; counts: OcsfCounts } {
  const counts = emptyOcsfCounts();
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (const line of ocsfLines(store, filter, counts)) {
    const chunk = Buffer.from(`${line}\n`, 'utf8');
    bytes += chunk.length;
    if (bytes > MAX_DOWNLOAD_BYTES)
      throw new ServiceError(
        'unsupported',
        `the OCSF export of this filter passes ${MAX_DOWNLOAD_BYTES / 1024 / 1024} MiB; narrow the filter, or run causa export CASE --format ocsf -o FILE`,
      );
    chunks.push(chunk);
  }
  return { data: Buffer.concat(chunks), counts };
}
