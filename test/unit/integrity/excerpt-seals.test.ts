// The case's own seals travel in every excerpt (docs/threat-model.md): a record of a loose file, which no
// bundle proves, is proven against its source's case seal, signed by the installation key that imported
// it. Each attack below is what a holder of the excerpt file could do to it to tell a different story;
// each must be found and located at the event or the seal it touched.
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../support/cli';
import type { Excerpt } from '../../../src-main/core/export/excerpt';
import { generateSigningKey } from '../../../src-main/core/bundle/signing';
import { installationKeyPath } from '../../../src-main/service/trust';
import { SAMPLE, tamper, tempDir, writeAuditFixture } from './tamper';

const MALLORY = generateSigningKey();

let dir: string;
let casePath: string;
let loose: Excerpt;
let counter = 0;

beforeAll(async () => {
  dir = tempDir();
  casePath = join(dir, 'loose.causa');
  const audit = writeAuditFixture(dir);
  const imported = await run('import', audit, '--case', casePath);
  // Exit 1: the fixture's line 10 is not JSON (an invalid input record), the rest imported.
  expect(imported.code, imported.stderr).toBe(1);
  const out = join(dir, 'loose-excerpt.json');
  const made = await run('excerpt', casePath, '--events', '1,2,3,5,8', '-o', out);
  expect(made.code, made.stderr).toBe(0);
  loose = JSON.parse(readFileSync(out, 'utf8')) as Excerpt;
});

async function verify(value: Excerpt, ...extra: string[]): Promise<{ code: number; stdout: string }> {
  const path = join(dir, `forged${counter++}.json`);
  writeFileSync(path, JSON.stringify(value));
  return run('verify', path, ...extra);
}

const clone = (): Excerpt => structuredClone(loose);
const itemOf = (e: Excerpt['events'][number]): string => `event ${e.id} (${e.source} record ${e.position})`;

/** Re-signs a seal text with Mallory's key, as a forger who rewrote it would. */
function malloryResign(text: string): unknown {
  return {
    algorithm: 'Ed25519',
    key_fingerprint: MALLORY.fingerprint,
    public_key_pem: MALLORY.publicPem,
    signature: sign(null, Buffer.from(text, 'utf8'), createPrivateKey(MALLORY.privatePem)).toString('base64'),
  };
}

describe('an excerpt of a loose file carries its case seal', () => {
  it('proves every asked-for record with a case proof, omits none, and verifies on this installation (exit 0)', async () => {
    expect(loose.version).toBe(2);
    expect(loose.omitted).toEqual([]);
    expect(loose.events).toHaveLength(5);
    expect(loose.events.every((e) => e.bundle === undefined && e.case_proof !== undefined)).toBe(true);
    expect(loose.case_seals).toHaveLength(1);
    const { code, stdout } = await verify(clone());
    expect(stdout).toContain('5/5 events proven');
    expect(stdout).toContain('case seal of audit.jsonl');
    expect(stdout).toContain('INTACT');
    expect(code).toBe(0);
  });

  it('on another installation the seal is untrusted until its key is given with --trust', async () => {
    const path = join(dir, 'elsewhere.json');
    writeFileSync(path, JSON.stringify(loose));
    const pub = join(dir, 'installation.pub.pem');
    writeFileSync(
      pub,
      createPublicKey(createPrivateKey(readFileSync(installationKeyPath())))
        .export({ type: 'spki', format: 'pem' })
        .toString(),
    );
    const previous = process.env.CAUSA_HOME;
    process.env.CAUSA_HOME = tempDir();
    try {
      const untrusted = await run('verify', path);
      expect(untrusted.code).toBe(1);
      expect(untrusted.stdout).toMatch(
        /case seal of source \d+ \(audit\.jsonl\): valid signature by key [0-9a-f]{64} \(the installation that imported the case\), which is not in the trust store/,
      );
      const trusted = await run('verify', path, '--trust', pub);
      expect(trusted.stdout).toContain('INTACT');
      expect(trusted.code).toBe(0);
    } finally {
      process.env.CAUSA_HOME = previous;
    }
  });

  it('A1. a raw record edited: located at the event', async () => {
    const forged = clone();
    const e = forged.events[2]!;
    e.raw_base64 = Buffer.from(
      Buffer.from(e.raw_base64, 'base64')
        .toString('utf8')
        .replace(/"verb":"\w+"/, '"verb":"get"'),
    ).toString('base64');
    const { code, stdout } = await verify(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(`${itemOf(e)}: raw record or case proof altered: it does not lead to the case seal's Merkle root`);
    expect(stdout).toContain('4/5 events proven');
  });

  it('A2. a proof hash edited: located at the event', async () => {
    const forged = clone();
    const e = forged.events[0]!;
    e.case_proof!.proof[0] = 'a'.repeat(64);
    const { code, stdout } = await verify(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(`${itemOf(e)}: raw record or case proof altered`);
  });

  it("A3. the seal's Merkle root rewritten to fit a forged record: the seal's signature fails", async () => {
    const forged = clone();
    const seal = forged.case_seals![0]!;
    seal.seal = seal.seal.replace(/"merkle_root":"[0-9a-f]{64}"/, `"merkle_root":"${'b'.repeat(64)}"`);
    const { code, stdout } = await verify(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(`case seal of source ${seal.source_id}: seal signature invalid`);
    for (const e of forged.events) expect(stdout).toContain(`${itemOf(e)}: its case seal of source ${seal.source_id} does not hold`);
    expect(stdout).toContain('0/5 events proven');
  });

  it('A4. the seal rewritten and re-signed by another key: named as not trusted', async () => {
    const forged = clone();
    const seal = forged.case_seals![0]!;
    seal.signature = malloryResign(seal.seal);
    const { code, stdout } = await verify(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `valid signature by key ${MALLORY.fingerprint} (the installation that imported the case), which is not in the trust store`,
    );
  });

  it('A5. the signature stripped from the seal', async () => {
    const forged = clone();
    forged.case_seals![0]!.signature = null;
    const { code, stdout } = await verify(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(`case seal of source ${forged.case_seals![0]!.source_id}: the seal is not signed`);
  });

  it('A6. the seal removed, the proofs kept', async () => {
    const forged = clone();
    const id = forged.case_seals![0]!.source_id;
    forged.case_seals = [];
    const { code, stdout } = await verify(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(`${itemOf(forged.events[0]!)}: the case seal of its source ${id} is not in the excerpt`);
  });

  it('A7. a proof removed: the event carries no proof at all', async () => {
    const forged = clone();
    const e = forged.events[4]!;
    delete e.case_proof;
    const { code, stdout } = await verify(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(`${itemOf(e)}: it carries no proof`);
  });

  it('A8. the seal relabelled as the seal of another source', async () => {
    const forged = clone();
    const seal = forged.case_seals![0]!;
    const original = seal.source_id;
    seal.source_id = original + 7;
    for (const e of forged.events) e.case_proof!.source_id = original + 7;
    const { code, stdout } = await verify(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(`case seal of source ${original + 7}: the seal is the seal of source ${original}: seal moved`);
  });

  it("A9. a record's proof moved to another leaf (claiming another position's place)", async () => {
    const forged = clone();
    const [a, b] = [forged.events[0]!, forged.events[1]!];
    [a.case_proof, b.case_proof] = [b.case_proof, a.case_proof];
    const { code, stdout } = await verify(forged);
    expect(code).toBe(1);
    expect(stdout).toContain(`${itemOf(a)}: raw record or case proof altered`);
    expect(stdout).toContain(`${itemOf(b)}: raw record or case proof altered`);
  });

  it('A10. the tree size shrunk to make a shorter proof fit', async () => {
    const forged = clone();
    const e = forged.events[3]!;
    e.case_proof!.tree_size = 1;
    const { code, stdout } = await verify(forged);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      new RegExp(
        `${itemOf(e).replace(/[()]/g, '\\$&')}: the case proof is for a tree of 1 records, the case seal of audit\\.jsonl has \\d+`,
      ),
    );
  });
});

describe('an excerpt of a bundle carries both proofs', () => {
  it('each record is proven against the signed manifest and the case seal; a bundle-proof attack is still found', async () => {
    const bundleCase = join(dir, 'bundle.causa');
    await run('import', SAMPLE, '--case', bundleCase);
    const out = join(dir, 'bundle-excerpt.json');
    expect((await run('excerpt', bundleCase, '--events', '1,2,3', '-o', out)).code).toBe(0);
    const excerpt = JSON.parse(readFileSync(out, 'utf8')) as Excerpt;
    expect(excerpt.events.every((e) => e.bundle !== undefined && e.case_proof !== undefined)).toBe(true);
    const samplePub = new URL('../../../resources/keys/sample-ed25519.pub.pem', import.meta.url).pathname;
    const honest = await verify(excerpt, '--trust', samplePub);
    expect(honest.stdout).toContain('INTACT');
    expect(honest.code).toBe(0);
    // The record edited and its case proof recomputed is still caught by the manifest's leaf hash.
    const forged = structuredClone(excerpt);
    const e = forged.events[1]!;
    e.raw_base64 = Buffer.from(Buffer.from(e.raw_base64, 'base64').toString('utf8').replace('"', ' "')).toString('base64');
    const caught = await verify(forged, '--trust', samplePub);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toContain(`${itemOf(e)}: raw record modified`);
    expect(caught.stdout).toContain(`${itemOf(e)}: raw record or case proof altered`);
  });
});

describe('the report carries the case seals', () => {
  it('lists each source with its records, Merkle root and signer; a seal re-signed by another key reads as not verifying or not trusted', async () => {
    const seal = JSON.parse(loose.case_seals![0]!.seal) as { merkle_root: string; records: number };
    const md = join(dir, 'report.md');
    expect((await run('report', casePath, '--format', 'md', '-o', md)).code).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('### Case seals');
    const row = text.split('\n').find((l) => l.startsWith('| audit.jsonl (k8s-audit)'));
    expect(row).toBeDefined();
    expect(row).toContain(`| ${seal.records} |`);
    expect(row).toContain(seal.merkle_root);
    expect(row).toMatch(/— trusted \|$/);
    const html = join(dir, 'report.html');
    expect((await run('report', casePath, '--format', 'html', '-o', html)).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain(`root ${seal.merkle_root}`);
    // The forger re-signs the seal row with their own key: the report must not call it trusted.
    const forgedCase = join(dir, 'forged-seal.causa');
    writeFileSync(forgedCase, readFileSync(casePath));
    tamper(forgedCase, (db) => {
      const r = db.prepare('SELECT source_id, seal FROM source_seal').get() as { source_id: number; seal: string };
      db.prepare('UPDATE source_seal SET signature = ? WHERE source_id = ?').run(JSON.stringify(malloryResign(r.seal)), r.source_id);
    });
    const forgedMd = join(dir, 'forged-report.md');
    await run('report', forgedCase, '--format', 'md', '-o', forgedMd);
    const forgedRow = readFileSync(forgedMd, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('| audit.jsonl (k8s-audit)'));
    expect(forgedRow).toContain(`\`${MALLORY.fingerprint}\` — a key you have not trusted`);
  });
});
