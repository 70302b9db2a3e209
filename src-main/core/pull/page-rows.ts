// The rows of a page as the server sends them (core/pull/query.ts, PAGE_FORMAT): for each row its time, the
// raw record's length, the tiebreak in hexadecimal, each followed by a tab, then exactly that many bytes of
// the raw record and a newline. The record is read by its length, not up to a newline, so its bytes come
// out as they are stored, whatever they hold; a record that holds a newline is read whole, and refused by
// the pull for what it is (a pull seals one record per line).
//
// What is not such a row is never handed on as one. A ClickHouse server that fails after it began to
// answer keeps its 200 status and writes the exception where the next row would be ("Code: 395, …"): that
// is a ServerException with the server's words. Anything else (a header that is not a time, a length and
// hexadecimal; a record not followed by its newline; an answer that ends inside a row) is a
// MalformedAnswer. Memory: a row's header is at most MAX_HEADER_BYTES, and its record is held once, in
// the pieces it arrived in until it is whole.

/** One row of a page. */
export interface PageRow {
  /** The time as the server formatted it (`YYYY-MM-DD hh:mm:ss[.fraction]`). */
  time: string;
  /** The tiebreak as text. */
  key: string;
  /** The raw record's bytes, exactly as stored. */
  raw: Buffer;
}

/** The server's own failure, written into the answer in place of a row. */
export class ServerException extends Error {}

/** An answer that is not rows of the page query's shape. */
export class MalformedAnswer extends Error {}

/** A ClickHouse exception as the server writes it: "Code: 47, e.displayText() = DB::Exception: …". */
export const SERVER_EXCEPTION = /^Code: (\d+)[,.]/;

/** Longer than any time, length and tiebreak: a header without its three tabs by then is not a row's. */
const MAX_HEADER_BYTES = 64 * 1024;
const TAB = 0x09;
const NEWLINE = 0x0a;
/** A row's header: the time as ClickHouse formats it, the record's length, the tiebreak in hexadecimal (one pass). */
const HEADER = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)\t(0|[1-9]\d{0,15})\t((?:[0-9A-F]{2})*)$/;

export class PageRowReader {
  /** Bytes of the row being read that came before the current chunk (its header, or its record so far). */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** The current row's header, once read: its record is read next. */
  private header: { time: string; key: string; bytes: number } | undefined;
  /** Rows read whole (the line the next one starts on, for messages). */
  private rows = 0;

  /** What was found not to be a row after rows of the same chunk: thrown by the next call, once they are handed on. */
  private failure: Error | undefined;

  /**
   * The rows that `chunk` completes, in order. What is not a row is thrown, by this call when no row of the
   * chunk came before it, else by the next (the rows before a server's exception are rows).
   */
  push(chunk: Buffer): PageRow[] {
    if (this.failure) throw this.failure;
    const rows: PageRow[] = [];
    try {
      this.read(chunk, rows);
    } catch (error) {
      if (rows.length === 0) throw error;
      this.failure = error as Error;
    }
    return rows;
  }

  private read(chunk: Buffer, rows: PageRow[]): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.header === undefined) {
        const end = this.headerEnd(chunk, at);
        if (end === -1) {
          this.hold(chunk.subarray(at));
          if (this.heldBytes > MAX_HEADER_BYTES) this.refuse();
          return;
        }
        const text = this.take(chunk.subarray(at, end)).toString('latin1');
        this.header = this.parseHeader(text);
        at = end + 1;
        continue;
      }
      const wanted = this.header.bytes + 1 - this.heldBytes;
      if (chunk.length - at < wanted) {
        this.hold(chunk.subarray(at));
        return;
      }
      const record = this.take(chunk.subarray(at, at + wanted));
      at += wanted;
      if (record[record.length - 1] !== NEWLINE) this.refuse(record);
      rows.push({ time: this.header.time, key: this.header.key, raw: record.subarray(0, record.length - 1) });
      this.header = undefined;
      this.rows += 1;
    }
  }

  /** The answer ended: throws when it ended inside a row. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.header === undefined && this.heldBytes === 0) return;
    this.refuse(undefined, true);
  }

  /** Where the header of the row starting at `at` ends (its third tab), given the bytes held before; -1: not in this chunk. */
  private headerEnd(chunk: Buffer, at: number): number {
    let tabs = 0;
    for (const piece of this.held) for (const byte of piece) if (byte === TAB) tabs += 1;
    let end = at - 1;
    for (; tabs < 3; tabs += 1) {
      end = chunk.indexOf(TAB, end + 1);
      if (end === -1) {
        // A line with fewer than three tabs is not a row: the server's exception, most likely.
        const newline = chunk.indexOf(NEWLINE, at);
        if (newline !== -1) {
          this.hold(chunk.subarray(at, newline + 1));
          this.refuse();
        }
        return -1;
      }
    }
    const newline = chunk.subarray(at, end).indexOf(NEWLINE);
    if (newline !== -1) {
      this.hold(chunk.subarray(at, at + newline + 1));
      this.refuse();
    }
    return end;
  }

  private parseHeader(text: string): { time: string; key: string; bytes: number } {
    const header = HEADER.exec(text);
    if (header === null) this.refuse(Buffer.from(text, 'latin1'));
    return { time: header[1]!, key: Buffer.from(header[3]!, 'hex').toString('utf8'), bytes: Number(header[2]) };
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    // A copy: the chunk it is part of may be a pooled buffer written over after this call.
    this.held.push(Buffer.from(bytes));
    this.heldBytes += bytes.length;
  }

  /** The bytes held and then `rest`, as one buffer; nothing held afterwards. */
  private take(rest: Buffer): Buffer {
    if (this.held.length === 0) return rest;
    const whole = Buffer.concat([...this.held, rest]);
    this.held = [];
    this.heldBytes = 0;
    return whole;
  }

  /** Throws for what was read of this row: the server's exception when that is what it is. */
  private refuse(seen?: Buffer, ended = false): never {
    const text = (seen ?? Buffer.concat(this.held)).toString('utf8');
    this.held = [];
    this.heldBytes = 0;
    const exception = text.indexOf('Code: ');
    if (exception !== -1 && SERVER_EXCEPTION.test(text.slice(exception))) throw new ServerException(firstLine(text.slice(exception)));
    const row = this.rows + 1;
    if (ended) throw new MalformedAnswer(`the answer ended inside row ${row} of the page`);
    throw new MalformedAnswer(`row ${row} of the page is not a row of the page query (${JSON.stringify(text.slice(0, 80))})`);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 500);
}
