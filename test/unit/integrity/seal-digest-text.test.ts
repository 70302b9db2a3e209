// A seal check hashes each row's digest text as SQLite builds it (store/seals.ts pageSourceDigestTexts),
// where the import hashed the text `rowDigestText` makes of the row's values. The two must agree on every
// row the importer writes, and must not agree where a forger changed a value's type but kept its text (an
// integer stored as text, a text stored as a blob, a real in place of an integer): those are edits.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowDigestText, rowsDigest } from '../../../src-main/core/verify/case-seal';
import { Workbench } from '../../../src-main/service/workbench';
import { pageSourceDigestTexts, pageSourceRows } from '../../../src-main/store/seals';
import { SAMPLE_OTLP, tamper, tempDir, writeAuditFixture } from './tamper';

function texts(casePath: string): { values: string[]; sql: string[] } {
  const wb = Workbench.open(casePath);
  try {
    const values: string[] = [];
    const sql: string[] = [];
    const sources = wb.store.db.prepare('SELECT id FROM source ORDER BY id').pluck().all() as number[];
    for (const id of sources) {
      // Small pages, so that paging by (position, ordinal) is exercised too.
      for (const page of pageSourceRows(wb.store, id, 7)) values.push(...page.map((r) => rowDigestText(r.values)));
      for (const page of pageSourceDigestTexts(wb.store, id, { raw: true, size: 7 })) sql.push(...page.map((r) => r.text));
    }
    return { values, sql };
  } finally {
    wb.close();
  }
}

async function makeCase(): Promise<string> {
  const dir = tempDir();
  const casePath = join(dir, 'c.causa');
  const wb = Workbench.open(casePath, { create: true });
  try {
    // Audit lines (integers, nulls, JSON keys, one import error) and OTLP spans (several rows per record,
    // each with a context: the span's resource and scope).
    await wb.importPaths([writeAuditFixture(dir), SAMPLE_OTLP]);
  } finally {
    wb.close();
  }
  return casePath;
}

describe('the digest text SQLite builds', () => {
  it('is the text the importer hashed, for every row of audit lines and OTLP spans', async () => {
    const { values, sql } = texts(await makeCase());
    expect(values.length).toBeGreaterThanOrEqual(60);
    expect(values.some((t) => t.includes('\u0000'))).toBe(true);
    expect(sql).toEqual(values);
  });

  it('is the same text for values outside what the importer writes (NUL and non-ASCII text, a missing context)', async () => {
    const casePath = await makeCase();
    tamper(
      casePath,
      (db) => {
        db.prepare("UPDATE event SET text = ?, action = '' WHERE position = 3 AND ordinal = 0").run('a\u0000b ü 漢 😀');
        // A context link whose bytes are gone: the value is the key it names, marked.
        db.prepare('DELETE FROM record_context WHERE sha256 = (SELECT context_sha256 FROM event_context LIMIT 1)').run();
      },
      { foreignKeys: false },
    );
    const { values, sql } = texts(casePath);
    expect(values.some((t) => t.includes('missing '))).toBe(true);
    expect(sql).toEqual(values);
  });

  it('differs from the sealed text when a forger changes a value’s type and keeps its text', async () => {
    const casePath = await makeCase();
    const before = texts(casePath).sql;
    const edits = [
      'UPDATE event SET ordinal = CAST(ordinal AS TEXT) WHERE position = 2',
      'UPDATE event SET kind = CAST(kind AS BLOB) WHERE position = 4',
      'UPDATE event SET time_ns = CAST(time_ns AS REAL) WHERE position = 5',
      'UPDATE event SET stage = CAST(stage AS BLOB) WHERE position = 6',
      "UPDATE event SET action = 'null' WHERE position = 7 AND action IS NULL",
    ];
    for (const edit of edits) tamper(casePath, (db) => db.exec(edit));
    const after = texts(casePath).sql;
    expect(after.length).toBe(before.length);
    const changed = after.map((t, i) => (t === before[i] ? -1 : i)).filter((i) => i >= 0);
    expect(changed.length).toBeGreaterThanOrEqual(4);
  });
});

describe("a record's row digest, written into a buffer (rowsDigest)", () => {
  // The import hashes the bytes rowsDigest writes; the check hashes rowDigestText's text (or SQLite's, above).
  // They must be the same bytes, whatever a value holds.
  const values: (string | number | bigint | null)[] = [
    null,
    '',
    'plain',
    'ключ 😀 ✓',
    'lone \ud800 high, lone \udc00 low, swapped \udc00\ud800',
    '\u0000\u001e\u001d',
    0,
    -12.5,
    1e21,
    Number.MAX_SAFE_INTEGER,
    9007199254740993n,
    -1n,
    'x'.repeat(100_000),
    '€'.repeat(30_000),
  ];
  const reference = (rows: (string | number | bigint | null)[][]): string =>
    createHash('sha256').update(rows.map(rowDigestText).join(''), 'utf8').digest('hex');

  it('hashes the UTF-8 of rowDigestText for each kind of value, one row and several', () => {
    for (const value of values) expect(rowsDigest([[value, value]]).toString('hex')).toBe(reference([[value, value]]));
    const rows = [values.slice(0, 6), values.slice(6), [], values];
    expect(rowsDigest(rows).toString('hex')).toBe(reference(rows));
  });

  it('tells apart what rowDigestText tells apart: a NULL from an empty string, a number from its text', () => {
    expect(rowsDigest([[null]]).equals(rowsDigest([['']]))).toBe(false);
    expect(rowsDigest([[12]]).equals(rowsDigest([['12']]))).toBe(false);
    expect(rowsDigest([['a', 'b']]).equals(rowsDigest([['a'], ['b']]))).toBe(false);
  });
});
