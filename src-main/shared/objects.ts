// The Kubernetes objects a case's evidence names, one per uid: what it is (group, kind, resource),
// where it lives (namespace, name), and when the evidence shows it alive. Names are reused after a
// delete, uids never, so "which object did this request touch" is asked of this table at the request's
// time. Derived from the evidence at import (store/objects.ts), never evidence itself.

/** One record's word about one object. Times are nanoseconds since the epoch. */
export interface ObjectSighting {
  uid: string;
  api_group?: string;
  kind?: string;
  /** The audit log's resource (`deployments`), when the record says it (an audit objectRef). */
  resource?: string;
  namespace?: string;
  name: string;
  /** When the record saw the object (the request, the Event, …); null when it does not say. */
  seen_ns: bigint | null;
  /** metadata.creationTimestamp, when the record carries the object's metadata. */
  created_ns?: bigint;
  /** When it was deleted: a successful delete of it, or its metadata.deletionTimestamp. */
  deleted_ns?: bigint;
  owner_uids?: string[];
  /** The case event that said it (filled in by the importer). */
  event_id?: number;
}

/** A kind and its resource, as evidence pairs them (an audit body's kind under its objectRef, a CRD). */
export interface KindMapping {
  api_group: string;
  kind: string;
  resource: string;
  event_id?: number;
}

/** One row of the identity table: every sighting of one uid, folded. */
export interface ObjectIdentity {
  /** The row's id in the case file (`k8s_object.id`), named by the edges that used it. */
  id: number;
  uid: string;
  api_group?: string;
  kind?: string;
  resource?: string;
  namespace?: string;
  name: string;
  first_ns: bigint | null;
  last_ns: bigint | null;
  created_ns?: bigint;
  deleted_ns?: bigint;
  owner_uids?: string[];
  sightings: number;
  first_event_id?: number;
}

/**
 * A successful delete of a name, whoever held it: a Metadata-level audit event names no uid, but it says
 * the name was free from then on (until the next object took it).
 */
export interface NameDeletion {
  resource: string;
  namespace?: string;
  name: string;
  at_ns: bigint;
  event_id?: number;
}

export interface ObjectTable {
  objects: readonly ObjectIdentity[];
  kinds: readonly KindMapping[];
  deletions?: readonly NameDeletion[];
}
