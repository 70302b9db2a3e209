import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';
import { installationKey, installationKeyPath, sealTrustedKeys } from '../../../src-main/service/trust';
import { canonicalBytes, rebuildContent, rowsDigest } from '../../../src-main/core/verify/case-seal';
import { signManifest } from '../../../src-main/core/bundle/signing';
import { verifyCaseSeals } from '../../../src-main/service/case-seal';
import { SEALED_COLUMNS, sealedColumnSql } from '../../../src-main/store/seals';
import { SAMPLE, SAMPLE_OTLP, tamper, tempDir, writeAuditFixture } from './tamper';
import { rawSql } from '../../../src-main/store/raw-blocks';

let workbench: Workbench | undefined;
afterEach(() => {
  workbench?.close();
  workbench = undefined;
});

async function verifySeals(wb: Workbench) {
  const all = await wb.handlers.verifyCase({});
  return { seal: all.find((v) => v.subject === 'seal')!, journal: all.find((v) => v.subject === 'journal')!, all };
}

describe('honest round trips verify intact', () => {
  it('loose files (JSON lines with a bad line, an OTLP document, gzip) are sealed and verify intact', async () => {
    const dir = tempDir();
    const audit = writeAuditFixture(dir);
    const otlp = join(dir, 'trace.json');
    copyFileSync(SAMPLE_OTLP, otlp);
    const gz = join(dir, 'more.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(writeAuditFixture(tempDir(), 'x.jsonl'))));
    workbench = Workbench.open(join(dir, 'c.causa'), { create: true });
    const report = await workbench.importPaths([audit, otlp, gz]);
    expect(report.files.map((f) => f.status)).toEqual(['imported', 'imported', 'imported']);
    const { seal, journal } = await verifySeals(workbench);
    expect(seal.verdict.problems).toEqual([]);
    expect(seal.verdict.intact).toBe(true);
    expect(seal.verdict.sources.map((s) => [s.path, s.verdict])).toEqual([
      ['audit.jsonl', 'intact'],
      ['trace.json', 'intact'],
      ['more.jsonl.gz', 'intact'],
    ]);
    expect(journal.verdict.intact).toBe(true);
    // The installation key was made on first use, readable by its owner only.
    expect(statSync(installationKeyPath()).mode & 0o777).toBe(0o600);
  });

  it("a loose file's own sha256 can be recomputed from the case alone", async () => {
    const dir = tempDir();
    const audit = writeAuditFixture(dir);
    workbench = Workbench.open(join(dir, 'c.causa'), { create: true });
    await workbench.importPaths([audit]);
    const db = workbench.store.db;
    const seal = db.prepare('SELECT gaps, gap_lengths FROM source_seal').get() as { gaps: Buffer; gap_lengths: Buffer };
    const raws = db
      .prepare(`SELECT ${rawSql('e')} FROM event e WHERE e.ordinal = 0 ORDER BY e.position`)
      .pluck()
      .all() as Buffer[];
    const digest = createHash('sha256');
    for (const piece of rebuildContent(raws, seal.gaps, seal.gap_lengths)) digest.update(piece);
    expect(digest.digest('hex')).toBe(createHash('sha256').update(readFileSync(audit)).digest('hex'));
  });

  it('sample bundle → import → annotate → verify stays intact, journal heads signed', async () => {
    const dir = tempDir();
    workbench = Workbench.open(join(dir, 'c.causa'), { create: true });
    await workbench.importPaths([SAMPLE]);
    const page = await workbench.handlers.listEvents({ filter: {}, offset: 0, limit: 3 });
    await workbench.handlers.record({ action: { type: 'star', node: `event:${page.events[0]!.id}`, starred: true } });
    await workbench.handlers.record({ action: { type: 'narrative', text: 'The agent patched api-service.' } });
    const { seal, journal } = await verifySeals(workbench);
    expect(seal.verdict.problems).toEqual([]);
    expect(seal.verdict.intact).toBe(true);
    expect(journal.verdict).toMatchObject({ intact: true, sources: [{ verdict: 'intact', records: 2 }] });
  });
});

describe('normalized fields are derived, never trusted', () => {
  it('a full re-derivation of an honest case finds nothing, and rebuilds every source', async () => {
    const dir = tempDir();
    const otlp = join(dir, 'trace.json');
    copyFileSync(SAMPLE_OTLP, otlp);
    workbench = Workbench.open(join(dir, 'c.causa'), { create: true });
    await workbench.importPaths([writeAuditFixture(dir), otlp]);
    const verdict = await verifyCaseSeals(workbench.store, 'c', {
      trusted: await sealTrustedKeys(),
      pause: () => Promise.resolve(),
      rederive: true,
    });
    expect(verdict.problems).toEqual([]);
    expect(verdict.sources.map((s) => s.verdict)).toEqual(['intact', 'intact']);
  });

  it('an importer of another version is reported as such, not as tampering', async () => {
    const dir = tempDir();
    const casePath = join(dir, 'c.causa');
    workbench = Workbench.open(casePath, { create: true });
    await workbench.importPaths([writeAuditFixture(dir)]);
    workbench.close();
    workbench = undefined;
    // As if an older Causa had imported the source and derived another actor: the seal names that version
    // and covers its rows (signed here with this installation's own key, which the older one also was).
    tamper(casePath, (db) => {
      db.prepare("UPDATE event SET actor_id = 'older-importer' WHERE position = 4").run();
      const row = db.prepare('SELECT seal FROM source_seal').get() as { seal: string; rows: Buffer };
      row.rows = db.prepare("SELECT bytes FROM source_seal_block WHERE kind = 'rows' AND seq = 0").pluck().get() as Buffer;
      const values = db
        .prepare(`SELECT ${SEALED_COLUMNS.map((c) => sealedColumnSql(c, 'e')).join(', ')} FROM event e WHERE position = 4 ORDER BY ordinal`)
        .raw(true)
        .safeIntegers(true)
        .all() as (string | bigint | null)[][];
      // The row digest takes the sealed columns, then the record's context (none for an audit record).
      rowsDigest(values.map((v) => [...v, null])).copy(row.rows, 3 * 32);
      const body = {
        ...JSON.parse(row.seal),
        importer: { name: 'k8s-audit', version: '0.0.1' },
        rows_sha256: createHash('sha256').update(row.rows).digest('hex'),
      };
      const text = canonicalBytes(body);
      db.prepare('UPDATE source_seal SET seal = ?, signature = ?').run(
        text.toString(),
        JSON.stringify(signManifest(text, installationKey().privateKey)),
      );
      db.prepare("UPDATE source_seal_block SET bytes = ? WHERE kind = 'rows' AND seq = 0").run(row.rows);
    });
    workbench = Workbench.open(casePath);
    const seal = (await workbench.handlers.verifyCase({})).find((v) => v.subject === 'seal')!;
    expect(seal.verdict.intact).toBe(true);
    expect(seal.verdict.problems).toEqual([
      expect.objectContaining({
        position: 4,
        reason: expect.stringMatching(
          /^importer changed: k8s-audit 0\.0\.1 made record 4's row 0, .* derives other fields \(actor_id is "older-importer", derived "/,
        ),
      }),
    ]);
  });
});
