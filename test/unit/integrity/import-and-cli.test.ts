// The source hash covers exactly what was stored, and the CLI shows what verification found, then and now.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { importPaths } from '../../../src-main/service/import';
import { ImportMonitor } from '../../../src-main/service/import-monitor';
import { Workbench } from '../../../src-main/service/workbench';
import { tamper, tempDir, writeAuditFixture } from './tamper';

describe('a file that changes while it is imported', () => {
  it('is refused whole, named with the two hashes, and nothing of it is kept', async () => {
    const dir = tempDir();
    const file = writeAuditFixture(dir);
    // The producer appends a record after Causa hashed the file and before it read it.
    class Growing extends ImportMonitor {
      override beginFile(name: string): void {
        super.beginFile(name);
        appendFileSync(file, `${readFileSync(file, 'utf8').split('\n')[0]}\n`);
      }
    }
    const wb = Workbench.open(join(dir, 'c.causa'), { create: true });
    try {
      const report = await importPaths(wb.store, [file], {}, new Growing());
      expect(report.files).toEqual([
        expect.objectContaining({
          status: 'failed',
          events: 0,
          errors: [
            expect.objectContaining({
              reason: expect.stringMatching(
                /^the file changed while it was imported \(hashed \d+ bytes with sha256 [0-9a-f]{64}, then read \d+ bytes/,
              ),
            }),
          ],
        }),
      ]);
      expect(wb.store.db.prepare('SELECT count(*) FROM source').pluck().get()).toBe(0);
      expect(wb.store.db.prepare('SELECT count(*) FROM event').pluck().get()).toBe(0);
      // Once complete, it imports.
      expect((await importPaths(wb.store, [file])).files[0]).toMatchObject({ status: 'imported', events: 41 });
    } finally {
      wb.close();
    }
  });
});

describe('causa verify CASE', () => {
  it('names a tampered record, exits 1, and keeps saying so after the rows are put back', async () => {
    const dir = tempDir();
    const casePath = join(dir, 'c.causa');
    const wb = Workbench.open(casePath, { create: true });
    await wb.importPaths([writeAuditFixture(dir)]);
    wb.close();
    const honest = await runCli(['verify', casePath]);
    expect(honest.code).toBe(0);
    expect(honest.stdout).toContain('Results for the seals of');

    tamper(casePath, (db) =>
      db.prepare("UPDATE event SET actor_id = 'system:serviceaccount:kube-system:deployment-controller' WHERE position = 7").run(),
    );
    const tampered = await runCli(['verify', casePath]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(
      /audit\.jsonl: record 7's row 0 was not derived from its raw bytes \(actor_id is "system:serviceaccount:kube-system:deployment-controller", derived "[^"]+"\): normalized fields rewritten/,
    );

    tamper(casePath, (db) => {
      const derived = /derived "([^"]+)"/.exec(tampered.stdout)![1]!;
      db.prepare('UPDATE event SET actor_id = ? WHERE position = 7').run(derived);
    });
    const restored = await runCli(['verify', casePath]);
    expect(restored.code).toBe(1);
    const text = restored.stdout;
    expect(text).toContain('INTACT: every file and record as sealed, and the seal signed by a key you trust'); // the wording of a passing verdict since bundle-trust
    expect(text).toMatch(
      /Earlier findings \(kept in the case; a later intact run does not erase them\):\n {2}\S+ seal .*record 7's row 0 was not derived/,
    );
    // And the timeline keeps showing record 7 and after as broken.
    const again = Workbench.open(casePath);
    try {
      const page = await again.handlers.listEvents({ filter: {}, offset: 0, limit: 100 });
      const verdicts = new Map(page.events.map((e) => [e.position, e.verdict]));
      expect([verdicts.get(6), verdicts.get(7), verdicts.get(41)]).toEqual(['intact', 'broken', 'broken']);
      // The verification panel's data: the latest seal check is intact, the earlier finding is kept with it.
      const seal = (await again.handlers.caseInfo({})).verification.find((v) => v.subject === 'seal')!;
      expect(seal.verdict.intact).toBe(true);
      expect(seal.earlier).toEqual([{ at: expect.any(String), problems: [expect.stringContaining("record 7's row 0 was not derived")] }]);
    } finally {
      again.close();
    }
  });

  it('causa trust list names the installation key once it exists', async () => {
    const dir = tempDir();
    const wb = Workbench.open(join(dir, 'c.causa'), { create: true });
    await wb.importPaths([writeAuditFixture(dir)]);
    wb.close();
    const listed = await runCli(['trust', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /^[0-9a-f]{64} {2}this installation's key: signs its case seals and journal heads \(.*installation-key\.pem, private\)$/m,
    );
  });
});

describe('causa verify CASE --rederive', () => {
  it('reads every record again with its importer: an honest case passes, a rewritten row is named', async () => {
    const dir = tempDir();
    const casePath = join(dir, 'c.causa');
    const wb = Workbench.open(casePath, { create: true });
    await wb.importPaths([writeAuditFixture(dir)]);
    wb.close();
    const honest = await runCli(['verify', casePath, '--rederive']);
    expect(honest.code).toBe(0);
    expect(honest.stdout).toContain('re-derived: every record read again by its importer, and every stored row is what it derives');

    tamper(casePath, (db) => db.prepare("UPDATE event SET actor_id = 'system:admin' WHERE position = 9").run());
    const tampered = await runCli(['verify', casePath, '--rederive']);
    expect(tampered.code).toBe(1);
    const said = tampered.stdout;
    expect(said).toMatch(/record 9's row 0 was not derived from its raw bytes \(actor_id is "system:admin", derived "[^"]+"\)/);
    expect(said).toContain('re-derived: every record read again by its importer; what differs is listed above');
  });
});
