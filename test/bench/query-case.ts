// The case the query bench measures, at any size: the sample incident's audit log imported once, its
// evidence rows then copied by SQL under more sources up to the size asked (an import of a million records
// would time the importer, not the queries). Each copy's requests get audit IDs of their own, so the case
// holds that many distinct events grouped into their own API calls. Shared by the full-size bench
// (query.bench.ts) and a small run of the same queries in the unit tests.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateInc0047Audit } from '../../src-main/core/sample';
import { Workbench } from '../../src-main/service/workbench';
import { rawSql } from '../../src-main/store/raw-blocks';

/** The queries the budget covers: broad and narrow, indexed fields, text, marks, negation, time windows. */
export const BENCH_QUERIES = [
  'kind:k8s_api',
  'ns:payments verb:list',
  'actor:james.w',
  'actor.id:system:kube-controller-manager',
  'outcome:failure OR outcome:denied OR outcome:error',
  '"api-service"',
  'OOMKilled',
  'kind:k8s_api time>=2025-04-03T14:31Z time<2025-04-03T14:32Z',
  'NOT ns:kube-system',
  'name:api-service-* -verb:get',
  'is:starred OR tag:suspicious',
  '(ns:payments OR ns:production) resource:secrets',
] as const;

export async function buildQueryCase(dir: string, events: number): Promise<Workbench> {
  const file = join(dir, 'audit.jsonl');
  writeFileSync(file, `${generateInc0047Audit({ events: Math.min(events, 50_000) }).join('\n')}\n`);
  const workbench = Workbench.open(join(dir, 'query.causa'), { create: true });
  await workbench.importPaths([file]);
  const db = workbench.store.db;
  const have = db.prepare('SELECT count(*) FROM event').pluck().get() as number;
  const copies = Math.ceil(events / have) - 1;
  // The copies are written as the store writes: reads run under query_only, a write through writeNow.
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
        SELECT ?, position, locator, ordinal, CAST(replace(CAST(${rawSql('event')} AS TEXT), '"auditID":"', '"auditID":"c' || ? || '-') AS BLOB),
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
  workbench.store.settleApiCalls();
  workbench.store.indexSearchBatch();
  // A few marks, so that the mark queries have something to find.
  const some = db.prepare("SELECT id FROM event WHERE target_namespace = 'payments' ORDER BY id LIMIT 3").pluck().all() as number[];
  for (const id of some) workbench.handlers.record({ action: { type: 'star', node: `e${id}`, starred: true } });
  if (some[0]) workbench.handlers.record({ action: { type: 'tag', node: `e${some[0]}`, tag: 'suspicious', on: true } });
  return workbench;
}
