// The adversary of docs/threat-model.md: full write access to the case file with any SQLite client. These
// helpers open the file with better-sqlite3 directly (no Causa, no recursive triggers), drop the write-once
// triggers when a change needs it, and put them back afterwards so the schema check at open sees nothing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { registerTimeFunction } from '../../../src-main/store/event-columns';
import { decodeRawBlock, encodeRawBlock, rawInBlock } from '../../../src-main/store/raw-blocks';

const SAMPLE_AUDIT = new URL('../../../resources/samples/inc-0047/sources/k8s-audit/audit.jsonl', import.meta.url).pathname;
export const SAMPLE_OTLP = new URL('../../../resources/samples/inc-0047/sources/otel/agent-trace.json', import.meta.url).pathname;
export const SAMPLE = new URL('../../../resources/samples/inc-0047', import.meta.url).pathname;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'causa-integrity-'));
}

/** 40 audit records of the sample with a line that is not JSON at line 10: records at 1–9 and 11–41. */
export function writeAuditFixture(dir: string, name = 'audit.jsonl', records = 40): string {
  const lines = readFileSync(SAMPLE_AUDIT, 'utf8').split('\n').slice(0, records);
  lines.splice(9, 0, 'this line is not JSON');
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Runs `change` on the case file as an outside SQLite client would, triggers dropped and restored. */
export function tamper(
  casePath: string,
  change: (db: Database.Database) => void,
  options: { keepTriggersDropped?: boolean; foreignKeys?: boolean } = {},
): void {
  const db = new Database(casePath);
  // What the forger's SQL may call to read a row as Causa does (migration 0030's time).
  registerTimeFunction(db);
  try {
    // Any client can turn the foreign keys off (SQLite's default); better-sqlite3 turns them on.
    if (options.foreignKeys === false) db.pragma('foreign_keys = OFF');
    const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; sql: string }[];
    db.transaction(() => {
      for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
      change(db);
      if (!options.keepTriggersDropped) for (const t of triggers) db.exec(t.sql);
    })();
  } finally {
    db.close();
  }
}

/** Runs `change` without touching the triggers (what REPLACE can do with recursive triggers off). */
export function tamperRaw(casePath: string, change: (db: Database.Database) => void): void {
  const db = new Database(casePath);
  registerTimeFunction(db);
  try {
    change(db);
  } finally {
    db.close();
  }
}

/** The block holding event `id`'s raw record (migration 0027), as stored: the one starting at or before it. */
function blockOf(db: Database.Database, id: number): { first_event: number; bytes: Buffer } | undefined {
  return db.prepare('SELECT first_event, bytes FROM raw_block WHERE first_event <= ? ORDER BY first_event DESC LIMIT 1').get(id) as
    { first_event: number; bytes: Buffer } | undefined;
}

/** Event `id`'s raw record where the case keeps it: its row, or its compressed block. */
export function storedRaw(db: Database.Database, id: number): Buffer {
  const inRow = db.prepare('SELECT raw FROM event WHERE id = ?').pluck().get(id) as Buffer;
  if (inRow.length > 0) return inRow;
  const block = blockOf(db, id);
  return rawInBlock(block && decodeRawBlock(block.bytes), id);
}

/**
 * The forger's edit of event `id`'s raw record where it is kept: in its row, or in its block, inflated,
 * changed and deflated again (triggers dropped: call inside `tamper`).
 */
export function rewriteRaw(db: Database.Database, id: number, raw: Buffer): void {
  const inRow = db.prepare('SELECT raw FROM event WHERE id = ?').pluck().get(id) as Buffer;
  if (inRow.length > 0) {
    db.prepare('UPDATE event SET raw = ? WHERE id = ?').run(raw, id);
    return;
  }
  const stored = blockOf(db, id)!;
  const block = decodeRawBlock(stored.bytes)!;
  block.records[id - block.first] = raw;
  db.prepare('UPDATE raw_block SET bytes = ? WHERE first_event = ?').run(encodeRawBlock(block.first, block.records), stored.first_event);
}
