// `causa capture`: a read-only snapshot of a live cluster, sealed into a bundle. Who the credential is and
// what it may do come first (the two self-reviews); then every captured type is listed, Events are
// optionally watched, and what was read is sealed — with, for each type, what was captured or why not.
import { existsSync } from 'node:fs';
import type { RawSource } from '../../core/bundle/seal';
import { eventTimeOf, jsonLines, listDocument, type CapturedObject } from '../../core/capture/documents';
import { parseDuration } from '../../core/capture/duration';
import {
  baseReport,
  capturedReport,
  failureLine,
  isComplete,
  type CaptureIdentity,
  type CaptureMetadata,
  type ResourceReport,
} from '../../core/capture/report';
import { CAPTURED_RESOURCES, sourcePathOf, type ResourceType } from '../../core/capture/resources';
import { assessRules } from '../../core/capture/rules';
import { ServiceError } from '../../shared/errors';
import { CAUSA_VERSION } from '../../shared/version';
import { sealRawSources } from '../bundles';
import { listAll, watchAppend } from './collect';
import { KubeRequestError, ReadOnlyKubeClient, type FailureKind } from './kube-client';
import { loadKubeTarget } from './kubeconfig';

export interface CaptureRequest {
  context: string;
  kubeconfig?: string;
  namespace?: string;
  /** Keep only Events that happened within this long before the capture ("1h"). */
  since?: string;
  /** Watch Events this long after listing them ("5m"). */
  watch?: string;
  out: string;
  key?: string;
  /** Ctrl+C: stop reading, seal what was read. */
  signal?: AbortSignal;
  /** The largest API response (or watch line) read, in bytes; a type whose answer is larger fails, named. */
  maxResponseBytes?: number;
  onProgress?: (text: string) => void;
  onWarning?: (text: string) => void;
}

export interface CaptureResult {
  out: string;
  complete: boolean;
  signed_by?: string;
  capture: CaptureMetadata;
}

/** Failures after which no further request can succeed: the rest are not tried. */
const STOPPING: ReadonlySet<FailureKind> = new Set(['unreachable', 'tls', 'unauthorized', 'timeout', 'credential']);

function durationOf(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw new ServiceError('invalid_input', `--${option}: "${text}" is not a duration like 90s, 15m or 1h30m`);
  return ms;
}

async function askIdentity(client: ReadOnlyKubeClient, warnings: string[]): Promise<{ identity: CaptureIdentity; raw?: Buffer }> {
  const path = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
  try {
    const raw = await client.send(
      { method: 'POST', path, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } },
      'SelfSubjectReview',
    );
    const info = (JSON.parse(raw.toString('utf8')) as { status?: { userInfo?: CaptureIdentity } }).status?.userInfo ?? {};
    const { username, uid, groups, extra } = info;
    return {
      identity: { ...(username ? { username } : {}), ...(uid ? { uid } : {}), ...(groups ? { groups } : {}), ...(extra ? { extra } : {}) },
      raw,
    };
  } catch (error) {
    // Nothing can be read when the server cannot be reached or the credential is refused: stop here.
    if (error instanceof KubeRequestError && (STOPPING.has(error.kind) || error.kind === 'cancelled')) {
      const where = error.message.includes(client.server) ? '' : `${client.server}: `;
      throw new ServiceError(error.kind === 'cancelled' ? 'cancelled' : 'io', `${where}${error.message}`);
    }
    const reason = `who this credential is is unknown: SelfSubjectReview failed (${(error as Error).message})`;
    warnings.push(reason);
    return { identity: { unknown: reason } };
  }
}

async function askPermissions(
  client: ReadOnlyKubeClient,
  namespace: string,
  warnings: string[],
): Promise<{ permissions: CaptureMetadata['permissions']; raw?: Buffer }> {
  const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } };
  try {
    const raw = await client.send(
      { method: 'POST', path: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', body },
      'SelfSubjectRulesReview',
    );
    const assessed = assessRules(JSON.parse(raw.toString('utf8')));
    return {
      permissions: {
        known: assessed.known,
        may_mutate: assessed.mayMutate,
        mutating_rules: assessed.mutatingRules,
        incomplete: assessed.incomplete,
        namespace,
      },
      raw,
    };
  } catch (error) {
    warnings.push(`what this credential may do is unknown: SelfSubjectRulesReview failed (${(error as Error).message})`);
    return { permissions: { known: false, may_mutate: false, mutating_rules: [], incomplete: true, namespace } };
  }
}

/** The server's answer as it came, ended by one newline (it usually sends one already). */
function endWithNewline(raw: Buffer): Buffer {
  return raw.at(-1) === 0x0a ? raw : Buffer.concat([raw, Buffer.from('\n')]);
}

function reportFailure(type: ResourceType, namespace: string | undefined, error: unknown): ResourceReport {
  const base = baseReport(type, namespace);
  if (!(error instanceof KubeRequestError)) return { ...base, status: 'failed', reason: (error as Error).message };
  if (error.kind === 'forbidden') return { ...base, status: 'not_visible', reason: error.message };
  if (error.kind === 'cancelled') return { ...base, status: 'cancelled', reason: 'cancelled before it was read whole' };
  return { ...base, status: 'failed', reason: error.message };
}

interface EventsRead {
  type: ResourceType;
  listed: CapturedObject[];
  watched: CapturedObject[];
  pages: number;
  relists: number;
  resourceVersion?: string;
  watchFailure?: string;
}

interface Collected {
  sources: RawSource[];
  reports: Map<string, ResourceReport>;
  events: EventsRead[];
}

/**
 * Lists every captured type in turn. Once the server is unreachable or the credential is refused, the
 * types not yet read are marked with that reason instead of being asked for again.
 */
async function readTypes(
  client: ReadOnlyKubeClient,
  namespace: string | undefined,
  signal: AbortSignal | undefined,
  progress: (text: string) => void,
  into: Collected,
): Promise<{ stopReason?: string }> {
  let stopReason: string | undefined;
  for (const type of CAPTURED_RESOURCES) {
    const base = baseReport(type, namespace);
    if (signal?.aborted) {
      into.reports.set(type.name, { ...base, status: 'cancelled', reason: 'cancelled before it was read' });
      continue;
    }
    if (stopReason) {
      into.reports.set(type.name, { ...base, status: 'failed', reason: `not read: ${stopReason}` });
      continue;
    }
    try {
      const listed = await listAll(client, type, namespace, (n) => progress(`${type.name}: ${n} read`));
      if (type.events) {
        into.events.push({
          type,
          listed: listed.objects,
          watched: [],
          pages: listed.pages,
          relists: 0,
          ...(listed.resourceVersion ? { resourceVersion: listed.resourceVersion } : {}),
        });
      } else {
        into.sources.push({ path: sourcePathOf(type), type: 'k8s-resources', data: listDocument(listed.objects, listed.resourceVersion) });
        into.reports.set(type.name, capturedReport(type, namespace, { items: listed.objects.length, pages: listed.pages }));
      }
    } catch (error) {
      into.reports.set(type.name, reportFailure(type, namespace, error));
      if (error instanceof KubeRequestError && STOPPING.has(error.kind)) stopReason = error.message;
    }
  }
  return stopReason ? { stopReason } : {};
}

/** The Events file: listed Events within --since (undated ones kept), then what arrived by watch. */
function eventsSource(
  read: EventsRead,
  namespace: string | undefined,
  since: number | undefined,
  watched: boolean,
  reports: Map<string, ResourceReport>,
): RawSource {
  const kept = read.listed.filter((object) => since === undefined || (eventTimeOf(object.bytes) ?? Infinity) >= since);
  const objects = [...kept, ...read.watched];
  const report = capturedReport(read.type, namespace, {
    items: objects.length,
    pages: read.pages,
    ...(watched ? { watched: read.watched.length } : {}),
    relists: read.relists,
  });
  reports.set(read.type.name, read.watchFailure ? { ...report, reason: read.watchFailure } : report);
  return { path: sourcePathOf(read.type), type: 'k8s-events', data: jsonLines(objects) };
}

export async function captureCluster(request: CaptureRequest): Promise<CaptureResult> {
  const sinceMs = durationOf('since', request.since);
  const watchMs = durationOf('watch', request.watch);
  if (existsSync(request.out)) throw new ServiceError('io', `${request.out}: already exists; choose a new output path`);
  const target = await loadKubeTarget(request.context, request.kubeconfig);
  const client = new ReadOnlyKubeClient(target.config, target.server, {
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.maxResponseBytes ? { maxResponseBytes: request.maxResponseBytes } : {}),
  });
  const progress = request.onProgress ?? (() => {});
  const started = new Date();
  const warnings: string[] = [];
  const sources: RawSource[] = [];
  const reports = new Map<string, ResourceReport>();
  const events: EventsRead[] = [];
  const namespace = request.namespace;
  try {
    progress(`asking ${target.server} who this credential is`);
    const { identity, raw: identityRaw } = await askIdentity(client, warnings);
    if (identityRaw) sources.push({ path: 'k8s-auth/selfsubjectreview.json', type: 'k8s-self-review', data: endWithNewline(identityRaw) });
    const { permissions, raw: rulesRaw } = await askPermissions(client, namespace ?? 'default', warnings);
    if (rulesRaw) sources.push({ path: 'k8s-auth/selfsubjectrulesreview.json', type: 'k8s-self-review', data: endWithNewline(rulesRaw) });
    if (permissions.may_mutate) {
      request.onWarning?.(
        `this credential can change the cluster (${permissions.mutating_rules.slice(0, 3).join('; ')}${permissions.mutating_rules.length > 3 ? '; …' : ''}); ` +
          'Causa only reads, but a read-only context is safer for evidence collection. Capturing anyway.',
      );
    }
    const { stopReason } = await readTypes(client, namespace, request.signal, progress, { sources, reports, events });
    if (watchMs !== undefined && events.length > 0 && !stopReason && !request.signal?.aborted) {
      await watchEvents(client, events, namespace, watchMs, request.signal, progress);
    }
    const since = sinceMs === undefined ? undefined : started.getTime() - sinceMs;
    for (const read of events) sources.push(eventsSource(read, namespace, since, watchMs !== undefined, reports));
    const ordered = CAPTURED_RESOURCES.map((type) => reports.get(type.name)!);
    const capturedAny = ordered.some((r) => r.status === 'captured');
    if (!capturedAny) {
      const why = ordered
        .map((r) => failureLine(r))
        .filter(Boolean)
        .join('; ');
      throw new ServiceError(request.signal?.aborted ? 'cancelled' : 'io', `nothing could be captured from ${target.server}: ${why}`);
    }
    const finished = new Date();
    const capture: CaptureMetadata = {
      tool: 'causa capture',
      causa_version: CAUSA_VERSION,
      server: target.server,
      context: target.context,
      cluster: target.cluster,
      user: target.user,
      identity,
      permissions,
      ...(namespace ? { namespace } : {}),
      ...(request.since ? { since: request.since } : {}),
      ...(request.watch ? { watch: request.watch } : {}),
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      cancelled: request.signal?.aborted === true,
      requests: client.sent,
      resources: ordered,
      failed: ordered.map((r) => failureLine(r)).filter((line): line is string => line !== undefined),
      warnings,
    };
    progress(`sealing ${sources.length} files into ${request.out}`);
    const windowStart = sinceMs === undefined ? started : new Date(started.getTime() - sinceMs);
    const sealed = await sealRawSources(sources, request.out, {
      case: {
        cluster: target.cluster,
        title: `capture of ${target.context}`,
        window: { start: windowStart.toISOString(), end: finished.toISOString() },
      },
      capture: capture as unknown as Record<string, unknown>,
      createdAt: finished.toISOString(),
      ...(request.key ? { key: request.key } : {}),
    });
    return { out: sealed.out, complete: isComplete(capture), ...(sealed.signed_by ? { signed_by: sealed.signed_by } : {}), capture };
  } finally {
    client.close();
  }
}

async function watchEvents(
  client: ReadOnlyKubeClient,
  events: EventsRead[],
  namespace: string | undefined,
  watchMs: number,
  signal: AbortSignal | undefined,
  progress: (text: string) => void,
): Promise<void> {
  const deadline = Date.now() + watchMs;
  const until = AbortSignal.any([AbortSignal.timeout(watchMs), ...(signal ? [signal] : [])]);
  progress(`watching Events for ${Math.round(watchMs / 1000)}s (Ctrl+C stops and keeps what arrived)`);
  await Promise.all(
    events.map(async (read) => {
      const seen = new Set(read.listed.flatMap((o) => (o.uid && o.resourceVersion ? [`${o.uid}@${o.resourceVersion}`] : [])));
      try {
        const outcome = await watchAppend(
          client,
          read.type,
          namespace,
          { ...(read.resourceVersion ? { resourceVersion: read.resourceVersion } : {}), seen, deadline },
          until,
          (object) => {
            read.watched.push(object);
            progress(`${read.type.name}: ${read.watched.length} arrived by watch`);
          },
        );
        read.relists = outcome.relists;
      } catch (error) {
        if (error instanceof KubeRequestError && error.kind === 'cancelled') return;
        read.watchFailure = `the watch stopped early: ${(error as Error).message}`;
      }
    }),
  );
}
