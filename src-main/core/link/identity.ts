// The case's object identity table, as the linker asks it: which object (uid) held a name at a moment.
// A name is reused after a delete (a Deployment deleted and created again has a new uid), so a request
// that names an object without its uid is joined to the object only when the evidence says which uid
// held that name then; where two could have, the join says so.
import type { KindMapping, NameDeletion, ObjectIdentity, ObjectSighting, ObjectTable } from '../../shared/objects';
import { formatNanos } from '../../shared/time';
import { resourceOfKind } from '../ingest/k8s-kinds';

type Folded = Omit<ObjectIdentity, 'id'>;

const minOf = (a: bigint | null | undefined, b: bigint | null | undefined): bigint | undefined =>
  a == null ? (b ?? undefined) : b == null ? a : a < b ? a : b;
const maxOf = (a: bigint | null | undefined, b: bigint | null | undefined): bigint | undefined =>
  a == null ? (b ?? undefined) : b == null ? a : a > b ? a : b;

/** Folds one sighting into the row of its uid: the earliest and latest sighting, the first name given. */
export function foldSighting(rows: Map<string, Folded>, s: ObjectSighting): void {
  const row = rows.get(s.uid);
  if (!row) {
    rows.set(s.uid, {
      uid: s.uid,
      ...(s.api_group !== undefined ? { api_group: s.api_group } : {}),
      ...(s.kind ? { kind: s.kind } : {}),
      ...(s.resource ? { resource: s.resource } : {}),
      ...(s.namespace ? { namespace: s.namespace } : {}),
      name: s.name,
      first_ns: s.seen_ns,
      last_ns: s.seen_ns,
      ...(s.created_ns !== undefined ? { created_ns: s.created_ns } : {}),
      ...(s.deleted_ns !== undefined ? { deleted_ns: s.deleted_ns } : {}),
      ...(s.owner_uids ? { owner_uids: [...s.owner_uids] } : {}),
      sightings: 1,
      ...(s.event_id !== undefined ? { first_event_id: s.event_id } : {}),
    });
    return;
  }
  row.api_group ??= s.api_group;
  row.kind ??= s.kind;
  row.resource ??= s.resource;
  row.namespace ??= s.namespace;
  row.first_ns = minOf(row.first_ns, s.seen_ns) ?? null;
  row.last_ns = maxOf(row.last_ns, s.seen_ns) ?? null;
  const created = minOf(row.created_ns, s.created_ns);
  if (created !== undefined) row.created_ns = created;
  const deleted = minOf(row.deleted_ns, s.deleted_ns);
  if (deleted !== undefined) row.deleted_ns = deleted;
  if (s.owner_uids) row.owner_uids = [...new Set([...(row.owner_uids ?? []), ...s.owner_uids])];
  row.sightings += 1;
  if (s.event_id !== undefined && (row.first_event_id === undefined || s.event_id < row.first_event_id)) row.first_event_id = s.event_id;
}

/** The identity table of sightings on their own (a test's, or events linked without a case file). */
export function objectTableOf(sightings: Iterable<ObjectSighting>, kinds: readonly KindMapping[] = []): ObjectTable {
  const rows = new Map<string, Folded>();
  for (const sighting of sightings) foldSighting(rows, sighting);
  return { objects: [...rows.values()].map((row, index) => ({ id: index + 1, ...row })), kinds };
}

/** Who held a name at a moment: one row, several (the evidence cannot tell them apart), or none. */
export interface Holders {
  rows: ObjectIdentity[];
  /** Other objects that held the name at another time in the case (not joined, but worth saying). */
  others: ObjectIdentity[];
}

interface Span {
  row: ObjectIdentity;
  /** What the evidence shows: alive from `from` to `to` (creation or first sighting, deletion or last). */
  from: bigint | null;
  to: bigint | null;
  /** What it allows: from the previous holder's end (or creation) to the next holder's start (or deletion). */
  mayFrom: bigint | null;
  mayTo: bigint | null;
}

const describeTime = (ns: bigint | null | undefined, open: string): string => (ns == null ? open : formatNanos(ns));

/** `#3 uid c18ecaa0-… (2025-04-03T14:31:05Z – deleted 2025-04-03T14:40:00Z)` */
export function describeRow(row: ObjectIdentity): string {
  const from = row.created_ns !== undefined ? `created ${formatNanos(row.created_ns)}` : `seen ${describeTime(row.first_ns, '?')}`;
  const to = row.deleted_ns !== undefined ? `deleted ${formatNanos(row.deleted_ns)}` : `last seen ${describeTime(row.last_ns, '?')}`;
  return `#${row.id} uid ${row.uid} (${from} – ${to})`;
}

export class ObjectIndex {
  private readonly byUid = new Map<string, ObjectIdentity>();
  private readonly byName = new Map<string, Span[]>();
  private readonly kindResource = new Map<string, string>();

  constructor(table: ObjectTable) {
    for (const mapping of table.kinds) this.kindResource.set(`${mapping.api_group}|${mapping.kind}`, mapping.resource);
    for (const row of table.objects) {
      this.byUid.set(row.uid, row);
      const resource = this.resourceOf(row);
      if (!resource) continue;
      const key = `${resource}|${row.namespace ?? ''}|${row.name}`;
      const from = row.created_ns ?? row.first_ns;
      const to = row.deleted_ns ?? row.last_ns;
      const list = this.byName.get(key) ?? [];
      list.push({ row, from, to, mayFrom: null, mayTo: null });
      this.byName.set(key, list);
    }
    for (const spans of this.byName.values()) {
      spans.sort((a, b) =>
        a.from === b.from ? a.row.id - b.row.id : a.from === null ? -1 : b.from === null ? 1 : a.from < b.from ? -1 : 1,
      );
      spans.forEach((span, i) => {
        const [prev, next] = [spans[i - 1], spans[i + 1]];
        span.mayFrom = span.row.created_ns ?? prev?.to ?? null;
        span.mayTo = span.row.deleted_ns ?? next?.from ?? null;
      });
    }
    for (const deletion of table.deletions ?? []) this.applyDeletion(deletion);
  }

  /**
   * A delete of a name ends the object last seen under it before the delete, and the next object under
   * it cannot have held it before the delete.
   */
  private applyDeletion(d: NameDeletion): void {
    const spans = this.byName.get(`${d.resource}|${d.namespace ?? ''}|${d.name}`);
    if (!spans) return;
    const before = spans.filter((s) => s.from !== null && s.from <= d.at_ns);
    const victim = before.at(-1);
    if (victim && (victim.to === null || victim.to <= d.at_ns)) {
      victim.mayTo = victim.mayTo === null || d.at_ns < victim.mayTo ? d.at_ns : victim.mayTo;
      victim.to = victim.mayTo;
    }
    const next = spans[victim ? spans.indexOf(victim) + 1 : 0];
    if (next && (next.from === null || next.from >= d.at_ns) && (next.mayFrom === null || next.mayFrom < d.at_ns)) next.mayFrom = d.at_ns;
  }

  /** The resource of a row: as the evidence names it, or by its kind (evidence first, then the known kinds). */
  resourceOf(row: Pick<ObjectIdentity, 'resource' | 'kind' | 'api_group'>): string | undefined {
    if (row.resource) return row.resource;
    if (!row.kind) return undefined;
    return this.kindResource.get(`${row.api_group ?? ''}|${row.kind}`) ?? resourceOfKind(row.kind).resource;
  }

  get(uid: string): ObjectIdentity | undefined {
    return this.byUid.get(uid);
  }

  ownersOf(uid: string): readonly string[] {
    return this.byUid.get(uid)?.owner_uids ?? [];
  }

  /**
   * The objects that held `resource namespace/name` at `at`: the one the evidence shows alive then; else
   * those whose span the evidence leaves open around `at` (between the last sighting of one and the first
   * of the next, either may have held it).
   */
  holdersAt(resource: string, namespace: string | undefined, name: string, at: bigint | null): Holders {
    const spans = this.byName.get(`${resource.split('/')[0]}|${namespace ?? ''}|${name}`) ?? [];
    if (at === null) return spans.length === 1 ? { rows: [spans[0]!.row], others: [] } : { rows: spans.map((s) => s.row), others: [] };
    const within = (from: bigint | null, to: bigint | null) => (from === null || from <= at) && (to === null || at <= to);
    let held = spans.filter((s) => s.from !== null && s.to !== null && within(s.from, s.to));
    if (held.length === 0) held = spans.filter((s) => within(s.mayFrom, s.mayTo));
    const rows = held.map((s) => s.row);
    return { rows, others: spans.filter((s) => !held.includes(s)).map((s) => s.row) };
  }
}
