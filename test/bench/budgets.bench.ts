// Import and verify throughput against their ceilings (docs/design.md "Budgets"):
// - import ≥ 60 % of a bare better-sqlite3 prepared INSERT of the same rows in one transaction;
// - verify ≥ 70 % of Node's own SHA-256 over the same records one by one;
// and peak memory while importing. Each ratio is printed with its budget; the run fails if one is missed.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sealSources } from '../../src-main/core/bundle/seal';
import { keyFingerprint } from '../../src-main/core/bundle/signing';
import { k8sAudit } from '../../src-main/core/ingest/k8s-audit';
import { generateInc0047Audit } from '../../src-main/core/sample';
import { verifyBundle } from '../../src-main/core/verify/bundle';
import { formatNanos } from '../../src-main/shared/time';
import { Workbench } from '../../src-main/service/workbench';
import { MIGRATIONS } from '../../src-main/store/migrate';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const SEARCH_EVENTS = Number(process.env.BENCH_SEARCH_EVENTS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'causa-bench-'));
const lines = generateInc0047Audit({ events: EVENTS });
const file = join(dir, 'audit.jsonl');
writeFileSync(file, `${lines.join('\n')}\n`);
const results: string[] = [];

/** Removes an SQLite file with its WAL and shared-memory files. */
function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

function report(name: string, ours: number, ceiling: number, budget: number, unit: string): number {
  const ratio = ceiling / ours;
  results.push(
    `${name.padEnd(8)} ${((lines.length / ours) * 1000).toFixed(0).padStart(9)} ${unit}/s   ceiling ${((lines.length / ceiling) * 1000).toFixed(0).padStart(9)} ${unit}/s   ratio ${(ratio * 100).toFixed(1)} % (budget ≥ ${budget * 100} %)`,
  );
  return ratio;
}

afterAll(() => {
  console.log(`\nCausa budgets, ${lines.length} records (${(statSync(file).size / 2 ** 20).toFixed(1)} MiB)\n${results.join('\n')}\n`);
  rmSync(dir, { recursive: true, force: true });
});

describe('budgets', () => {
  it('import: at least 60 % of a bare prepared insert of the same rows', async () => {
    // The ceiling: the same rows (raw bytes and normalized columns), parsed beforehand, one transaction.
    const rows = lines.map((line) => {
      const normalized = k8sAudit.normalize(JSON.parse(line));
      if (!normalized.ok) throw new Error(normalized.reason);
      return { raw: Buffer.from(line), event: normalized.events[0]! };
    });
    const insertCeiling = (): number => {
      const path = join(dir, 'ceiling.db');
      const db = new Database(path);
      // The same file settings as a case file (store/case-store.ts), so only Causa's own work differs.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      for (const m of MIGRATIONS) db.exec(m.sql);
      db.prepare("INSERT INTO source (name, format, sha256, size, imported_at) VALUES ('x', 'k8s-audit', 'x', 0, 'x')").run();
      const insert = db.prepare(`INSERT INTO event (source_id, position, ordinal, raw, raw_sha256, time_ns, time, time_text,
        kind, action, actor_type, actor_id, on_behalf_of, target_api_group, target_resource, target_namespace, target_name,
        target_uid, outcome, authz_decision, authz_reason, keys, taint, text) VALUES (1, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`);
      const start = performance.now();
      db.transaction(() => {
        rows.forEach(({ raw, event: e }, i) =>
          insert.run(
            i + 1,
            raw,
            createHash('sha256').update(raw).digest('hex'),
            e.time_ns,
            formatNanos(e.time_ns!),
            e.time_text ?? null,
            e.kind,
            e.action ?? null,
            e.actor?.type ?? null,
            e.actor?.id ?? null,
            e.actor?.on_behalf_of ?? null,
            e.target?.api_group ?? null,
            e.target?.resource ?? null,
            e.target?.namespace ?? null,
            e.target?.name ?? null,
            e.target?.uid ?? null,
            e.outcome,
            e.authz?.decision ?? null,
            e.authz?.reason ?? null,
            e.keys ? JSON.stringify(e.keys) : null,
          ),
        );
      })();
      const elapsed = performance.now() - start;
      db.close();
      removeDatabase(path);
      return elapsed;
    };
    let peak = 0;
    let importing = false;
    const sampler = setInterval(() => {
      if (importing) peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const before = process.memoryUsage().rss;
    // The last round's case stays for the search benchmark below.
    const importOurs = async (keep: boolean): Promise<number> => {
      const path = join(dir, keep ? 'case-0.causa' : 'case.causa');
      const workbench = Workbench.open(path, { create: true });
      importing = true;
      const start = performance.now();
      const report = await workbench.importPaths([file]);
      const elapsed = performance.now() - start;
      importing = false;
      expect(report.events).toBe(lines.length);
      workbench.close();
      if (!keep) removeDatabase(path);
      return elapsed;
    };
    // Rounds alternate the two, each on a fresh file, so that a slow moment of a shared disk weighs on
    // both sides alike; the best of each side is compared.
    const ceilings: number[] = [];
    const ours: number[] = [];
    const ROUNDS = 3;
    for (let round = 0; round < ROUNDS; round++) {
      ceilings.push(insertCeiling());
      ours.push(await importOurs(round === ROUNDS - 1));
    }
    const ceiling = Math.min(...ceilings);
    clearInterval(sampler);
    results.push(`memory   rss before import ${(before / 2 ** 20).toFixed(0)} MiB, peak during import ${(peak / 2 ** 20).toFixed(0)} MiB`);
    const ratio = report('import', Math.min(...ours), ceiling, 0.6, 'rec');
    expect(ratio).toBeGreaterThanOrEqual(0.6);
  });

  it('verify: at least 70 % of Node SHA-256 over the same records one by one', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const files = sealSources([{ path: 'k8s-audit/audit.jsonl', data: Buffer.from(`${lines.join('\n')}\n`), type: 'k8s-audit' }], {
      createdAt: '2025-01-01T00:00:00Z',
      creator: { tool: 'bench', version: '0' },
      // Signed, as evidence bundles are: a valid signature vouches for the manifest's file hashes.
      key: privateKey,
      detectType: () => 'k8s-audit',
    });
    const bundle = {
      location: 'bench',
      form: 'folder' as const,
      list: () => [...files.keys()].sort(),
      read: async (p: string) => files.get(p)!,
      stream: async function* (p: string) {
        yield files.get(p)!;
      },
    };
    const records = lines.map((line) => Buffer.from(line));
    // Alternating rounds, as for the import: the best of each side is compared.
    const ceilings: number[] = [];
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      let start = performance.now();
      for (const record of records) createHash('sha256').update(record).digest();
      ceilings.push(performance.now() - start);
      start = performance.now();
      // The signer trusted: an untrusted one is its own verdict (`untrusted`), not the check timed here.
      const verdict = await verifyBundle(bundle, { trustedKeys: new Set([keyFingerprint(publicKey)]) });
      times.push(performance.now() - start);
      expect(verdict.sources[0]!.verdict).toBe('intact');
    }
    const ceiling = Math.min(...ceilings);
    const ratio = report('verify', Math.min(...times), ceiling, 0.7, 'rec');
    expect(ratio).toBeGreaterThanOrEqual(0.7);
  });

  it('search and filters: a query over 1,000,000 events answers in under 100 ms', async () => {
    // A million-event case from the imported one: its evidence rows copied under more sources, by SQL (an
    // import of a million records would time the importer again, not the queries). Each copy's requests get
    // audit IDs of their own (and so records of their own), so they are a million distinct events grouped
    // into their own API calls, as in a real case of that size, not one call seen twenty times.
    const casePath = join(dir, 'case-0.causa');
    const workbench = Workbench.open(casePath);
    const db = workbench.store.db;
    const have = db.prepare('SELECT count(*) FROM event').pluck().get() as number;
    const copies = Math.ceil(SEARCH_EVENTS / have) - 1;
    // The copies stand for earlier imports, with their derived data left for later (as an earlier Causa
    // did): the bench's own writes, lifted past the store's query_only.
    workbench.store.writeNow(() =>
      db.transaction(() => {
        for (let c = 1; c <= copies; c += 1) {
          const source = Number(
            db
              .prepare("INSERT INTO source (name, format, sha256, size, imported_at) VALUES (?, 'k8s-audit', ?, 0, 'bench')")
              .run(`copy-${c}`, `copy-${c}`).lastInsertRowid,
          );
          db.prepare(
            `INSERT INTO event (source_id, position, locator, ordinal, raw, raw_sha256, time_ns, time, time_text, kind, action, actor_type,
          actor_id, on_behalf_of, target_api_group, target_resource, target_namespace, target_name, target_uid, outcome, authz_decision,
          authz_reason, keys, taint, text, stage, stage_time)
          SELECT ?, position, locator, ordinal, CAST(replace(CAST(raw AS TEXT), '"auditID":"', '"auditID":"c' || ? || '-') AS BLOB),
          raw_sha256 || '-c' || ?, time_ns, time, time_text, kind, action, actor_type, actor_id, on_behalf_of,
          target_api_group, target_resource, target_namespace, target_name, target_uid, outcome, authz_decision, authz_reason,
          replace(keys, '"audit_id":"', '"audit_id":"c' || ? || '-'), taint,
          text, stage, stage_time FROM event WHERE source_id = 1`,
          ).run(source, c, c, c);
          db.prepare(
            "INSERT INTO case_meta (key, value) VALUES ('api_calls_pending', json_insert(coalesce((SELECT value FROM case_meta WHERE key = 'api_calls_pending'), '[]'), '$[#]', ?)) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          ).run(source);
        }
      })(),
    );
    const total = db.prepare('SELECT count(*) FROM event').pluck().get() as number;
    // The derived data of those copies, timed apart: API-call grouping, then the search index (an import
    // builds both in its own transaction; these are the same statements over the copies at once).
    let start = performance.now();
    workbench.store.settleApiCalls();
    results.push(`derived  API-call grouping of ${total} events settled in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    start = performance.now();
    workbench.store.indexSearchBatch(); // every event, in one go
    results.push(`derived  search index of ${total} events built in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    const queries: [string, Parameters<typeof workbench.handlers.listEvents>[0]['filter']][] = [
      ['no filter', {}],
      ['search "api-service"', { search: 'api-service' }],
      ['search "OOMKilled"', { search: 'OOMKilled' }],
      ['actor james.w', { actor: 'james.w' }],
      ['kind + time window', { kind: ['k8s_api'], since: '2025-04-03T14:31:00Z', until: '2025-04-03T14:32:00Z' }],
    ];
    for (const [name, filter] of queries) {
      // A page of the timeline with its total, as the workbench asks for it: awaited (the handler answers
      // a promise), and holding events, so that a failed query cannot pass as a fast one.
      let ms = Infinity;
      for (let run = 0; run < 3; run += 1) {
        start = performance.now();
        const page = await workbench.handlers.listEvents({ filter, offset: 0, limit: 200 });
        ms = Math.min(ms, performance.now() - start);
        expect(page.events.length, name).toBeGreaterThan(0);
      }
      results.push(`query    ${name.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms over ${total} events (budget < 100 ms)`);
      expect(ms).toBeLessThan(100);
    }
    workbench.close();
  }, 3_600_000); // building a million records' search index takes minutes (timed above, not budgeted)
});
