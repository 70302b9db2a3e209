// Joins through the case's object identity table (identity.ts): which object an API request acted on
// when its record names it only by name, and which object a controller's Event message names ("Scaled
// down replica set api-service-7d4b8c6f5 to 1 from 3", "Deleted pod: api-service-7d4b8c6f5-x2x9k").
// A uid read from the record is `explicit`; a uid the table gives for a name is `inferred`, with the
// fields that matched and the table rows used, and says so when more than one object could have held it.
import type { JoinField } from '../../shared/graph';
import type { ObjectIdentity, ObjectSighting } from '../../shared/objects';
import type { EdgeSet } from './explicit';
import { describeRow, type Holders, type ObjectIndex } from './identity';
import { compareNodes, eventTimeNs, type LinkEvent, type NodeDraft } from './nodes';

/** A write to one object: by the uid its record carries, or by a name the table resolved. */
export interface Write {
  node: NodeDraft;
  uid: string;
  /** Set when the uid came from the table (the record named the object only by name). */
  byName?: { row: ObjectIdentity; holders: Holders; name: string };
}

const targetName = (node: NodeDraft): string => {
  const t = node.target!;
  return `${t.resource?.split('/')[0] ?? ''} ${t.namespace ? `${t.namespace}/` : ''}${t.name ?? ''}`;
};

/** The object(s) a request acted on: its own uid, or those the table says held its name at its time. */
export function writesOf(node: NodeDraft, index: ObjectIndex): Write[] {
  const own = node.target?.uid ?? node.keys.object_uid;
  if (own) return [{ node, uid: own }];
  const t = node.target;
  if (!t?.name || !t.resource) return [];
  const holders = index.holdersAt(t.resource, t.namespace, t.name, node.timeNs);
  return holders.rows.map((row) => ({ node, uid: row.uid, byName: { row, holders, name: targetName(node) } }));
}

/** What the table said, in words: who held the name, and who else did (then, or at another time). */
function identityNote(byName: NonNullable<Write['byName']>, what: string): string {
  const { row, holders, name } = byName;
  const parts = [`${what} names ${name}, without a uid; the identity table says ${describeRow(row)} held that name then`];
  const rivals = holders.rows.filter((r) => r.uid !== row.uid);
  if (rivals.length > 0)
    parts.push(`ambiguous: ${holders.rows.length} objects may have held it then (${rivals.map(describeRow).join('; ')} too)`);
  if (holders.others.length > 0) parts.push(`not ${holders.others.map(describeRow).join('; ')}, which held it at another time`);
  return parts.join('; ');
}

function identityFields(byName: NonNullable<Write['byName']>, t: NodeDraft['target'], to: string): JoinField[] {
  const fields: JoinField[] = [{ from: 'objectRef.resource', to: 'object identity resource', value: t?.resource?.split('/')[0] ?? '' }];
  if (t?.namespace) fields.push({ from: 'objectRef.namespace', to: 'object identity namespace', value: t.namespace });
  fields.push({ from: 'objectRef.name', to: 'object identity name', value: t?.name ?? '' });
  fields.push({ from: `object identity #${byName.row.id} uid`, to, value: byName.row.uid });
  return fields;
}

/** An edge from a write to what followed from it: explicit on a uid, inferred through the table. */
export function addObjectEdge(edges: EdgeSet, cause: Write, to: NodeDraft, rule: string, uidField: JoinField): void {
  if (!cause.byName) {
    edges.add(cause.node, to, rule, 'explicit', [uidField]);
    return;
  }
  const onOwner = rule === 'owner-reference';
  const fields = identityFields(cause.byName, cause.node.target, onOwner ? uidField.to : 'involvedObject.uid');
  edges.add(cause.node, to, rule, 'inferred', fields, identityNote(cause.byName, 'the request'));
}

/** Controllers' standard Event messages, and the resource of the object each names. */
const MESSAGES: { pattern: RegExp; resource: string }[] = [
  { pattern: /^Scaled (?:up|down) replica set (\S+) (?:to|from) /, resource: 'replicasets' },
  { pattern: /^(?:Created|Deleted) pod: (\S+)/, resource: 'pods' },
  { pattern: /^(?:create|delete) Pod (\S+) in StatefulSet \S+ successful/, resource: 'pods' },
  { pattern: /^(?:Created|Deleted) job (\S+)/, resource: 'jobs' },
];

/**
 * How long after a controller's Event the Events of the object it names may come: a controller acts at
 * once (a ReplicaSet's SuccessfulDelete within a second of its Deployment's ScalingReplicaSet), and an
 * object's Events of minutes later follow from other causes.
 */
const MESSAGE_WINDOW_NS = 60_000_000_000n;
const MESSAGE_SKEW_NS = 1_000_000_000n;

/**
 * A controller's Event that names the next object (a Deployment's `ScalingReplicaSet` names the
 * ReplicaSet, a ReplicaSet's `SuccessfulDelete` the Pod) → that object's Events that follow it, each
 * from the latest such message before it. The object is the one the table says held the name at the
 * message's time. Returns the Events so joined.
 */
export function linkControllerMessages(nodes: NodeDraft[], edges: EdgeSet, index: ObjectIndex): Set<string> {
  const eventsOf = new Map<string, NodeDraft[]>();
  for (const node of [...nodes].sort(compareNodes)) {
    const uid = node.kind === 'workload_event' ? (node.keys.object_uid ?? node.target?.uid) : undefined;
    if (uid && node.timeNs !== null) eventsOf.set(uid, [...(eventsOf.get(uid) ?? []), node]);
  }
  // For each Event about a named object, the latest message before it that named the object.
  const cause = new Map<
    string,
    { message: NodeDraft; at: bigint; text: string; row: ObjectIdentity; holders: Holders; name: string; bare: string }
  >();
  for (const message of nodes) {
    if (message.kind !== 'workload_event') continue;
    // Each recurrence of a node may say another thing ("Deleted pod: a", "Deleted pod: b").
    for (const said of message.messages ?? []) {
      if (said.timeNs === null) continue;
      const found = MESSAGES.map((m) => ({ m, match: m.pattern.exec(said.text) })).find((x) => x.match);
      if (!found) continue;
      const name = found.match![1]!;
      const namespace = message.target?.namespace;
      const holders = index.holdersAt(found.m.resource, namespace, name, said.timeNs);
      for (const row of holders.rows) {
        for (const event of eventsOf.get(row.uid) ?? []) {
          const gap = event.timeNs! - said.timeNs;
          if (event.id === message.id || gap < -MESSAGE_SKEW_NS || gap > MESSAGE_WINDOW_NS) continue;
          const known = cause.get(event.id);
          if (known && known.at > said.timeNs) continue;
          cause.set(event.id, {
            message,
            at: said.timeNs,
            text: said.text,
            row,
            holders,
            name: `${found.m.resource} ${namespace ? `${namespace}/` : ''}${name}`,
            bare: name,
          });
        }
      }
    }
  }
  const byId = new Map(nodes.map((node) => [node.id, node]));
  for (const [eventId, { message, text, row, holders, name, bare }] of cause) {
    const fields: JoinField[] = [
      { from: 'message', to: 'involvedObject.name', value: bare },
      { from: `object identity #${row.id} uid`, to: 'involvedObject.uid', value: row.uid },
    ];
    const note = identityNote({ row, holders, name }, `“${text}”`);
    edges.add(message, byId.get(eventId)!, 'event-message', 'inferred', fields, note);
  }
  return new Set(cause.keys());
}

/**
 * Sightings from the events themselves, for links made without a case file's table (a record's target
 * with its uid, and its owners): less than the importer reads from the raw records, never more.
 */
export function sightingsOfEvents(events: readonly LinkEvent[]): ObjectSighting[] {
  const out: ObjectSighting[] = [];
  for (const event of events) {
    const t = event.target;
    const uid = t?.uid ?? event.keys?.object_uid;
    if (!uid || !t?.name || !t.resource || t.resource.includes('/')) continue;
    const seen = eventTimeNs(event);
    out.push({
      uid,
      name: t.name,
      resource: t.resource,
      ...(t.api_group !== undefined ? { api_group: t.api_group } : {}),
      ...(t.namespace ? { namespace: t.namespace } : {}),
      seen_ns: seen,
      ...(event.keys?.owner_uids ? { owner_uids: event.keys.owner_uids } : {}),
    });
  }
  return out;
}
