// The case's object identity table (migration 0016): one row per Kubernetes object uid, folded from the
// sightings the importer reads in each file (core/ingest/k8s-objects.ts), and the kind ↔ resource pairs
// the evidence states. Derived data: written inside the import's transaction, with the evidence that
// says it, so it is there before any read; reads never write it.
import type Database from 'better-sqlite3';
import type { KindMapping, NameDeletion, ObjectIdentity, ObjectTable } from '../shared/objects';
import type { CaseStore } from './case-store';
import { rawSql } from './raw-blocks';

/** One source's sightings, already folded per uid (ids are assigned by the table). */
export type FoldedObject = Omit<ObjectIdentity, 'id'>;

const UPSERT = `INSERT INTO k8s_object (uid, api_group, kind, resource, namespace, name, first_ns, last_ns, created_ns,
    deleted_ns, owner_uids, sightings, first_event_id)
  VALUES (@uid, @api_group, @kind, @resource, @namespace, @name, @first_ns, @last_ns, @created_ns, @deleted_ns,
    @owner_uids, @sightings, @first_event_id)
  ON CONFLICT (uid) DO UPDATE SET
    api_group = coalesce(api_group, excluded.api_group), kind = coalesce(kind, excluded.kind),
    resource = coalesce(resource, excluded.resource), namespace = coalesce(namespace, excluded.namespace),
    first_ns = CASE WHEN first_ns IS NULL OR excluded.first_ns < first_ns THEN coalesce(excluded.first_ns, first_ns) ELSE first_ns END,
    last_ns = CASE WHEN last_ns IS NULL OR excluded.last_ns > last_ns THEN coalesce(excluded.last_ns, last_ns) ELSE last_ns END,
    created_ns = CASE WHEN created_ns IS NULL OR excluded.created_ns < created_ns THEN coalesce(excluded.created_ns, created_ns) ELSE created_ns END,
    deleted_ns = CASE WHEN deleted_ns IS NULL OR excluded.deleted_ns < deleted_ns THEN coalesce(excluded.deleted_ns, deleted_ns) ELSE deleted_ns END,
    owner_uids = CASE WHEN owner_uids IS NULL THEN excluded.owner_uids WHEN excluded.owner_uids IS NULL THEN owner_uids
      ELSE (SELECT json_group_array(DISTINCT value) FROM (SELECT value FROM json_each(owner_uids) UNION SELECT value FROM json_each(excluded.owner_uids))) END,
    sightings = sightings + excluded.sightings,
    first_event_id = coalesce(min(first_event_id, excluded.first_event_id), first_event_id, excluded.first_event_id)`;

/** Adds one imported source's objects and kinds to the case's table, inside the import's transaction. */
export function recordObjects(
  db: Database.Database,
  objects: Iterable<FoldedObject>,
  kinds: Iterable<KindMapping>,
  deletions: Iterable<NameDeletion>,
): void {
  const upsert = db.prepare(UPSERT);
  for (const o of objects) {
    upsert.run({
      uid: o.uid,
      api_group: o.api_group ?? null,
      kind: o.kind ?? null,
      resource: o.resource ?? null,
      namespace: o.namespace ?? null,
      name: o.name,
      first_ns: o.first_ns,
      last_ns: o.last_ns,
      created_ns: o.created_ns ?? null,
      deleted_ns: o.deleted_ns ?? null,
      owner_uids: o.owner_uids ? JSON.stringify(o.owner_uids) : null,
      sightings: o.sightings,
      first_event_id: o.first_event_id ?? null,
    });
  }
  const kind = db.prepare('INSERT OR IGNORE INTO k8s_kind (api_group, kind, resource, event_id) VALUES (?, ?, ?, ?)');
  for (const k of kinds) kind.run(k.api_group, k.kind, k.resource, k.event_id ?? null);
  const deletion = db.prepare('INSERT INTO k8s_deletion (resource, namespace, name, at_ns, event_id) VALUES (?, ?, ?, ?, ?)');
  for (const d of deletions) deletion.run(d.resource, d.namespace ?? null, d.name, d.at_ns, d.event_id ?? null);
}

interface ObjectRow {
  id: number;
  uid: string;
  api_group: string | null;
  kind: string | null;
  resource: string | null;
  namespace: string | null;
  name: string;
  first_ns: bigint | null;
  last_ns: bigint | null;
  created_ns: bigint | null;
  deleted_ns: bigint | null;
  owner_uids: string | null;
  sightings: bigint;
  first_event_id: bigint | null;
}

/** The whole table, as the linker takes it. */
export function readObjectTable(store: CaseStore): ObjectTable {
  const rows = store.db.prepare('SELECT * FROM k8s_object ORDER BY id').safeIntegers(true).all() as ObjectRow[];
  const objects = rows.map((r): ObjectIdentity => ({
    id: Number(r.id),
    uid: r.uid,
    ...(r.api_group !== null ? { api_group: r.api_group } : {}),
    ...(r.kind !== null ? { kind: r.kind } : {}),
    ...(r.resource !== null ? { resource: r.resource } : {}),
    ...(r.namespace !== null ? { namespace: r.namespace } : {}),
    name: r.name,
    first_ns: r.first_ns,
    last_ns: r.last_ns,
    ...(r.created_ns !== null ? { created_ns: r.created_ns } : {}),
    ...(r.deleted_ns !== null ? { deleted_ns: r.deleted_ns } : {}),
    ...(r.owner_uids !== null ? { owner_uids: JSON.parse(r.owner_uids) as string[] } : {}),
    sightings: Number(r.sightings),
    ...(r.first_event_id !== null ? { first_event_id: Number(r.first_event_id) } : {}),
  }));
  const kinds = store.db.prepare('SELECT api_group, kind, resource, event_id FROM k8s_kind').all() as {
    api_group: string;
    kind: string;
    resource: string;
    event_id: number | null;
  }[];
  // Only the deletes of names some object held: a delete ends the span of an object under its name, and
  // a name no object held has none (a log of deletes by name alone, no uid in it, made 166,000 of them).
  const deletions = store.db
    .prepare(
      `SELECT resource, namespace, name, at_ns, event_id FROM k8s_deletion d
       WHERE EXISTS (SELECT 1 FROM k8s_object o WHERE o.name = d.name AND coalesce(o.namespace, '') = coalesce(d.namespace, ''))
       ORDER BY at_ns`,
    )
    .safeIntegers(true)
    .all() as { resource: string; namespace: string | null; name: string; at_ns: bigint; event_id: bigint | null }[];
  return {
    objects,
    kinds: kinds.map((k) => ({
      api_group: k.api_group,
      kind: k.kind,
      resource: k.resource,
      ...(k.event_id !== null ? { event_id: k.event_id } : {}),
    })),
    deletions: deletions.map((d): NameDeletion => ({
      resource: d.resource,
      ...(d.namespace !== null ? { namespace: d.namespace } : {}),
      name: d.name,
      at_ns: d.at_ns,
      ...(d.event_id !== null ? { event_id: Number(d.event_id) } : {}),
    })),
  };
}

/** One record of a source that names Kubernetes objects, as the identity table is built from it. */
export interface ObjectRecord {
  event_id: number;
  raw: Buffer;
  time_ns: bigint | null;
  action?: string;
  target?: { api_group?: string; resource?: string };
}

/** Whether the case holds evidence imported before the identity table existed (migration 0016). */
export function objectIdentityPending(store: CaseStore): boolean {
  return store.db.prepare("SELECT 1 FROM case_meta WHERE key = 'object_identity_pending'").get() !== undefined;
}

/** A page of records read at once: at most this many, or the first past this many bytes of raw records. */
const PAGE_RECORDS = 512;
const PAGE_BYTES = 8 * 1024 * 1024;

interface ObjectRecordRow {
  id: bigint;
  raw: Buffer;
  time_ns: bigint | null;
  action: string | null;
  target_api_group: string | null;
  target_resource: string | null;
}

/**
 * Each source of these formats, with its records (one row per record: its first event). The records are
 * read a page at a time, and the query is over while a page is handed out: whoever reads them may write
 * to the case between two records (better-sqlite3 refuses a write while a query of the connection is
 * being read), as the identity table's rebuild writes its deletes of names.
 */
export function* recordsForObjects(
  store: CaseStore,
  formats: ReadonlySet<string>,
): Generator<{ format: string; records: Iterable<ObjectRecord> }> {
  const sources = store.db.prepare('SELECT id, format FROM source ORDER BY id').all() as { id: number; format: string }[];
  const rows = store.db
    .prepare(
      `SELECT e.id, ${rawSql('e')} AS raw, e.time_ns, e.action, e.target_api_group, e.target_resource FROM event e
       WHERE e.source_id = ? AND e.ordinal = 0 AND e.id > ? ORDER BY e.id`,
    )
    .safeIntegers(true);
  const page = (source: number, after: bigint): ObjectRecordRow[] => {
    const read: ObjectRecordRow[] = [];
    let bytes = 0;
    for (const row of rows.iterate(source, after) as Iterable<ObjectRecordRow>) {
      read.push(row);
      bytes += row.raw.length;
      if (read.length === PAGE_RECORDS || bytes >= PAGE_BYTES) break;
    }
    return read;
  };
  for (const source of sources.filter((s) => formats.has(s.format))) {
    yield {
      format: source.format,
      records: (function* () {
        for (let read = page(source.id, -1n); read.length > 0; read = page(source.id, read.at(-1)!.id)) {
          for (const row of read) {
            yield {
              event_id: Number(row.id),
              raw: row.raw,
              time_ns: row.time_ns,
              ...(row.action !== null ? { action: row.action } : {}),
              target: {
                ...(row.target_api_group !== null ? { api_group: row.target_api_group } : {}),
                ...(row.target_resource !== null ? { resource: row.target_resource } : {}),
              },
            };
          }
        }
      })(),
    };
  }
}

/** Replaces the table with what `fill` records, in one transaction, and clears the pending mark. */
export function rebuildObjectTable(store: CaseStore, fill: (record: typeof recordObjects) => void): void {
  store.writeNow(() =>
    store.db.transaction(() => {
      store.db.exec(
        "DELETE FROM k8s_object; DELETE FROM k8s_kind; DELETE FROM k8s_deletion; DELETE FROM case_meta WHERE key = 'object_identity_pending';",
      );
      fill(recordObjects);
    })(),
  );
}
