// The rows of a pull's page as the server sends them (core/pull/page-rows.ts): each record's bytes exactly
// as stored, whatever they hold and however the answer is cut into chunks; the server's exception and
// anything else that is not a row thrown, never handed on as a record.
import { describe, expect, it } from 'vitest';
import { MalformedAnswer, PageRowReader, ServerException, type PageRow } from '../../../src-main/core/pull/page-rows';

function row(time: string, key: string, raw: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  return Buffer.concat([
    Buffer.from(`${time}\t${bytes.length}\t${Buffer.from(key).toString('hex').toUpperCase()}\t`),
    bytes,
    Buffer.from('\n'),
  ]);
}

/** Every row of `answer` fed `size` bytes at a time, and what was thrown (if anything) after them. */
function read(answer: Buffer, size: number): { rows: PageRow[]; thrown?: Error } {
  const reader = new PageRowReader();
  const rows: PageRow[] = [];
  try {
    for (let at = 0; at < answer.length; at += size) rows.push(...reader.push(answer.subarray(at, at + size)));
    reader.end();
    return { rows };
  } catch (error) {
    return { rows, thrown: error as Error };
  }
}

const SIZES = [1, 2, 3, 5, 8, 13, 64, 4096];

describe('rows', () => {
  // Bytes JSONEachRow could not carry (not UTF-8), a tab and a newline inside a record, an empty tiebreak,
  // a tiebreak that is not ASCII, a time with a fraction.
  const records: [string, string, Buffer][] = [
    ['2025-04-01 00:00:00', 'a', Buffer.from('{"x":"\t"}')],
    ['2025-04-01 00:00:00', '', Buffer.from('7B2278223A22FF227D', 'hex')],
    ['2025-04-01 00:00:01.123456789', 'ключ\t1', Buffer.from('{"a":\n1}')],
    ['2025-04-01 00:00:02', 'z', Buffer.alloc(0)],
    ['2025-04-01 00:00:03', 'big', Buffer.alloc(100_000, 0x41)],
  ];
  const answer = Buffer.concat(records.map(([time, key, raw]) => row(time, key, raw)));

  it.each(SIZES)('gives each record its exact bytes, the answer cut every %i bytes', (size) => {
    const { rows, thrown } = read(answer, size);
    expect(thrown).toBeUndefined();
    expect(rows.map((r) => [r.time, r.key, r.raw.toString('hex')])).toEqual(records.map(([t, k, raw]) => [t, k, raw.toString('hex')]));
  });

  it('keeps a record whole though the chunk it came in is written over afterwards', () => {
    const reader = new PageRowReader();
    const chunk = Buffer.from(answer.subarray(0, 30));
    const first = reader.push(chunk);
    chunk.fill(0x58);
    const rest = reader.push(answer.subarray(30));
    expect([...first, ...rest][0]!.raw.toString()).toBe('{"x":"\t"}');
  });
});

describe('what is not a row', () => {
  const EXCEPTION =
    "Code: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero, e.what() = DB::Exception\n";
  const good = Buffer.concat([row('2025-04-01 00:00:00', 'a', '{"i":1}'), row('2025-04-01 00:00:01', 'b', '{"i":2}')]);

  it.each(SIZES)('the server exception after rows: the rows, then the exception (cut every %i bytes)', (size) => {
    const { rows, thrown } = read(Buffer.concat([good, Buffer.from(EXCEPTION)]), size);
    expect(rows.map((r) => r.key)).toEqual(['a', 'b']);
    expect(thrown).toBeInstanceOf(ServerException);
    expect(thrown!.message).toMatch(/^Code: 395, e\.displayText\(\) = DB::Exception: Value passed/);
  });

  it('the server exception in the middle of a row: named as the exception, the half row not given', () => {
    // The server flushed half a row, then failed: its length promises more bytes than came before the exception.
    const half = Buffer.from('2025-04-01 00:00:02\t500\t63\t{"i":3, "pad":"');
    const { rows, thrown } = read(Buffer.concat([good, half, Buffer.from(EXCEPTION)]), 4096);
    expect(rows.map((r) => r.key)).toEqual(['a', 'b']);
    expect(thrown).toBeInstanceOf(ServerException);
  });

  it('an exception whose length happens to match is not a record: its newline is not where the length says', () => {
    const text = `{"i":3}${EXCEPTION}`;
    const lying = Buffer.concat([Buffer.from(`2025-04-01 00:00:02\t${text.length - 3}\t63\t`), Buffer.from(text)]);
    const { rows, thrown } = read(Buffer.concat([good, lying]), 7);
    expect(rows.map((r) => r.key)).toEqual(['a', 'b']);
    expect(thrown).toBeInstanceOf(ServerException);
  });

  it.each([
    ['a time that is not one', "2025-04-01' OR 1\t3\t61\tabc\n"],
    ['a length that is not a number', '2025-04-01 00:00:00\t-3\t61\tabc\n'],
    ['a tiebreak that is not hexadecimal', '2025-04-01 00:00:00\t3\tzz\tabc\n'],
    ['a record not followed by its newline', '2025-04-01 00:00:00\t2\t61\tabc\n'],
    ['a line of fewer fields', '2025-04-01 00:00:00\t3\n'],
  ])('%s: a malformed answer, after the rows before it', (_, bad) => {
    for (const size of [1, 4096]) {
      const { rows, thrown } = read(Buffer.concat([good, Buffer.from(bad)]), size);
      expect(rows.map((r) => r.key)).toEqual(['a', 'b']);
      expect(thrown).toBeInstanceOf(MalformedAnswer);
      expect(thrown!.message).toMatch(/^row 3 of the page is not a row of the page query/);
    }
  });

  it('an answer that ends inside a row: named, the half row not given', () => {
    for (const cut of [5, 30, good.length - 1]) {
      const { rows, thrown } = read(good.subarray(0, cut), 3);
      expect(thrown).toBeInstanceOf(MalformedAnswer);
      expect(thrown!.message).toMatch(/^the answer ended inside row \d of the page$/);
      expect(rows.length).toBeLessThan(2);
    }
  });

  it('holds at most 64 KiB of a header that never ends, however long the answer', () => {
    const reader = new PageRowReader();
    const chunk = Buffer.alloc(16 * 1024, 0x41);
    let thrown: unknown;
    let fed = 0;
    try {
      for (; fed < 1024; fed += 1) reader.push(chunk);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MalformedAnswer);
    expect(fed).toBeLessThanOrEqual(4);
  });
});
