// The one implementation of the API contract, shared by the Electron host, web mode and the CLI. It owns
// the open case file; transports only parse input, call it, and carry the result back.
import { basename } from 'node:path';
import type { EventFilter, Handlers, ImportReport } from '../shared/contract';
import type { Graph } from '../shared/graph';
import type { EventJson } from '../shared/model';
import { ServiceError } from '../shared/errors';
import { formatNanos, parseRfc3339Nanos } from '../shared/time';
import { CaseStore } from '../store/case-store';
import {
  caseSummary,
  countEvents,
  eventHistogram,
  eventIndex,
  getEvent,
  iterateEvents,
  kindCounts,
  listEvents,
  listSources,
  type TimeBounds,
} from '../store/queries';
import { analysisState, journalReport, recordAction, redoAction, undoAction } from './analysis';
import { filterGraph, graphKey, linkCase } from './graph';
import { REPORT_MIME, renderReport, reportFileName } from './report';
import { importBuffers, importPaths, type ImportOptions } from './import';
import { ImportMonitor } from './import-monitor';
import { VerifyMonitor } from './verify-monitor';
import { captureBesideCase } from './capture/capture-for-case';
import { listKubeContexts } from './capture/kubeconfig';
import { caseVerifications, verdictLookup, verifyCaseRecords } from './verification';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const DAY_NS = 86_400n * 1_000_000_000n;

/**
 * Parses a --since/--until bound: an RFC 3339 time, or a date. Bounds are inclusive, so a date means the
 * whole day: its first nanosecond as `since`, its last as `until`.
 */
export function parseTimeBound(text: string, name: 'since' | 'until'): bigint {
  const dateOnly = DATE_ONLY.test(text);
  const ns = parseRfc3339Nanos(dateOnly ? `${text}T00:00:00Z` : text);
  if (ns === null) throw new ServiceError('invalid_input', `${name}: "${text}" is not an RFC 3339 time (e.g. 2025-04-03T14:31:00Z)`);
  return dateOnly && name === 'until' ? ns + DAY_NS - 1n : ns;
}

export function timeBounds(filter: EventFilter): TimeBounds {
  return {
    since: filter.since ? parseTimeBound(filter.since, 'since') : undefined,
    until: filter.until ? parseTimeBound(filter.until, 'until') : undefined,
  };
}

type CoreHandlers = Omit<Handlers, 'capabilities' | 'openEvidence'>;

export class Workbench {
  /** The case linked once per change of its events or verdicts: each filter only narrows it. */
  private linked?: { key: string; graph: Graph };

  private constructor(readonly store: CaseStore) {}

  static open(casePath: string, options: { create?: boolean } = {}): Workbench {
    return new Workbench(CaseStore.open(casePath, options));
  }

  close(): void {
    this.store.close();
  }

  /** The import running now (one at a time: the case file has one writer). */
  readonly imports = new ImportMonitor();

  /** The verification running now. It reads while it pauses between chunks, so no import may write meanwhile. */
  readonly verifications = new VerifyMonitor();

  /** One long run at a time: an import writes in one transaction that a verification must not see, nor join. */
  private refuseWhileBusy(what: string): void {
    if (this.imports.snapshot().active) throw new ServiceError('busy', `cannot ${what} while an import is running: wait for it, or cancel it`);
    if (this.verifications.active) throw new ServiceError('busy', `cannot ${what} while the case is being verified: wait for it, or cancel it`);
  }

  async importPaths(paths: string[], options: ImportOptions = {}): Promise<ImportReport> {
    this.refuseWhileBusy('import');
    return importPaths(this.store, paths, options, this.imports);
  }

  /** The causal graph of the case (see service/graph.ts); with a filter, the matching nodes. */
  graph(filter: EventFilter = {}): Graph {
    const bounds = timeBounds(filter);
    // The analyst's decisions and drawn edges change chains: the journal's length is part of the key.
    const state = analysisState(this.store);
    const key = `${graphKey(this.store)}:${state.entries}`;
    if (this.linked?.key !== key) {
      const analyst = { decisions: new Map(state.decisions.map((d) => [d.edge, d.decision])), edges: state.edges };
      this.linked = { key, graph: linkCase(this.store, analyst) };
    }
    return filterGraph(this.store, this.linked.graph, { filter, bounds });
  }

  /** Every event matching the filter, in time order, streamed from the case file. */
  events(filter: EventFilter): Generator<EventJson> {
    return iterateEvents(this.store, filter, timeBounds(filter), verdictLookup(this.store));
  }

  /** The contract's methods that do not depend on the transport. */
  readonly handlers: CoreHandlers = {
    caseInfo: () => ({
      path: this.store.path,
      name: this.store.meta('name') ?? basename(this.store.path),
      ...caseSummary(this.store),
      kinds: kindCounts(this.store),
      sources: listSources(this.store),
      verification: caseVerifications(this.store),
    }),
    listEvents: ({ filter, offset, limit }) => {
      const bounds = timeBounds(filter);
      return {
        total: countEvents(this.store, filter, bounds),
        events: listEvents(this.store, filter, bounds, { offset, limit }, verdictLookup(this.store)),
      };
    },
    getEvent: ({ id }) => {
      const found = getEvent(this.store, id, verdictLookup(this.store));
      if (!found) throw new ServiceError('not_found', `no event ${id} in this case`);
      return {
        event: found.event,
        raw: found.raw.toString('utf8'),
        source_name: found.source_name,
        ...(found.api_call ? { api_call: found.api_call } : {}),
        duplicates: found.duplicates,
      };
    },
    importProgress: () => this.imports.snapshot(),
    cancelImport: () => ({ cancelled: this.imports.cancel() }),
    verifyCase: () => {
      this.refuseWhileBusy('verify the case');
      return verifyCaseRecords(this.store, this.verifications);
    },
    verifyProgress: () => this.verifications.snapshot(),
    cancelVerify: () => ({ cancelled: this.verifications.cancel() }),
    graph: ({ filter }) => this.graph(filter),
    analysis: () => analysisState(this.store),
    record: ({ action }) => recordAction(this.store, action),
    undo: () => undoAction(this.store),
    redo: () => redoAction(this.store),
    exportReport: async ({ format }) => {
      const data = await renderReport(this.store, format);
      return { file_name: reportFileName(this.store, format), mime: REPORT_MIME[format], bytes: data.length, data_base64: data.toString('base64') };
    },
    journal: () => journalReport(this.store),
    kubeContexts: () => listKubeContexts(),
    captureCluster: (input) => captureBesideCase(this.store.path, input),
    locateEvent: ({ filter, id }) => ({ index: eventIndex(this.store, filter, timeBounds(filter), id) ?? null }),
    histogram: ({ filter, buckets }) => {
      const { start, end, counts } = eventHistogram(this.store, filter, timeBounds(filter), buckets);
      return { ...(start !== undefined && end !== undefined ? { start: formatNanos(start), end: formatNanos(end) } : {}), counts };
    },
    importFiles: ({ files }) => {
      this.refuseWhileBusy('import');
      return importBuffers(
        this.store,
        // The name is only a label: an uploaded file never chooses where anything is read or written.
        files.map((file) => ({ name: basename(file.name), data: Buffer.from(file.data_base64, 'base64') })),
        this.imports,
      );
    },
  };
}
