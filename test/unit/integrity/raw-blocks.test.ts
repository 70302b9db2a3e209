// Raw records kept in compressed blocks (migration 0027): the attacks a forger with the SQLite file can
// make on the blocks themselves, each of which must be named by `causa verify CASE` at the records it
// changes, with the same verdict on the worker-thread path (seal leaves hashed on a second core) and on
// the main thread; and the honest case: records read back byte for byte, a large record kept in its row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';
import { decodeRawBlock, encodeRawBlock, RAW_BLOCK_BYTES, RAW_BLOCK_EVENTS, rawSql } from '../../../src-main/store/raw-blocks';
import { storedRaw, tamper, tempDir, writeAuditFixture } from './tamper';

type Problem = { item: string; reason: string; position?: number; nature?: string };

const RECORDS = 700;

let dir: string;
let casePath: string;
let audit: string;

beforeEach(async () => {
  dir = tempDir();
  casePath = join(dir, 'c.causa');
  // Enough records for several blocks (a block holds about 128 KiB of records).
  audit = writeAuditFixture(dir, 'audit.jsonl', RECORDS);
  const wb = Workbench.open(casePath, { create: true });
  try {
    await wb.importPaths([audit]);
  } finally {
    wb.close();
  }
});

afterEach(() => {
  delete process.env.CAUSA_SEAL_PARALLEL_FROM;
});

/** The seal problems of `causa verify CASE`, on the main thread and on the worker path: they must agree. */
async function problems(): Promise<Problem[]> {
  const run = async (): Promise<Problem[]> => {
    const wb = Workbench.open(casePath);
    try {
      const all = await wb.handlers.verifyCase({});
      return all.find((v) => v.subject === 'seal')!.verdict.problems;
    } finally {
      wb.close();
    }
  };
  const main = await run();
  process.env.CAUSA_SEAL_PARALLEL_FROM = '0';
  const worker = await run();
  delete process.env.CAUSA_SEAL_PARALLEL_FROM;
  expect(worker).toEqual(main);
  return main;
}

const blocks = (db: Database.Database) =>
  db.prepare('SELECT first_event, bytes FROM raw_block ORDER BY first_event').all() as { first_event: number; bytes: Buffer }[];
const positionsOf = (db: Database.Database, from: number, to: number) =>
  db.prepare('SELECT position FROM event WHERE id BETWEEN ? AND ? ORDER BY id').pluck().all(from, to) as number[];
const modified = (found: Problem[]) => found.filter((p) => p.nature === 'modified').map((p) => p.position);

describe('an honest case keeps its records in blocks', () => {
  it('reads every record back byte for byte from blocks of consecutive events, each a fraction of its records', () => {
    const lines = readFileSync(audit, 'utf8').split('\n');
    const db = new Database(casePath, { readonly: true });
    try {
      const stored = blocks(db);
      expect(stored.length).toBeGreaterThan(1);
      let records = 0;
      let inflated = 0;
      let deflated = 0;
      for (const { first_event, bytes } of stored) {
        const block = decodeRawBlock(bytes)!;
        expect(block.first).toBe(first_event);
        expect(block.records.length).toBeLessThanOrEqual(RAW_BLOCK_EVENTS);
        records += block.records.length;
        inflated += block.records.reduce((n, r) => n + r.length, 0);
        deflated += bytes.length;
      }
      expect(records).toBe(RECORDS);
      expect(deflated).toBeLessThan(inflated / 3);
      // Every row's own raw column is empty; the record is its line of the file.
      const rows = db.prepare('SELECT id, position, length(raw) AS inRow FROM event ORDER BY id').all() as {
        id: number;
        position: number;
        inRow: number;
      }[];
      for (const row of rows) {
        expect(row.inRow).toBe(0);
        expect(storedRaw(db, row.id).toString()).toBe(lines[row.position - 1]);
      }
    } finally {
      db.close();
    }
  });

  it("reads a thread's first blocks with zlib and the rest with fflate into the reader's buffer, the same records either way, a bomb refused by both", async () => {
    // A fresh copy of the module, as a new worker thread loads it: nothing inflated in it yet.
    vi.resetModules();
    const fresh = await import('../../../src-main/store/raw-blocks');
    const db = new Database(casePath, { readonly: true });
    try {
      const stored = blocks(db);
      const expected = stored.map(({ bytes }) => decodeRawBlock(bytes)!.records.map((r) => r.toString('base64')));
      const into = Buffer.allocUnsafe(fresh.MAX_INFLATED + 1);
      const bomb = deflateRawSync(Buffer.concat([encodeHeader(stored[0]!.first_event), Buffer.alloc(64 * 2 ** 20)]), { level: 9 });
      expect(fresh.decodeRawBlock(bomb, into)).toBeUndefined(); // zlib's limit
      const engines: string[] = [];
      for (let read = 0; read < fresh.ZLIB_FIRST_BLOCKS + 2 * stored.length; read += 1) {
        const at = read % stored.length;
        const block = fresh.decodeRawBlock(stored[at]!.bytes, into)!;
        expect(block.first).toBe(stored[at]!.first_event);
        expect(block.records.map((r) => r.toString('base64'))).toEqual(expected[at]);
        engines.push(block.records[0]!.buffer === into.buffer ? 'fflate' : 'zlib');
      }
      expect(engines.indexOf('fflate')).toBe(fresh.ZLIB_FIRST_BLOCKS - 1); // the bomb was the first
      expect(new Set(engines.slice(fresh.ZLIB_FIRST_BLOCKS - 1))).toEqual(new Set(['fflate']));
      expect(fresh.decodeRawBlock(bomb, into)).toBeUndefined(); // fflate's: it fills `into`
    } finally {
      db.close();
    }
  });

  it('reads every record back through SQL in an order that visits more blocks than a connection keeps inflated', () => {
    const lines = readFileSync(audit, 'utf8').split('\n');
    const wb = Workbench.open(casePath, { readOnly: true });
    try {
      expect(blocks(wb.store.db).length).toBeGreaterThan(5); // a connection keeps four inflated (raw-blocks.ts)
      // Record by record, seven blocks' worth apart: each read evicts a block and reuses its buffer.
      const rows = wb.store.db
        .prepare(`SELECT e.position, CAST(${rawSql('e')} AS TEXT) AS raw FROM event e ORDER BY e.id % 7, e.id`)
        .all() as { position: number; raw: string }[];
      expect(rows).toHaveLength(RECORDS);
      for (const row of rows) expect(row.raw).toBe(lines[row.position - 1]);
      // The first block's records between each other block's: the first stays inflated while every other
      // block is read into a buffer a block left behind.
      const firsts = blocks(wb.store.db).map((b) => b.first_event);
      const read = wb.store.db.prepare(`SELECT e.position, CAST(${rawSql('e')} AS TEXT) AS raw FROM event e WHERE e.id = ?`);
      for (let round = 0; round < 3; round += 1)
        for (const [i, first] of firsts.entries()) {
          for (const id of [firsts[0]! + round + i, first + round]) {
            const row = read.get(id) as { position: number; raw: string };
            expect(row.raw).toBe(lines[row.position - 1]);
          }
        }
    } finally {
      wb.close();
    }
  });

  it('keeps a record larger than a block in its own row, and reads it back through the same SQL', async () => {
    const big = JSON.parse(readFileSync(audit, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    big.annotations = { note: 'x'.repeat(RAW_BLOCK_BYTES + 100) };
    const line = JSON.stringify(big);
    const file = join(dir, 'big.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, `${line}\n`);
    const wb = Workbench.open(casePath);
    try {
      await wb.importPaths([file]);
      const row = wb.store.db
        .prepare(`SELECT length(e.raw) AS inRow, CAST(${rawSql('e')} AS TEXT) AS raw FROM event e ORDER BY e.id DESC LIMIT 1`)
        .get() as { inRow: number; raw: string };
      expect(row).toEqual({ inRow: Buffer.byteLength(line), raw: line });
    } finally {
      wb.close();
    }
    expect(await problems()).toEqual([]);
  });
});

describe('a forger who edits the blocks', () => {
  it('a block overwritten with bytes that are not a block: each of its records is named', async () => {
    let positions: number[] = [];
    tamper(casePath, (db) => {
      const [first, second] = blocks(db);
      positions = positionsOf(db, first!.first_event, second!.first_event - 1);
      db.prepare('UPDATE raw_block SET bytes = ? WHERE first_event = ?').run(Buffer.from('not deflate at all'), first!.first_event);
    });
    expect(modified(await problems())).toEqual(positions);
  });

  it('a block deleted: each of its records is named', async () => {
    let positions: number[] = [];
    tamper(casePath, (db) => {
      const stored = blocks(db);
      const last = stored.at(-1)!;
      positions = positionsOf(db, last.first_event, Number.MAX_SAFE_INTEGER);
      db.prepare('DELETE FROM raw_block WHERE first_event = ?').run(last.first_event);
    });
    const found = await problems();
    expect(positions.length).toBeGreaterThan(0);
    expect(modified(found)).toEqual(positions);
  });

  it('two blocks swapped: the records of both are named', async () => {
    let count = 0;
    tamper(casePath, (db) => {
      const stored = blocks(db);
      const [a, b] = stored;
      count = positionsOf(db, a!.first_event, (stored[2]?.first_event ?? Number.MAX_SAFE_INTEGER) - 1).length;
      // Each block's bytes under the other's key: the headers still name their own first events.
      const update = db.prepare('UPDATE raw_block SET bytes = ? WHERE first_event = ?');
      update.run(b!.bytes, a!.first_event);
      update.run(a!.bytes, b!.first_event);
    });
    const found = await problems();
    // Every record of both blocks, the first 200 listed and the rest counted (LISTED_FINDINGS).
    const more = found.find((p) => p.reason.endsWith('more findings not listed'));
    expect(modified(found).length + Number(/^\d+/.exec(more?.reason ?? '0')![0])).toBe(count);
  });

  it('a block inserted in the middle of another, holding altered copies of the records it covers', async () => {
    let positions: number[] = [];
    tamper(casePath, (db) => {
      const [a, b] = blocks(db);
      const block = decodeRawBlock(a!.bytes)!;
      const from = a!.first_event + 5;
      const copies = block.records.slice(5).map((r) => Buffer.from(r.toString().replace('"verb":"', '"verb":"x')));
      db.prepare('INSERT INTO raw_block (first_event, bytes) VALUES (?, ?)').run(from, encodeRawBlock(from, copies));
      positions = positionsOf(db, from, b!.first_event - 1);
    });
    expect(modified(await problems())).toEqual(positions);
  });

  it('a block that inflates without end (a bomb) is read as holding nothing: its records are named, memory bounded', async () => {
    let positions: number[] = [];
    tamper(casePath, (db) => {
      const [a, b] = blocks(db);
      positions = positionsOf(db, a!.first_event, b!.first_event - 1);
      // 64 MiB of zeros behind a valid header: 64 KiB stored, far past what any block may inflate to.
      const bomb = deflateRawSync(Buffer.concat([encodeHeader(a!.first_event), Buffer.alloc(64 * 2 ** 20)]), { level: 9 });
      db.prepare('UPDATE raw_block SET bytes = ? WHERE first_event = ?').run(bomb, a!.first_event);
    });
    expect(modified(await problems())).toEqual(positions);
  });

  it('a record written back into its row over a good block: the row is what is read, and it is named', async () => {
    let position = 0;
    tamper(casePath, (db) => {
      const id = db.prepare('SELECT id FROM event WHERE position = 12').pluck().get() as number;
      position = 12;
      const forged = Buffer.from(storedRaw(db, id).toString().replace('"verb":"', '"verb":"x'));
      db.prepare('UPDATE event SET raw = ? WHERE id = ?').run(forged, id);
    });
    expect(modified(await problems())).toEqual([position]);
  });
});

/** A block header claiming one record of 64 MiB, as a forger would write it before the zeros. */
function encodeHeader(first: number): Buffer {
  const header = Buffer.alloc(14);
  header.writeUIntBE(first, 0, 6);
  header.writeUInt32BE(1, 6);
  header.writeUInt32BE(64 * 2 ** 20, 10);
  return header;
}
