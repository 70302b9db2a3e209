import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli';
import { addTrustedKey, listTrustedKeys, removeTrustedKey, trustStorePath } from '../../../src-main/service/trust';

const SAMPLE_PUB = new URL('../../../resources/keys/sample-ed25519.pub.pem', import.meta.url).pathname;
const SAMPLE_FINGERPRINT = '8fa1015f76523d02cd9b1c77852a2b0d035c266225be8ad75207c3edd564cae3';

function store(): string {
  return join(mkdtempSync(join(tmpdir(), 'causa-trust-')), 'trust.json');
}

describe('the trust store', () => {
  it('lives in $CAUSA_HOME', () => {
    expect(trustStorePath({ CAUSA_HOME: '/x/y' })).toBe('/x/y/trust.json');
    expect(trustStorePath({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/causa/trust.json');
  });

  it('adds a key once, by its fingerprint, lists it and removes it by a prefix', async () => {
    const path = store();
    expect(await listTrustedKeys(path)).toEqual([]);
    const added = await addTrustedKey(SAMPLE_PUB, 'samples', path);
    expect(added.fingerprint).toBe(SAMPLE_FINGERPRINT);
    await addTrustedKey(SAMPLE_PUB, 'again', path);
    expect((await listTrustedKeys(path)).map((k) => [k.fingerprint, k.label])).toEqual([[SAMPLE_FINGERPRINT, 'samples']]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(removeTrustedKey('8fa1', path)).rejects.toThrow(/no trusted key/);
    expect((await removeTrustedKey('8fa1015f', path)).fingerprint).toBe(SAMPLE_FINGERPRINT);
    expect(await listTrustedKeys(path)).toEqual([]);
  });

  it('keeps only the public half of a private key file, and refuses other kinds of keys', async () => {
    const path = store();
    const dir = mkdtempSync(join(tmpdir(), 'causa-keys-'));
    const ed = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'ed.pem'), ed.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const added = await addTrustedKey(join(dir, 'ed.pem'), undefined, path);
    expect(added.public_key_pem).toContain('BEGIN PUBLIC KEY');
    expect(readFileSync(path, 'utf8')).not.toContain('PRIVATE');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'rsa.pub.pem'), rsa.publicKey.export({ type: 'spki', format: 'pem' }));
    await expect(addTrustedKey(join(dir, 'rsa.pub.pem'), undefined, path)).rejects.toThrow(/an RSA key, not Ed25519/);
  });

  it('decides whether `causa verify` trusts a sample bundle', async () => {
    let stdout = '';
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } };
    const bundle = new URL('../../../resources/samples/inc-0047', import.meta.url).pathname;
    expect(await main(['trust', 'remove', SAMPLE_FINGERPRINT], io)).toBe(2);
    expect(await main(['verify', bundle], io)).toBe(1);
    expect(stdout).toContain('UNTRUSTED: as sealed, but signed by a key you have not trusted');
    expect(await main(['trust', 'add', SAMPLE_PUB, '--label', 'Causa samples'], io)).toBe(0);
    expect(await main(['verify', bundle], io)).toBe(0);
    expect(await main(['trust', 'remove', SAMPLE_FINGERPRINT], io)).toBe(0);
    expect(await main(['trust', 'frobnicate'], io)).toBe(2);
  });
});
