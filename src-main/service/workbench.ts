// The one implementation of the API contract, shared by the Electron host, web mode and the CLI. It owns
// the open case file; transports only parse input, call it, and carry the result back.
import { basename } from 'node:path';
import type { LinkedCase } from '../core/link';
import type { EventFilter, ExportedFile, Handlers, ImportReport, MethodOutput, UploadedFile } from '../shared/contract';
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
  matchingEventIds,
  type TimeBounds,
} from '../store/queries';
import { filterValueCounts } from '../store/event-lookups';
import { upgradeObjectIdentity } from './objects';
import { analysisState, journalReport, recordAction, redoAction, undoAction } from './analysis';
import { currentAnalyst, setAnalystName } from './analyst';
import { filterGraph, graphKey, groupMembers, isFiltering, linkCase } from './graph';
import { excerptFile, ocsfExportFile, reportFile, type ExportFile } from './exports';
import { importBuffers, importPaths, type ImportOptions } from './import';
import { resolveLimits, type Limits } from './limits';
import { ImportMonitor } from './import-monitor';
import { VerifyMonitor } from './verify-monitor';
import { captureBesideCase } from './capture/capture-for-case';
import { listKubeContexts } from './capture/kubeconfig';
import { caseVerifications, verdictLookup, verdictSpans, verifyCaseRecords } from './verification';
import { trustSigner } from './signer-trust';
import { trustedFingerprintsNow } from './trust';
import { markResolver, parseFilterQuery } from './query';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const DAY_NS = 86_400n * 1_000_000_000n;

/** Events indexed per background step: about a tenth of a second of work, so requests wait little. */
const SEARCH_BATCH = 400;

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

/** What the store needs besides the filter: its time bounds in nanoseconds, and its verdicts as source positions. */
export function filterBounds(store: CaseStore, filter: EventFilter): TimeBounds {
  const node = filter.query ? parseFilterQuery(filter.query) : undefined;
  return {
    ...timeBounds(filter),
    ...(filter.verdict && filter.verdict.length > 0 ? { verdictSpans: verdictSpans(store, filter.verdict) } : {}),
    ...(node ? { query: { node, marks: markResolver(store) } } : {}),
  };
}

function sortedCounts<T extends string>(counts: Map<string, number>): { value: T; count: number }[] {
  return [...counts].map(([value, count]) => ({ value: value as T, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

type CoreHandlers = Omit<Handlers, 'capabilities' | 'openEvidence'>;

/** An uploaded file's bytes, whichever form they travelled in (no copy of raw bytes). */
function uploadedBytes(file: UploadedFile): Buffer {
  return 'data' in file ? Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength) : Buffer.from(file.data_base64, 'base64');
}

/** An export as web mode returns it: the bytes travel in the answer, for the browser to download. */
function asDownload(file: ExportFile): ExportedFile {
  return { file_name: file.file_name, mime: file.mime, bytes: file.data.length, data_base64: file.data.toString('base64'), ...(file.summary ? { summary: file.summary } : {}) };
}

export class Workbench {
  /** The case linked once per change of its events or verdicts: each filter only narrows it. */
  private linked?: { key: string; linked: LinkedCase };
  /** The events the last filter matched, for the graph and then each page of a group expanded under it. */
  private matching?: { key: string; ids: Set<number> | undefined };
  private values?: { key: string; value: MethodOutput<'filterValues'> };

  private constructor(readonly store: CaseStore) {}

  /**
   * `indexInBackground`: build the full-text index of the case (and of what is imported later) a batch
   * at a time between requests, as the workbench's hosts do; a one-shot CLI command leaves it unset and
   * its searches scan what the index does not cover.
   */
  static open(casePath: string, options: { create?: boolean; indexInBackground?: boolean; limits?: Limits } = {}): Workbench {
    const store = CaseStore.open(casePath, options);
    upgradeObjectIdentity(store);
    const workbench = new Workbench(store);
    if (options.limits) workbench.limits = options.limits;
    if (options.indexInBackground) {
      workbench.backgroundIndexing = true;
      void workbench.indexSearch();
    }
    return workbench;
  }

  private backgroundIndexing = false;
  /** The evidence limits of every import through this workbench (core/limits.ts). */
  private limits: Limits = resolveLimits();
  private indexing?: Promise<void>;

  /**
   * Builds the full-text index, SEARCH_BATCH events per step, each step in its own turn of the event
   * loop so requests are answered in between; waits while an import writes. Resolves when the index
   * covers every event (or the case is closed).
   */
  indexSearch(): Promise<void> {
    this.indexing ??= new Promise<void>((resolve) => {
      const step = (): void => {
        if (!this.store.db.open) return finish();
        // An import writes, a verification reads the records in chunks: the index waits for either.
        if (this.store.isWriting || this.verifications.active) return void setTimeout(step, 100);
        try {
          if (this.store.indexSearchBatch(SEARCH_BATCH)) return finish();
        } catch {
          return finish(); // searches still scan what is not indexed
        }
        setImmediate(step);
      };
      const finish = (): void => {
        this.indexing = undefined;
        resolve();
      };
      setImmediate(step);
    });
    return this.indexing;
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
    try {
      return await importPaths(this.store, paths, { limits: this.limits, ...options }, this.imports);
    } finally {
      this.afterImport();
    }
  }

  private afterImport(): void {
    if (this.backgroundIndexing) void this.indexSearch();
  }

  /** The case through the linker, linked again only when its events, verdicts or the analyst's edges changed. */
  private linkedCase(): { key: string; linked: LinkedCase } {
    // The analyst's decisions and drawn edges change chains: the journal's length is part of the key.
    const state = analysisState(this.store);
    // Trust changes verdicts, which the graph's nodes carry.
    const key = `${graphKey(this.store)}:${state.entries}:${trustedFingerprintsNow().join(',')}`;
    if (this.linked?.key !== key) {
      const analyst = { decisions: new Map(state.decisions.map((d) => [d.edge, d.decision])), edges: state.edges };
      this.linked = { key, linked: linkCase(this.store, analyst) };
    }
    return this.linked;
  }

  /** The ids of the events a filter matches (undefined when it narrows nothing), kept for the next call. */
  private matchingIds(linkedKey: string, filter: EventFilter): Set<number> | undefined {
    const key = `${linkedKey}|${JSON.stringify(filter)}`;
    if (this.matching?.key !== key) {
      this.matching = { key, ids: isFiltering(filter) ? matchingEventIds(this.store, filter, filterBounds(this.store, filter)) : undefined };
    }
    return this.matching.ids;
  }

  /** The causal graph of the case (see service/graph.ts); with a filter, the matching nodes. */
  graph(filter: EventFilter = {}): Graph {
    const { key, linked } = this.linkedCase();
    return filterGraph(linked, this.matchingIds(key, filter));
  }

  /** A page of a background group's members as nodes, under the same filter as the graph. */
  groupMembers(request: { group: string; filter: EventFilter; offset: number; limit: number }): MethodOutput<'groupMembers'> {
    const { key, linked } = this.linkedCase();
    return groupMembers(this.store, linked, request, this.matchingIds(key, request.filter));
  }

  /** Namespaces, outcomes and taint labels with their counts, counted once per change of the events. */
  filterValues(): MethodOutput<'filterValues'> {
    const key = graphKey(this.store);
    if (this.values?.key !== key) {
      const counts = filterValueCounts(this.store);
      this.values = {
        key,
        value: { namespaces: sortedCounts(counts.namespaces), outcomes: sortedCounts(counts.outcomes), taints: sortedCounts(counts.taints) },
      };
    }
    return this.values.value;
  }

  /** Every event matching the filter, in time order, streamed from the case file. */
  events(filter: EventFilter): Generator<EventJson> {
    return iterateEvents(this.store, filter, filterBounds(this.store, filter), verdictLookup(this.store));
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
      const bounds = filterBounds(this.store, filter);
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
        ...(found.context ? { context: { text: found.context.bytes.toString('utf8'), sha256: found.context.sha256 } } : {}),
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
    trustSigner: ({ fingerprint, scope }) => trustSigner(this.store, fingerprint, scope),
    graph: ({ filter }) => this.graph(filter),
    groupMembers: (request) => this.groupMembers(request),
    filterValues: () => this.filterValues(),
    analysis: () => analysisState(this.store),
    record: ({ action }) => recordAction(this.store, action),
    undo: () => undoAction(this.store),
    redo: () => redoAction(this.store),
    exportReport: async ({ format }) => asDownload(await reportFile(this.store, format)),
    exportExcerpt: () => asDownload(excerptFile(this.store)),
    exportOcsf: ({ filter }) => asDownload(ocsfExportFile(this.store, filter)),
    journal: () => journalReport(this.store),
    analyst: () => currentAnalyst(),
    setAnalyst: ({ name }) => setAnalystName(name),
    kubeContexts: () => listKubeContexts(),
    captureCluster: (input) => captureBesideCase(this.store.path, input),
    locateEvent: ({ filter, id }) => ({ index: eventIndex(this.store, filter, filterBounds(this.store, filter), id) ?? null }),
    histogram: ({ filter, buckets }) => {
      const { start, end, counts } = eventHistogram(this.store, filter, filterBounds(this.store, filter), buckets);
      return { ...(start !== undefined && end !== undefined ? { start: formatNanos(start), end: formatNanos(end) } : {}), counts };
    },
    importFiles: ({ files }) => {
      this.refuseWhileBusy('import');
      return importBuffers(
        this.store,
        // The name is a label and, for a dropped folder, a path relative to it (checked in groupUploads):
        // an uploaded file never chooses where anything is read or written.
        files.map((file) => ({ name: file.name, data: uploadedBytes(file) })),
        this.imports,
        this.limits,
      ).finally(() => this.afterImport());
    },
  };
}
