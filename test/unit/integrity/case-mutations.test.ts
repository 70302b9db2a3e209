// The mutation suite of the case file and the journal (issue 13): each test is one tampering an adversary
// with full write access to the SQLite file would do, and asserts where `causa verify CASE` locates it.
import { createHash } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKey, loadPrivateKey, signManifest } from '../../../src-main/core/bundle/signing';
import { hashEntry } from '../../../src-main/core/analysis/journal';
import { Workbench } from '../../../src-main/service/workbench';
import { rewriteRaw, SAMPLE_OTLP, storedRaw, tamper, tamperRaw, tempDir, writeAuditFixture } from './tamper';

type Problem = { item: string; reason: string; position?: number; nature?: string };

/** A fresh case with the audit fixture (records 1–9, 11–41; an error at line 10) and three journal entries. */
async function makeCase(): Promise<string> {
  const dir = tempDir();
  const casePath = join(dir, 'c.causa');
  const wb = Workbench.open(casePath, { create: true });
  try {
    await wb.importPaths([writeAuditFixture(dir)]);
    await wb.handlers.record({ action: { type: 'title', text: 'one' } });
    await wb.handlers.record({ action: { type: 'title', text: 'two' } });
    await wb.handlers.record({ action: { type: 'title', text: 'three' } });
  } finally {
    wb.close();
  }
  return casePath;
}

async function verify(casePath: string): Promise<{
  seal: Problem[];
  journal: Problem[];
  sealIntact: boolean;
  journalIntact: boolean;
  sources: { path: string; verdict: string; first_bad_position?: number }[];
}> {
  const wb = Workbench.open(casePath);
  try {
    const all = await wb.handlers.verifyCase({});
    const seal = all.find((v) => v.subject === 'seal')!;
    const journal = all.find((v) => v.subject === 'journal')!;
    return {
      seal: seal.verdict.problems,
      journal: journal.verdict.problems,
      sealIntact: seal.verdict.intact,
      journalIntact: journal.verdict.intact,
      sources: seal.verdict.sources,
    };
  } finally {
    wb.close();
  }
}

const rowOf = (db: Database.Database, position: number) => {
  const row = db.prepare('SELECT * FROM event WHERE position = ? AND ordinal = 0').get(position) as Record<string, unknown> & {
    id: number;
    raw: Buffer;
  };
  row.raw = storedRaw(db, row.id);
  return row;
};
const idAt = (db: Database.Database, position: number, sourceId = 1) =>
  db.prepare('SELECT id FROM event WHERE source_id = ? AND position = ? AND ordinal = 0').pluck().get(sourceId, position) as number;

let casePath: string;
beforeEach(async () => {
  casePath = await makeCase();
});

describe('an honest case', () => {
  it('verifies intact, seals and journal alike', async () => {
    const v = await verify(casePath);
    expect(v.seal).toEqual([]);
    expect(v.journal).toEqual([]);
    expect(v.sealIntact && v.journalIntact).toBe(true);
  });
});

describe('tampered records are named by position', () => {
  it('1. an edited raw record', async () => {
    tamper(casePath, (db) => {
      const raw = rowOf(db, 5).raw.toString().replace('"verb":"', '"verb":"x');
      rewriteRaw(db, idAt(db, 5), Buffer.from(raw));
    });
    const v = await verify(casePath);
    expect(v.seal).toEqual([
      expect.objectContaining({ position: 5, nature: 'modified', reason: expect.stringContaining('raw bytes differ') }),
    ]);
    expect(v.sources[0]).toMatchObject({ verdict: 'broken', first_bad_position: 5 });
  });

  it('2. an edited raw record with its raw_sha256 recomputed', async () => {
    tamper(casePath, (db) => {
      const raw = Buffer.from(rowOf(db, 30).raw.toString().replace('"update"', '"delete"'));
      rewriteRaw(db, idAt(db, 30), raw);
      db.prepare('UPDATE event SET raw_sha256 = ? WHERE position = 30').run(createHash('sha256').update(raw).digest('hex'));
    });
    const v = await verify(casePath);
    expect(v.seal.map((p) => [p.position, p.nature])).toEqual([[30, 'modified']]);
  });

  it('3. the actor re-attributed to deployment-controller (raw left alone) is named with the field', async () => {
    tamper(casePath, (db) =>
      db.prepare("UPDATE event SET actor_id = 'system:serviceaccount:kube-system:deployment-controller' WHERE position = 7").run(),
    );
    const v = await verify(casePath);
    expect(v.seal).toEqual([
      expect.objectContaining({
        position: 7,
        nature: 'modified',
        reason: expect.stringMatching(/actor_id is .*deployment-controller.*normalized fields rewritten/),
      }),
    ]);
  });

  it('4. a normalized outcome flipped from success to failure', async () => {
    tamper(casePath, (db) => db.prepare("UPDATE event SET outcome = 'failure' WHERE position = 22").run());
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ position: 22, reason: expect.stringContaining('outcome is "failure"') })]);
  });

  // The import's derived rows (its API-call grouping) reference the events, so the adversary deleting one
  // turns the foreign keys off, as any SQLite client can.
  it('5. a record deleted in the middle', async () => {
    tamper(casePath, (db) => db.prepare('DELETE FROM event WHERE position = 20').run(), { foreignKeys: false });
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ position: 20, nature: 'deleted' })]);
  });

  it('6. the last record deleted', async () => {
    tamper(casePath, (db) => db.prepare('DELETE FROM event WHERE position = 41').run(), { foreignKeys: false });
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ position: 41, nature: 'deleted' })]);
  });

  it('7. the first record deleted', async () => {
    tamper(casePath, (db) => db.prepare('DELETE FROM event WHERE position = 1').run(), { foreignKeys: false });
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ position: 1, nature: 'deleted' })]);
  });

  it('8. a record appended after the last', async () => {
    tamper(casePath, (db) => {
      const row = rowOf(db, 3);
      db.prepare('INSERT INTO event (source_id, position, ordinal, raw, raw_sha256, kind, outcome) VALUES (?, 42, 0, ?, ?, ?, ?)').run(
        row.source_id,
        row.raw,
        row.raw_sha256,
        row.kind,
        row.outcome,
      );
    });
    const v = await verify(casePath);
    expect(v.seal).toEqual([
      expect.objectContaining({
        position: 42,
        nature: 'inserted',
        reason: expect.stringContaining('copy of the record sealed at position 3'),
      }),
    ]);
  });

  it('9. a record inserted where the bad line was (position 10)', async () => {
    tamper(casePath, (db) => {
      const row = rowOf(db, 9);
      db.prepare(
        "INSERT INTO event (source_id, position, ordinal, raw, raw_sha256, kind, outcome) VALUES (?, 10, 0, ?, 'x', 'api_call', 'success')",
      ).run(row.source_id, Buffer.from('{"forged":true}'));
    });
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ position: 10, nature: 'inserted' })]);
  });

  it('10. two records swapped (reordered)', async () => {
    tamper(casePath, (db) => {
      const a = rowOf(db, 3);
      const b = rowOf(db, 4);
      rewriteRaw(db, a.id, b.raw);
      rewriteRaw(db, b.id, a.raw);
    });
    const v = await verify(casePath);
    expect(v.seal.map((p) => [p.position, p.nature])).toEqual([
      [3, 'reordered'],
      [4, 'reordered'],
    ]);
  });

  it('11. a row rewritten with INSERT OR REPLACE (triggers left in place, recursive triggers off)', async () => {
    tamperRaw(casePath, (db) => {
      const row = rowOf(db, 12);
      const { id: _id, ...rest } = row;
      const columns = Object.keys(rest);
      db.pragma('foreign_keys = OFF'); // the import's API-call grouping references the row being replaced
      db.prepare(`INSERT OR REPLACE INTO event (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(
        ...columns.map((c) => rest[c]),
      );
    });
    const v = await verify(casePath);
    expect(new Set(v.seal.map((p) => p.position))).toEqual(new Set([12]));
    expect(v.seal).toContainEqual(expect.objectContaining({ position: 12, reason: expect.stringContaining('INSERT OR REPLACE') }));
  });

  it('12. a row replaced under its own id with another actor', async () => {
    tamperRaw(casePath, (db) => {
      const row = { ...rowOf(db, 13), actor_id: 'system:serviceaccount:kube-system:deployment-controller' };
      const columns = Object.keys(row);
      db.prepare(`INSERT OR REPLACE INTO event (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(
        ...columns.map((c) => (row as Record<string, unknown>)[c]),
      );
    });
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ position: 13, reason: expect.stringContaining('actor_id') })]);
  });

  it('13. an import error deleted (the bad line hidden)', async () => {
    tamper(casePath, (db) => db.prepare('DELETE FROM import_error').run());
    const v = await verify(casePath);
    expect(v.seal).toEqual([
      expect.objectContaining({ item: 'audit.jsonl', reason: expect.stringContaining('import_error rows altered') }),
    ]);
  });

  it('14. the source row renamed and its hash changed', async () => {
    tamper(casePath, (db) => db.prepare("UPDATE source SET name = 'other.jsonl', sha256 = '00' WHERE id = 1").run());
    const v = await verify(casePath);
    expect(v.seal).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('name, sha256 differ from the sealed ones: source row altered') }),
    ]);
  });
});

describe('tampered seals', () => {
  it('15. the seal deleted', async () => {
    tamper(casePath, (db) => db.prepare('DELETE FROM source_seal').run());
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ item: 'audit.jsonl', reason: 'audit.jsonl has no seal: seal removed' })]);
  });

  it('16. the seal text altered (a record count lowered)', async () => {
    tamper(casePath, (db) => db.prepare('UPDATE source_seal SET seal = replace(seal, \'"records":40\', \'"records":39\')').run());
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ reason: expect.stringContaining('signature does not hold') })]);
  });

  it("17. the seal re-signed with the adversary's own key", async () => {
    const forger = generateSigningKey();
    tamper(casePath, (db) => {
      const seal = db.prepare('SELECT seal FROM source_seal').pluck().get() as string;
      db.prepare('UPDATE source_seal SET signature = ?').run(
        JSON.stringify(signManifest(Buffer.from(seal), loadPrivateKey(forger.privatePem, 'forger'))),
      );
    });
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ reason: expect.stringContaining(`signed by key ${forger.fingerprint}`) })]);
  });

  it('18. an edited record with its sealed leaf rewritten to match', async () => {
    tamper(casePath, (db) => {
      const raw = Buffer.from(rowOf(db, 8).raw.toString().replace('"verb":"', '"verb":"x'));
      rewriteRaw(db, idAt(db, 8), raw);
      const leaves = db.prepare("SELECT bytes FROM source_seal_block WHERE kind = 'leaves' AND seq = 0").pluck().get() as Buffer;
      const leaf = createHash('sha256')
        .update(Buffer.from([0]))
        .update(raw)
        .digest() as Buffer;
      leaf.copy(leaves, 7 * 32);
      db.prepare("UPDATE source_seal_block SET bytes = ? WHERE kind = 'leaves' AND seq = 0").run(leaves);
    });
    const v = await verify(casePath);
    expect(v.seal).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('sealed leaves kept for audit.jsonl differ from the signed seal') }),
    ]);
  });

  it('37. the blocks of the sealed row digests deleted', async () => {
    tamper(casePath, (db) => db.prepare("DELETE FROM source_seal_block WHERE kind = 'rows'").run());
    const v = await verify(casePath);
    expect(v.seal).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('sealed rows kept for audit.jsonl differ from the signed seal') }),
    ]);
  });

  it('38. the side tables cut into other blocks, or kept in the seal row as a case made before blocks has them, still verify', async () => {
    tamper(casePath, (db) => {
      for (const kind of ['leaves', 'positions', 'rows']) {
        const bytes = Buffer.concat(
          db.prepare('SELECT bytes FROM source_seal_block WHERE kind = ? ORDER BY seq').pluck().all(kind) as Buffer[],
        );
        db.prepare('DELETE FROM source_seal_block WHERE kind = ?').run(kind);
        if (kind === 'positions') {
          // Cut at odd offsets: a position straddles two blocks.
          [bytes.subarray(0, 7), bytes.subarray(7, 50), bytes.subarray(50)].forEach((piece, seq) =>
            db.prepare("INSERT INTO source_seal_block (source_id, kind, seq, bytes) VALUES (1, 'positions', ?, ?)").run(seq * 10, piece),
          );
        } else {
          db.prepare(`UPDATE source_seal SET ${kind} = ?`).run(bytes);
        }
      }
    });
    const v = await verify(casePath);
    expect(v.seal).toEqual([]);
    expect(v.sealIntact).toBe(true);
  });

  it('19. the bytes kept between records altered', async () => {
    tamper(casePath, (db) => db.prepare("UPDATE source_seal SET gaps = CAST('x' AS BLOB) || gaps").run());
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ reason: expect.stringContaining('between bytes altered') })]);
  });

  it('20. the seal epoch moved to pass the source off as imported before sealing', async () => {
    tamper(casePath, (db) => {
      db.prepare('DELETE FROM source_seal').run();
      db.prepare('UPDATE seal_epoch SET after_source = 1').run();
    });
    const v = await verify(casePath);
    // With no seal left to contradict it the epoch cannot be caught, but the source is never called intact.
    expect(v.sources).toEqual([expect.objectContaining({ verdict: 'unverifiable' })]);
  });

  it('21. a seal removed from the middle of the chain of seals', async () => {
    const wb = Workbench.open(casePath);
    const dir = tempDir();
    const otlp = join(dir, 'trace.json');
    copyFileSync(SAMPLE_OTLP, otlp);
    await wb.importPaths([otlp, writeAuditFixture(dir, 'b.jsonl', 30)]);
    wb.close();
    tamper(casePath, (db) => db.prepare('DELETE FROM source_seal WHERE source_id = 2').run());
    const v = await verify(casePath);
    expect(v.seal.map((p) => [p.item, p.reason])).toEqual([
      ['trace.json', 'trace.json has no seal: seal removed'],
      ['b.jsonl', 'the seal does not follow the seal before it: a seal was removed, inserted or replaced'],
    ]);
  });

  it('22. a span of an OTLP document edited', async () => {
    const wb = Workbench.open(casePath);
    const dir = tempDir();
    const otlp = join(dir, 'trace.json');
    copyFileSync(SAMPLE_OTLP, otlp);
    await wb.importPaths([otlp]);
    wb.close();
    tamper(casePath, (db) => {
      const ids = db.prepare('SELECT id FROM event WHERE source_id = 2 AND position = 1').pluck().all() as number[];
      const raw = Buffer.from(storedRaw(db, ids[0]!).toString().replace('"', '"x'));
      for (const id of ids) rewriteRaw(db, id, raw);
    });
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ item: 'trace.json', position: 1, nature: 'modified' })]);
  });
});

/** The case with the sample's OTLP trace imported after the audit fixture (source 2): each span's resource and scope are its context. */
async function withTrace(): Promise<{ spans: number; context: string }> {
  const wb = Workbench.open(casePath);
  try {
    const otlp = join(tempDir(), 'trace.json');
    copyFileSync(SAMPLE_OTLP, otlp);
    await wb.importPaths([otlp]);
  } finally {
    wb.close();
  }
  const db = new Database(casePath, { readonly: true });
  try {
    const context = db
      .prepare('SELECT context_sha256 FROM event_context c JOIN event e ON e.id = c.event_id WHERE e.source_id = 2 AND e.position = 1')
      .pluck()
      .get() as string;
    const spans = db
      .prepare(
        'SELECT count(DISTINCT e.position) FROM event e JOIN event_context c ON c.event_id = e.id WHERE e.source_id = 2 AND c.context_sha256 = ?',
      )
      .pluck()
      .get(context) as number;
    return { spans, context };
  } finally {
    db.close();
  }
}

describe("tampered span contexts (an OTLP span's resource and scope, kept beside its raw bytes)", () => {
  it('31. the context edited in place, its key left: every span read with it is named', async () => {
    const { spans, context } = await withTrace();
    expect(spans).toBeGreaterThan(1);
    expect(await verify(casePath).then((v) => v.seal)).toEqual([]);
    tamper(casePath, (db) => {
      const bytes = db.prepare('SELECT bytes FROM record_context WHERE sha256 = ?').pluck().get(context) as Buffer;
      expect(bytes.toString()).toContain('platform-assistant');
      db.prepare('UPDATE record_context SET bytes = ? WHERE sha256 = ?').run(
        Buffer.from(bytes.toString().replace('platform-assistant', 'payments-service')),
        context,
      );
    });
    const v = await verify(casePath);
    expect(v.sealIntact).toBe(false);
    // Each row of each span read with the context is named, with the field: its context is not the one its source gives.
    expect(new Set(v.seal.map((p) => p.position)).size).toBe(spans);
    expect(v.seal[0]).toEqual(
      expect.objectContaining({
        item: 'trace.json',
        position: 1,
        nature: 'modified',
        reason: expect.stringMatching(/^record 1's row 0 was not derived from its raw bytes \(context is "/),
      }),
    );
    expect(v.seal.every((p) => p.item === 'trace.json' && p.nature === 'modified')).toBe(true);
  });

  it('32. one span relinked to a forged context', async () => {
    const { context } = await withTrace();
    tamper(casePath, (db) => {
      const bytes = (db.prepare('SELECT bytes FROM record_context WHERE sha256 = ?').pluck().get(context) as Buffer)
        .toString()
        .replace('platform-assistant', 'payments-service');
      const forged = createHash('sha256').update(bytes).digest('hex');
      db.prepare('INSERT INTO record_context (sha256, bytes) VALUES (?, ?)').run(forged, Buffer.from(bytes));
      db.prepare(
        'UPDATE event_context SET context_sha256 = ? WHERE event_id = (SELECT id FROM event WHERE source_id = 2 AND position = 3 AND ordinal = 0)',
      ).run(forged);
    });
    const v = await verify(casePath);
    expect(v.seal).toEqual([expect.objectContaining({ item: 'trace.json', position: 3, nature: 'modified' })]);
  });

  it("33. a span's context link deleted, or the context itself", async () => {
    const { context } = await withTrace();
    tamper(casePath, (db) =>
      db
        .prepare('DELETE FROM event_context WHERE event_id = (SELECT id FROM event WHERE source_id = 2 AND position = 2 AND ordinal = 0)')
        .run(),
    );
    expect((await verify(casePath)).seal).toEqual([expect.objectContaining({ item: 'trace.json', position: 2, nature: 'modified' })]);
    tamper(casePath, (db) => db.prepare('DELETE FROM record_context WHERE sha256 = ?').run(context), { foreignKeys: false });
    const v = await verify(casePath);
    expect(v.seal.length).toBeGreaterThan(1);
    expect(v.seal.every((p) => p.item === 'trace.json' && p.nature === 'modified')).toBe(true);
  });
});

describe('tampered schema is found at open and refuses writes', () => {
  it('23. a write-once trigger dropped', async () => {
    tamper(casePath, () => undefined, { keepTriggersDropped: true });
    const wb = Workbench.open(casePath);
    try {
      expect(wb.store.schemaProblems).toContain('trigger event_no_update is missing (dropped)');
      await expect(wb.importPaths([writeAuditFixture(tempDir(), 'late.jsonl', 20)])).rejects.toThrow(
        /refusing to import: the case file's schema was changed outside Causa/,
      );
      await expect(async () => wb.handlers.record({ action: { type: 'title', text: 'x' } })).rejects.toThrow(
        /refusing to write to the analyst journal/,
      );
    } finally {
      wb.close();
    }
    const v = await verify(casePath);
    expect(v.seal).toContainEqual(
      expect.objectContaining({
        item: 'schema',
        reason: "trigger event_no_delete is missing (dropped): the case file's schema was changed outside Causa",
      }),
    );
  });

  it('24. a trigger altered to do nothing', async () => {
    tamperRaw(casePath, (db) => {
      db.exec('DROP TRIGGER event_no_delete');
      db.exec(
        "CREATE TRIGGER event_no_delete BEFORE DELETE ON event WHEN 0 BEGIN SELECT RAISE(ABORT, 'evidence is write-once: event rows cannot be deleted'); END",
      );
    });
    const v = await verify(casePath);
    expect(v.seal).toContainEqual(
      expect.objectContaining({
        item: 'schema',
        reason: "trigger event_no_delete was altered: the case file's schema was changed outside Causa",
      }),
    );
  });
});

describe('the schema check knows the tables of every migration', () => {
  it('34. a write-once trigger of the span contexts (migration 0012) dropped', async () => {
    tamperRaw(casePath, (db) => db.exec('DROP TRIGGER record_context_no_update'));
    const wb = Workbench.open(casePath);
    try {
      expect(wb.store.schemaProblems).toEqual(['trigger record_context_no_update is missing (dropped)']);
    } finally {
      wb.close();
    }
  });

  it('35. the object identity table (migration 0016) is derived, not evidence, but its schema is expected', async () => {
    const honest = Workbench.open(casePath);
    try {
      expect(honest.store.schemaProblems).toEqual([]);
    } finally {
      honest.close();
    }
    // Its rows may change with later imports; its shape may not.
    tamperRaw(casePath, (db) => {
      db.exec('DROP INDEX k8s_object_by_name');
      db.exec('ALTER TABLE k8s_deletion ADD COLUMN note TEXT');
    });
    const wb = Workbench.open(casePath);
    try {
      expect(wb.store.schemaProblems).toEqual(['index k8s_object_by_name is missing (dropped)', 'table k8s_deletion was altered']);
    } finally {
      wb.close();
    }
  });
});

describe('tampered journal', () => {
  it('25. an entry edited in place (hash left)', async () => {
    tamper(casePath, (db) => db.prepare(`UPDATE journal SET action = '{"type":"title","text":"forged"}' WHERE seq = 2`).run());
    const v = await verify(casePath);
    expect(v.journal).toEqual([
      expect.objectContaining({ position: 2, reason: 'entry 2 was modified (its hash does not match its content)' }),
    ]);
  });

  it('26. the journal rewritten and re-hashed from the first entry', async () => {
    tamper(casePath, (db) => {
      const rows = db.prepare('SELECT * FROM journal ORDER BY seq').all() as { seq: number; at: string; analyst: string; action: string }[];
      let prev = '0'.repeat(64);
      for (const row of rows) {
        const action = row.seq === 1 ? { type: 'title', text: 'forged' } : JSON.parse(row.action);
        const hash = hashEntry(prev, { seq: row.seq, at: row.at, analyst: row.analyst, action });
        db.prepare('UPDATE journal SET action = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(JSON.stringify(action), prev, hash, row.seq);
        prev = hash;
      }
    });
    const v = await verify(casePath);
    expect(v.journal.map((p) => p.position)).toEqual([1, 2, 3]);
    expect(v.journal[0]!.reason).toBe('entry 1 is not the entry whose head was signed: entry changed after the fact (journal rewritten)');
  });

  it('27. an entry appended outside Causa with a valid chain link', async () => {
    tamper(casePath, (db) => {
      const last = db.prepare('SELECT hash FROM journal WHERE seq = 3').pluck().get() as string;
      const body = { seq: 4, at: new Date().toISOString(), analyst: 'mallory', action: { type: 'title', text: 'forged' } };
      db.prepare('INSERT INTO journal (seq, at, analyst, action, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)').run(
        4,
        body.at,
        body.analyst,
        JSON.stringify(body.action),
        last,
        hashEntry(last, body as never),
      );
    });
    const v = await verify(casePath);
    expect(v.journal).toEqual([
      expect.objectContaining({ position: 4, nature: 'inserted', reason: 'entry 4 has no signed head: entry written outside Causa' }),
    ]);
  });

  it("36. a signer trusted for this case (bundle-trust's trust_signer entry) is signed like any entry; one forged outside Causa is named", async () => {
    const wb = Workbench.open(casePath);
    try {
      await wb.handlers.record({ action: { type: 'trust_signer', fingerprint: 'a'.repeat(64), trusted: true } });
    } finally {
      wb.close();
    }
    const honest = await verify(casePath);
    expect(honest.journal).toEqual([]);
    expect(honest.journalIntact).toBe(true);
    // The adversary trusts their own key for the case, so that a bundle they signed reads as intact.
    tamper(casePath, (db) => {
      const last = db.prepare('SELECT hash FROM journal WHERE seq = 4').pluck().get() as string;
      const body = {
        seq: 5,
        at: new Date().toISOString(),
        analyst: 'mallory',
        action: { type: 'trust_signer', fingerprint: 'b'.repeat(64), trusted: true },
      };
      db.prepare('INSERT INTO journal (seq, at, analyst, action, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)').run(
        5,
        body.at,
        body.analyst,
        JSON.stringify(body.action),
        last,
        hashEntry(last, body as never),
      );
    });
    const v = await verify(casePath);
    expect(v.journal).toEqual([
      expect.objectContaining({ position: 5, nature: 'inserted', reason: 'entry 5 has no signed head: entry written outside Causa' }),
    ]);
  });

  it('28. the last entry deleted, its signed head kept', async () => {
    tamper(casePath, (db) => db.prepare('DELETE FROM journal WHERE seq = 3').run());
    const v = await verify(casePath);
    expect(v.journal).toEqual([expect.objectContaining({ position: 3, nature: 'deleted' })]);
  });

  it('29. a signed head altered', async () => {
    // Its first byte changed, whatever it was (set to 00, a head that began with 00 was left as it was: one
    // run in 256 tampered nothing).
    const altered = "CASE WHEN substr(hash, 1, 2) = '00' THEN 'ff' ELSE '00' END || substr(hash, 3)";
    tamper(casePath, (db) => expect(db.prepare(`UPDATE journal_head SET hash = ${altered} WHERE seq = 2`).run().changes).toBe(1));
    const v = await verify(casePath);
    expect(v.journal).toEqual([expect.objectContaining({ position: 2, reason: expect.stringContaining('the signed head at entry 2') })]);
  });

  it('30. the verification history cannot be rewritten by Causa: earlier findings stay', async () => {
    tamper(casePath, (db) => db.prepare("UPDATE event SET outcome = 'failure' WHERE position = 22").run());
    await verify(casePath);
    tamper(casePath, (db) => db.prepare("UPDATE event SET outcome = 'success' WHERE position = 22").run());
    await verify(casePath);
    const db = new Database(casePath, { readonly: true });
    const seals = db.prepare("SELECT intact FROM verification WHERE subject = 'seal' ORDER BY id").pluck().all();
    db.close();
    expect(seals).toEqual([0, 1]);
  });
});
