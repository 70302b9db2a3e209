import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordVerdict } from '../../../src-main/core/verify/event-verdict';
import { Workbench } from '../../../src-main/service/workbench';
import { addTrustedKey, trustStorePath } from '../../../src-main/service/trust';
import { rewriteRaw, storedRaw } from '../integrity/tamper';

const SAMPLE = new URL('../../../resources/samples/inc-0047', import.meta.url).pathname;
const SAMPLE_PUB = new URL('../../../resources/keys/sample-ed25519.pub.pem', import.meta.url).pathname;

let workbench: Workbench | undefined;
afterEach(() => workbench?.close());

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'causa-verification-'));
}

async function openWith(bundle: string): Promise<Workbench> {
  workbench = Workbench.open(join(tempDir(), 'c.causa'), { create: true });
  await workbench.importPaths([bundle]);
  return workbench;
}

describe('recordVerdict', () => {
  it.each([
    [undefined, 'trusted', 5, 'unverifiable'],
    [{ verdict: 'intact' as const }, 'trusted', 5, 'intact'],
    [{ verdict: 'untrusted' as const }, 'untrusted', 5, 'untrusted'],
    [{ verdict: 'sealed_whole' as const }, 'trusted', 5, 'sealed_whole'],
    [{ verdict: 'unsigned' as const }, 'none', 5, 'unsigned'],
    [{ verdict: 'broken' as const, first_bad_position: 10 }, 'trusted', 9, 'intact'],
    [{ verdict: 'broken' as const, first_bad_position: 10 }, 'untrusted', 9, 'untrusted'],
    [{ verdict: 'broken' as const, first_bad_position: 10 }, 'none', 9, 'unsigned'],
    [{ verdict: 'broken' as const, first_bad_position: 10 }, 'trusted', 10, 'broken'],
    [{ verdict: 'broken' as const, first_bad_position: 10 }, 'trusted', 11, 'broken'],
    [{ verdict: 'broken' as const }, 'trusted', 1, 'broken'],
  ] as const)('%j signer=%s at %i is %s', (source, signed, position, expected) => {
    expect(recordVerdict(source, signed, position)).toBe(expected);
  });
});

describe('verification inside a case', () => {
  it('verifies a bundle as it is imported and records when', async () => {
    await addTrustedKey(SAMPLE_PUB, 'samples', trustStorePath());
    const wb = await openWith(SAMPLE);
    const info = await wb.handlers.caseInfo({});
    expect(info.verification).toHaveLength(1);
    const [v] = info.verification;
    expect(v).toMatchObject({
      subject: 'bundle',
      location: SAMPLE,
      verdict: { intact: true, signature: { status: 'valid', trusted: true } },
    });
    expect(Date.now() - Date.parse(v!.at)).toBeLessThan(60_000);
    const page = await wb.handlers.listEvents({ filter: {}, offset: 0, limit: 1000 });
    // Record streams are chained: each record is intact.
    const chained = page.events.filter((e) => /\.jsonl$/.test(e.source));
    expect(chained.length).toBeGreaterThan(500);
    expect(chained.every((e) => e.verdict === 'intact')).toBe(true);
    // The listings' items and the trace's spans are sealed value by value (format 1.1): intact, each one.
    const documents = page.events.filter((e) => /\.json$/.test(e.source));
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.every((e) => e.verdict === 'intact')).toBe(true);
  });

  it('marks records from the first altered one on, and keeps those before it', async () => {
    const bundle = join(tempDir(), 'tampered');
    cpSync(SAMPLE, bundle, { recursive: true });
    const source = join(bundle, 'sources', 'k8s-audit', 'audit.jsonl');
    const lines = readFileSync(source, 'utf8').split('\n');
    lines.splice(99, 1); // record 100 deleted
    writeFileSync(source, lines.join('\n'));
    const wb = await openWith(bundle);
    const [v] = (await wb.handlers.caseInfo({})).verification;
    expect(v!.verdict.sources[0]).toMatchObject({ verdict: 'broken', first_bad_position: 100, nature: 'deleted' });
    const events = [...wb.events({ stages: true })].filter((e) => e.source.endsWith('k8s-audit/audit.jsonl'));
    const byPosition = new Map(events.map((e) => [e.position, e.verdict]));
    expect(byPosition.get(99)).toMatch(/intact|unsigned/);
    expect(byPosition.get(100)).toBe('broken');
    expect(byPosition.get(2035)).toBe('broken');
  });

  it('re-checks the records kept in the case and finds one changed behind its back', async () => {
    const wb = await openWith(SAMPLE);
    const clean = await wb.handlers.verifyCase({});
    expect(clean[0]!.verdict.sources[0]!.verdict).toMatch(/intact|unsigned/);
    expect(clean[0]!.verdict.problems.filter((p) => p.item !== 'manifest.sig.json')).toEqual([]);
    // Someone edits the SQLite file directly, dropping the trigger that keeps evidence write-once.
    wb.store.db.pragma('query_only = OFF'); // as another program's connection may
    wb.store.db.exec('DROP TRIGGER event_no_update; DROP TRIGGER raw_block_no_update');
    const id = wb.store.db
      .prepare("SELECT id FROM event WHERE position = 339 AND source_id = (SELECT id FROM source WHERE name LIKE '%audit.jsonl')")
      .pluck()
      .get() as number;
    rewriteRaw(wb.store.db, id, Buffer.from(storedRaw(wb.store.db, id).toString().replace('patch', 'get')));
    const after = await wb.handlers.verifyCase({});
    expect(after[0]!.verdict.intact).toBe(false);
    expect(after[0]!.verdict.problems).toContainEqual(
      expect.objectContaining({ item: 'sources/k8s-audit/audit.jsonl', position: 339, nature: 'modified' }),
    );
    const info = await wb.handlers.caseInfo({});
    expect(info.verification[0]).toMatchObject({ subject: 'case', verdict: { intact: false } });
    const record339 = [...wb.events({ search: 'fieldManager=kubernetes-mcp-server', stages: true })].find((e) => e.position === 339);
    expect(record339?.verdict).toBe('broken');
  });

  it('calls loose files unverifiable', async () => {
    workbench = Workbench.open(join(tempDir(), 'c.causa'), { create: true });
    await workbench.importPaths([join(SAMPLE, 'sources', 'k8s-audit', 'audit.jsonl')]);
    expect((await workbench.handlers.caseInfo({})).verification).toEqual([]);
    expect([...workbench.events({})].every((e) => e.verdict === 'unverifiable')).toBe(true);
  });
});
