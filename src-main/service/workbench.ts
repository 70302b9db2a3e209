// The one implementation of the API contract, shared by the Electron host, web mode and the CLI. It owns
// the open case file; transports only parse input, call it, and carry the result back.
import { basename } from 'node:path';
import type { AnalystInput, LinkedCase } from '../core/link';
import { linkInThread } from './link-thread';
import { cachedLinkedCase, decodeLinkedCase, encodeLinkedCase, hasLinkCache, keepLinkCache, UnreadableLinkCache } from './link-cache';
import { readLinkCacheMembers } from '../store/link-cache';
import type { EventFilter, ExportedFile, Handlers, ImportReport, MethodOutput, UploadedFile } from '../shared/contract';
import type { Graph } from '../shared/graph';
import type { EventJson } from '../shared/model';
import { ServiceError } from '../shared/errors';
import { formatNanos } from '../shared/time';
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
} from '../store/queries';
import { filterValueCounts } from '../store/event-lookups';
import { replaceDerivedTaint } from '../store/taint';
import { upgradeObjectIdentity } from './objects';
import { analysisState, journalReport, recordAction, redoAction, undoAction } from './analysis';
import { currentAnalyst, setAnalystName } from './analyst';
import { attributionOf } from './attribution';
import { agentIdentitiesOf, findingsOf, parseWorkingHours, referenceSequence, type FindingsRequest } from './findings';
import type { ReferenceSequence } from '../core/analysis/findings';
import type { Attribution, FindingsReport } from '../shared/attribution';
import { filterGraph, graphKey, groupMembers, isFiltering, linkCase } from './graph';
import type { Excerpt } from '../core/export/excerpt';
import {
  emptyOcsfCounts,
  excerptCase,
  excerptFile,
  exportFileName,
  ocsfExportFile,
  ocsfLines,
  reportFile,
  type ExportFile,
  type OcsfCounts,
  type PrintPdf,
} from './exports';
import { filterBounds } from './filter-bounds';
import { guardrailsReport, taintReport } from './guardrails';
import { importBuffers, importPaths, type ImportOptions } from './import';
import { describeProfile, planForCase, pullIntoCase, PullMonitor } from './pull/pull-for-case';
import { renderReport, reportCitedEvents, type ReportFormat } from './report';
import { resolveLimits, type Limits } from './limits';
import { ImportMonitor } from './import-monitor';
import { VerifyMonitor } from './verify-monitor';
import { captureBesideCase } from './capture/capture-for-case';
import { listKubeContexts } from './capture/kubeconfig';
import { caseVerifications, verdictLookup, verificationHistory, verifyCaseRecords } from './verification';
import { trustSigner } from './signer-trust';
import { trustedFingerprintsNow } from './trust';
import { checkQuery } from './query';
import { describeQueryFields } from '../shared/query';
import { alignSequences } from '../core/analysis/compare';
import type { CaseComparison, CaseSequence } from '../shared/compare';
import { agentSequence, compareCandidates } from './compare';
import { agentTraces, spanChatOf, traceSpans } from './agent-traces';

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Events indexed per background step: about a tenth of a second of work, so requests wait little. */
const SEARCH_BATCH = 400;

function sortedCounts<T extends string>(counts: Map<string, number>): { value: T; count: number }[] {
  return [...counts]
    .map(([value, count]) => ({ value: value as T, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

type CoreHandlers = Omit<Handlers, 'capabilities' | 'openEvidence'>;

/** An uploaded file's bytes, whichever form they travelled in (no copy of raw bytes). */
function uploadedBytes(file: UploadedFile): Buffer {
  return 'data' in file
    ? Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength)
    : Buffer.from(file.data_base64, 'base64');
}

/** An export as web mode returns it: the bytes travel in the answer, for the browser to download. */
function asDownload(file: ExportFile): ExportedFile {
  return {
    file_name: file.file_name,
    mime: file.mime,
    bytes: file.data.length,
    data_base64: file.data.toString('base64'),
    ...(file.summary ? { summary: file.summary } : {}),
  };
}

export class Workbench {
  /** The case linked once per change of its events or verdicts: each filter only narrows it. */
  private linked?: { key: string; linked: LinkedCase };
  /** The events the last filter matched, for the graph and then each page of a group expanded under it. */
  private matching?: { key: string; ids: Set<number> | undefined };
  private values?: { key: string; value: MethodOutput<'filterValues'> };
  private taintCache?: { key: string; value: MethodOutput<'taint'> };

  private constructor(readonly store: CaseStore) {}

  /**
   * `indexInBackground`: build the full-text index of the case (and of what is imported later) a batch
   * at a time between requests, as the workbench's hosts do; a one-shot CLI command leaves it unset and
   * its searches scan what the index does not cover.
   */
  static open(
    casePath: string,
    options: {
      create?: boolean;
      readOnly?: boolean;
      indexInBackground?: boolean;
      limits?: Limits;
      linkWorker?: string;
      /**
       * One command, then closed (the CLI): linked here, the case keeps its groups' members only for a use
       * that reads them (a filter, an expanded group), not for the graph or the report that most commands
       * ask once; a workbench that stays open keeps them, so that its first filter does not link again.
       */
      membersOnDemand?: boolean;
      /** A case this call creates is written through a rollback journal until closed (CaseStore.open). */
      rollbackWhileNew?: boolean;
    } = {},
  ): Workbench {
    const store = CaseStore.open(casePath, options);
    upgradeObjectIdentity(store);
    // A case from an earlier Causa may hold sources whose API calls were left for a query to group.
    if (store.schemaProblems.length === 0) store.settleApiCalls();
    // And one whose import was killed before it built the event indexes it left pending (store/event-indexes.ts).
    store.buildPendingEventIndexes();
    const workbench = new Workbench(store);
    if (options.limits) workbench.limits = options.limits;
    if (options.linkWorker) workbench.linkWorker = options.linkWorker;
    if (options.membersOnDemand) workbench.membersOnDemand = true;
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

  /** The pull running now (service/pull/pull-for-case.ts). */
  readonly pulls = new PullMonitor();

  /** The verification running now. It reads while it pauses between chunks, so no import may write meanwhile. */
  readonly verifications = new VerifyMonitor();

  /** One long run at a time: an import writes in one transaction that a verification must not see, nor join. */
  private refuseWhileBusy(what: string): void {
    if (this.imports.snapshot().active)
      throw new ServiceError('busy', `cannot ${what} while an import is running: wait for it, or cancel it`);
    if (this.verifications.active)
      throw new ServiceError('busy', `cannot ${what} while the case is being verified: wait for it, or cancel it`);
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
    // The hosts link what was imported in their link worker straight away: the graph opened next reads it.
    if (this.linkWorker) void this.prepareLinks();
  }

  /**
   * Links the case as it stands and keeps the links in its link cache, so that the first graph of the
   * case, in any host of this installation, reads them instead of linking (`causa import`'s last step).
   * In the link worker when this workbench has one, in this thread otherwise.
   */
  async linkAhead(): Promise<void> {
    // The event indexes the import left pending are built meanwhile, on a thread and a connection of their
    // own (store/event-indexes.ts); this connection writes the links once they are built.
    const indexing = this.store.buildPendingEventIndexesAside();
    let linked: { key: string; linked: LinkedCase } | undefined;
    try {
      if (this.linkWorker) {
        await indexing;
        return await this.prepareLinks();
      }
      const { key } = this.linkKey();
      if (this.linked?.key === key || hasLinkCache(this.store, key)) return;
      linked = this.linkNow();
    } finally {
      await indexing;
    }
    this.linked = linked;
    keepLinkCache(this.store, encodeLinkedCase(linked.key, linked.linked));
  }

  /** Builds, in this thread, the event indexes an import left pending (`causa import` when it did not link). */
  buildPendingIndexes(): void {
    this.store.buildPendingEventIndexes();
  }

  /** What the linked case depends on, as a key (the link cache's too), and the analyst's input to the linker. */
  linkKey(): { key: string; analyst: AnalystInput } {
    // The analyst's decisions and drawn edges change chains, and so they are part of the key; a note, a
    // tag or a star does not, and linking a million events again for one would keep the graph waiting.
    const state = analysisState(this.store);
    // Trust (the case's journal, the trust store) changes verdicts, which the graph's nodes carry.
    const said = JSON.stringify([state.decisions, state.edges, state.trusted_signers]);
    return {
      key: `${graphKey(this.store)}:${said}:${trustedFingerprintsNow().join(',')}`,
      analyst: { decisions: new Map(state.decisions.map((d) => [d.edge, d.decision])), edges: state.edges },
    };
  }

  /**
   * The case through the linker, linked again only when its events, verdicts or the analyst's edges
   * changed; taken from the case's link cache when it holds this installation's links for the case as it
   * stands (service/link-cache.ts).
   */
  private linkedCase(members = !this.membersOnDemand): { key: string; linked: LinkedCase } {
    const { key, analyst } = this.linkKey();
    if (this.linked?.key !== key || (members && this.linked.linked.membersLeftOut)) {
      // The graph and the report need the groups' counts alone; a million routine reads' members are 12 MB.
      this.linked = { key, linked: cachedLinkedCase(this.store, key) ?? linkCase(this.store, analyst, { members }) };
    }
    return this.linked;
  }

  /** Whether this workbench links without the groups' members until a use reads them (`open`). */
  private membersOnDemand = false;

  /**
   * A use of the linked case that may read its groups' members: a cached case whose members turn out not
   * to be members (service/link-cache.ts, CachedMembers) is linked anew, its cache replaced, and used again.
   */
  private withMembers<T>(use: (key: string, linked: LinkedCase) => T): T {
    const { key, linked } = this.linkedCase(true);
    try {
      return use(key, linked);
    } catch (error) {
      if (!(error instanceof UnreadableLinkCache)) throw error;
      this.linked = { key, linked: linkCase(this.store, this.linkKey().analyst) };
      keepLinkCache(this.store, encodeLinkedCase(key, this.linked.linked));
      return use(key, this.linked.linked);
    }
  }

  /** Links the case now, its key read in the same transaction (the link worker's job: service/link-thread.ts). */
  linkNow(): { key: string; linked: LinkedCase } {
    return this.store.db.transaction(() => {
      const { key, analyst } = this.linkKey();
      return { key, linked: linkCase(this.store, analyst) };
    })();
  }

  /** The built link worker (out/main/link-worker.js), when this workbench links in a thread of its own. */
  private linkWorker?: string;
  private linking?: Promise<void>;

  /**
   * Before a method that needs the linked case: when this workbench has a link worker and the case is not
   * linked as it stands, takes the case's link cache when it holds the links, or links it in the link
   * worker, leaving this thread free to answer other requests meanwhile, and keeps the links in the cache.
   * A result that no longer describes the case (something was written meanwhile) is linked again; after
   * three tries, or during an import (whose rows only this connection sees), the method links in this
   * thread as before.
   */
  private async prepareLinks(): Promise<void> {
    const workerFile = this.linkWorker;
    if (!workerFile || this.store.isWriting) return;
    this.linking ??= (async () => {
      for (let tries = 0; tries < 3; tries += 1) {
        const { key } = this.linkKey();
        if (this.linked?.key === key) return;
        const cached = cachedLinkedCase(this.store, key);
        if (cached) {
          this.linked = { key, linked: cached };
          return;
        }
        const row = await linkInThread(workerFile, this.store.path);
        // An import begun meanwhile holds rows the link worker cannot see: the method links after it.
        if (!this.store.db.open || this.store.isWriting) return;
        if (row.key !== this.linkKey().key) continue;
        // Kept for the next time the case is opened (derived data, like the search index the hosts build);
        // its members are read from the case when used, not held (from the row when it could not be kept).
        const kept = keepLinkCache(this.store, row);
        const linked = decodeLinkedCase(row, kept ? () => readLinkCacheMembers(this.store) : () => row.members);
        if (!linked) continue;
        this.linked = { key: row.key, linked };
      }
    })()
      .catch(() => undefined) // the method links in this thread instead
      .finally(() => {
        this.linking = undefined;
      });
    await this.linking;
  }

  /** The ids of the events a filter matches (undefined when it narrows nothing), kept for the next call. */
  private matchingIds(linkedKey: string, filter: EventFilter): Set<number> | undefined {
    this.taintLabelsFor(filter);
    const key = `${linkedKey}|${JSON.stringify(filter)}`;
    if (this.matching?.key !== key) {
      this.matching = {
        key,
        ids: isFiltering(filter) ? matchingEventIds(this.store, filter, filterBounds(this.store, filter)) : undefined,
      };
    }
    return this.matching.ids;
  }

  /** The causal graph of the case (see service/graph.ts); with a filter, the matching nodes. */
  graph(filter: EventFilter = {}): Graph {
    if (!isFiltering(filter)) return this.linkedCase().linked.graph;
    return this.withMembers((key, linked) => filterGraph(linked, this.matchingIds(key, filter)));
  }

  /** Who asked, which agent, tool server and identity acted, and what each identity did (issue 19). */
  attribution(): Attribution {
    return attributionOf(this.store, this.linkedCase().linked.graph);
  }

  /** Anomaly findings over the case's API calls, with the analyst's dismissals (issue 19). */
  /** This case's annotated root-cause steps, as a reference for another case's findings (`--like`). */
  referenceSequence(label: string): ReferenceSequence {
    return referenceSequence(this.store, label);
  }

  /** Case files named to the host (`causa serve --compare`), offered for comparison with those beside the case. */
  compareWith: string[] = [];

  /** The agent's actions of this case from its first prompt (issue 21, compare cases). */
  agentSequence(): CaseSequence {
    return agentSequence(this.store, this.store.meta('name') ?? basename(this.store.path, '.causa'), agentIdentitiesOf(this.attribution()));
  }

  /**
   * This case and another case file lined up at their first prompts. The other case is opened read-only
   * (nothing of it changes, not even its derived data) and closed again; a file that is missing or not a
   * Causa case is an `io` error naming it.
   */
  compare(otherPath: string): CaseComparison {
    let other: Workbench;
    try {
      other = Workbench.open(otherPath, { readOnly: true });
    } catch (error) {
      const message = (error as Error).message;
      throw new ServiceError('io', message.includes(otherPath) ? message : `${otherPath}: ${message}`);
    }
    try {
      return alignSequences(this.agentSequence(), other.agentSequence());
    } finally {
      other.close();
    }
  }

  findings(request: FindingsRequest = {}): FindingsReport {
    return findingsOf(this.store, agentIdentitiesOf(this.attribution()), request);
  }

  /** A page of a background group's members as nodes, under the same filter as the graph. */
  groupMembers(request: { group: string; filter: EventFilter; offset: number; limit: number }): MethodOutput<'groupMembers'> {
    return this.withMembers((key, linked) => groupMembers(this.store, linked, request, this.matchingIds(key, request.filter)));
  }

  /** Namespaces, outcomes and taint labels with their counts, counted once per change of the events. */
  filterValues(): MethodOutput<'filterValues'> {
    const key = graphKey(this.store);
    if (this.values?.key !== key) {
      this.taint(); // the labels taint chains give are offered too
      const counts = filterValueCounts(this.store);
      this.values = {
        key,
        value: {
          namespaces: sortedCounts(counts.namespaces),
          outcomes: sortedCounts(counts.outcomes),
          taints: sortedCounts(counts.taints),
        },
      };
    }
    return this.values.value;
  }

  /**
   * The case's taint chains and injection findings, computed once per linked case. The events they reach
   * get their labels in derived_taint (migration 0022) then, so the taint filter finds them.
   */
  taint(): MethodOutput<'taint'> {
    const { key, linked } = this.linkedCase();
    if (this.taintCache?.key !== key) {
      this.taintCache = { key, value: taintReport(this.store, linked) };
      if (!this.store.isWriting && !this.store.db.readonly) replaceDerivedTaint(this.store, this.taintCache.value.reached);
    }
    return this.taintCache.value;
  }

  /** A taint filter needs the linked case (taintLabelsFor): linked first in the link worker, when there is one. */
  private async linksForFilter(filter: EventFilter): Promise<void> {
    if (filter.taint && filter.taint.length > 0) await this.prepareLinks();
  }

  /** A taint filter matches labels chains give: they are computed before it runs. */
  private taintLabelsFor(filter: EventFilter): void {
    if (filter.taint && filter.taint.length > 0) this.taint();
  }

  /** Every event matching the filter, in time order, streamed from the case file. */
  /** The analyst's state of the case: roles, tags, notes, saved views… */
  analysis(): ReturnType<typeof analysisState> {
    return analysisState(this.store);
  }

  events(filter: EventFilter): Generator<EventJson> {
    this.taintLabelsFor(filter);
    return iterateEvents(this.store, filter, filterBounds(this.store, filter), verdictLookup(this.store));
  }

  /** Every verification the case recorded, oldest first (`causa verify CASE` prints the earlier findings). */
  verificationHistory(): ReturnType<typeof verificationHistory> {
    return verificationHistory(this.store);
  }

  /** The name an export gets when the user did not name it: the case's name and what the file is. */
  exportFileName(what: ReportFormat | 'excerpt' | 'ocsf'): string {
    return exportFileName(this.store, what);
  }

  /** The postmortem as a file; `printPdf` prints its HTML (Electron's own printer on the desktop). */
  async reportFile(format: ReportFormat, printPdf?: PrintPdf): Promise<ExportFile> {
    await this.prepareLinks();
    return reportFile(this.store, this.linkedCase().linked, format, printPdf);
  }

  /** The postmortem's bytes in a format (`causa report`). */
  async renderReport(format: ReportFormat): Promise<Buffer> {
    await this.prepareLinks();
    return renderReport(this.store, this.linkedCase().linked, format);
  }

  /** The events the postmortem cites (`causa excerpt --cited`). */
  reportCitedEvents(): number[] {
    return reportCitedEvents(this.store, this.linkedCase().linked);
  }

  /** The excerpt of chosen events, with their raw records and inclusion proofs (`causa excerpt`). */
  excerpt(ids: number[]): Excerpt {
    return excerptCase(this.store, ids);
  }

  /** The excerpt of what the postmortem cites, as a file (the Export button). */
  async excerptFile(): Promise<ExportFile> {
    await this.prepareLinks();
    return excerptFile(this.store, this.linkedCase().linked);
  }

  /** The OCSF lines of a filter, streamed (`causa export`); `counts` tallies what was written and left out. */
  ocsfLines(filter: EventFilter, counts: OcsfCounts = emptyOcsfCounts()): Generator<string> {
    return ocsfLines(this.store, filter, counts);
  }

  /** The OCSF lines of a filter as one file (the Export button). */
  ocsfExportFile(filter: EventFilter): ExportFile {
    return ocsfExportFile(this.store, filter);
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
    listEvents: async ({ filter, offset, limit }) => {
      await this.linksForFilter(filter);
      this.taintLabelsFor(filter);
      const bounds = filterBounds(this.store, filter);
      const total = countEvents(this.store, filter, bounds);
      return { total, events: listEvents(this.store, filter, bounds, { offset, limit }, verdictLookup(this.store), { total }) };
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
        ...optional('chat', spanChatOf(found.event, found.raw)),
      };
    },
    queryFields: () => describeQueryFields(),
    checkQuery: ({ query }) => checkQuery(query),
    importProgress: () => this.imports.snapshot(),
    cancelImport: () => ({ cancelled: this.imports.cancel() }),
    verifyCase: ({ rederive }) => {
      this.refuseWhileBusy('verify the case');
      return verifyCaseRecords(this.store, this.verifications, { rederive: rederive === true });
    },
    verifyProgress: () => this.verifications.snapshot(),
    cancelVerify: () => ({ cancelled: this.verifications.cancel() }),
    trustSigner: ({ fingerprint, scope }) => trustSigner(this.store, fingerprint, scope),
    // Each method that reads the linked case lets the link worker link it first (prepareLinks).
    graph: async ({ filter }) => (await this.prepareLinks(), this.graph(filter)),
    groupMembers: async (request) => (await this.prepareLinks(), this.groupMembers(request)),
    filterValues: async () => (await this.prepareLinks(), this.filterValues()),
    analysis: () => this.analysis(),
    record: ({ action }) => recordAction(this.store, action),
    undo: () => undoAction(this.store),
    redo: () => redoAction(this.store),
    attribution: async () => (await this.prepareLinks(), this.attribution()),
    compareCandidates: () => ({ cases: compareCandidates(this.store.path, this.compareWith) }),
    compareCase: async ({ path }) => {
      await this.prepareLinks();
      // The renderer names a file the main side offered, never one of its own choosing.
      const offered = compareCandidates(this.store.path, this.compareWith).find((c) => c.path === path);
      if (!offered) throw new ServiceError('invalid_input', `${path}: not a case file the workbench offers to compare with`);
      return this.compare(offered.path);
    },
    findings: async ({ hours }) => (await this.prepareLinks(), this.findings({ ...(hours ? { hours: parseWorkingHours(hours) } : {}) })),
    exportReport: async ({ format }) => asDownload(await this.reportFile(format)),
    exportExcerpt: async () => asDownload(await this.excerptFile()),
    exportOcsf: async ({ filter }) => (
      await this.linksForFilter(filter),
      this.taintLabelsFor(filter),
      asDownload(this.ocsfExportFile(filter))
    ),
    journal: () => journalReport(this.store),
    analyst: () => currentAnalyst(),
    setAnalyst: ({ name }) => setAnalystName(name),
    kubeContexts: () => listKubeContexts(),
    captureCluster: (input) => captureBesideCase(this.store.path, input),
    // issue 22 (service/pull/pull-for-case.ts): the profile is read here; credentials never come from the page.
    pullProfile: ({ path }) => describeProfile(path),
    planPull: (input) => planForCase(input),
    pullWindow: (input) => {
      this.refuseWhileBusy('pull');
      return pullIntoCase(this.store.path, input, this.pulls, (out) => this.importPaths([out]));
    },
    pullProgress: () => this.pulls.snapshot(),
    cancelPull: () => ({ cancelled: this.pulls.cancel() || this.imports.cancel() }),
    locateEvent: async ({ filter, id }) => (
      await this.linksForFilter(filter),
      this.taintLabelsFor(filter),
      { index: eventIndex(this.store, filter, filterBounds(this.store, filter), id) ?? null }
    ),
    // issue 20 (service/guardrails.ts): both read the linked case, never link it again.
    taint: async () => (await this.prepareLinks(), this.taint()),
    // issue 18 (service/agent-traces.ts)
    traceSpans: ({ trace_id }) => traceSpans(this.store, trace_id),
    agentTraces: () => agentTraces(this.store),
    guardrails: async ({ intended }) => (
      await this.prepareLinks(),
      guardrailsReport(this.store, this.linkedCase().linked, analysisState(this.store), this.taint(), intended)
    ),
    histogram: async ({ filter, buckets }) => {
      await this.linksForFilter(filter);
      this.taintLabelsFor(filter);
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
