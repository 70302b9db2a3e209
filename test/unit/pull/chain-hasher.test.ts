// The pull's hashing thread (service/pull/chain-hasher.ts) against core/bundle/hashing.ts: the same chain
// head, leaves and Merkle root, for records of every size (one larger than a batch too), for a chain
// continued from a state (a resumed pull), and with the pull made to wait when the thread is behind.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainStep, CHAIN_START, leafHash, leafHashHex, MerkleRootBuilder, merkleRoot } from '../../../src-main/core/bundle/hashing';
import { ChainHasher } from '../../../src-main/service/pull/chain-hasher';
import { ROOT } from '../hostile/watchdog';

function records(count: number, seed: number): Buffer[] {
  // Sizes from empty to a few KiB, and one of 3 MiB (more than a batch).
  return Array.from({ length: count }, (_, i) => (i === 5 ? randomBytes(3 * 1024 * 1024) : randomBytes((i * 7919 + seed) % 5000)));
}

function expected(all: Buffer[], upto = all.length): { head: Buffer; root: Buffer; lines: string } {
  let head: Buffer = Buffer.from(CHAIN_START, 'hex');
  for (const record of all.slice(0, upto)) head = chainStep(head, record);
  return {
    head,
    root: merkleRoot(all.slice(0, upto).map((record) => leafHash(record))),
    lines: all
      .slice(0, upto)
      .map((record) => `${leafHashHex(record)}\n`)
      .join(''),
  };
}

async function hashAll(hasher: ChainHasher, all: Buffer[]): Promise<number> {
  let waits = 0;
  for (const record of all) {
    const behind = hasher.add(record);
    if (behind) {
      waits += 1;
      await behind;
    }
  }
  return waits;
}

describe('the pull hashing thread', () => {
  it('gives the chain head, each leaf in order and the Merkle root that core/bundle/hashing gives', async () => {
    const all = records(20_000, 1);
    const lines: Buffer[] = [];
    const hasher = new ChainHasher(Buffer.from(CHAIN_START, 'hex'), [], (batch) => lines.push(Buffer.from(batch)));
    try {
      const waits = await hashAll(hasher, all);
      const result = await hasher.finish();
      const want = expected(all);
      expect(result.head.toString('hex')).toBe(want.head.toString('hex'));
      expect(result.root.toString('hex')).toBe(want.root.toString('hex'));
      expect(Buffer.concat(lines).toString()).toBe(want.lines);
      // 20,000 records of 2.5 KB on average are about 50 batches: the pull waited for the thread.
      expect(waits).toBeGreaterThan(0);
    } finally {
      await hasher.close();
    }
  });

  it('goes on from a resumed chain: head and Merkle tree as the records before left them', async () => {
    const all = records(3_001, 2);
    let head: Buffer = Buffer.from(CHAIN_START, 'hex');
    const merkle = new MerkleRootBuilder();
    for (const record of all.slice(0, 1_234)) {
      head = chainStep(head, record);
      merkle.add(leafHash(record));
    }
    const lines: Buffer[] = [];
    const hasher = new ChainHasher(head, merkle.subtrees, (batch) => lines.push(Buffer.from(batch)));
    try {
      await hashAll(hasher, all.slice(1_234));
      const result = await hasher.finish();
      const want = expected(all);
      expect(result.head.toString('hex')).toBe(want.head.toString('hex'));
      expect(result.root.toString('hex')).toBe(want.root.toString('hex'));
      expect(Buffer.concat(lines).toString()).toBe(expected(all).lines.slice(65 * 1_234));
    } finally {
      await hasher.close();
    }
  });

  it('gives the empty tree for no records', async () => {
    const hasher = new ChainHasher(Buffer.from(CHAIN_START, 'hex'), [], () => {
      throw new Error('no lines expected');
    });
    try {
      const result = await hasher.finish();
      expect(result.head.toString('hex')).toBe(CHAIN_START);
      expect(result.root.toString('hex')).toBe(merkleRoot([]).toString('hex'));
    } finally {
      await hasher.close();
    }
  });

  it('fails the pull when the thread is gone, instead of waiting for it', async () => {
    const hasher = new ChainHasher(Buffer.from(CHAIN_START, 'hex'), [], () => {});
    await (hasher as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(() => hasher.add(Buffer.from('x'))).toThrow(/the hashing thread stopped/);
    await expect(hasher.finish()).rejects.toThrow(/the hashing thread stopped/);
  });
});

describe('the pull waiting for the hashing thread', () => {
  it('keeps the process alive while nothing else would, and lets it end once the hashes are given', () => {
    // A process whose only work left is the hasher's: its thread is unreferenced (a failed pull must not
    // hang on it), so it has to hold the process while the pull awaits it, or the process ends unfinished.
    const module = join(ROOT, 'src-main', 'service', 'pull', 'chain-hasher.ts');
    const script = `
      import { ChainHasher } from ${JSON.stringify(module)};
      const hasher = new ChainHasher(Buffer.alloc(32), [], () => {});
      for (let i = 0; i < 40000; i += 1) { const behind = hasher.add(Buffer.alloc(300, i)); if (behind) await behind; }
      const { root } = await hasher.finish();
      process.stdout.write('root ' + root.toString('hex'));
    `;
    // A file, not `--input-type=module -e`: a worker inherits the flag, and its script is CommonJS.
    const file = join(mkdtempSync(join(tmpdir(), 'causa-hasher-')), 'pull.mjs');
    writeFileSync(file, script);
    const run = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
    rmSync(dirname(file), { recursive: true, force: true });
    expect(run.stderr).not.toMatch(/unsettled top-level await/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^root [0-9a-f]{64}$/);
  });
});
