// The postmortem, the evidence excerpt and the SIEM export of a case: gathers what the pure builders in
// core/export/ need from the case file (graph, journal, bundles, verifications, raw records) and hands
// back bytes. Where they are written is the caller's choice: the CLI's -o, or the desktop's Save dialog.
import { basename } from 'node:path';
import { verifyJournal } from '../core/analysis/journal';
import { renderHtml } from '../core/export/html';
import { renderMarkdown } from '../core/export/markdown';
import {
  buildReportModel,
  chooseChains,
  citedEventIds,
  type ReportInput,
  type ReportBundle,
  type ReportCaseSeal,
  type ReportModel,
  type ReportVerification,
} from '../core/export/report-model';
import { checkSignature, SignatureFile } from '../core/bundle/signing';
import { sealHash } from '../core/verify/case-seal';
import { withTrust, type BundleVerdict } from '../core/verify/bundle';
import type { EventJson } from '../shared/model';
import type { CaseStore } from '../store/case-store';
import { readJournal } from '../store/journal';
import { activitySpan, caseSummary, countEvents, getEvent, listEvents } from '../store/queries';
import { VIEW_ROWS, viewReferences, type EmbeddedView } from '../core/export/sections/views';
import { EventFilter } from '../shared/contract';
import { filterBounds } from './filter-bounds';
import { toServiceError } from './errors';
import { listStoredSources, readSeals } from '../store/seals';
import { allVerifications, latestVerifications, listBundles } from '../store/verification';
import { analysisState } from './analysis';
import { attributionOf } from './attribution';
import { agentIdentitiesOf, findingsOf } from './findings';
import { filterGraph } from './graph';
import type { LinkedCase } from '../core/link';
import { guardrailsReport, taintReport } from './guardrails';
import { renderPdf } from './pdf';
import { installationKeyFingerprint, trustedFingerprintsNow } from './trust';
import { currentTrust, verdictLookup } from './verification';

export const REPORT_FORMATS = ['md', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_MIME: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

interface ManifestLike {
  case?: { incident_id?: string; title?: string; cluster?: string };
  sources?: { path: string; type: string; sha256: string; chain?: { records: number; head: string; merkle_root: string } }[];
}

function reportBundles(store: CaseStore): ReportBundle[] {
  const trusted = currentTrust(store);
  const latest = new Map(latestVerifications(store).map((row) => [row.bundle_id, withTrust(row.verdict as BundleVerdict, trusted)]));
  return listBundles(store).map((bundle) => {
    const manifest = JSON.parse(bundle.manifest) as ManifestLike;
    const signature = latest.get(bundle.id)?.signature ?? { status: bundle.signature ? ('invalid' as const) : ('absent' as const) };
    return {
      location: bundle.location,
      manifest_sha256: bundle.manifest_sha256,
      ...(manifest.case?.incident_id ? { incident_id: manifest.case.incident_id } : {}),
      ...(manifest.case?.title ? { title: manifest.case.title } : {}),
      ...(manifest.case?.cluster ? { cluster: manifest.case.cluster } : {}),
      signature: { status: signature.status, fingerprint: signature.fingerprint, trusted: signature.trusted },
      sources: (manifest.sources ?? []).map((s) => ({
        path: s.path,
        type: s.type,
        sha256: s.sha256,
        ...(s.chain ? { records: s.chain.records, head: s.chain.head, merkle_root: s.chain.merkle_root } : {}),
      })),
    };
  });
}

/** The case's own seals as the report lists them, each signature checked with today's trust. */
function reportCaseSeals(store: CaseStore): ReportCaseSeal[] {
  const trusted = new Set(trustedFingerprintsNow());
  const own = installationKeyFingerprint();
  if (own) trusted.add(own);
  const sources = new Map(listStoredSources(store).map((s) => [s.id, s]));
  return readSeals(store).map((row) => {
    let body: { records?: number; merkle_root?: string; sealed_at?: string } = {};
    try {
      body = JSON.parse(row.seal) as typeof body;
    } catch {
      // An unreadable seal is listed with what the case says; its signature cannot hold.
    }
    let signature: ReportCaseSeal['signature'] = { status: 'invalid', fingerprint: '?', trusted: false };
    try {
      const file = SignatureFile.parse(JSON.parse(row.signature));
      const checked = checkSignature(Buffer.from(row.seal, 'utf8'), file);
      signature = {
        status: checked.valid ? 'valid' : 'invalid',
        fingerprint: checked.fingerprint,
        trusted: checked.valid && trusted.has(checked.fingerprint),
      };
    } catch {
      // Not a signature file: reported as not verifying.
    }
    const source = sources.get(row.source_id);
    return {
      source: source?.name ?? `source ${row.source_id}`,
      format: source?.format ?? '?',
      records: body.records ?? 0,
      merkle_root: body.merkle_root ?? '?',
      seal_sha256: sealHash(row.seal),
      sealed_at: body.sealed_at ?? '',
      signature,
    };
  });
}

function reportVerifications(store: CaseStore): ReportVerification[] {
  const locations = new Map(listBundles(store).map((b) => [b.id, b.location]));
  const trusted = currentTrust(store);
  return allVerifications(store).map((row) => {
    const recorded = row.verdict as BundleVerdict & { source_id?: number };
    // Trust is re-read as it stands now; what was found wrong stays as recorded.
    const verdict = row.subject === 'ledger' || !recorded.signature ? recorded : withTrust(recorded, trusted);
    const signature = verdict.signature;
    return {
      at: row.at,
      subject: row.subject,
      location: row.bundle_id
        ? (locations.get(row.bundle_id) ?? `bundle ${row.bundle_id}`)
        : (verdict.bundle ?? `source ${verdict.source_id ?? '?'}`),
      intact: row.subject === 'ledger' ? row.intact : verdict.intact,
      status: row.subject === 'ledger' ? (row.intact ? 'intact' : 'broken') : (verdict.status ?? (row.intact ? 'intact' : 'broken')),
      ...(signature && signature.status !== 'absent'
        ? { signature: `${signature.status}${signature.trusted ? ', trusted' : signature.status === 'valid' ? ', not trusted' : ''}` }
        : {}),
      problems: (verdict.problems ?? []).map((p) => `${p.item}: ${p.reason}`),
    };
  });
}

/**
 * Everything the report says, decided from the case as it is now; `linked` is the case through the linker
 * under the analyst's decisions and edges (the workbench's linked case: linked once, or read from the
 * case's link cache, for the graph, the guardrail gap and the taint chains alike).
 */
export function reportModel(store: CaseStore, linked: LinkedCase, generatedAt = new Date().toISOString()): ReportModel {
  const analysis = analysisState(store);
  const graph = filterGraph(linked, undefined);
  const chains = new Set(chooseChains(graph, analysis));
  const verdictOf = verdictLookup(store);
  const cited = new Map<number, EventJson>();
  for (const node of graph.nodes) {
    if (node.chain === undefined || !chains.has(node.chain)) continue;
    if (node.kind !== 'prompt') continue; // only prompts need their text; the rest reads from the node
    for (const id of node.event_ids) {
      const found = getEvent(store, id, verdictOf);
      if (found) cited.set(id, found.event);
    }
  }
  const entries = readJournal(store);
  const journal = verifyJournal(entries);
  // Everyone who signed an entry, in the order they first appear: the report says whose work it is.
  const analysts = [...new Set(entries.map((entry) => entry.analyst))];
  const summary = caseSummary(store);
  // The window is the incident's activity: a listed object's creation time is state, not evidence of when.
  const span = activitySpan(store);
  const actors = attributionOf(store, graph);
  const model = buildReportModel({
    case_name: store.meta('name') ?? basename(store.path, '.causa'),
    case_file: store.path,
    generated_at: generatedAt,
    events: summary.events,
    first_time: span.first,
    last_time: span.last,
    graph,
    cited,
    analysis,
    journal: journal.intact
      ? { intact: true, entries: journal.entries, head: journal.head, analysts }
      : { intact: false, entries: journal.entries, reason: journal.reason, analysts },
    bundles: reportBundles(store),
    case_seals: reportCaseSeals(store),
    verifications: reportVerifications(store),
    gap: guardrailGap(store, linked, analysis),
    views: embeddedViews(store, analysis),
  });
  return { ...model, actors, anomalies: findingsOf(store, agentIdentitiesOf(actors)) };
}

/** The other filter fields of a view, in words: `kind prompt, tool_call; namespace production`. */
function describeFilter(filter: EventFilter): string | undefined {
  const parts = Object.entries(filter)
    .filter(([key, value]) => key !== 'query' && value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => `${key} ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Each saved view the story embeds, run on the case now: its query, its count, its first VIEW_ROWS events. */
function embeddedViews(store: CaseStore, analysis: ReturnType<typeof analysisState>): EmbeddedView[] {
  const verdictOf = verdictLookup(store);
  return viewReferences(analysis.narrative).map((name): EmbeddedView => {
    const view = analysis.views.find((v) => v.name === name);
    if (!view) return { name, problem: `No saved view is named “${name}” (it was removed or renamed).` };
    const parsed = EventFilter.safeParse({ ...view.filter, ...(view.query ? { query: view.query } : {}) });
    if (!parsed.success)
      return { name, query: view.query, problem: `The view’s filter no longer reads: ${parsed.error.issues[0]?.message}` };
    const filter = parsed.data;
    const described = describeFilter(filter);
    try {
      const bounds = filterBounds(store, filter);
      const events = listEvents(store, filter, bounds, { offset: 0, limit: VIEW_ROWS }, verdictOf);
      return {
        name,
        query: view.query,
        ...(described ? { filter: described } : {}),
        total: countEvents(store, filter, bounds),
        rows: events.map((e) => ({
          id: e.id,
          time: e.time,
          kind: e.kind,
          actor: e.actor ? `${e.actor.id}${e.actor.on_behalf_of ? ` for ${e.actor.on_behalf_of}` : ''}` : undefined,
          what:
            e.kind === 'prompt' && e.text
              ? `“${e.text.length > 120 ? `${e.text.slice(0, 119)}…` : e.text}”`
              : [e.action, e.target?.resource, [e.target?.namespace, e.target?.name].filter(Boolean).join('/')].filter(Boolean).join(' ') ||
                e.kind,
          outcome: e.outcome,
        })),
      };
    } catch (error) {
      return { name, query: view.query, problem: `The view’s query does not run: ${toServiceError(error).message}` };
    }
  });
}

/** Issue 20's sections: the guardrail gap and the taint chains of the case as it is now. */
function guardrailGap(store: CaseStore, linked: LinkedCase, analysis: ReturnType<typeof analysisState>): ReportInput['gap'] {
  const taint = taintReport(store, linked);
  return { guardrails: guardrailsReport(store, linked, analysis, taint), taint };
}

/** The event ids a report cites (its timeline), for `causa excerpt --cited`. */
export function reportCitedEvents(store: CaseStore, linked: LinkedCase): number[] {
  return citedEventIds(reportModel(store, linked));
}

/** The postmortem in one format, as bytes. */
export async function renderReport(store: CaseStore, linked: LinkedCase, format: ReportFormat): Promise<Buffer> {
  const model = reportModel(store, linked);
  if (format === 'md') return Buffer.from(renderMarkdown(model), 'utf8');
  const html = renderHtml(model);
  if (format === 'html') return Buffer.from(html, 'utf8');
  return renderPdf(html, model.title);
}

/** The report's HTML, for a host that prints it itself (Electron's printToPDF). */
export function reportHtml(store: CaseStore, linked: LinkedCase): { html: string; title: string } {
  const model = reportModel(store, linked);
  return { html: renderHtml(model), title: model.title };
}
