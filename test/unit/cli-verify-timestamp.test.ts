// `causa verify --tsa-anchor`: a sealed, signed bundle carrying a manifest.tsr from a test TSA, verified
// through the command line with and without the TSA's CA.
import { createHash, createPrivateKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../support/cli';
import { writeBundleFiles } from '../../src-main/core/bundle/files';
import { canonicalManifestBytes, TIMESTAMP_FILE } from '../../src-main/core/bundle/manifest';
import { sealSources } from '../../src-main/core/bundle/seal';
import { generateSigningKey } from '../../src-main/core/bundle/signing';
import type { BundleVerdict } from '../../src-main/service/bundles';
import { makeTestTsa, makeToken } from './core/test-tsa';

describe('causa verify --tsa-anchor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'causa-cli-tsa-'));
  const bundle = join(dir, 'bundle');
  const caPem = join(dir, 'tsa-ca.pem');
  const publicKey = join(dir, 'key.pub.pem');

  beforeAll(async () => {
    const tsa = await makeTestTsa();
    const key = generateSigningKey();
    const files = sealSources([{ path: 'k8s-audit/audit.jsonl', data: Buffer.from('{"a":1}\n', 'utf8') }], {
      createdAt: '2025-04-03T15:00:00Z',
      creator: { tool: 'causa', version: 'test' },
      key: createPrivateKey(key.privatePem),
      detectType: () => 'unknown',
    });
    const canonical = canonicalManifestBytes(JSON.parse(files.get('manifest.json')!.toString('utf8')));
    files.set(TIMESTAMP_FILE, await makeToken(tsa, createHash('sha256').update(canonical).digest(), { asResponse: true }));
    await writeBundleFiles(bundle, files);
    writeFileSync(caPem, tsa.caPem);
    writeFileSync(publicKey, key.publicPem);
  });

  it('reports a valid timestamp and exits 0 with the CA given', async () => {
    const result = await run('verify', bundle, '--trust', publicKey, '--tsa-anchor', caPem);
    expect(result.stdout).toContain('  timestamp: valid, 2025-04-03T15:05:00Z by CN=Test TSA\n');
    expect(result.stdout).toContain('INTACT');
    expect(result.code).toBe(0);
  });

  it('reports an untrusted timestamp as a problem and exits 1 without it', async () => {
    const result = await run('verify', bundle, '--trust', publicKey);
    expect(result.stdout).toMatch(/^manifest\.tsr: timestamp 2025-04-03T15:05:00Z by CN=Test TSA is not trusted: /m);
    expect(result.stdout).toContain('  timestamp: 2025-04-03T15:05:00Z by CN=Test TSA, NOT trusted (no --tsa-anchor given)\n');
    expect(result.code).toBe(1);
    const otherCa = join(dir, 'other-ca.pem');
    writeFileSync(otherCa, (await makeTestTsa()).caPem);
    const other = await run('verify', bundle, '--trust', publicKey, '--tsa-anchor', otherCa);
    expect(other.stdout).toMatch(/^manifest\.tsr: .* does not chain to a trusted anchor/m);
    expect(other.stdout).toContain('  timestamp: 2025-04-03T15:05:00Z by CN=Test TSA, NOT trusted\n');
    expect(other.code).toBe(1);
  });

  it('puts the timestamp in the JSON verdict', async () => {
    const result = await run('verify', bundle, '--trust', publicKey, '--tsa-anchor', caPem, '--json');
    const verdict = JSON.parse(result.stdout) as BundleVerdict;
    expect(verdict.timestamp).toEqual({ status: 'valid', gen_time: '2025-04-03T15:05:00Z', tsa: 'CN=Test TSA' });
    expect(verdict.canonical_manifest_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('exits 2 naming an anchor that is not a certificate or cannot be read', async () => {
    const notCert = join(dir, 'not-a-cert.pem');
    writeFileSync(notCert, 'hello');
    const bad = await run('verify', bundle, '--tsa-anchor', notCert);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${notCert}: neither a PEM nor a DER certificate`);
    const missing = await run('verify', bundle, '--tsa-anchor', join(dir, 'missing.pem'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing.pem: cannot read the TSA certificate');
  });
});
