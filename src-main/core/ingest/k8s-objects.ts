// What each Kubernetes record says about the objects it names, for the case's identity table
// (shared/objects.ts): an audit event's objectRef and the objects in its request and response bodies, an
// Event's involvedObject/regarding/related, a listed object, and the owners each object's ownerReferences
// name. Only what the record says: a Metadata-level audit event with no objectRef.uid names no object by
// uid, and adds nothing here (the linker asks the table which object held its name then). An audit event
// inside a provider's wrapper (EKS, AKS, OpenShift node logs, GKE's AuditLog) says what the bare event says.
import { AUDIT_WRAPPERS } from '../../shared/model';
import type { KindMapping, NameDeletion, ObjectSighting } from '../../shared/objects';
import { parseRfc3339Nanos } from '../../shared/time';
import { auditEventInside } from './audit-wrapper';
import { compact, isObject, str } from './format';
import { groupOfApiVersion } from './k8s-kinds';
import { watchEnvelope } from './k8s-events';
import { NODE_PREFIX } from './openshift-node-logs';

type Obj = Record<string, unknown>;

export interface RecordObjects {
  objects: ObjectSighting[];
  kinds: KindMapping[];
  deletions?: NameDeletion[];
}

/** Formats whose records name Kubernetes objects: the audit log, bare or in a provider's wrapper, Events, listings. */
export const OBJECT_FORMATS: ReadonlySet<string> = new Set(['k8s-audit', ...AUDIT_WRAPPERS, 'k8s-events', 'k8s-resources']);

/**
 * Whether a record's bytes may name an object: a uid (`"uid"`, or `\"uid\"` in a wrapper's escaped text)
 * or a delete. Records that do neither are not parsed a second time.
 */
export function mayNameObjects(raw: Buffer, action: string | undefined): boolean {
  return action === 'delete' || raw.includes('uid"') || raw.includes('uid\\"');
}

/** A record's JSON value from its kept bytes; a node-logs line is read after its node's name. Throws when not JSON. */
export function recordValue(format: string, raw: Buffer): unknown {
  const text = raw.toString('utf8');
  return JSON.parse(format === 'openshift-node-logs' ? text.replace(NODE_PREFIX, '') : text);
}

const time = (value: unknown): bigint | undefined => {
  const text = str(value);
  return text === undefined ? undefined : (parseRfc3339Nanos(text) ?? undefined);
};

/** Bodies that are not the object itself: a subresource's or an error's. */
const NOT_THE_OBJECT = new Set([
  'Status',
  'Scale',
  'Eviction',
  'Binding',
  'DeleteOptions',
  'TokenRequest',
  'PodExecOptions',
  'PodLogOptions',
]);

function compactSighting(s: ObjectSighting): ObjectSighting {
  // Never undefined: a sighting always has its uid.
  return compact(s)!;
}

function ownersOf(metadata: Obj, namespace: string | undefined, seen: bigint | null, out: ObjectSighting[]): string[] | undefined {
  if (!Array.isArray(metadata.ownerReferences)) return undefined;
  const uids: string[] = [];
  for (const ref of metadata.ownerReferences) {
    if (!isObject(ref)) continue;
    const [uid, name, kind] = [str(ref.uid), str(ref.name), str(ref.kind)];
    if (!uid || !name) continue;
    uids.push(uid);
    // An owner lives in its object's namespace (cluster-scoped owners have none; the kind says which).
    out.push(compactSighting({ uid, name, kind, api_group: groupOfApiVersion(str(ref.apiVersion)), namespace, seen_ns: seen }));
  }
  return uids.length > 0 ? uids : undefined;
}

/** An object with metadata (a body, a listed item): itself, and its owners. */
function objectOf(value: unknown, seen: bigint | null, extra: Partial<ObjectSighting>, out: ObjectSighting[]): ObjectSighting | undefined {
  if (!isObject(value) || !isObject(value.metadata)) return undefined;
  const metadata = value.metadata;
  const [uid, name] = [str(metadata.uid), str(metadata.name) ?? extra.name];
  if (!uid || !name) return undefined;
  const namespace = str(metadata.namespace) ?? extra.namespace;
  const sighting = compactSighting({
    api_group: groupOfApiVersion(str(value.apiVersion)),
    kind: str(value.kind),
    ...compactSighting(extra as ObjectSighting),
    uid,
    name,
    namespace,
    seen_ns: seen,
    created_ns: time(metadata.creationTimestamp),
    deleted_ns: time(metadata.deletionTimestamp),
    owner_uids: ownersOf(metadata, namespace, seen, out),
  });
  out.push(sighting);
  return sighting;
}

function fromAudit(value: Obj, seen: bigint | null): RecordObjects {
  const objects: ObjectSighting[] = [];
  const kinds: KindMapping[] = [];
  const ref = isObject(value.objectRef) ? value.objectRef : {};
  const [resource, subresource, group] = [str(ref.resource), str(ref.subresource), str(ref.apiGroup) ?? ''];
  const [name, namespace, refUid] = [str(ref.name), str(ref.namespace), str(ref.uid)];
  const code = isObject(value.responseStatus) && typeof value.responseStatus.code === 'number' ? value.responseStatus.code : undefined;
  const succeeded = code !== undefined && code < 300;
  for (const body of [value.responseObject, value.requestObject]) {
    if (!isObject(body) || !resource) continue;
    const kind = str(body.kind);
    if (kind === undefined || kind.endsWith('List') || NOT_THE_OBJECT.has(kind)) {
      // A Scale carries its parent's metadata (name, namespace, uid): the parent it names.
      if (kind === 'Scale' && subresource === 'scale') {
        const parent = objectOf(body, seen, { api_group: group, resource, name, namespace }, objects);
        if (parent) delete parent.kind;
      }
      continue;
    }
    // A request body of a create has no uid yet; a response body is the object as stored.
    const sighting = objectOf(body, seen, subresource ? { name, namespace } : { resource, api_group: group, name, namespace }, objects);
    if (sighting && !subresource && kind) kinds.push({ api_group: sighting.api_group ?? group, kind, resource });
  }
  // objectRef.uid: set by the API server from a decoded request body's metadata (updates), never guessed.
  if (refUid && name && resource)
    objects.push(compactSighting({ uid: refUid, name, namespace, resource, api_group: group, seen_ns: seen }));
  if (value.verb === 'delete' && !subresource && succeeded && value.stage === 'ResponseComplete' && name && resource && seen !== null) {
    const uid =
      refUid ??
      (isObject(value.responseObject) && isObject(value.responseObject.metadata) ? str(value.responseObject.metadata.uid) : undefined);
    // A delete with a grace period leaves the object terminating; gone, or going, from here on.
    if (uid) objects.push(compactSighting({ uid, name, namespace, resource, api_group: group, seen_ns: seen, deleted_ns: seen }));
    return { objects, kinds, deletions: [{ resource, ...(namespace ? { namespace } : {}), name, at_ns: seen }] };
  }
  return { objects, kinds };
}

/**
 * An HTTP-like status for a GKE entry, for fromAudit's success test: GKE writes no stage (every entry is a
 * completed request) and a google.rpc.Status, code 0 (or none) when the request succeeded; a refused or
 * failed request's response body is the Kubernetes Status with its HTTP code.
 */
function gkeStatus(value: unknown): number {
  const payload = isObject(value) && isObject(value.protoPayload) ? value.protoPayload : {};
  const rpc = isObject(payload.status) && typeof payload.status.code === 'number' ? payload.status.code : 0;
  if (rpc === 0) return 200;
  return isObject(payload.response) && typeof payload.response.code === 'number' ? payload.response.code : 500;
}

function fromEvent(value: Obj, seen: bigint | null): RecordObjects {
  const objects: ObjectSighting[] = [];
  const metadata = isObject(value.metadata) ? value.metadata : {};
  for (const field of ['involvedObject', 'regarding', 'related'] as const) {
    const ref = value[field];
    if (!isObject(ref)) continue;
    const [uid, name] = [str(ref.uid), str(ref.name)];
    if (!uid || !name) continue;
    const namespace = str(ref.namespace) ?? (field === 'related' ? undefined : str(metadata.namespace));
    objects.push(
      compactSighting({ uid, name, kind: str(ref.kind), api_group: groupOfApiVersion(str(ref.apiVersion)), namespace, seen_ns: seen }),
    );
  }
  return { objects, kinds: [] };
}

/** A CustomResourceDefinition says its kind's resource (`spec.names.kind` ↔ `spec.names.plural`). */
function crdKind(value: Obj): KindMapping | undefined {
  if (value.kind !== 'CustomResourceDefinition' || !isObject(value.spec) || !isObject(value.spec.names)) return undefined;
  const [group, kind, plural] = [str(value.spec.group), str(value.spec.names.kind), str(value.spec.names.plural)];
  return group !== undefined && kind && plural ? { api_group: group, kind, resource: plural } : undefined;
}

function fromListing(value: unknown, listed: { api_group?: string; resource?: string }): RecordObjects {
  const objects: ObjectSighting[] = [];
  const watch = watchEnvelope(value);
  const object = watch ? watch.object : value;
  if (!isObject(object) || !isObject(object.metadata)) return { objects, kinds: [] };
  const created = time(object.metadata.creationTimestamp) ?? null;
  // An item of a typed list leaves its kind out: the importer's reading of the list's kind stands in.
  const extra: Partial<ObjectSighting> = object.kind === undefined ? { api_group: listed.api_group, resource: listed.resource } : {};
  const sighting = objectOf(object, created, extra, objects);
  if (sighting && watch?.type === 'DELETED') sighting.deleted_ns = sighting.deleted_ns ?? created ?? undefined;
  const crd = crdKind(object);
  return { objects, kinds: crd ? [crd] : [] };
}

/**
 * The objects one record names. `seen` is the record's time as its importer read it; `target` its
 * normalized target (a typed list's items leave their kind out; the importer knows it from the list).
 */
export function objectsOfRecord(
  format: string,
  value: unknown,
  seen: bigint | null,
  target?: { api_group?: string; resource?: string },
): RecordObjects {
  if ((AUDIT_WRAPPERS as readonly string[]).includes(format)) {
    const inner = auditEventInside(format, value);
    if (!inner) return { objects: [], kinds: [] };
    return fromAudit(
      format === 'gke-cloud-logging' ? { ...inner, stage: 'ResponseComplete', responseStatus: { code: gkeStatus(value) } } : inner,
      seen,
    );
  }
  if (!isObject(value)) return { objects: [], kinds: [] };
  switch (format) {
    case 'k8s-audit':
      return fromAudit(value, seen);
    case 'k8s-events':
      return fromEvent(watchEnvelope(value) && isObject(value.object) ? value.object : value, seen);
    case 'k8s-resources': {
      const object = watchEnvelope(value)?.object ?? value;
      if (isObject(object) && object.kind === 'Event') return fromEvent(object, seen);
      return fromListing(value, { api_group: target?.api_group, resource: target?.resource });
    }
    default:
      return { objects: [], kinds: [] };
  }
}
