// Evidence leaving the case record by record: the excerpt with inclusion proofs (core/export/excerpt.ts)
// and OCSF JSON lines for a SIEM (core/export/ocsf.ts). Both read raw records from the case file.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { buildExcerpt, verifyExcerpt, type Excerpt, type ExcerptEvent, type ExcerptVerdict } from '../core/export/excerpt';
import { OCSF_KINDS, toOcsf } from '../core/export/ocsf';
import type { EventFilter } from '../shared/contract';
import { ServiceError } from '../shared/errors';
import { CAUSA_VERSION } from '../shared/version';
import type { CaseStore } from '../store/case-store';
import { getEvent, iterateEvents } from '../store/queries';
import { eventRecord, listBundles } from '../store/verification';
import { listTrustedKeys, readPublicKeyFile } from './trust';
import { verdictLookup } from './verification';
import { filterBounds } from './workbench';

export function excerptCase(store: CaseStore, ids: number[]): Excerpt {
  const bundles = listBundles(store);
  const home = new Map<number, { bundle: string; path: string }>();
  for (const b of bundles) for (const s of b.sources) home.set(s.source_id, { bundle: `b${b.id}`, path: s.bundle_path });
  const verdictOf = verdictLookup(store);
  const events: ExcerptEvent[] = [];
  for (const id of [...new Set(ids)]) {
    const record = eventRecord(store, id);
    const found = getEvent(store, id, verdictOf);
    if (!record || !found) throw new ServiceError('not_found', `no event ${id} in this case`);
    const where = home.get(record.source_id);
    events.push({ id, event: found.event, raw: record.raw, position: record.position, ...(where ? { bundle: where.bundle, bundle_path: where.path } : {}) });
  }
  return buildExcerpt({
    case: store.meta('name') ?? basename(store.path, '.causa'),
    created_at: new Date().toISOString(),
    bundles: bundles.map((b) => ({ id: `b${b.id}`, location: b.location, manifest: b.manifest, signature: b.signature, leaves: b.leaves })),
    events,
  });
}

/** Verifies an excerpt file alone; `trust` adds public keys to the trust store's for this run. */
export async function verifyExcerptAt(path: string, value: unknown, trust: string[] = []): Promise<ExcerptVerdict> {
  const trusted = new Set((await listTrustedKeys()).map((k) => k.fingerprint));
  for (const file of trust) trusted.add((await readPublicKeyFile(file)).fingerprint);
  return verifyExcerpt(value, path, trusted);
}

/** Reads a JSON file that may be an excerpt; undefined when it is not JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The case's events as OCSF JSON lines, filtered like `causa events`; kinds without a mapping are counted. */
export function* ocsfLines(store: CaseStore, filter: EventFilter, counts: { written: number; skipped: Map<string, number> }): Generator<string> {
  for (const event of iterateEvents(store, filter, filterBounds(store, filter), verdictLookup(store))) {
    if (!(OCSF_KINDS as readonly string[]).includes(event.kind)) {
      counts.skipped.set(event.kind, (counts.skipped.get(event.kind) ?? 0) + 1);
      continue;
    }
    const raw = eventRecord(store, event.id)?.raw ?? Buffer.alloc(0);
    const record = toOcsf(event, raw, { version: CAUSA_VERSION });
    if (!record) continue;
    counts.written += 1;
    yield JSON.stringify(record);
  }
}
