// Collects what one source's records say about Kubernetes objects while it is imported, folded per uid,
// for the case's identity table (store/objects.ts). Memory grows with the objects named, not the records:
// the deletes of names, one per delete request, are taken away as they come (`takeDeletions`).
import { foldSighting } from '../core/link/identity';
import { mayNameObjects, OBJECT_FORMATS, objectsOfRecord, recordValue, type RecordObjects } from '../core/ingest/k8s-objects';
import type { NormalizedEvent } from '../shared/model';
import type { KindMapping, NameDeletion, ObjectIdentity } from '../shared/objects';
import type { CaseStore } from '../store/case-store';
import { objectIdentityPending, rebuildObjectTable, recordsForObjects } from '../store/objects';

/**
 * How many deletes of names are held before they are written: a log of a million requests, a sixth of
 * them deletes, held 142,000 of them, 20 MB, when they were written at a source's end.
 */
export const DELETION_BATCH = 4096;

export class ObjectCollector {
  private readonly rows = new Map<string, Omit<ObjectIdentity, 'id'>>();
  private readonly kindsSeen = new Map<string, KindMapping>();
  private deletions: NameDeletion[] = [];

  constructor(private readonly format: string) {}

  /**
   * One record (its raw bytes, its first event and that event's id; what it says about objects when the
   * reader found that already, ParsedRecord's `objects`). A record that is not JSON adds nothing.
   */
  add(raw: Buffer, event: NormalizedEvent | undefined, eventId: number | undefined, read?: RecordObjects): void {
    // A record that names no uid and deletes nothing says nothing here: skip parsing it again.
    if (!event || !mayNameObjects(raw, event.action)) return;
    const found = read ?? this.parsed(raw, event);
    if (!found) return;
    for (const sighting of found.objects) foldSighting(this.rows, eventId === undefined ? sighting : { ...sighting, event_id: eventId });
    for (const deletion of found.deletions ?? [])
      this.deletions.push(eventId === undefined ? deletion : { ...deletion, event_id: eventId });
    for (const kind of found.kinds) {
      const key = `${kind.api_group}|${kind.kind}`;
      if (!this.kindsSeen.has(key)) this.kindsSeen.set(key, eventId === undefined ? kind : { ...kind, event_id: eventId });
    }
  }

  /** What the record says about objects, parsed from its bytes; undefined when it is not JSON. */
  private parsed(raw: Buffer, event: NormalizedEvent): RecordObjects | undefined {
    let value: unknown;
    try {
      value = recordValue(this.format, raw);
    } catch {
      return undefined;
    }
    return objectsOfRecord(this.format, value, event.time_ns, event.target);
  }

  objects(): Iterable<Omit<ObjectIdentity, 'id'>> {
    return this.rows.values();
  }

  get kinds(): Iterable<KindMapping> {
    return this.kindsSeen.values();
  }

  /** How many deletes of names are held, not yet taken. */
  get heldDeletions(): number {
    return this.deletions.length;
  }

  /** The deletes of names held, handed over and forgotten: the import writes them as it goes, a batch at a time. */
  takeDeletions(): NameDeletion[] {
    const taken = this.deletions;
    this.deletions = [];
    return taken;
  }
}

/**
 * Builds the identity table of a case imported before it existed (migration 0016 marks such a case), from
 * the records as stored. Run once when the workbench opens the case, not by a query. The deletes of names
 * are written as they are read, a batch at a time, as an import writes them.
 */
export function upgradeObjectIdentity(store: CaseStore): boolean {
  if (!objectIdentityPending(store)) return false;
  rebuildObjectTable(store, (record) => {
    for (const { format, records } of recordsForObjects(store, OBJECT_FORMATS)) {
      const collector = new ObjectCollector(format);
      for (const r of records) {
        collector.add(
          r.raw,
          {
            time_ns: r.time_ns,
            kind: 'other',
            outcome: 'unknown',
            ...(r.action ? { action: r.action } : {}),
            ...(r.target ? { target: r.target } : {}),
          },
          r.event_id,
        );
        if (collector.heldDeletions >= DELETION_BATCH) record(store.db, [], [], collector.takeDeletions());
      }
      record(store.db, collector.objects(), collector.kinds, collector.takeDeletions());
    }
  });
  return true;
}
