// The seal of one source as a case file keeps it, and the check that finds, by record position, what
// changed since: an edited raw record, a deleted, inserted or reordered one, a row rewritten in place or
// by INSERT OR REPLACE, normalized fields that no longer match the ones sealed. The seal is the RFC 8785
// canonical JSON of SealBody; the per-record side tables it names by hash (leaves, positions, row digests,
// the bytes between records) stay in the case, so one signature covers all of them.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { leafHash, MerkleRootBuilder, sha256Hex } from '../bundle/hashing';
import type { BreakNature } from './bundle';

export const SEAL_KIND = 'causa-source-seal';
export const HEAD_KIND = 'causa-journal-head';
export const SEAL_GENESIS = '0'.repeat(64);
/** The bytes between records are kept up to this much per source; beyond it the source hash is not rebuilt. */
export const MAX_BETWEEN_BYTES = 64 * 1024 * 1024;

export interface SealBody {
  kind: typeof SEAL_KIND;
  version: 1;
  /** Where sealing began in the case (migration 0010): moving it breaks every seal. */
  epoch: { after_source: number; after_journal: number };
  /** SHA-256 of the previous seal's text, or 64 zeros for the first: a seal cannot vanish from the middle. */
  prev_seal: string;
  source: { id: number; name: string; format: string; sha256: string; size: number };
  importer: { name: string; version: string };
  records: number;
  events: number;
  /** Event rows get ids first_event_id, first_event_id + 1, … in (position, ordinal) order. */
  first_event_id: number;
  errors: number;
  errors_sha256: string;
  merkle_root: string;
  leaves_sha256: string;
  positions_sha256: string;
  rows_sha256: string;
  /** The content (gunzipped) as read, and the bytes between records that rebuild it; null when not kept. */
  content: { sha256: string; size: number; between_sha256: string; between_lengths_sha256: string } | null;
  sealed_at: string;
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value) ?? '', 'utf8');
}

export function sealHash(sealText: string): string {
  return sha256Hex(sealText);
}

const hex = sha256Hex;

/** SHA-256 of a string's UTF-8, as bytes: through the one-shot's hex, which is faster than its Buffer output. */
function sha256Bytes(text: string): Buffer {
  return Buffer.from(sha256Hex(text), 'hex');
}

/** The UTF-8 of a record's row digest text, written here for each record (grown when a record needs more). */
let digestScratch = Buffer.allocUnsafeSlow(64 * 1024);

/**
 * SHA-256 over one record's event rows (their sealed column values, in SEALED_COLUMNS order): each value as
 * a decimal or its text, NULL as the byte 0x00 (a string cannot be that alone: see the tag), each value
 * tagged by its kind and ended by 0x1E, each row by 0x1D; the UTF-8 of `rowDigestText` of each row, joined.
 * Written straight into one buffer: this runs for every row, and the text built by concatenation (each value
 * copied into its tagged string, then all of it flattened to be hashed) was a ninth of what an import
 * allocated.
 */
export function rowsDigest(rows: readonly (readonly (string | number | bigint | null)[])[]): Buffer {
  let at = 0;
  for (const row of rows) {
    for (const value of row) {
      // A string's UTF-8 is at most 3 bytes a UTF-16 unit; a number's text is ASCII.
      const text = value === null ? '' : typeof value === 'string' ? value : String(value);
      if (at + 3 * text.length + 3 > digestScratch.length) {
        const larger = Buffer.allocUnsafeSlow(Math.max(2 * digestScratch.length, at + 3 * text.length + 3));
        digestScratch.copy(larger, 0, 0, at);
        digestScratch = larger;
      }
      digestScratch[at++] = value === null ? 0x00 : typeof value === 'string' ? 0x73 : 0x6e;
      if (text.length > 0) at += digestScratch.write(text, at, 'utf8');
      digestScratch[at++] = 0x1e;
    }
    if (at + 1 > digestScratch.length) {
      const larger = Buffer.allocUnsafeSlow(2 * digestScratch.length);
      digestScratch.copy(larger, 0, 0, at);
      digestScratch = larger;
    }
    digestScratch[at++] = 0x1d;
  }
  return Buffer.from(sha256Hex(digestScratch.subarray(0, at)), 'hex');
}

/** One row's part of the text a row digest hashes (`rowsDigest` joins them in ordinal order). */
export function rowDigestText(row: readonly (string | number | bigint | null)[]): string {
  let text = '';
  for (const value of row) text += value === null ? '\u0000\u001e' : typeof value === 'string' ? `s${value}\u001e` : `n${value}\u001e`;
  return `${text}\u001d`;
}

export function errorsDigest(errors: readonly { line: number; locator: string | null; reason: string }[]): string {
  return hex(canonicalBytes(errors.map((e) => [e.line, e.locator, e.reason])));
}

/**
 * Bytes appended a few at a time into 1 MiB blocks: a million 32-byte hashes cost 32 MB here, where as a
 * million Buffers (each with its own backing store) they cost several times that. Given a sink, each full
 * block goes to it (the case file's `source_seal_block`) and is dropped here, so memory stays one block
 * whatever the size; the SHA-256 of all the bytes is kept as they pass.
 */
class PackedBytes {
  private static readonly BLOCK = 1 << 20;
  private static readonly scratch = Buffer.allocUnsafe(4);
  private readonly blocks: Buffer[] = [];
  private readonly hash = createHash('sha256');
  private block: Buffer = Buffer.allocUnsafe(0);
  private used = 0;
  length = 0;

  constructor(private readonly sink?: (block: Buffer) => void) {}

  append(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.block.length) {
      this.retire();
      this.block = Buffer.allocUnsafe(Math.max(PackedBytes.BLOCK, bytes.length));
    }
    this.block.set(bytes, this.used);
    this.used += bytes.length;
    this.length += bytes.length;
  }

  appendUInt32LE(value: number): void {
    PackedBytes.scratch.writeUInt32LE(value, 0);
    this.append(PackedBytes.scratch);
  }

  private retire(): void {
    if (this.used === 0) return;
    const full = this.block.subarray(0, this.used);
    this.hash.update(full);
    if (this.sink) this.sink(full);
    else this.blocks.push(full);
    this.block = Buffer.allocUnsafe(0);
    this.used = 0;
  }

  /** Ends the appending: the bytes not given to the sink (all of them without one), and the SHA-256 of all. */
  finish(): { bytes: Buffer; sha256: string } {
    this.retire();
    return { bytes: Buffer.concat(this.blocks, this.sink ? 0 : this.length), sha256: this.hash.digest('hex') };
  }
}

/** How far into the content a record usually starts: right after the previous one's "\n" or "\r\n". */
const NEAR_GAPS = 3;

/**
 * Where `raw` first occurs in `pending` (-1: nowhere), as `indexOf` says. A record nearly always starts
 * within a few bytes (its line's end before it), where comparing the bytes in place costs half what a
 * search costs that first builds its tables from the whole record.
 */
function firstAt(pending: Buffer, raw: Buffer): number {
  for (let gap = 0; gap < NEAR_GAPS && gap + raw.length <= pending.length; gap += 1)
    if (pending.compare(raw, 0, raw.length, gap, gap + raw.length) === 0) return gap;
  return pending.indexOf(raw);
}

/**
 * Keeps the bytes of a source's content that lie outside its records while the importer reads it: each
 * record is found in the content after the previous one, and what lies before it is kept. Records that are
 * not slices of the content, or more than MAX_BETWEEN_BYTES outside records, stop the keeping (the seal
 * then covers the records alone and says the source hash cannot be rebuilt from the case).
 */
export class ContentTap {
  /** Content read but not yet claimed by a record, as the chunks it came in (joined only when a record asks). */
  private pending: Buffer[] = [];
  private pendingSize = 0;
  private readonly contentHash = createHash('sha256');
  private size = 0;
  // Packed, not a Buffer and a number per record: a million one-byte gaps would cost about 150 MB so.
  private between = new PackedBytes();
  private betweenSize = 0;
  private lengths = new PackedBytes();
  private keeping = true;
  private ended = false;

  /**
   * `maxRecordBytes`: the largest record the importer keeps. Unclaimed content past one such record and
   * MAX_BETWEEN_BYTES of gaps can only be a record the importer skipped (oversized) or bytes outside
   * records: the keeping stops there, so memory stays bounded whatever the input.
   */
  constructor(private readonly maxRecordBytes = 64 * 1024 * 1024) {}

  feed(chunk: Buffer): void {
    this.contentHash.update(chunk);
    this.size += chunk.length;
    if (!this.keeping) return;
    this.pending.push(chunk);
    this.pendingSize += chunk.length;
    if (this.pendingSize > this.maxRecordBytes + MAX_BETWEEN_BYTES - this.betweenSize) this.stop();
  }

  record(raw: Buffer): void {
    if (!this.keeping) return;
    const pending = this.joined();
    const at = firstAt(pending, raw);
    if (at < 0) return this.stop();
    this.keep(pending.subarray(0, at));
    this.pending = [pending.subarray(at + raw.length)];
    this.pendingSize = this.pending[0]!.length;
  }

  /** The content was read to its end (a reader that stops early leaves a prefix, which rebuilds nothing). */
  end(): void {
    this.ended = true;
  }

  private joined(): Buffer {
    if (this.pending.length !== 1) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0]!;
  }

  private keep(gap: Buffer): void {
    this.betweenSize += gap.length;
    if (this.betweenSize > MAX_BETWEEN_BYTES) return this.stop();
    this.between.append(gap);
    this.lengths.appendUInt32LE(gap.length);
  }

  private stop(): void {
    this.keeping = false;
    this.pending = [];
    this.pendingSize = 0;
    this.between = new PackedBytes();
    this.lengths = new PackedBytes();
  }

  finish(): { sha256: string; size: number; whole: boolean; between?: Buffer; gap_lengths?: Buffer } {
    const content = { sha256: this.contentHash.digest('hex'), size: this.size, whole: this.ended };
    if (!this.ended) this.stop();
    if (!this.keeping) return content;
    this.keep(this.joined());
    if (!this.keeping) return content;
    return { ...content, between: this.between.finish().bytes, gap_lengths: this.lengths.finish().bytes };
  }
}

/** The per-record side tables of a seal, built while a source is imported. */
/** The side tables of a seal, each kept in the case as its bytes in `source_seal` then its blocks in order. */
export type SealTableKind = 'leaves' | 'positions' | 'rows';

export class SealAccumulator {
  private readonly leaves: PackedBytes;
  private readonly rows: PackedBytes;
  private readonly positions: PackedBytes;
  private readonly root = new MerkleRootBuilder();
  private count = 0;
  events = 0;
  firstEventId = 0;

  /** `sink`: where each full block of a side table goes as the source is read (else all is kept here). */
  constructor(sink?: (kind: SealTableKind, seq: number, block: Buffer) => void) {
    const to = (kind: SealTableKind): ((block: Buffer) => void) | undefined => {
      let seq = 0;
      return sink && ((block) => sink(kind, seq++, block));
    };
    this.leaves = new PackedBytes(to('leaves'));
    this.rows = new PackedBytes(to('rows'));
    this.positions = new PackedBytes(to('positions'));
  }

  add(position: number, raw: Buffer, rows: readonly (readonly (string | number | bigint | null)[])[], firstId: number): void {
    const leaf = leafHash(raw);
    this.leaves.append(leaf);
    this.root.add(leaf);
    this.rows.append(rowsDigest(rows));
    this.positions.appendUInt32LE(position);
    this.count += 1;
    if (this.events === 0) this.firstEventId = firstId;
    this.events += rows.length;
  }

  get records(): number {
    return this.count;
  }

  /** Ends the source: the bytes of each table not given to the sink, the hash of each whole table, the root. */
  tables(): { leaves: Buffer; positions: Buffer; rows: Buffer; merkle_root: string } & Pick<
    SealBody,
    'leaves_sha256' | 'positions_sha256' | 'rows_sha256'
  > {
    const leaves = this.leaves.finish();
    const positions = this.positions.finish();
    const rows = this.rows.finish();
    return {
      leaves: leaves.bytes,
      positions: positions.bytes,
      rows: rows.bytes,
      merkle_root: this.root.root().toString('hex'),
      leaves_sha256: leaves.sha256,
      positions_sha256: positions.sha256,
      rows_sha256: rows.sha256,
    };
  }
}

/**
 * A side table read front to back from its pieces (whatever their sizes: a forger may cut them anywhere),
 * holding only the piece being read and what is left of the one before.
 */
export class SequentialBytes {
  private buffer: Buffer = Buffer.alloc(0);
  private start = 0;

  constructor(private readonly pieces: Iterator<Buffer>) {}

  /** The `length` bytes at `offset` (never before an offset read already), or undefined past the end. */
  read(offset: number, length: number): Buffer | undefined {
    if (offset < this.start) throw new Error(`a seal table was read backwards (offset ${offset} after ${this.start})`);
    while (offset + length > this.start + this.buffer.length) {
      const next = this.pieces.next();
      if (next.done) return undefined;
      const from = Math.min(offset - this.start, this.buffer.length);
      const rest = this.buffer.subarray(from);
      this.start += from;
      this.buffer = rest.length > 0 ? Buffer.concat([rest, next.value]) : next.value;
    }
    return this.buffer.subarray(offset - this.start, offset - this.start + length);
  }
}

export function tableHashes(tables: {
  leaves: Buffer;
  positions: Buffer;
  rows: Buffer;
}): Pick<SealBody, 'leaves_sha256' | 'positions_sha256' | 'rows_sha256'> {
  return { leaves_sha256: hex(tables.leaves), positions_sha256: hex(tables.positions), rows_sha256: hex(tables.rows) };
}

export function betweenHashes(between: Buffer, lengths: Buffer): { between_sha256: string; between_lengths_sha256: string } {
  return { between_sha256: hex(between), between_lengths_sha256: hex(lengths) };
}

export interface Finding {
  position: number;
  nature: BreakNature;
  reason: string;
}

/**
 * One stored record: its position, its raw bytes or their leaf hash (already computed, on another thread),
 * and its event rows: their ids, and either their sealed values or the text a row digest hashes, already
 * built (`rowDigestText` of each row, joined).
 */
export type StoredRecordRows = { position: number; ids: bigint[] } & ({ raw: Buffer } | { leaf: Buffer }) &
  ({ rows: (string | number | bigint | null)[][] } | { rowsText: string });

/** A table shorter than its positions (which a signed seal rules out) differs from every record. */
function sameBytes(bytes: Buffer, sealed: Buffer | undefined): boolean {
  return sealed !== undefined && bytes.equals(sealed);
}

/** A seal's side tables as the check reads them: each opened as many times as asked, read front to back. */
export interface SealedTables {
  open(kind: SealTableKind): Iterator<Buffer>;
  /** Records sealed: the positions table's length / 4. */
  count: number;
  first_event_id: number;
  events: number;
}

/**
 * Walks the stored records beside the sealed ones, both in position order, and names each difference by
 * position. Every record is looked at (no stop at the first): a forger's edits are each located.
 */
export class SealedRecordCheck {
  readonly findings: Finding[] = [];
  private index = 0;
  private lastId = 0n;
  private leafAt?: Map<string, number>;
  private readonly count: number;
  private readonly positions: SequentialBytes;
  private readonly leaves: SequentialBytes;
  private readonly rows: SequentialBytes;

  constructor(private readonly sealed: SealedTables) {
    this.count = sealed.count;
    this.positions = new SequentialBytes(sealed.open('positions'));
    this.leaves = new SequentialBytes(sealed.open('leaves'));
    this.rows = new SequentialBytes(sealed.open('rows'));
  }

  private sealedPosition(i: number): number {
    return this.positions.read(i * 4, 4)?.readUInt32LE(0) ?? -1;
  }

  /** Where a leaf was sealed: the whole leaves table is read once (only when a record is out of place). */
  private sealedLeafPosition(leaf: Buffer): number | undefined {
    if (!this.leafAt) {
      this.leafAt = new Map();
      const leaves = new SequentialBytes(this.sealed.open('leaves'));
      const positions = new SequentialBytes(this.sealed.open('positions'));
      for (let i = 0; i < this.count; i++)
        this.leafAt.set(leaves.read(i * 32, 32)!.toString('hex'), positions.read(i * 4, 4)!.readUInt32LE(0));
    }
    return this.leafAt.get(leaf.toString('hex'));
  }

  add(record: StoredRecordRows): void {
    while (this.index < this.count && this.sealedPosition(this.index) < record.position) {
      const position = this.sealedPosition(this.index);
      this.findings.push({
        position,
        nature: 'deleted',
        reason: `record ${position} was sealed but is no longer in the case: record deleted`,
      });
      this.index += 1;
    }
    const leaf = 'leaf' in record ? record.leaf : leafHash(record.raw);
    if (this.index >= this.count || this.sealedPosition(this.index) !== record.position) {
      const from = this.sealedLeafPosition(leaf);
      const what = from === undefined ? '' : ` (a copy of the record sealed at position ${from})`;
      this.findings.push({
        position: record.position,
        nature: 'inserted',
        reason: `record ${record.position} is in the case but was never sealed${what}: record inserted`,
      });
      this.checkIds(record, false);
      return;
    }
    const i = this.index++;
    if (!sameBytes(leaf, this.leaves.read(i * 32, 32))) {
      const from = this.sealedLeafPosition(leaf);
      if (from !== undefined) {
        this.findings.push({
          position: record.position,
          nature: 'reordered',
          reason: `record ${record.position} holds the record sealed at position ${from}: records reordered`,
        });
      } else {
        this.findings.push({
          position: record.position,
          nature: 'modified',
          reason: `record ${record.position}'s raw bytes differ from the sealed ones: record modified`,
        });
      }
    } else if (!sameBytes('rowsText' in record ? sha256Bytes(record.rowsText) : rowsDigest(record.rows), this.rows.read(i * 32, 32))) {
      this.findings.push({
        position: record.position,
        nature: 'modified',
        reason: `record ${record.position}'s normalized fields differ from the sealed ones (its raw bytes are intact): row modified`,
      });
    }
    this.checkIds(record, true);
  }

  /**
   * Rows keep the ids they were written with: within the sealed range, rising in (position, ordinal)
   * order. A row deleted and written again (INSERT OR REPLACE with recursive triggers off) gets a new id.
   */
  private checkIds(record: StoredRecordRows, sealed: boolean): void {
    const first = BigInt(this.sealed.first_event_id);
    const last = first + BigInt(this.sealed.events) - 1n;
    if (!sealed) return;
    for (const id of record.ids) {
      if (id < first || id > last || id <= this.lastId) {
        this.findings.push({
          position: record.position,
          nature: 'modified',
          reason: `record ${record.position}'s event row has id ${id}, outside the sealed ids ${first}–${last} or out of order: row rewritten (deleted and inserted again, e.g. by INSERT OR REPLACE)`,
        });
      } else this.lastId = id;
    }
  }

  finish(): Finding[] {
    for (; this.index < this.count; this.index++) {
      const position = this.sealedPosition(this.index);
      this.findings.push({
        position,
        nature: 'deleted',
        reason: `record ${position} was sealed but is no longer in the case: record deleted`,
      });
    }
    return this.findings;
  }
}

/** What a journal head signature covers. */
export function headBytes(head: { seq: number; hash: string }, epoch: { after_source: number; after_journal: number }): Buffer {
  return canonicalBytes({ kind: HEAD_KIND, version: 1, epoch, seq: head.seq, hash: head.hash });
}

/** Rebuilds a source's content from its records and the bytes kept between them; undefined when they do not fit. */
export function* rebuildContent(records: Iterable<Buffer>, between: Buffer, lengths: Buffer): Generator<Buffer> {
  const count = lengths.length / 4;
  let offset = 0;
  let i = 0;
  const gap = (): Buffer => {
    const n = lengths.readUInt32LE(i * 4);
    const piece = between.subarray(offset, offset + n);
    offset += n;
    i += 1;
    return piece;
  };
  for (const raw of records) {
    if (i < count) yield gap();
    yield raw;
  }
  while (i < count) yield gap();
}
