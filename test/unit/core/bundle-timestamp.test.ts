// manifest.tsr in bundle verification: a bundle sealed here, timestamped by a test TSA over its canonical
// manifest, then verified with and without the TSA's CA, and after the manifest changed.
import { createHash, createPrivateKey } from 'node:crypto';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import type { BundleFiles } from '../../../src-main/core/bundle/files';
import { canonicalManifestBytes, TIMESTAMP_FILE } from '../../../src-main/core/bundle/manifest';
import { sealSources } from '../../../src-main/core/bundle/seal';
import { generateSigningKey } from '../../../src-main/core/bundle/signing';
import { timestampRequestFor } from '../../../src-main/core/bundle/timestamp-request';
import { verifyBundle } from '../../../src-main/core/verify/bundle';
import { makeTestTsa, makeToken, type TestTsa } from './test-tsa';

function memoryBundle(files: Map<string, Buffer>): BundleFiles {
  return {
    location: 'memory',
    form: 'folder',
    list: () => [...files.keys()].sort(),
    read: async (path) => files.get(path)!,
    stream: async function* (path) {
      yield files.get(path)!;
    },
  };
}

function sealed(): { files: Map<string, Buffer>; fingerprint: string } {
  const key = generateSigningKey();
  const files = sealSources([{ path: 'k8s-audit/audit.jsonl', data: Buffer.from('{"a":1}\n{"b":2}\n', 'utf8') }], {
    case: { incident_id: 'INC-0001', title: 'timestamped' },
    createdAt: '2025-04-03T15:00:00Z',
    creator: { tool: 'causa', version: 'test' },
    key: createPrivateKey(key.privatePem),
    detectType: () => 'unknown',
  });
  return { files, fingerprint: key.fingerprint };
}

function canonicalOf(files: Map<string, Buffer>): Buffer {
  return canonicalManifestBytes(JSON.parse(files.get('manifest.json')!.toString('utf8')));
}

async function timestamped(tsa: TestTsa): Promise<{ files: Map<string, Buffer>; fingerprint: string }> {
  const bundle = sealed();
  bundle.files.set(TIMESTAMP_FILE, await makeToken(tsa, createHash('sha256').update(canonicalOf(bundle.files)).digest()));
  return bundle;
}

describe('bundle verification with manifest.tsr', () => {
  it("is valid with the TSA's CA as anchor, and the bundle intact", async () => {
    const tsa = await makeTestTsa();
    const { files, fingerprint } = await timestamped(tsa);
    const verdict = await verifyBundle(memoryBundle(files), { trustedKeys: new Set([fingerprint]), tsaAnchorsPem: [tsa.caPem] });
    expect(verdict.timestamp).toEqual({ status: 'valid', gen_time: '2025-04-03T15:05:00Z', tsa: 'CN=Test TSA' });
    expect(verdict.problems).toEqual([]);
    expect(verdict.intact).toBe(true);
  });

  it('is untrusted without the CA: a problem on manifest.tsr, and the bundle not intact', async () => {
    const tsa = await makeTestTsa();
    const { files, fingerprint } = await timestamped(tsa);
    for (const tsaAnchorsPem of [undefined, [(await makeTestTsa()).caPem]]) {
      const verdict = await verifyBundle(memoryBundle(files), {
        trustedKeys: new Set([fingerprint]),
        ...(tsaAnchorsPem ? { tsaAnchorsPem } : {}),
      });
      expect(verdict.timestamp).toMatchObject({ status: 'untrusted', gen_time: '2025-04-03T15:05:00Z', tsa: 'CN=Test TSA' });
      expect(verdict.problems).toEqual([
        {
          item: 'manifest.tsr',
          reason: expect.stringMatching(/^timestamp 2025-04-03T15:05:00Z by CN=Test TSA is not trusted: /) as string,
        },
      ]);
      expect(verdict.intact).toBe(false);
    }
  });

  it('is invalid when one byte of a manifest value changes, and still valid when only the layout changes', async () => {
    const tsa = await makeTestTsa();
    const { files, fingerprint } = await timestamped(tsa);
    const options = { trustedKeys: new Set([fingerprint]), tsaAnchorsPem: [tsa.caPem] };
    const manifest = files.get('manifest.json')!.toString('utf8');

    const reindented = new Map(files).set('manifest.json', Buffer.from(JSON.stringify(JSON.parse(manifest)), 'utf8'));
    expect((await verifyBundle(memoryBundle(reindented), options)).timestamp.status).toBe('valid');

    const altered = new Map(files).set('manifest.json', Buffer.from(manifest.replace('"INC-0001"', '"INC-0002"'), 'utf8'));
    const verdict = await verifyBundle(memoryBundle(altered), options);
    expect(verdict.timestamp).toMatchObject({ status: 'invalid', tsa: 'CN=Test TSA' });
    expect(verdict.problems).toContainEqual({
      item: 'manifest.tsr',
      reason: expect.stringMatching(/covers other bytes than this manifest/) as string,
    });
    expect(verdict.intact).toBe(false);
  });

  it('reports an absent token without a problem, and garbage as unparseable', async () => {
    const { files, fingerprint } = sealed();
    const absent = await verifyBundle(memoryBundle(files), { trustedKeys: new Set([fingerprint]) });
    expect(absent.timestamp).toEqual({ status: 'absent' });
    expect(absent.intact).toBe(true);
    files.set(TIMESTAMP_FILE, Buffer.from('not a token'));
    const garbage = await verifyBundle(memoryBundle(files), { trustedKeys: new Set([fingerprint]) });
    expect(garbage.timestamp).toMatchObject({
      status: 'unparseable',
      reason: expect.stringMatching(/^not an RFC 3161 timestamp token/) as string,
    });
    expect(garbage.problems.map((p) => p.item)).toEqual(['manifest.tsr']);
  });

  it('names the canonical manifest hash, which timestampRequestFor asks a TSA to sign', async () => {
    const tsa = await makeTestTsa();
    const { files, fingerprint } = sealed();
    const before = await verifyBundle(memoryBundle(files), { trustedKeys: new Set([fingerprint]) });
    expect(before.canonical_manifest_sha256).toBe(createHash('sha256').update(canonicalOf(files)).digest('hex'));
    // The analyst's round trip: the request, the TSA's answer over the request's imprint, dropped in as manifest.tsr.
    const request = pkijs.TimeStampReq.fromBER(Uint8Array.from(timestampRequestFor(canonicalOf(files))).buffer);
    const imprint = new Uint8Array(request.messageImprint.hashedMessage.valueBlock.valueHexView);
    expect(Buffer.from(imprint).toString('hex')).toBe(before.canonical_manifest_sha256);
    files.set(TIMESTAMP_FILE, await makeToken(tsa, imprint, { asResponse: true }));
    const after = await verifyBundle(memoryBundle(files), { trustedKeys: new Set([fingerprint]), tsaAnchorsPem: [tsa.caPem] });
    expect(after.timestamp.status).toBe('valid');
    expect(after.intact).toBe(true);
  });
});
