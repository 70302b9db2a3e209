// What a capture records about itself (the manifest's `capture` object, docs/bundle-format.md). A type
// that could not be read is never written as an empty list: its status says why it is missing.
import { apiVersionOf, sourcePathOf, type ResourceType } from './resources';

export type ResourceState = 'captured' | 'not_visible' | 'failed' | 'cancelled';

export interface ResourceReport {
  name: string;
  api_version: string;
  resource: string;
  kind: string;
  /** "cluster", "all namespaces" or "namespace NS". */
  scope: string;
  status: ResourceState;
  /** Objects written (for Events: after --since, including those that arrived by watch). */
  items?: number;
  /** Of `items`, how many arrived by watch. */
  watched?: number;
  /** How many list pages were read. */
  pages?: number;
  /** How many times an expired watch (410 Gone) made the capture list again. */
  relists?: number;
  /** The bundle path of the raw file, when one was written. */
  file?: string;
  /** Why the type is missing or incomplete. */
  reason?: string;
}

export interface CaptureIdentity {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  /** Set when the server would not say who the credential is. */
  unknown?: string;
}

export interface CaptureMetadata {
  tool: 'causa capture';
  causa_version: string;
  server: string;
  context: string;
  cluster: string;
  user: string;
  identity: CaptureIdentity;
  /** From SelfSubjectRulesReview: whether the credential could change the cluster. */
  permissions: { known: boolean; may_mutate: boolean; mutating_rules: string[]; incomplete: boolean; namespace: string };
  namespace?: string;
  since?: string;
  watch?: string;
  started_at: string;
  finished_at: string;
  cancelled: boolean;
  /** Requests sent (every one a GET, or one of the two self-reviews). */
  requests: number;
  resources: ResourceReport[];
  /** One line per thing that went wrong, naming the item and the reason. */
  failed: string[];
  warnings: string[];
}

export function scopeOf(type: ResourceType, namespace?: string): string {
  if (!type.namespaced) return 'cluster';
  return namespace ? `namespace ${namespace}` : 'all namespaces';
}

export function baseReport(type: ResourceType, namespace?: string): Omit<ResourceReport, 'status'> {
  return { name: type.name, api_version: apiVersionOf(type), resource: type.resource, kind: type.kind, scope: scopeOf(type, namespace) };
}

export function capturedReport(
  type: ResourceType,
  namespace: string | undefined,
  counts: { items: number; pages: number; watched?: number; relists?: number },
): ResourceReport {
  return {
    ...baseReport(type, namespace),
    status: 'captured',
    items: counts.items,
    pages: counts.pages,
    ...(counts.watched !== undefined ? { watched: counts.watched } : {}),
    ...(counts.relists ? { relists: counts.relists } : {}),
    file: `sources/${sourcePathOf(type)}`,
  };
}

/** The one-line problem for a type that is missing or incomplete. */
export function failureLine(report: ResourceReport): string | undefined {
  if (report.status === 'captured' && !report.reason) return undefined;
  return `${report.name} (${report.api_version}, ${report.scope}): ${report.reason ?? report.status}`;
}

/** Complete only when every type was captured whole; anything missing makes the capture partial. */
export function isComplete(metadata: Pick<CaptureMetadata, 'resources' | 'cancelled' | 'failed'>): boolean {
  return !metadata.cancelled && metadata.failed.length === 0 && metadata.resources.every((r) => r.status === 'captured');
}
