// Verifies the hash chain a ledger embeds in its own records (osModa-style JSONL: each record carries
// `prev_hash` and `hash`), by the ledger's own rule, named in the verdict. Rules Causa knows, tried in
// turn, the one that reproduces the most of the first records' hashes chosen:
//   sha256-jcs       hash = SHA-256 hex of the RFC 8785 canonical JSON of the record without `hash`
//   sha256-prev-jcs  hash = SHA-256 hex of prev_hash (its hex text) ‖ that same canonical JSON
// Both cover every member but `hash`, `prev_hash` included, so a record's content and its link are each
// checked. What the chain cannot show: records cut off the end (truncation needs an anchor of the head,
// which a bundle manifest gives), and changes that leave the canonical JSON equal (whitespace, escapes).
import canonicalize from 'canonicalize';
import type { BreakNature } from './bundle';
import { sha256Hex } from '../bundle/hashing';

export const LEDGER_RULES = ['sha256-jcs', 'sha256-prev-jcs'] as const;
export type LedgerRule = (typeof LEDGER_RULES)[number];

export interface LedgerVerdict {
  verdict: 'intact' | 'broken' | 'unverifiable';
  rule?: LedgerRule;
  records: number;
  first_bad_position?: number;
  nature?: BreakNature;
  reason?: string;
  /** How the chain starts: `zeros` (64 zeros), `empty`, or the first prev_hash as written. */
  genesis?: string;
}

const HASH_FIELDS = ['hash'] as const;
const PREV_FIELDS = ['prev_hash', 'previous_hash'] as const;
const GENESIS = new Set(['', '0'.repeat(64), 'GENESIS', 'genesis']);
/** How many leading records decide the rule. */
const RULE_SAMPLE = 64;

interface Entry {
  position: number;
  hash?: string;
  prev?: string | null;
  content?: string;
  /** Why the record cannot take part in the chain (not JSON, no hash). */
  unreadable?: string;
}

/** One record of a ledger as a case or a file holds it; `unreadable` when it could not even be imported. */
export interface LedgerRecord {
  position: number;
  raw?: Buffer;
  unreadable?: string;
}

function readEntry(position: number, raw: Buffer | undefined, unreadable?: string): Entry {
  if (!raw) return { position, unreadable: unreadable ?? 'missing' };
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return { position, unreadable: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { position, unreadable: 'not a JSON object' };
  const record = { ...(value as Record<string, unknown>) };
  const hashField = HASH_FIELDS.find((field) => typeof record[field] === 'string');
  if (!hashField) return { position, unreadable: 'no "hash" member' };
  const hash = record[hashField] as string;
  delete record[hashField];
  const prevField = PREV_FIELDS.find((field) => field in record);
  const prevValue = prevField ? record[prevField] : undefined;
  const prev = typeof prevValue === 'string' ? prevValue : prevValue === null ? null : undefined;
  return { position, hash, prev, content: canonicalize(record) ?? '' };
}

function expectedHash(rule: LedgerRule, entry: Entry): string {
  if (rule === 'sha256-jcs') return sha256Hex(entry.content!);
  return sha256Hex(`${entry.prev ?? ''}${entry.content!}`);
}

function contentHolds(rule: LedgerRule, entry: Entry): boolean {
  return entry.unreadable === undefined && expectedHash(rule, entry) === entry.hash!.toLowerCase();
}

function chooseRule(entries: readonly Entry[]): LedgerRule | undefined {
  const sample = entries.slice(0, RULE_SAMPLE);
  let best: { rule: LedgerRule; hits: number } | undefined;
  for (const rule of LEDGER_RULES) {
    const hits = sample.filter((entry) => contentHolds(rule, entry)).length;
    if (hits > 0 && (!best || hits > best.hits)) best = { rule, hits };
  }
  return best?.rule;
}

const isGenesis = (prev: string | null | undefined): boolean => prev === null || prev === undefined || GENESIS.has(prev);

function genesisName(prev: string | null | undefined): string {
  if (prev === null || prev === undefined || prev === '') return 'empty';
  return prev === '0'.repeat(64) ? 'zeros' : prev;
}

/** Names what happened where the link from record `i - 1` to record `i` (0-based) fails. */
function nameLinkBreak(entries: readonly Entry[], i: number): { position: number; nature: BreakNature; reason: string } {
  const entry = entries[i]!;
  const hashAt = (k: number) => entries[k]?.hash?.toLowerCase();
  const prev = entry.prev?.toLowerCase();
  const position = entry.position;
  if (prev !== undefined && entries.some((_, k) => k > i && hashAt(k) === prev)) {
    return { position, nature: 'reordered', reason: `record ${position} links to a record that comes after it: records reordered` };
  }
  // The record links past the one before it (to the one two back, or to genesis from second place).
  if ((i >= 2 && prev === hashAt(i - 2)) || (i === 1 && isGenesis(entry.prev))) {
    const at = entries[i - 1]!.position;
    return {
      position: at,
      nature: 'inserted',
      reason: `record ${at} is not in the chain (the record after it links past it): record inserted`,
    };
  }
  if (i + 1 < entries.length && entries[i + 1]!.prev?.toLowerCase() === hashAt(i - 1)) {
    return {
      position,
      nature: 'inserted',
      reason: `record ${position} is not in the chain (the record after it links past it): record inserted`,
    };
  }
  return { position, nature: 'deleted', reason: `record ${position}'s prev_hash matches no record before it: record(s) deleted before it` };
}

/**
 * One ledger's chain, checked as its records arrive in order (positions are the records' own: lines of the
 * source), so a caller can pause between records. Streams: only the first records' canonical forms are
 * held (to choose the rule), then each record's hashes.
 */
export class LedgerChainCheck {
  private readonly entries: Entry[] = [];
  private readonly holds: boolean[] = [];
  private rule: LedgerRule | undefined;

  add(record: LedgerRecord): void {
    this.entries.push(readEntry(record.position, record.raw, record.unreadable));
    if (this.entries.length === RULE_SAMPLE) {
      this.rule = chooseRule(this.entries);
      this.settle(0);
    } else if (this.entries.length > RULE_SAMPLE) this.settle(this.entries.length - 1);
  }

  private settle(from: number): void {
    for (let k = from; k < this.entries.length; k += 1) {
      this.holds[k] = this.rule !== undefined && contentHolds(this.rule, this.entries[k]!);
      delete this.entries[k]!.content;
    }
  }

  /** The chain's verdict over every record added. */
  verdict(): LedgerVerdict {
    const { entries, holds } = this;
    if (entries.length < RULE_SAMPLE) {
      this.rule = chooseRule(entries);
      this.settle(0);
    }
    const rule = this.rule;
    const count = entries.length;
    if (count === 0) return { verdict: 'unverifiable', records: 0, reason: 'no records' };
    if (!rule) {
      return {
        verdict: 'unverifiable',
        records: count,
        reason: `no hash rule Causa knows (${LEDGER_RULES.join(', ')}) reproduces any record's hash`,
      };
    }
    const genesis = genesisName(entries[0]!.prev);
    const broken = (position: number, nature: BreakNature, reason: string): LedgerVerdict => ({
      verdict: 'broken',
      rule,
      records: count,
      first_bad_position: position,
      nature,
      reason,
      genesis,
    });

    for (let i = 0; i < count; i += 1) {
      const entry = entries[i]!;
      if (entry.unreadable) return broken(entry.position, 'modified', `record ${entry.position} is ${entry.unreadable}: record modified`);
      if (!holds[i])
        return broken(entry.position, 'modified', `record ${entry.position}'s hash does not match its content (${rule}): record modified`);
      if (i === 0) {
        if (isGenesis(entry.prev)) continue;
        // A chain whose first record does not start it: moved there, put before it, or the records before
        // it cut off the front (or an excerpt, which a chain cannot tell from that).
        const prev = entry.prev?.toLowerCase();
        if (entries.some((other, k) => k > 0 && other.hash?.toLowerCase() === prev)) {
          return broken(entry.position, 'reordered', `record ${entry.position} links to a record that comes after it: records reordered`);
        }
        if (count > 1 && isGenesis(entries[1]!.prev)) {
          return broken(entry.position, 'inserted', `record ${entry.position} precedes the chain's first record: record inserted`);
        }
        return broken(
          entry.position,
          'deleted',
          `record ${entry.position}'s prev_hash is not a genesis value: the records before it are missing`,
        );
      }
      if (entry.prev?.toLowerCase() !== entries[i - 1]!.hash!.toLowerCase()) {
        const named = nameLinkBreak(entries, i);
        return broken(named.position, named.nature, named.reason);
      }
    }
    return { verdict: 'intact', rule, records: count, genesis };
  }
}

/** Verifies one ledger's records, in order (see LedgerChainCheck). */
export function verifyLedger(records: Iterable<LedgerRecord>): LedgerVerdict {
  const check = new LedgerChainCheck();
  for (const record of records) check.add(record);
  return check.verdict();
}
