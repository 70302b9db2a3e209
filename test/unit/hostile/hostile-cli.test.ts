// The hostile-input suite: every case runs the built `causa` command under the memory watchdog (a child
// whose resident set passes 512 MiB is killed and the case fails), names what happened, and checks that
// the case file still holds exactly what was imported before the hostile input and the good records
// around it. Bombs are written on the fly (bombs.ts); their inflated content never exists anywhere.
import { existsSync, mkdtempSync, rmSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../src-main/store/case-store';
import { deflateBomb, MiB, writeGzipLineBomb, writeZip } from './bombs';
import { ensureBuilt, MEMORY_BOUND_MIB, ROOT, runCausa, type CliRun } from './watchdog';

const CORPUS_AUDIT = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/corpus/k8s-audit/crowdsec_k8s-audit-priv-pod-file.log'), 'utf8').split('\n')[0]!,
) as Record<string, unknown>;

/** A real audit event (from the corpus) made unique, optionally padded to about `padBytes` more. */
function auditLine(id: string, padBytes = 0): string {
  const event = { ...CORPUS_AUDIT, auditID: `hostile-${id}` } as Record<string, unknown>;
  if (padBytes > 0) event.annotations = { pad: 'p'.repeat(padBytes) };
  return JSON.stringify(event);
}

function lines(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, i) => `${auditLine(`${prefix}-${i}`)}\n`).join('');
}

const scratches: string[] = [];

/** A folder for one case's files, removed after the suite (some hold hundreds of MiB). */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'causa-hostile-'));
  scratches.push(dir);
  return dir;
}

/** What the case holds: its sources by name with their event counts. */
function caseContents(path: string): Record<string, number> {
  const store = CaseStore.open(path);
  try {
    const rows = store.db
      .prepare('SELECT s.name AS name, count(e.id) AS n FROM source s LEFT JOIN event e ON e.source_id = s.id GROUP BY s.id')
      .all() as { name: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.name, row.n]));
  } finally {
    store.close();
  }
}

function expectBounded(run: CliRun): void {
  expect(run.overBound, `peak ${run.peakMiB} MiB passed the ${MEMORY_BOUND_MIB} MiB bound\n${run.stderr}`).toBe(false);
  expect(run.stderr).not.toMatch(/database is locked|heap out of memory|Invalid string length|Maximum call stack/i);
}

/** A case that already holds a good file, so each hostile import can be checked not to lose it. */
async function caseWithGoodFile(dir: string): Promise<string> {
  const casePath = join(dir, 'case.causa');
  writeFileSync(join(dir, 'before.log'), lines('before', 5));
  const run = await runCausa(['import', join(dir, 'before.log'), '--case', casePath]);
  expect(run.code, run.stderr).toBe(0);
  return casePath;
}

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => {
  for (const dir of scratches) rmSync(dir, { recursive: true, force: true });
});

describe('decompression bombs', () => {
  it('a gzip whose content is one 10 GiB line (about 10 MB) is stopped by the inflate ratio; the records before it are kept', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const bomb = join(dir, 'bomb.log.gz');
    writeGzipLineBomb(bomb, 10 * 1024 * MiB, lines('head', 3), lines('tail', 3));
    expect(statSync(bomb).size).toBeLessThan(20 * MiB);
    const run = await runCausa(['import', bomb, '--case', casePath]);
    expectBounded(run);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /bomb\.log\.gz:\d+: cannot read further: bomb\.log\.gz: the gzip stream inflates more than 200 times its compressed size/,
    );
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'bomb.log.gz': 3 });
  });

  it('with the inflate limits raised, the 1 GiB line is skipped in bounded memory and named with its line; the records after it are imported', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const bomb = join(dir, 'line.log.gz');
    writeGzipLineBomb(bomb, 1024 * MiB, lines('head', 3), lines('tail', 3));
    const run = await runCausa(['import', bomb, '--case', casePath, '--max-inflate-ratio', '100000', '--max-inflated-size', '64GiB']);
    expectBounded(run);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/line\.log\.gz:4: a record of 1 GiB is larger than the maximum record size \(64 MiB\); skipped/);
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'line.log.gz': 6 });
  });

  it('the maximum inflated size stops a gzip stream there, keeping what came before', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const bomb = join(dir, 'big.log.gz');
    writeGzipLineBomb(bomb, 512 * MiB, lines('head', 4), lines('tail', 2));
    const run = await runCausa(['import', bomb, '--case', casePath, '--max-inflate-ratio', '100000', '--max-inflated-size', '100MiB']);
    expectBounded(run);
    expect(run.stderr).toMatch(
      /big\.log\.gz:\d+: cannot read further: big\.log\.gz: the gzip stream inflates past the maximum inflated size \(100 MiB\)/,
    );
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'big.log.gz': 4 });
  });

  it('a zip bundle whose entries inflate to 10 × 1 GiB: import and verify stay bounded, every entry is named, the good source is imported', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const zip = join(dir, 'bomb.zip');
    const bomb = deflateBomb(16);
    const good = Buffer.from(lines('zip', 4));
    const fakeHash = 'a'.repeat(64);
    const chain = {
      algorithm: 'sha256-chain-v1',
      records: 1,
      head: fakeHash,
      merkle_root: fakeHash,
      leaves: { path: 'leaves/x.leaves', size: 65, sha256: fakeHash },
    };
    const manifest = {
      format: 'causa-evidence-bundle',
      version: 1,
      case: { title: 'bomb' },
      created_at: '2025-01-01T00:00:00Z',
      creator: { tool: 'hostile', version: '0' },
      sources: [
        { path: 'sources/good.log', type: 'k8s-audit', size: good.length, sha256: fakeHash },
        ...Array.from({ length: 10 }, (_, i) => ({
          path: `sources/bomb-${i}.log`,
          type: 'k8s-audit',
          size: bomb.size,
          sha256: fakeHash,
          chain,
        })),
      ],
      blobs: [],
    };
    writeZip(zip, [
      { name: 'manifest.json', stored: Buffer.from(JSON.stringify(manifest)) },
      { name: 'sources/good.log', stored: good },
      ...Array.from({ length: 10 }, (_, i) => ({ name: `sources/bomb-${i}.log`, deflated: bomb })),
    ]);
    expect(statSync(zip).size).toBeLessThan(30 * MiB);

    const imported = await runCausa(['import', zip, '--case', casePath, '--json']);
    expectBounded(imported);
    const report = JSON.parse(imported.stdout) as { files: { file: string; status: string; errors: { reason: string }[] }[] };
    const bombs = report.files.filter((f) => f.file.includes('bomb-'));
    expect(bombs).toHaveLength(10);
    for (const file of bombs)
      expect(file.errors[0]?.reason).toMatch(/zip entry sources\/bomb-\d\.log inflates more than 200 times its compressed size/);
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'bomb.zip/sources/good.log': 4 });

    const verified = await runCausa(['verify', zip, '--json']);
    expectBounded(verified);
    expect(verified.code).toBe(1);
    const verdict = JSON.parse(verified.stdout) as { sources: { path: string; verdict: string; reason?: string }[] };
    for (const source of verdict.sources.filter((s) => s.path.includes('bomb-'))) {
      expect(source.verdict).toBe('broken');
      expect(source.reason).toMatch(/cannot read the records: zip entry sources\/bomb-\d\.log inflates more than 200 times/);
    }
  });

  it('nested: a zip entry that is itself a gzip bomb is stopped by the same limits', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const inner = join(dir, 'inner.log.gz');
    writeGzipLineBomb(inner, 2048 * MiB, lines('inner', 2), '');
    const data = readFileSync(inner);
    const manifest = {
      format: 'causa-evidence-bundle',
      version: 1,
      case: {},
      created_at: '2025-01-01T00:00:00Z',
      creator: { tool: 'hostile', version: '0' },
      sources: [{ path: 'sources/inner.log.gz', type: 'k8s-audit', size: data.length, sha256: 'b'.repeat(64), compression: 'gzip' }],
      blobs: [],
    };
    const zip = join(dir, 'nested.zip');
    writeZip(zip, [
      { name: 'manifest.json', stored: Buffer.from(JSON.stringify(manifest)) },
      { name: 'sources/inner.log.gz', deflated: { data: deflateRawSync(data), crc: crc32(data), size: data.length } },
    ]);
    const run = await runCausa(['import', zip, '--case', casePath]);
    expectBounded(run);
    expect(run.stderr).toMatch(
      /nested\.zip\/sources\/inner\.log\.gz:\d+: cannot read further: nested\.zip\/sources\/inner\.log\.gz: the gzip stream inflates more than 200 times/,
    );
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'nested.zip/sources/inner.log.gz': 2 });
  });
});

describe('oversized records', () => {
  it('a valid audit log whose first record is 3 MiB is read whole, detected or named with --format', async () => {
    const dir = scratch();
    const log = join(dir, 'first-large.log');
    writeFileSync(log, `${auditLine('large', 3 * MiB)}\n${lines('rest', 4)}`);
    for (const extra of [[], ['--format', 'k8s-audit']]) {
      const casePath = join(dir, `case-${extra.length}.causa`);
      const run = await runCausa(['import', log, '--case', casePath, ...extra]);
      expectBounded(run);
      expect(run.code, run.stderr).toBe(0);
      expect(caseContents(casePath)).toEqual({ 'first-large.log': 5 });
    }
  });

  it('a first record over the maximum record size is skipped with its line; the lines after it decide the format and are imported', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const log = join(dir, 'first-over.log');
    writeFileSync(log, `${auditLine('over', 3 * MiB)}\n${lines('rest', 4)}`);
    const run = await runCausa(['import', log, '--case', casePath, '--max-record-size', '1MiB']);
    expectBounded(run);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/first-over\.log:1: a record of 3 MiB is larger than the maximum record size \(1 MiB\); skipped/);
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'first-over.log': 4 });
  });

  it('an oversized record in the middle of JSON lines and of a document costs only itself', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const log = join(dir, 'middle.log');
    writeFileSync(log, `${lines('a', 3)}${auditLine('big', 2 * MiB)}\n${lines('b', 3)}`);
    const event = (name: string, pad = 0): string =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: 'default', uid: name },
        involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
        reason: 'Started',
        message: 'm'.repeat(pad),
        type: 'Normal',
        lastTimestamp: '2025-01-01T00:00:00Z',
      });
    const list = join(dir, 'events.json');
    writeFileSync(
      list,
      `{"apiVersion":"v1","kind":"List","items":[\n${[event('e1'), event('e2', 2 * MiB), event('e3'), event('e4')].join(',\n')}\n]}\n`,
    );
    const run = await runCausa(['import', log, list, '--case', casePath, '--max-record-size', '1MiB']);
    expectBounded(run);
    expect(run.stderr).toMatch(/middle\.log:4: a record of 2 MiB is larger than the maximum record size/);
    expect(run.stderr).toMatch(/events\.json:3: a record of 2 MiB is larger than the maximum record size/);
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'middle.log': 6, 'events.json': 3 });
  });

  it('a last line of 1 GiB without a newline (a plain file, no gzip) is skipped as cut off, in bounded memory', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const log = join(dir, 'tail.log');
    writeFileSync(log, lines('a', 2));
    const { appendFileSync } = await import('node:fs');
    const chunk = Buffer.alloc(64 * MiB, 'y');
    for (let i = 0; i < 4; i += 1) appendFileSync(log, chunk);
    const run = await runCausa(['import', log, '--case', casePath]);
    expectBounded(run);
    expect(run.stderr).toMatch(/tail\.log:3: a record of at least 256 MiB \(cut off at the end\) is larger than the maximum record size/);
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'tail.log': 2 });
  });
});

describe('malformed streams', () => {
  it('deep nesting: a JSON line of 1,000,000 "[" between good lines costs that line only', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const log = join(dir, 'deep.log');
    writeFileSync(log, `${lines('a', 2)}${'['.repeat(1_000_000)}\n${lines('b', 2)}`);
    const run = await runCausa(['import', log, '--case', casePath]);
    expectBounded(run);
    expect(run.stderr).toMatch(/deep\.log:3: invalid JSON/);
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'deep.log': 4 });
  });

  it('deep nesting in a document: a record nested a million deep ends the document there, keeping the records before it', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const doc = join(dir, 'deep.json');
    const event = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default', uid: 'u1' },
      involvedObject: { kind: 'Pod', name: 'p' },
      reason: 'Started',
      type: 'Normal',
    });
    writeFileSync(doc, `{"apiVersion":"v1","kind":"List","items":[\n${event},\n${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n]}\n`);
    const run = await runCausa(['import', doc, '--case', casePath]);
    expectBounded(run);
    expect(run.stderr).toMatch(
      /deep\.json:3: invalid JSON at line 3, column \d+: nested deeper than 512 levels \(the maximum nesting depth\)/,
    );
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'deep.json': 1 });
  });

  it('a truncated gzip stream keeps every record before the cut', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const whole = gzipSync(lines('t', 200));
    const cut = join(dir, 'cut.log.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const run = await runCausa(['import', cut, '--case', casePath, '--json']);
    expectBounded(run);
    expect(run.stderr).toMatch(/cut\.log\.gz:\d+: cannot read further: unexpected end of file/);
    const kept = caseContents(casePath)['cut.log.gz']!;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(200);
  });

  it('interleaved streams: two logs, a document and binary garbage mixed line by line; every whole record of the format is kept, every other line named', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const mixed = join(dir, 'mixed.log');
    const parts: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      parts.push(auditLine(`m-${i}`));
      parts.push(
        i % 3 === 0
          ? '{"kind":"List","items":['
          : i % 3 === 1
            ? '\u0000\u0001binary\u00ff'
            : '{"jsonrpc":"2.0","id":1,"method":"tools/call"}',
      );
    }
    writeFileSync(mixed, `${parts.join('\n')}\n`);
    const run = await runCausa(['import', mixed, '--case', casePath, '--format', 'k8s-audit']);
    expectBounded(run);
    expect(run.stderr.match(/^mixed\.log:\d+: /gm)).toHaveLength(10);
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'mixed.log': 10 });
  });
});

describe('concurrent writers, cancel, permissions', () => {
  it('a second import into a case another import is writing waits, saying so, then imports; never "database is locked"', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    // The first import holds the write lock for seconds: it skips a 2 GiB line inside its transaction.
    const slow = join(dir, 'slow.log.gz');
    writeGzipLineBomb(slow, 2 * 1024 * MiB, lines('slow', 3), lines('slow-after', 3));
    writeFileSync(join(dir, 'second.log'), lines('second', 3));
    let second: Promise<CliRun> | undefined;
    const first = runCausa(['import', slow, '--case', casePath, '--max-inflate-ratio', '100000', '--max-inflated-size', '64GiB'], {
      // The second starts once the first has opened the case (its -wal file exists) and begun the line.
      onSpawn: () => {
        const poll = setInterval(() => {
          if (!existsSync(`${casePath}-wal`)) return;
          clearInterval(poll);
          setTimeout(() => (second = runCausa(['import', join(dir, 'second.log'), '--case', casePath])), 1000);
        }, 20);
      },
    });
    const one = await first;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const two = await second!;
    expectBounded(one);
    expectBounded(two);
    expect(one.stderr).toMatch(/slow\.log\.gz:4: a record of 2 GiB is larger than the maximum record size/);
    expect(two.stderr).toMatch(/waiting for another import to finish writing to/);
    expect(two.code, two.stderr).toBe(0);
    expect(caseContents(casePath)).toEqual({ 'before.log': 5, 'slow.log.gz': 6, 'second.log': 3 });
  }, 120_000);

  it('a second import into a new case another import is still creating waits for it, saying so; the case ends in WAL', async () => {
    const dir = scratch();
    const casePath = join(dir, 'new.causa');
    // The first import creates the case and holds it for seconds: it skips a 2 GiB line in its transaction.
    const slow = join(dir, 'slow.log.gz');
    writeGzipLineBomb(slow, 2 * 1024 * MiB, lines('slow', 3), lines('slow-after', 3));
    writeFileSync(join(dir, 'second.log'), lines('second', 3));
    let second: Promise<CliRun> | undefined;
    let sawWal = false;
    let journalMode: number | undefined;
    const first = runCausa(['import', slow, '--case', casePath, '--max-inflate-ratio', '100000', '--max-inflated-size', '64GiB'], {
      // A new case is written through a rollback journal (its -journal file, no -wal) while its first
      // import runs; the second starts once that journal exists.
      onSpawn: () => {
        const poll = setInterval(() => {
          sawWal ||= existsSync(`${casePath}-wal`);
          if (!existsSync(`${casePath}-journal`)) return;
          journalMode = statSync(`${casePath}-journal`).mode & 0o777;
          clearInterval(poll);
          setTimeout(() => (second = runCausa(['import', join(dir, 'second.log'), '--case', casePath])), 1000);
        }, 20);
      },
    });
    const one = await first;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(second, 'the first import never wrote through a rollback journal').toBeDefined();
    const two = await second!;
    expectBounded(one);
    expectBounded(two);
    expect(sawWal).toBe(false);
    // The journal, like the log, is the analyst's alone (SQLite gives it the case file's mode).
    expect(journalMode).toBe(0o600);
    expect(two.stderr).toMatch(/waiting for another import to finish writing to/);
    expect(two.stderr).not.toMatch(/locked|not a Causa case file/);
    expect(two.code, two.stderr).toBe(0);
    expect(caseContents(casePath)).toEqual({ 'slow.log.gz': 6, 'second.log': 3 });
    // Every case ends written through its write-ahead log, its journal gone.
    expect(existsSync(`${casePath}-journal`)).toBe(false);
    const store = CaseStore.open(casePath, { readOnly: true });
    try {
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      store.close();
    }
  }, 120_000);

  it('Ctrl+C while a gigabyte line is being skipped stops the import within a second; the case keeps what it had', async () => {
    const dir = scratch();
    const casePath = await caseWithGoodFile(dir);
    const bomb = join(dir, 'long.log.gz');
    writeGzipLineBomb(bomb, 8 * 1024 * MiB, lines('head', 3), lines('tail', 3));
    let signalled = 0;
    const run = await runCausa(['import', bomb, '--case', casePath, '--max-inflate-ratio', '100000', '--max-inflated-size', '64GiB'], {
      // Once the case is open (its -wal file exists, so Ctrl+C is the import's to handle) and the import
      // is well into the line.
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (!existsSync(`${casePath}-wal`)) return;
          clearInterval(poll);
          setTimeout(() => {
            signalled = Date.now();
            child.kill('SIGINT');
          }, 1000);
        }, 20);
      },
    });
    const stoppedAfter = Date.now() - signalled;
    expectBounded(run);
    expect(signalled).toBeGreaterThan(0);
    expect(stoppedAfter).toBeLessThan(1000);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/long\.log\.gz: cancelled: nothing of it imported/);
    expect(caseContents(casePath)).toEqual({ 'before.log': 5 });
  });

  it('a new case file and its -wal and -shm files are readable by their owner only (0600)', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.log'), lines('p', 2));
    const casePath = join(dir, 'private.causa');
    // SQLite gives the -wal and -shm files the database file's mode; they exist while the case is open.
    const run = await runCausa(['import', join(dir, 'a.log'), '--case', casePath]);
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(casePath).mode & 0o777).toBe(0o600);
    const store = CaseStore.open(casePath);
    try {
      store.db.prepare('SELECT count(*) FROM event').get();
      for (const suffix of ['-wal', '-shm']) expect(statSync(`${casePath}${suffix}`).mode & 0o777).toBe(0o600);
    } finally {
      store.close();
    }
  });
});
