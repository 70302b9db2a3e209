// The one API contract between the workbench UI and the main side. The IPC channel list, the preload
// surface, the HTTP routes and the renderer's client are all derived from `contract`; nothing restates it.
import { z } from 'zod';
import { AnalysisState, JournalAction, JournalReport } from './analysis';
import { Attribution, FindingsReport } from './attribution';
import { CaseComparison, CompareCandidate } from './compare';
import { Graph, GraphEdge, GraphNode } from './graph';
import { AgentTraceSummary, SpanChat, TraceSpans } from './agent-trace';
import { EVENT_KINDS, EventJson, OUTCOMES, RECORD_VERDICTS, RecordError } from './model';
import { BundleStatus, RecordedVerdict } from './verdict';

export const ERROR_CODES = [
  'unauthorized',
  'invalid_input',
  'not_found',
  'unsupported',
  'no_case',
  'io',
  'cancelled',
  /** The case is busy with an import or a verification that must finish (or be cancelled) first. */
  'busy',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Errors cross the boundary as data, never as thrown exceptions. */
export interface ApiError {
  ok: false;
  code: ErrorCode;
  message: string;
}
export type ApiResult<T> = { ok: true; value: T } | ApiError;

/**
 * A list filter: one value or several, kept as a list. A single value stays accepted (`"kind": "prompt"`,
 * as `--kind prompt` on the command line); several match any of them.
 */
function anyOf<T extends z.ZodType<string>>(value: T) {
  return z
    .union([value, z.array(value).max(100)])
    .transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]))
    .optional();
}

/**
 * What the timeline lists and the graph shows, one model for the UI, the API and the CLI. Fields combine
 * with AND; the values of one list field with OR (`kind: [k8s_api, authz_decision]`, `outcome: [failure,
 * denied]`). An empty list filters nothing.
 */
export const EventFilter = z.object({
  kind: anyOf(z.enum(EVENT_KINDS)),
  /** Matches the actor id or the person it acted for, case-insensitively, as a substring. */
  actor: z.string().max(500).optional(),
  /** The target's namespace, exactly. */
  namespace: anyOf(z.string().min(1).max(253)),
  outcome: anyOf(z.enum(OUTCOMES)),
  /** The record's verification verdict, as every row and node shows it. */
  verdict: anyOf(z.enum(RECORD_VERDICTS)),
  /** Where the input came from (`user`, `model`, `tool_output` …): any of the record's taint labels. */
  taint: anyOf(z.string().min(1).max(100)),
  /** RFC 3339 bounds, inclusive. */
  since: z.string().max(64).optional(),
  until: z.string().max(64).optional(),
  /** Substring of the raw record, case-insensitive. */
  search: z.string().max(1000).optional(),
  /** A query in the query language (docs/query.md), ANDed with the fields above (issue 21). */
  query: z.string().max(2000).optional(),
  /** Only these sources, by name (issue 21: the timeline's source legend turns sources on and off). */
  sources: anyOf(z.string().min(1).max(4096)),
  /**
   * Every stage of an audited API call as its own row. By default a call is one row: its latest stage
   * (RequestReceived … ResponseComplete, Panic), which carries the call's outcome.
   */
  stages: z.boolean().optional(),
});
export type EventFilter = z.infer<typeof EventFilter>;

export const SourceInfo = z.object({
  id: z.number().int(),
  name: z.string(),
  format: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  imported_at: z.string(),
  records: z.number().int(),
  errors: z.number().int(),
});
export type SourceInfo = z.infer<typeof SourceInfo>;

export { BundleStatus };

/** The latest verification of one bundle of the case: of the bundle as imported, or of the records kept. */
export const VerificationSummary = z.object({
  /** 0 for a ledger's own chain (subject 'ledger'), which belongs to no bundle; source_id names it. */
  bundle_id: z.number().int(),
  source_id: z.number().int().optional(),
  location: z.string(),
  at: z.string(),
  /** 'seal': the case's own source seals (verdict.sources by source name); 'journal': the analyst journal's signed heads. */
  subject: z.enum(['bundle', 'case', 'ledger', 'seal', 'journal']),
  /** What the run found (shared/verdict.ts, the one definition core's verifier produces). */
  verdict: RecordedVerdict,
  /** Earlier runs on the same subject that found a broken source: verdicts only get worse, so they stay shown. */
  earlier: z.array(z.object({ at: z.string(), problems: z.array(z.string()) })).optional(),
});
export type VerificationSummary = z.infer<typeof VerificationSummary>;

export const CaseInfo = z.object({
  path: z.string(),
  name: z.string(),
  events: z.number().int(),
  first_time: z.string().optional(),
  last_time: z.string().optional(),
  /** How many events of each kind the case holds (kinds with none are absent). */
  kinds: z.array(z.object({ kind: z.enum(EVENT_KINDS), count: z.number().int() })),
  sources: z.array(SourceInfo),
  verification: z.array(VerificationSummary),
});
export type CaseInfo = z.infer<typeof CaseInfo>;

/** What an import is doing now (polled for the progress bar). Bytes are of content, after gunzip. */
export const ImportProgress = z.object({
  active: z.boolean(),
  file: z.string().optional(),
  files_done: z.number().int(),
  files_total: z.number().int(),
  bytes_read: z.number(),
  bytes_total: z.number(),
  events: z.number().int(),
  cancelling: z.boolean(),
  /** Another program (another `causa import`) is writing to the case file: this import waits for it. */
  waiting: z.boolean().optional(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

/**
 * What a verification of the case is doing now (polled for the progress bar). Records are those the case
 * keeps of the chained sources and ledgers checked; a source that stops at its first bad record counts
 * whole once it is decided, so the counts reach their totals when the run completes.
 */
export const VerifyProgress = z.object({
  active: z.boolean(),
  /** The bundle (its location) or the ledger being checked, and the source of it. */
  subject: z.string().optional(),
  source: z.string().optional(),
  sources_done: z.number().int(),
  sources_total: z.number().int(),
  records_done: z.number().int(),
  records_total: z.number().int(),
  cancelling: z.boolean(),
});
export type VerifyProgress = z.infer<typeof VerifyProgress>;

export const FileImport = z.object({
  file: z.string(),
  format: z.string(),
  status: z.enum(['imported', 'already_imported', 'failed', 'cancelled', 'skipped']),
  events: z.number().int(),
  errors: z.array(RecordError),
  /** Errors beyond those listed (a garbage file would otherwise list one per line). */
  more_errors: z.number().int(),
});
export type FileImport = z.infer<typeof FileImport>;

/** A bundle of an import whose content failed a check: broken, unsigned when a signature was asked for, or untrusted. */
export const ImportIntegrity = z.object({
  bundle: z.string(),
  status: BundleStatus,
  /** The sources at fault (bundle paths) and how many of their records the case now holds. */
  sources: z.array(z.object({ path: z.string(), verdict: z.string(), records: z.number().int() })),
  records: z.number().int(),
  problems: z.array(z.object({ item: z.string(), reason: z.string() })),
  /** The signer, when the bundle is signed by a key not trusted. */
  fingerprint: z.string().optional(),
});
export type ImportIntegrity = z.infer<typeof ImportIntegrity>;

export const ImportReport = z.object({
  files: z.array(FileImport),
  events: z.number().int(),
  errors: z.number().int(),
  /** Every imported bundle that failed a check; empty or absent when all passed. */
  integrity: z.array(ImportIntegrity).optional(),
  /** True when the analyst cancelled: the files listed as cancelled were rolled back or not read. */
  cancelled: z.boolean().optional(),
});
export type ImportReport = z.infer<typeof ImportReport>;

/** The most one uploaded file may hold, in bytes. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/**
 * Dropped or uploaded files arrive as bytes, never as paths the renderer chose: raw bytes where the
 * transport carries them (Electron IPC, web mode's framed upload; see `host/file-frames.ts`), base64
 * where the call is plain JSON.
 */
export const UploadedFile = z.union([
  z.object({
    /** A file's name, or its path relative to a dropped folder ("bundle/sources/a.jsonl"); never a path on disk. */
    name: z.string().min(1).max(1024),
    data: z.instanceof(Uint8Array).refine((data) => data.byteLength <= MAX_UPLOAD_BYTES, 'a file of more than 512 MiB'),
  }),
  z.object({
    name: z.string().min(1).max(1024),
    data_base64: z.string().max(700_000_000),
  }),
]);
export type UploadedFile = z.infer<typeof UploadedFile>;

export const KubeContexts = z.object({
  /** The kubeconfig file(s) read: KUBECONFIG, else ~/.kube/config. */
  from: z.string(),
  current: z.string().optional(),
  contexts: z.array(
    z.object({ name: z.string(), cluster: z.string(), user: z.string(), namespace: z.string().optional(), server: z.string().optional() }),
  ),
});
export type KubeContexts = z.infer<typeof KubeContexts>;

const Duration = z
  .string()
  .regex(/^(\d+(ms|s|m|h|d))+$/, 'a duration like 90s, 15m or 1h30m')
  .max(32);

// Strict: a renderer that sends an output path or a kubeconfig file is refused, not quietly ignored.
export const CaptureRequest = z.strictObject({
  context: z.string().min(1).max(253),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name')
    .max(63)
    .optional(),
  since: Duration.optional(),
  watch: Duration.optional(),
});

/** The outcome of a capture: where the bundle was sealed (chosen by the main side) and what it holds. */
export const CaptureSummary = z.object({
  out: z.string(),
  complete: z.boolean(),
  identity: z.string().optional(),
  may_mutate: z.boolean(),
  mutating_rules: z.array(z.string()),
  resources: z.array(
    z.object({
      name: z.string(),
      api_version: z.string(),
      scope: z.string(),
      status: z.enum(['captured', 'not_visible', 'failed', 'cancelled']),
      items: z.number().int().optional(),
      reason: z.string().optional(),
    }),
  ),
  failed: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type CaptureSummary = z.infer<typeof CaptureSummary>;

/** The audited API call an event is a stage of: every stage record of it the case holds, in stage order. */
export const ApiCall = z.object({
  audit_id: z.string(),
  /** The stage shown for the call in listings: the furthest one, whose outcome the call has. */
  latest_id: z.number().int(),
  stages: z.array(z.object({ id: z.number().int(), stage: z.string(), time: z.string().optional(), source_name: z.string() })),
});
export type ApiCall = z.infer<typeof ApiCall>;

/**
 * A file the Export button delivers: web mode returns its bytes for the browser to download; the desktop
 * app writes it where its own Save dialog says and returns `saved_to`.
 */
export const ExportedFile = z.object({
  file_name: z.string(),
  mime: z.string(),
  bytes: z.number().int(),
  data_base64: z.string().optional(),
  saved_to: z.string().optional(),
  /** What the file holds, in a sentence ("12 events with inclusion proofs"). */
  summary: z.string().optional(),
});
export type ExportedFile = z.infer<typeof ExportedFile>;

/** The name an analyst signs journal entries with: one line of readable text. */
export const AnalystName = z
  .string()
  .trim()
  .min(1, 'a name is needed')
  .max(100, 'at most 100 characters')
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'no control characters (line breaks, tabs)');

/** Who journal entries are signed by, and where the name comes from: the analyst's setting, CAUSA_ANALYST, or the OS account. */
export const AnalystInfo = z.object({
  name: z.string(),
  source: z.enum(['setting', 'environment', 'account']),
  /** The settings file, when the name comes from it. */
  path: z.string().optional(),
});
export type AnalystInfo = z.infer<typeof AnalystInfo>;

// ---- issue 20: the guardrail gap (RBAC, least privilege, admission) and taint chains ----------------

const RbacRuleShape = z.object({
  verbs: z.array(z.string()),
  apiGroups: z.array(z.string()).optional(),
  resources: z.array(z.string()).optional(),
  resourceNames: z.array(z.string()).optional(),
  nonResourceURLs: z.array(z.string()).optional(),
});

/** One API call of an identity the agent used, with what allowed it and what least privilege would say. */
export const GuardedCall = z.object({
  event_id: z.number().int(),
  time: z.string().optional(),
  label: z.string(),
  verb: z.string(),
  outcome: z.enum(OUTCOMES),
  /** Part of the intended task (before the first root cause, or as the analyst marked it). */
  intended: z.boolean(),
  /** Reached by a taint chain from a tool result. */
  tainted: z.boolean(),
  /** The binding and role the authorization reason names (or the evaluator found in listed RBAC objects). */
  allowed_by: z.string().optional(),
  /** The generated least-privilege role replayed on this call. */
  least_privilege: z.enum(['allowed', 'denied']),
});
export type GuardedCall = z.infer<typeof GuardedCall>;

export const HeldBinding = z.object({
  binding: z.string(),
  role: z.string(),
  subject: z.string(),
  /** `namespace staging-apollo` or `cluster-wide`. */
  scope: z.string(),
  /** Where the binding is known from: the requests' authorization reasons, or a listing of the cluster. */
  source: z.enum(['authz-reason', 'listing']),
  /** What the role grants in total; absent when its rules are unknown (not listed, not a default role). */
  resources: z.number().int().optional(),
  verbs: z.number().int().optional(),
  rules: z.array(RbacRuleShape).optional(),
  calls: z.number().int(),
});

export const GuardedIdentity = z.object({
  /** Who the calls were authorized as (the impersonated user when there is one). */
  identity: z.string(),
  /** The agent's own identity that made the calls (a service account), when it is another. */
  via: z.string().optional(),
  bindings: z.array(HeldBinding),
  calls: z.array(GuardedCall),
  needed: z.object({ resources: z.number().int(), verbs: z.number().int(), rules: z.array(RbacRuleShape) }),
  /** The generated Role/ClusterRole and binding, for `kubectl apply -f`. */
  yaml: z.string(),
  /** The held-vs-needed difference in words and numbers. */
  diff: z.string(),
  /** Calls the least-privilege role would have denied: the preventable ones. */
  preventable: z.array(z.number().int()),
});
export type GuardedIdentity = z.infer<typeof GuardedIdentity>;

export const AdmissionGap = z.object({
  event_id: z.number().int(),
  policy: z.string(),
  binding: z.string().optional(),
  actions: z.array(z.string()),
  message: z.string(),
  /** The request the policy saw and would have refused had its binding denied. */
  request: z.string(),
  request_event_id: z.number().int().optional(),
});

export const DeniedCall = z.object({ event_id: z.number().int(), label: z.string(), identity: z.string(), rule: z.string() });

export const GuardrailsReport = z.object({
  /** What decided which calls were intended: the analyst's marks, the root cause, the first tainted call, or every call. */
  intended_basis: z.enum(['analyst', 'root_cause', 'taint', 'all']),
  identities: z.array(GuardedIdentity),
  admission: z.array(AdmissionGap),
  denied: z.array(DeniedCall),
});
export type GuardrailsReport = z.infer<typeof GuardrailsReport>;

export const TaintEdge = z.object({
  from_event: z.number().int(),
  to_event: z.number().int(),
  /** The repeated span, as the earlier tool result wrote it. */
  span: z.string(),
  /** `exact` when the later text holds the span byte for byte; `normalized` after case, spacing, escapes and hidden characters. */
  match: z.enum(['exact', 'normalized']),
  words: z.number().int(),
});
export type TaintEdge = z.infer<typeof TaintEdge>;

export const InjectionFinding = z.object({
  event_id: z.number().int(),
  source: z.string(),
  /** The record's position in its source (its line for JSON lines). */
  position: z.number().int(),
  kind: z.enum(['override', 'role-marker', 'tool-syntax', 'hidden-unicode', 'addressed-to-agent']),
  excerpt: z.string(),
  /** Character offset of the excerpt in the event's text, and the byte offset of the match in the raw record when found there. */
  offset: z.number().int(),
  raw_offset: z.number().int().optional(),
});
export type InjectionFinding = z.infer<typeof InjectionFinding>;

export const TaintReport = z.object({
  edges: z.array(TaintEdge),
  findings: z.array(InjectionFinding),
  /** Events reached by a tainted path, with the label they carry and the tool result it started from. */
  reached: z.array(z.object({ event_id: z.number().int(), labels: z.array(z.string()), from_event: z.number().int() })),
});
export type TaintReport = z.infer<typeof TaintReport>;

export const GuardrailsRequest = z.strictObject({
  /** Event ids of the calls the analyst marks as the intended task; absent: the default rule. */
  intended: z.array(z.number().int().min(1)).max(100_000).optional(),
});

// ---- end issue 20 ------------------------------------------------------------------------------------

// ---- issue 22: pull an incident window from a log store (docs/pull.md) -------------------------------

/**
 * A window to pull: the profile is a path the main side reads (it names the server and where the
 * credentials come from, environment variables or a file); no credential ever comes from the page.
 */
export const PullWindowRequest = z.strictObject({
  profile: z.string().min(1).max(4096),
  from: z.string().min(1).max(64),
  to: z.string().min(1).max(64),
  namespace: z.string().min(1).max(253).optional(),
  user: z.string().min(1).max(512).optional(),
  cluster: z.string().min(1).max(253).optional(),
});
export type PullWindowRequest = z.infer<typeof PullWindowRequest>;

/** What a profile file says, for the dialog: where from, which table, which filters, where credentials come from. */
export const PullProfileInfo = z.object({
  path: z.string(),
  name: z.string().optional(),
  url: z.string(),
  table: z.string(),
  format: z.string(),
  time_column: z.string(),
  tiebreak_column: z.string(),
  filters: z.array(z.enum(['namespace', 'user', 'cluster'])),
  /** Where the credentials come from, names only (an environment variable, a file path), never a value. */
  credentials: z.string(),
});
export type PullProfileInfo = z.infer<typeof PullProfileInfo>;

const PullBucket = z.object({ bucket: z.string(), rows: z.number().int() });
/** The server's aggregates of a window: nothing is pulled. */
export const PullPlanSummary = z.object({
  server: z.string(),
  server_version: z.string(),
  table: z.string(),
  engine: z.string(),
  window: z.object({ from: z.string(), to: z.string() }),
  rows: z.number().int(),
  per_hour: z.array(PullBucket),
  per_user: z.array(PullBucket).optional(),
  per_namespace: z.array(PullBucket).optional(),
  statements: z.array(z.string()),
});
export type PullPlanSummary = z.infer<typeof PullPlanSummary>;

/** The pull running now (polled for the progress bar). */
export const PullProgressInfo = z.object({
  active: z.boolean(),
  phase: z.enum(['connecting', 'counting', 'pulling', 'sealing', 'importing']).optional(),
  rows: z.number().int(),
  server_rows: z.number().int().optional(),
});
export type PullProgressInfo = z.infer<typeof PullProgressInfo>;

/** A pull into a bundle beside the case, imported into the case when whole. */
export const PullSummary = z.object({
  out: z.string(),
  complete: z.boolean(),
  cancelled: z.boolean(),
  rows: z.number().int(),
  server_rows: z.number().int(),
  failed: z.string().optional(),
  warnings: z.array(z.string()),
  statements: z.number().int(),
  imported: ImportReport.optional(),
});
export type PullSummary = z.infer<typeof PullSummary>;

// ---- end issue 22 ------------------------------------------------------------------------------------

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const contract = {
  capabilities: method(z.object({}), z.object({ open_dialog: z.boolean(), transport: z.enum(['ipc', 'http']) })),
  caseInfo: method(z.object({}), CaseInfo),
  listEvents: method(
    z.object({
      filter: EventFilter.default({}),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    z.object({ total: z.number().int(), events: z.array(EventJson) }),
  ),
  getEvent: method(
    z.object({ id: z.number().int().min(1) }),
    z.object({
      event: EventJson,
      raw: z.string(),
      /** A document record's context (an OTLP span's resource and scope): exact bytes by JSON path, and their sha256. */
      context: z.object({ text: z.string(), sha256: z.string() }).optional(),
      source_name: z.string(),
      api_call: ApiCall.optional(),
      /** The same record in other sources; same_bytes false: the same auditID and stage, written differently. */
      duplicates: z.array(z.object({ id: z.number().int(), source_name: z.string(), same_bytes: z.boolean() })).optional(),
      /** An agent span's conversation (roles, text, tool calls and results) and its tokens, cost and latency. */
      chat: SpanChat.optional(),
    }),
  ),
  importFiles: method(z.object({ files: z.array(UploadedFile).min(1).max(100) }), ImportReport),
  /** The import running now, if any: file, bytes and events so far. */
  importProgress: method(z.object({}), ImportProgress),
  /** Stops the running import at the next record; the file being read is rolled back, earlier files stay. */
  cancelImport: method(z.object({}), z.object({ cancelled: z.boolean() })),
  /**
   * Re-checks the records the case keeps against their bundles' sealed hashes, and every ledger's own
   * chain; recorded with its time. One run at a time, not during an import (`busy`); a cancelled run
   * answers `cancelled` and records nothing.
   */
  /**
   * Re-checks the case: bundles, ledgers, its own seals and the journal. `rederive` has every importer read
   * every record again and compare what it makes with the stored rows, even where the signed row digests hold.
   */
  verifyCase: method(z.object({ rederive: z.boolean().optional() }), z.array(VerificationSummary)),
  /** The verification running now, if any: which bundle and source, records checked of the total. */
  verifyProgress: method(z.object({}), VerifyProgress),
  /** Stops the running verification at its next pause; nothing of it is recorded. */
  cancelVerify: method(z.object({}), z.object({ cancelled: z.boolean() })),
  /**
   * Trusts the key that signed a bundle of this case, named by its fingerprint (the key itself is taken
   * from the bundle's signature as the case keeps it): for this case alone (a journal entry) or always
   * (the analyst's trust store). Trusting says "this key speaks for whoever I believe sealed the evidence".
   */
  trustSigner: method(
    z.strictObject({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/), scope: z.enum(['case', 'always']) }),
    z.object({ fingerprint: z.string(), scope: z.enum(['case', 'always']), label: z.string() }),
  ),
  /** The causal graph; with a filter, the nodes whose events match it (links are made over the whole case). */
  graph: method(z.object({ filter: EventFilter.default({}) }), Graph),
  /**
   * The member nodes of a background group (`groups[].id` of the graph), a page at a time in time order,
   * with their authorization decisions and the edges among them and to the graph's nodes: what the view
   * draws when the analyst expands the group. Under a filter, the members whose events match it.
   */
  groupMembers: method(
    z.object({
      group: z.string().min(1).max(1000),
      filter: EventFilter.default({}),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    z.object({
      group: z.string(),
      total: z.number().int(),
      offset: z.number().int(),
      nodes: z.array(GraphNode),
      edges: z.array(GraphEdge),
    }),
  ),
  /**
   * The values the filter bar offers, with how many events hold each: namespaces, outcomes and taint
   * labels (kinds are in caseInfo). Counted over the whole case, stages included.
   */
  filterValues: method(
    z.object({}),
    z.object({
      namespaces: z.array(z.object({ value: z.string(), count: z.number().int() })),
      outcomes: z.array(z.object({ value: z.enum(OUTCOMES), count: z.number().int() })),
      taints: z.array(z.object({ value: z.string(), count: z.number().int() })),
    }),
  ),
  /** The analyst's annotations, decisions, drawn edges, notes and story, replayed from the journal. */
  analysis: method(z.object({}), AnalysisState),
  /** Appends one analyst action to the case's hash-chained journal. */
  record: method(z.object({ action: JournalAction }), AnalysisState),
  undo: method(z.object({}), AnalysisState),
  redo: method(z.object({}), AnalysisState),
  /** Every journal entry (who, when, what; undo and redo included) and the verdict on its hash chain. */
  journal: method(z.object({}), JournalReport),
  /** The name new journal entries are signed with. */
  analyst: method(z.object({}), AnalystInfo),
  /** Sets that name once for every case (kept in the user's Causa folder, not in the case). */
  setAnalyst: method(z.object({ name: AnalystName }), AnalystInfo),
  /** The kubeconfig contexts a capture can use (read from KUBECONFIG or ~/.kube/config, never a renderer path). */
  kubeContexts: method(z.object({}), KubeContexts),
  /** A read-only capture of the context's cluster, sealed into a bundle beside the case file. */
  captureCluster: method(CaptureRequest, CaptureSummary),
  /** Reads a pull profile file on the main side and says what it names (never a credential's value). */
  pullProfile: method(z.strictObject({ path: z.string().min(1).max(4096) }), PullProfileInfo),
  /** The server's count and aggregates (rows per hour, identity, namespace) of a window; read-only, nothing pulled. */
  planPull: method(PullWindowRequest, PullPlanSummary),
  /** Pulls the window into a sealed bundle beside the case file and, when whole, imports it. One at a time. */
  pullWindow: method(PullWindowRequest, PullSummary),
  /** The pull running now, if any: its phase and the rows so far. */
  pullProgress: method(z.object({}), PullProgressInfo),
  /** Stops the running pull (what was pulled is sealed as partial and not imported), or its import. */
  cancelPull: method(z.object({}), z.object({ cancelled: z.boolean() })),
  /** Where an event sits in the timeline the filter gives (its row index), or null when the filter hides it. */
  locateEvent: method(
    z.object({ filter: EventFilter.default({}), id: z.number().int().min(1) }),
    z.object({ index: z.number().int().nullable() }),
  ),
  /**
   * Event counts over time in equal buckets, for the time-range brush: over the filter's since/until when
   * given, else over the whole case's time span. Events without a time are not counted.
   */
  histogram: method(
    z.object({ filter: EventFilter.default({}), buckets: z.number().int().min(1).max(1000).default(120) }),
    z.object({ start: z.string().optional(), end: z.string().optional(), counts: z.array(z.number().int()) }),
  ),
  /**
   * The postmortem for the Export button. Web mode returns the document as data for a download; the
   * desktop app shows its own Save dialog and returns where it saved (the path never comes from the renderer).
   */
  exportReport: method(z.strictObject({ format: z.enum(['md', 'html', 'pdf']) }), ExportedFile),
  /** The evidence excerpt of the events the postmortem cites: raw records with inclusion proofs. */
  exportExcerpt: method(z.strictObject({}), ExportedFile),
  /** OCSF API Activity JSON lines of the events the filter matches (the timeline's filter). */
  exportOcsf: method(z.strictObject({ filter: EventFilter.default({}) }), ExportedFile),
  /** Electron only: the main side shows its own Open dialog; the path never comes from the renderer. */
  openEvidence: method(z.object({}), ImportReport),

  // Issue 21: the query language (docs/query.md).
  /** The query language's fields, for the search box's autocomplete. */
  queryFields: method(
    z.object({}),
    z.array(
      z.object({ name: z.string(), doc: z.string(), values: z.array(z.string()).optional(), aliases: z.array(z.string()).optional() }),
    ),
  ),
  /** Whether a query reads, and if not, where and why (an answer, not an error: checking is the point). */
  checkQuery: method(
    z.object({ query: z.string().max(2000) }),
    z.object({ valid: z.boolean(), column: z.number().int().optional(), reason: z.string().optional() }),
  ),
  /**
   * Case files this case can be compared with: those in the open case's folder and those named to
   * `causa serve --compare`. The main side lists them; the renderer only picks one of the list.
   */
  compareCandidates: method(z.object({}), z.object({ cases: z.array(CompareCandidate) })),
  /**
   * This case and another (one `compareCandidates` offered, opened read-only): the agent's prompts, tool
   * calls and API calls of each from its first prompt, aligned step by step (match, differ, only in one).
   */
  compareCase: method(z.strictObject({ path: z.string().min(1).max(4096) }), CaseComparison),
  // Issue 19: attribution and anomaly findings (shapes in shared/attribution.ts). Working hours as
  // `HH-HH[@±HH:MM][/D-D]`; reference cases (--like) are CLI only, since paths never come from the renderer.
  attribution: method(z.strictObject({}), Attribution),
  findings: method(z.strictObject({ hours: z.string().max(40).optional() }), FindingsReport),
  // issue 20: why nothing stopped it (docs/analyses-guardrails.md).
  guardrails: method(GuardrailsRequest, GuardrailsReport),
  taint: method(z.object({}), TaintReport),
  // Issue 18: agent traces as traces (shapes in shared/agent-trace.ts).
  /** The spans of one trace (by its 32-hex id) with their timing and usage, for the span waterfall. */
  traceSpans: method(z.strictObject({ trace_id: z.string().regex(/^[0-9a-fA-F]{32}$/) }), TraceSpans),
  /** The case's traces that have spans, in time order (at most 1000). */
  agentTraces: method(z.strictObject({}), z.array(AgentTraceSummary)),
};

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

/** The API as the renderer sees it, whatever the transport. */
export type Api = { [M in MethodName]: (input: MethodInput<M>) => Promise<ApiResult<MethodOutput<M>>> };

/** What the main side implements: parsed input in, plain value out; failures are thrown as ServiceError. */
export type Handlers = {
  [M in MethodName]: (input: z.output<Contract[M]['input']>) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(contract, name);
}

/** The IPC channel of one method; the preload and the main side both derive it from here. */
export function ipcChannel(name: MethodName): string {
  return `causa:${name}`;
}
