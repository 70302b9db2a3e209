// A bundle source's sealed leaves, as the case keeps them to re-check its records without the bundle
// (migration 0025: 32-byte leaves in blocks of 32,768, read a block at a time). The attacks first: a
// forger who edits, cuts, drops or re-orders the blocks must see the source named as broken; the same
// leaves cut into blocks another way, or kept as the hex text of a case made before the migration, verify.
import { createPrivateKey } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundleFiles } from '../../../src-main/core/bundle/files';
import { generateSigningKey } from '../../../src-main/core/bundle/signing';
import { sealSources } from '../../../src-main/core/bundle/seal';
import { generateInc0047Audit } from '../../../src-main/core/sample';
import { verifyCaseRecords } from '../../../src-main/service/verification';
import { Workbench } from '../../../src-main/service/workbench';
import { LEAVES_PER_BLOCK } from '../../../src-main/store/verification';
import { tamper, tempDir } from './tamper';
import { rewriteRaw, storedRaw } from './tamper';

const RECORDS = LEAVES_PER_BLOCK + 7_000; // two blocks: one whole, one part
const PATH = 'sources/k8s-audit/audit.jsonl';
const LEAVES_DIFFER = 'the sealed per-record hashes kept in the case no longer match the signed Merkle root';
let dir: string;
let original: string;

beforeAll(async () => {
  dir = tempDir();
  const key = generateSigningKey();
  const files = sealSources(
    [{ path: 'k8s-audit/audit.jsonl', data: Buffer.from(`${generateInc0047Audit({ events: RECORDS }).join('\n')}\n`) }],
    {
      createdAt: '2025-04-03T15:00:00Z',
      creator: { tool: 'causa', version: 'test' },
      key: createPrivateKey(key.privatePem),
      detectType: () => 'k8s-audit',
    },
  );
  const bundle = join(dir, 'bundle');
  await writeBundleFiles(bundle, files);
  original = join(dir, 'original.causa');
  const workbench = Workbench.open(original, { create: true });
  try {
    const report = await workbench.importPaths([bundle]);
    expect(report.errors).toBe(0);
  } finally {
    workbench.close();
  }
}, 300_000);
afterAll(() => {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
});

let copies = 0;
function copy(): string {
  const path = join(dir, `copy-${++copies}.causa`);
  copyFileSync(original, path);
  return path;
}

/** The verdict of the bundle's source when the case's records are checked again. */
async function sourceVerdict(casePath: string): Promise<{ verdict: string; reason?: string }> {
  const workbench = Workbench.open(casePath);
  try {
    const checked = await verifyCaseRecords(workbench.store);
    const bundle = checked.find((c) => c.subject === 'case');
    expect(bundle, 'the bundle is checked').toBeDefined();
    const source = bundle!.verdict.sources.find((s) => s.path === PATH);
    expect(source, `${PATH} is checked`).toBeDefined();
    return source!;
  } finally {
    workbench.close();
  }
}

function blocks(casePath: string): { seq: number; leaves: Buffer }[] {
  let rows: { seq: number; leaves: Buffer }[] = [];
  tamper(casePath, (db) => {
    rows = db.prepare('SELECT seq, leaves FROM sealed_leaf_block WHERE bundle_path = ? ORDER BY seq').all(PATH) as typeof rows;
  });
  return rows;
}

describe('the sealed leaves a case keeps', () => {
  it('are kept as 32-byte leaves in blocks, and verify', async () => {
    const kept = blocks(original);
    expect(kept.map((b) => b.leaves.length)).toEqual([32 * LEAVES_PER_BLOCK, 32 * (RECORDS - LEAVES_PER_BLOCK)]);
    expect((await sourceVerdict(copy())).verdict).toBe('untrusted');
  });

  it.each([
    [
      'a byte of a leaf altered',
      (db: import('better-sqlite3').Database) => {
        const [first] = db.prepare('SELECT leaves FROM sealed_leaf_block WHERE seq = 0').pluck().all() as Buffer[];
        first![100]! ^= 1;
        db.prepare('UPDATE sealed_leaf_block SET leaves = ? WHERE seq = 0').run(first);
      },
    ],
    [
      'the last block deleted (leaves cut off)',
      (db: import('better-sqlite3').Database) => db.exec('DELETE FROM sealed_leaf_block WHERE seq = 1'),
    ],
    ['every block deleted', (db: import('better-sqlite3').Database) => db.exec('DELETE FROM sealed_leaf_block')],
    [
      'the blocks swapped',
      (db: import('better-sqlite3').Database) =>
        db.exec('UPDATE sealed_leaf_block SET seq = seq + 10; UPDATE sealed_leaf_block SET seq = 11 - seq'),
    ],
    [
      'a block cut short by a few bytes',
      (db: import('better-sqlite3').Database) =>
        db.exec('UPDATE sealed_leaf_block SET leaves = substr(leaves, 1, length(leaves) - 5) WHERE seq = 1'),
    ],
    [
      'a block stored as text',
      (db: import('better-sqlite3').Database) => db.exec('UPDATE sealed_leaf_block SET leaves = hex(leaves) WHERE seq = 1'),
    ],
    [
      'a forged leaf appended',
      (db: import('better-sqlite3').Database) =>
        db
          .prepare(
            'INSERT INTO sealed_leaf_block (bundle_id, bundle_path, seq, leaves) SELECT bundle_id, bundle_path, 2, ? FROM sealed_leaf_block WHERE seq = 1',
          )
          .run(Buffer.alloc(32, 7)),
    ],
  ])('name the source as broken when %s', async (_name, change) => {
    const path = copy();
    tamper(path, change);
    const source = await sourceVerdict(path);
    expect(source.verdict).toBe('broken');
    expect(source.reason).toBe(LEAVES_DIFFER);
  });

  it('name the record when a stored record is altered while the leaves hold', async () => {
    const path = copy();
    tamper(path, (db) => {
      const id = db.prepare('SELECT id FROM event WHERE position = 39000').pluck().get() as number;
      rewriteRaw(db, id, Buffer.from(storedRaw(db, id).toString().replace('auditID', 'auditId')));
    });
    const source = await sourceVerdict(path);
    expect(source).toMatchObject({ verdict: 'broken', first_bad_position: 39_000 });
  });

  it('verify when the same leaves are cut into blocks another way (the cut proves nothing)', async () => {
    const path = copy();
    tamper(path, (db) => {
      const all = Buffer.concat(db.prepare('SELECT leaves FROM sealed_leaf_block ORDER BY seq').pluck().all() as Buffer[]);
      const [bundleId] = db.prepare('SELECT DISTINCT bundle_id FROM sealed_leaf_block').pluck().all() as number[];
      db.exec('DELETE FROM sealed_leaf_block');
      const insert = db.prepare('INSERT INTO sealed_leaf_block (bundle_id, bundle_path, seq, leaves) VALUES (?, ?, ?, ?)');
      for (let at = 0, seq = 0; at < all.length; at += 32 * 1000, seq += 1)
        insert.run(bundleId, PATH, seq * 10, all.subarray(at, at + 32 * 1000));
    });
    expect((await sourceVerdict(path)).verdict).toBe('untrusted');
  });

  it('verify when kept as the hex text of a case made before migration 0025', async () => {
    const path = copy();
    tamper(path, (db) => {
      const all = Buffer.concat(db.prepare('SELECT leaves FROM sealed_leaf_block ORDER BY seq').pluck().all() as Buffer[]);
      const [bundleId] = db.prepare('SELECT DISTINCT bundle_id FROM sealed_leaf_block').pluck().all() as number[];
      db.exec('DELETE FROM sealed_leaf_block');
      let text = '';
      for (let at = 0; at < all.length; at += 32) text += `${all.subarray(at, at + 32).toString('hex')}\n`;
      db.prepare('INSERT INTO sealed_leaves (bundle_id, bundle_path, leaves) VALUES (?, ?, ?)').run(bundleId, PATH, text);
    });
    expect((await sourceVerdict(path)).verdict).toBe('untrusted');
    const broken = copy();
    tamper(broken, (db) => {
      const all = Buffer.concat(db.prepare('SELECT leaves FROM sealed_leaf_block ORDER BY seq').pluck().all() as Buffer[]);
      const [bundleId] = db.prepare('SELECT DISTINCT bundle_id FROM sealed_leaf_block').pluck().all() as number[];
      db.exec('DELETE FROM sealed_leaf_block');
      const lines: string[] = [];
      for (let at = 32; at < all.length; at += 32) lines.push(all.subarray(at, at + 32).toString('hex'));
      db.prepare('INSERT INTO sealed_leaves (bundle_id, bundle_path, leaves) VALUES (?, ?, ?)').run(
        bundleId,
        PATH,
        `${lines.join('\n')}\n`,
      );
    });
    expect(await sourceVerdict(broken)).toMatchObject({ verdict: 'broken', reason: LEAVES_DIFFER });
  });
});
