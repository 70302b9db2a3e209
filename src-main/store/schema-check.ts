// The schema a case file must have: exactly what the migrations make. Checked every time a case is
// opened, so that a dropped or altered write-once trigger, table or index is found before anything is
// written (an adversary with the file can drop the triggers, rewrite rows and put the triggers back, so
// this check says only that the guard rails are in place now; the seals say whether the rows are).
import Database from 'better-sqlite3';
import { migrate } from './migrate';

interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

let expected: Map<string, SchemaObject> | undefined;

function readSchema(db: Database.Database): Map<string, SchemaObject> {
  // SQLite's own objects (sqlite_sequence, sqlite_stat1 after ANALYZE, autoindexes) come and go with use.
  const rows = db
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    .all() as SchemaObject[];
  return new Map(rows.map((row) => [`${row.type} ${row.name}`, row]));
}

function expectedSchema(): Map<string, SchemaObject> {
  if (!expected) {
    const db = new Database(':memory:');
    try {
      migrate(db);
      expected = readSchema(db);
    } finally {
      db.close();
    }
  }
  return expected;
}

/**
 * Every difference between the case's schema and the migrations' one, as a sentence each (none: it
 * matches). `eventIndexesPending`: the case says that an import left some of the event table's indexes to
 * be built after its evidence was committed (store/event-indexes.ts); those missing are then derived data
 * still to build, not a change. Only a missing index of the event table is excused so: an index is no
 * guard rail (the write-once triggers are), an altered one is still named, and what is built in its place
 * comes from the migrations' own definitions (`expectedIndexes`), never from the file.
 */
export function checkSchema(db: Database.Database, { eventIndexesPending = false } = {}): string[] {
  const want = expectedSchema();
  const have = readSchema(db);
  const problems: string[] = [];
  for (const [key, object] of want) {
    const found = have.get(key);
    if (!found && eventIndexesPending && object.type === 'index' && object.tbl_name === 'event') continue;
    if (!found) problems.push(`${object.type} ${object.name} is missing (dropped)`);
    else if ((found.sql ?? '') !== (object.sql ?? '') || found.tbl_name !== object.tbl_name)
      problems.push(`${object.type} ${object.name} was altered`);
  }
  for (const [key, object] of have)
    if (!want.has(key)) problems.push(`${object.type} ${object.name} is not part of the Causa schema (added)`);
  return problems;
}

/** The indexes the migrations give `table`, with their definitions (by name), for building those a case lacks. */
export function expectedIndexes(table: string): { name: string; sql: string }[] {
  return [...expectedSchema().values()]
    .filter((object) => object.type === 'index' && object.tbl_name === table && object.sql !== null)
    .map((object) => ({ name: object.name, sql: object.sql! }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
