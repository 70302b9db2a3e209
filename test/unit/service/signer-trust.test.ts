// Trusting a bundle's signer from the workbench (contract method trustSigner; `causa serve --trust` is
// test/e2e/trust.e2e.ts): for one case it is a journal entry, always it is the trust store; verdicts, record verdicts and
// the report's integrity section follow at once, and nothing found wrong is forgotten.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { trustStorePath } from '../../../src-main/service/trust';
import { Workbench } from '../../../src-main/service/workbench';

const SAMPLE = fileURLToPath(new URL('../../../resources/samples/inc-0047', import.meta.url));
const FINGERPRINT = '8fa1015f76523d02cd9b1c77852a2b0d035c266225be8ad75207c3edd564cae3';

const open: Workbench[] = [];
afterEach(() => {
  for (const wb of open.splice(0)) wb.close();
  rmSync(trustStorePath(), { force: true });
});

async function sampleCase(): Promise<Workbench> {
  const wb = Workbench.open(join(mkdtempSync(join(tmpdir(), 'causa-signer-')), 'c.causa'), { create: true });
  open.push(wb);
  await wb.importPaths([SAMPLE]);
  return wb;
}

async function verdictsOf(wb: Workbench): Promise<string[]> {
  const page = await wb.handlers.listEvents({ filter: {}, offset: 0, limit: 1000 });
  return [...new Set(page.events.map((e) => e.verdict!))].sort();
}

describe('trusting a signer', () => {
  it('for this case: a journal entry; the bundle turns from untrusted to intact, and only in this case', async () => {
    const wb = await sampleCase();
    const [before] = (await wb.handlers.caseInfo({})).verification;
    expect(before!.verdict).toMatchObject({ status: 'untrusted', intact: false, problems: [] });
    // Streams and documents alike are sealed record by record (documents value by value).
    expect(await verdictsOf(wb)).toEqual(['untrusted']);
    const md = async () => (await wb.reportFile('md')).data.toString('utf8');
    expect(await md()).toContain('**signed by a key you have not trusted**');
    expect(await md()).not.toContain('PROBLEMS');

    expect(await wb.handlers.trustSigner({ fingerprint: FINGERPRINT, scope: 'case' })).toEqual({
      fingerprint: FINGERPRINT,
      scope: 'case',
      label: 'signer of inc-0047',
    });
    const [after] = (await wb.handlers.caseInfo({})).verification;
    expect(after!.verdict).toMatchObject({ status: 'intact', intact: true, signature: { trusted: true } });
    expect(await verdictsOf(wb)).toEqual(['intact']);
    expect(await md()).toContain('**intact** (every file and record as sealed, and the seal signed by a trusted key)');
    const journal = await wb.handlers.journal({});
    expect(journal.entries.at(-1)!.action).toEqual({ type: 'trust_signer', fingerprint: FINGERPRINT, trusted: true });
    // Undoing the entry takes the trust back.
    await wb.handlers.undo({});
    expect((await wb.handlers.caseInfo({})).verification[0]!.verdict.status).toBe('untrusted');

    const other = await sampleCase();
    expect((await other.handlers.caseInfo({})).verification[0]!.verdict.status).toBe('untrusted');
    expect(() => readFileSync(trustStorePath())).toThrow();
  });

  it('always: the trust store gets the key from the bundle’s own signature, and every case follows', async () => {
    const wb = await sampleCase();
    await wb.handlers.trustSigner({ fingerprint: FINGERPRINT, scope: 'always' });
    expect(readFileSync(trustStorePath(), 'utf8')).toContain(FINGERPRINT);
    expect((await wb.handlers.caseInfo({})).verification[0]!.verdict.status).toBe('intact');
    const other = await sampleCase();
    expect((await other.handlers.caseInfo({})).verification[0]!.verdict.status).toBe('intact');
  });

  it('refuses a fingerprint that signed no bundle of the case', async () => {
    const wb = await sampleCase();
    await expect(wb.handlers.trustSigner({ fingerprint: 'a'.repeat(64), scope: 'case' })).rejects.toThrow(
      /no bundle of this case carries a valid signature by key a{64}/,
    );
  });
});
