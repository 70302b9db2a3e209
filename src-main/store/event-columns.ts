// The event columns a row written since migration 0030 keeps elsewhere: its time as a function of time_ns,
// its authorization reason as a reference into event_text. Every reader takes them through these
// expressions, which read the row's own value first (a case from an earlier Causa, or what a forger wrote
// there), so a seal hashes and a listing shows the same text.
import type Database from 'better-sqlite3';
import { formatNanos } from '../shared/time';

/** The columns a row written since migration 0030 leaves NULL. */
export type KeptElsewhere = 'time' | 'authz_reason';

/** Where such a column's value is read when the row's own column is NULL: text, or NULL. */
export function keptElsewhereSql(column: KeptElsewhere, alias: string): string {
  return column === 'time' ? `causa_time(${alias}.time_ns)` : `(SELECT t.text FROM event_text t WHERE t.id = ${alias}.authz_reason_ref)`;
}

/** The SQL expression for the `time` of event `alias`: RFC 3339 with nine fraction digits, or NULL. */
export function eventTimeSql(alias: string): string {
  return `coalesce(${alias}.time, ${keptElsewhereSql('time', alias)})`;
}

/** The SQL expression for the authorization reason of event `alias`. */
export function authzReasonSql(alias: string): string {
  return `coalesce(${alias}.authz_reason, ${keptElsewhereSql('authz_reason', alias)})`;
}

/**
 * Registers `causa_time(time_ns)` on a connection: the importer's own formatting (formatNanos) of an
 * integer, NULL for anything else (a time_ns a forger made text is named by the seal check as time_ns).
 */
export function registerTimeFunction(db: Database.Database): void {
  db.function('causa_time', { deterministic: true, safeIntegers: true }, (ns: unknown) =>
    typeof ns === 'bigint' ? formatNanos(ns) : null,
  );
}

/** Reasons shorter than this stay inline: a reference would save nothing. */
const INTERN_MIN_LENGTH = 16;
/** Reasons longer than this stay inline: no record repeats an unbounded text often enough to pay. */
const INTERN_MAX_LENGTH = 4096;
/** A case's dictionary takes no more texts than this; past it reasons stay inline (a hostile log's unique ones). */
export const EVENT_TEXT_LIMIT = 65_536;
/** How many texts one write transaction remembers the id of (the rest are looked up by the UNIQUE index). */
const REMEMBERED = 4096;

/**
 * The dictionary of one write transaction: the id of a reason's text in event_text, written on first
 * use, or undefined when it stays inline. Ids are remembered only for the transaction (a rollback takes
 * the rows with it).
 */
export class EventTextWriter {
  private readonly ids = new Map<string, number>();
  private readonly find: Database.Statement;
  private readonly insert: Database.Statement;
  private count: number | undefined;

  constructor(private readonly db: Database.Database) {
    this.find = db.prepare('SELECT id FROM event_text WHERE text = ?').pluck();
    this.insert = db.prepare('INSERT INTO event_text (text) VALUES (?)');
  }

  idOf(text: string): number | undefined {
    if (text.length < INTERN_MIN_LENGTH || text.length > INTERN_MAX_LENGTH) return undefined;
    const known = this.ids.get(text);
    if (known !== undefined) return known;
    let id = this.find.get(text) as number | undefined;
    if (id === undefined) {
      this.count ??= this.db.prepare('SELECT count(*) FROM event_text').pluck().get() as number;
      if (this.count >= EVENT_TEXT_LIMIT) return undefined;
      id = Number(this.insert.run(text).lastInsertRowid);
      this.count += 1;
    }
    if (this.ids.size < REMEMBERED) this.ids.set(text, id);
    return id;
  }
}
