// The one API contract between the workbench UI and the main side. The IPC channel list, the preload
// surface, the HTTP routes and the renderer's client are all derived from `contract`; nothing restates it.
import { z } from 'zod';
import { Graph } from './graph';
import { EVENT_KINDS, EventJson, RecordError } from './model';

export const ERROR_CODES = [
  'unauthorized',
  'invalid_input',
  'not_found',
  'unsupported',
  'no_case',
  'io',
  'cancelled',
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

export const EventFilter = z.object({
  kind: z.array(z.enum(EVENT_KINDS)).optional(),
  /** Matches the actor id or the person it acted for, case-insensitively, as a substring. */
  actor: z.string().max(500).optional(),
  /** RFC 3339 bounds, inclusive. */
  since: z.string().max(64).optional(),
  until: z.string().max(64).optional(),
  /** Substring of the raw record, case-insensitive. */
  search: z.string().max(1000).optional(),
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

const BreakNature = z.enum(['modified', 'inserted', 'deleted', 'reordered', 'truncated', 'appended']);

/** The latest verification of one bundle of the case: of the bundle as imported, or of the records kept. */
export const VerificationSummary = z.object({
  bundle_id: z.number().int(),
  location: z.string(),
  at: z.string(),
  subject: z.enum(['bundle', 'case']),
  verdict: z.object({
    intact: z.boolean(),
    signature: z.object({
      status: z.enum(['absent', 'valid', 'invalid']),
      fingerprint: z.string().optional(),
      trusted: z.boolean().optional(),
      reason: z.string().optional(),
    }),
    sources: z.array(
      z.object({
        path: z.string(),
        type: z.string(),
        verdict: z.enum(['intact', 'broken', 'unsigned', 'unverifiable']),
        records: z.number().int().optional(),
        first_bad_position: z.number().int().optional(),
        nature: BreakNature.optional(),
        reason: z.string().optional(),
      }),
    ),
    problems: z.array(z.object({ item: z.string(), reason: z.string(), position: z.number().int().optional(), nature: BreakNature.optional() })),
  }),
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

export const FileImport = z.object({
  file: z.string(),
  format: z.string(),
  status: z.enum(['imported', 'already_imported', 'failed']),
  events: z.number().int(),
  errors: z.array(RecordError),
  /** Errors beyond those listed (a garbage file would otherwise list one per line). */
  more_errors: z.number().int(),
});
export type FileImport = z.infer<typeof FileImport>;

export const ImportReport = z.object({
  files: z.array(FileImport),
  events: z.number().int(),
  errors: z.number().int(),
});
export type ImportReport = z.infer<typeof ImportReport>;

/** Dropped or uploaded files arrive as bytes, never as paths the renderer chose. */
export const UploadedFile = z.object({
  name: z.string().min(1).max(255),
  data_base64: z.string().max(700_000_000),
});

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
    z.object({ event: EventJson, raw: z.string(), source_name: z.string() }),
  ),
  importFiles: method(z.object({ files: z.array(UploadedFile).min(1).max(100) }), ImportReport),
  /** Re-checks the records the case keeps against their bundles' sealed hashes; recorded with its time. */
  verifyCase: method(z.object({}), z.array(VerificationSummary)),
  /** The causal graph; with a filter, the nodes whose events match it (links are made over the whole case). */
  graph: method(z.object({ filter: EventFilter.default({}) }), Graph),
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
  /** Electron only: the main side shows its own Open dialog; the path never comes from the renderer. */
  openEvidence: method(z.object({}), ImportReport),
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
