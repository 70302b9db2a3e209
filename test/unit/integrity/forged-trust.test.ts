// A signer trusted for one case is a `trust_signer` journal entry (test/unit/service/signer-trust.test.ts).
// The adversary of docs/threat-model.md writes that entry themselves, outside Causa, for the key they
// re-signed a forged bundle with: without a signed journal head covering it, it must trust nothing — in
// the timeline, the report and `causa events` — long before anyone runs `causa verify CASE`.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli';
import { hashEntry } from '../../../src-main/core/analysis/journal';
import { writeBundleFiles } from '../../../src-main/core/bundle/files';
import { sealSources } from '../../../src-main/core/bundle/seal';
import { generateSigningKey } from '../../../src-main/core/bundle/signing';
import { Workbench } from '../../../src-main/service/workbench';
import { SAMPLE, tamper, tempDir } from './tamper';

const ATTACKER = generateSigningKey();

/** The sample's audit log with the attacker's edit, sealed and signed as a bundle with the attacker's key. */
async function forgedBundle(dir: string): Promise<string> {
  const lines = readFileSync(join(SAMPLE, 'sources/k8s-audit/audit.jsonl'), 'utf8').split('\n').slice(0, 5);
  lines[2] = lines[2]!.replace(/"username":"[^"]+"/, '"username":"system:serviceaccount:kube-system:deployment-controller"');
  const files = sealSources([{ path: 'k8s-audit/audit.jsonl', data: Buffer.from(`${lines.join('\n')}\n`, 'utf8') }], {
    createdAt: '2025-04-03T15:00:00Z',
    creator: { tool: 'causa', version: 'test' },
    key: createPrivateKey(ATTACKER.privatePem),
    detectType: () => 'k8s-audit',
  });
  const bundle = join(dir, 'forged-bundle');
  await writeBundleFiles(bundle, files);
  return bundle;
}

/** Appends a chain-valid entry outside Causa, with no signed head (as any SQLite client can). */
function forgeEntry(casePath: string, action: Record<string, unknown>): void {
  tamper(casePath, (db) => {
    const last = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const prev = last?.hash ?? '0'.repeat(64);
    const body = { seq: (last?.seq ?? 0) + 1, at: new Date().toISOString(), analyst: 'mallory', action };
    db.prepare('INSERT INTO journal (seq, at, analyst, action, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)').run(
      body.seq,
      body.at,
      body.analyst,
      JSON.stringify(action),
      prev,
      hashEntry(prev, body as never),
    );
  });
}

async function verdictsOf(wb: Workbench): Promise<string[]> {
  const page = await wb.handlers.listEvents({ filter: {}, offset: 0, limit: 1000 });
  return [...new Set(page.events.map((e) => e.verdict!))].sort();
}

async function eventsJson(casePath: string): Promise<string[]> {
  const out: string[] = [];
  const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true } };
  expect(await main(['events', casePath, '--json'], io as never)).toBe(0);
  const lines = out.join('').trim().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  return [...new Set(lines.map((line) => (JSON.parse(line) as { verdict: string }).verdict))].sort();
}

async function markdown(wb: Workbench): Promise<string> {
  return (await wb.reportFile('md')).data.toString('utf8');
}

describe('a trust_signer entry forged outside Causa', () => {
  it('37. trusts nothing: the forged bundle reads untrusted in the timeline, the report and causa events', async () => {
    const dir = tempDir();
    const casePath = join(dir, 'c.causa');
    const wb = Workbench.open(casePath, { create: true });
    try {
      await wb.importPaths([await forgedBundle(dir)]);
      await wb.handlers.record({ action: { type: 'title', text: 'honest' } });
      expect(await verdictsOf(wb)).toEqual(['untrusted']);
    } finally {
      wb.close();
    }

    forgeEntry(casePath, { type: 'trust_signer', fingerprint: ATTACKER.fingerprint, trusted: true });

    const again = Workbench.open(casePath);
    try {
      expect(await verdictsOf(again)).toEqual(['untrusted']);
      expect((await again.handlers.caseInfo({})).verification.find((v) => v.subject === 'bundle')!.verdict.status).toBe('untrusted');
      // The analyst goes on working: the head Causa signs for the next entry covers the forged one by the
      // hash chain, but an entry with no signed head of its own still counts for nothing.
      await again.handlers.record({ action: { type: 'title', text: 'later' } });
      expect(await verdictsOf(again)).toEqual(['untrusted']);
      const md = await markdown(again);
      expect(md).toContain('**signed by a key you have not trusted**');
      expect(md).not.toContain('**intact** (every file and record as sealed, and the seal signed by a trusted key)');
    } finally {
      again.close();
    }
    expect(await eventsJson(casePath)).toEqual(['untrusted']);
  });

  it('38. nor does one inside a chain broken before it, even under a signed head re-used from the original', async () => {
    const dir = tempDir();
    const casePath = join(dir, 'c.causa');
    const wb = Workbench.open(casePath, { create: true });
    try {
      await wb.importPaths([await forgedBundle(dir)]);
      await wb.handlers.record({ action: { type: 'title', text: 'one' } });
      await wb.handlers.record({ action: { type: 'title', text: 'two' } });
    } finally {
      wb.close();
    }
    // Entry 1 becomes the trust; its signed head no longer matches, and entry 2's head, still valid, now
    // sits on a chain broken at entry 1.
    tamper(casePath, (db) => {
      const action = { type: 'trust_signer', fingerprint: ATTACKER.fingerprint, trusted: true };
      const row = db.prepare('SELECT seq, at, analyst FROM journal WHERE seq = 1').get() as { seq: number; at: string; analyst: string };
      db.prepare('UPDATE journal SET action = ?, hash = ? WHERE seq = 1').run(
        JSON.stringify(action),
        hashEntry('0'.repeat(64), { ...row, action } as never),
      );
    });
    const again = Workbench.open(casePath);
    try {
      expect(await verdictsOf(again)).toEqual(['untrusted']);
    } finally {
      again.close();
    }
    expect(await eventsJson(casePath)).toEqual(['untrusted']);
  });

  it('an honest trust through the workbench still turns the rows intact, and an honest undo takes it back', async () => {
    const dir = tempDir();
    const casePath = join(dir, 'c.causa');
    const wb = Workbench.open(casePath, { create: true });
    try {
      await wb.importPaths([await forgedBundle(dir)]);
      await wb.handlers.trustSigner({ fingerprint: ATTACKER.fingerprint, scope: 'case' });
      expect(await verdictsOf(wb)).toEqual(['intact']);
      expect(await markdown(wb)).toContain('**intact** (every file and record as sealed, and the seal signed by a trusted key)');
    } finally {
      wb.close();
    }
    expect(await eventsJson(casePath)).toEqual(['intact']);
    const again = Workbench.open(casePath);
    try {
      await again.handlers.undo({});
      expect(await verdictsOf(again)).toEqual(['untrusted']);
    } finally {
      again.close();
    }
    expect(await eventsJson(casePath)).toEqual(['untrusted']);
  });
});
