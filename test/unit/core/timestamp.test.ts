// RFC 3161 token verification against every file of the shared corpus (read in place, byte for byte),
// then against tokens from a throwaway test TSA that break one check at a time.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { timestampRequestFor } from '../../../src-main/core/bundle/timestamp-request';
import {
  trustAnchorPem,
  TrustAnchorError,
  verifyTimestampToken,
  verifyTimestampTokenForDigest,
  type DataDigest,
  type ImprintHash,
} from '../../../src-main/core/verify/timestamp';
import { makeTestTsa, makeToken, pemOf } from './test-tsa';

const RFC3161 = new URL('../../fixtures/corpus/integrity/rfc3161/', import.meta.url).pathname;
const TOB = 'trailofbits_rfc3161-client';
const SIGSTORE = 'sigstore_timestamp-authority';
const file = (dir: string, name: string) => readFileSync(join(RFC3161, dir, name));
const tob = (name: string) => file(TOB, name);
const anchor = (name: string) => trustAnchorPem(tob(name), name);

/** What the sigstage README says was timestamped: `echo -n "hello" > f`. */
function sigstageData(): Buffer {
  const match = /echo -n "([^"]*)" > f/.exec(tob('sigstage__README.md').toString('utf8'));
  expect(match).not.toBeNull();
  return Buffer.from(match![1]!, 'utf8');
}

const HASH_NAMES: Record<string, ImprintHash> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** The message imprint a TimeStampReq asked for: the only record of the data its response covers. */
function requestDigest(name: string): DataDigest {
  const request = pkijs.TimeStampReq.fromBER(Uint8Array.from(tob(name)).buffer);
  const algorithm = HASH_NAMES[request.messageImprint.hashAlgorithm.algorithmId];
  expect(algorithm).toBeDefined();
  return { algorithm: algorithm!, value: new Uint8Array(request.messageImprint.hashedMessage.valueBlock.valueHexView) };
}

/** The certificates a token embeds, as PEM, except the one with the given subject CN and issuer CN. */
function embeddedCertificatesPem(token: Buffer): { subject: string; issuer: string; pem: string }[] {
  const response = pkijs.TimeStampResp.fromBER(Uint8Array.from(token).buffer);
  const signedData = new pkijs.SignedData({ schema: response.timeStampToken!.content });
  const cn = (name: pkijs.RelativeDistinguishedNames) =>
    String(name.typesAndValues.find((t) => t.type === '2.5.4.3')?.value.valueBlock.value ?? '');
  return (signedData.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => ({ subject: cn(c.subject), issuer: cn(c.issuer), pem: pemOf(c) }));
}

const ALL_CHECKS = { imprint: true, signature: true, chain: true };

describe('the RFC 3161 corpus', () => {
  // Each file is named here with what it is for; a file added to the corpus fails this until it is tested.
  const ROLES: Record<string, string> = {
    [`${TOB}/identrust__issue-104.tsr`]: 'commercial TSA response, signer not first among its certificates',
    [`${TOB}/identrust__ts_chain.pem`]: 'IdenTrust root, DER despite its name',
    [`${TOB}/sigstage__README.md`]: 'says the sigstage responses cover "hello"',
    [`${TOB}/sigstage__request.der`]: 'a sha512 request over the same "hello"',
    [`${TOB}/sigstage__response-invalid-signature.tsr`]: 'signature altered',
    [`${TOB}/sigstage__response-no-embedded-cert.tsr`]: 'no certificate in the token',
    [`${TOB}/sigstage__response-sha256.tsr`]: 'good, sha256 imprint',
    [`${TOB}/sigstage__response-sha384.tsr`]: 'good, sha384 imprint',
    [`${TOB}/sigstage__ts_chain.pem`]: 'sigstage TSA certificate and its self-signed issuer',
    [`${TOB}/sigstore.mock__payload`]: 'the bytes the expired mock covers',
    [`${TOB}/sigstore.mock__response-expired.tsr`]: 'made while its chain (2023) was valid',
    [`${TOB}/sigstore.mock__ts_chain.pem`]: 'mock TSA and CA, valid in 2023 only',
    [`${TOB}/test_tsa__README.md`]: 'made by a local TSA from a script',
    [`${TOB}/test_tsa__request.der`]: 'the request (sha512 imprint, nonce) of the test_tsa response',
    [`${TOB}/test_tsa__response.tsr`]: 'good, sha512 imprint, three-level chain',
    [`${TOB}/test_tsa__ts_chain.pem`]: 'test TSA, intermediate and root',
    [`${SIGSTORE}/response-injected-certs.tsr`]: 'the test_tsa token with a spoofed TSA and a self-signed look-alike added',
  };

  it('has no file this suite does not test', () => {
    const found = [TOB, SIGSTORE].flatMap((dir) => readdirSync(join(RFC3161, dir)).map((name) => `${dir}/${name}`));
    expect(found.sort()).toEqual(Object.keys(ROLES).sort());
  });

  it("sigstage sha256 and sha384 responses are valid over the README's data with their chain", async () => {
    const data = sigstageData();
    const sha256 = await verifyTimestampToken(tob('sigstage__response-sha256.tsr'), data, {
      trustAnchorsPem: [anchor('sigstage__ts_chain.pem')],
    });
    expect(sha256).toEqual({
      status: 'valid',
      gen_time: '2025-05-09T11:58:55Z',
      hash_algorithm: 'sha256',
      tsa: 'O=sigstore.dev, CN=sigstore-tsa',
      serial: '784b4c5e57aaa63b570f15cba4df95251668ae9e',
      policy: '1.3.6.1.4.1.57264.2',
      checks: ALL_CHECKS,
    });
    const sha384 = await verifyTimestampToken(tob('sigstage__response-sha384.tsr'), data, {
      trustAnchorsPem: [anchor('sigstage__ts_chain.pem')],
    });
    expect(sha384).toMatchObject({ status: 'valid', hash_algorithm: 'sha384', checks: ALL_CHECKS });
  });

  it('wrong data fails the imprint, and the token is invalid', async () => {
    const verdict = await verifyTimestampToken(tob('sigstage__response-sha256.tsr'), Buffer.from('hello\n'), {
      trustAnchorsPem: [anchor('sigstage__ts_chain.pem')],
    });
    expect(verdict.status).toBe('invalid');
    expect(verdict.checks).toEqual({ imprint: false, signature: true, chain: true });
    expect(verdict.reason).toMatch(/imprint is not the sha256 of the data/);
  });

  it('the altered signature is invalid, with signature false', async () => {
    const verdict = await verifyTimestampToken(tob('sigstage__response-invalid-signature.tsr'), sigstageData(), {
      trustAnchorsPem: [anchor('sigstage__ts_chain.pem')],
    });
    expect(verdict).toMatchObject({ status: 'invalid', checks: { imprint: true, signature: false } });
    expect(verdict.reason).toMatch(/signature does not verify/);
  });

  it('the token without a certificate verifies only when the chain supplies its signer', async () => {
    const token = tob('sigstage__response-no-embedded-cert.tsr');
    const withChain = await verifyTimestampToken(token, sigstageData(), { trustAnchorsPem: [anchor('sigstage__ts_chain.pem')] });
    expect(withChain).toMatchObject({ status: 'valid', tsa: 'O=sigstore.dev, CN=sigstore-tsa', checks: ALL_CHECKS });
    const without = await verifyTimestampToken(token, sigstageData(), { trustAnchorsPem: [] });
    expect(without).toMatchObject({ status: 'untrusted', checks: { imprint: true, signature: false, chain: false } });
    expect(without.reason).toMatch(/does not carry its signer's certificate/);
    expect(without.tsa).toBeUndefined();
    // Another TSA's chain does not hold the signer either.
    const wrongChain = await verifyTimestampToken(token, sigstageData(), { trustAnchorsPem: [anchor('test_tsa__ts_chain.pem')] });
    expect(wrongChain.status).toBe('untrusted');
  });

  it('the sigstage request records a sha512 imprint of the same data: the digest variant checks it', async () => {
    const digest = requestDigest('sigstage__request.der');
    expect(digest.algorithm).toBe('sha512');
    expect(Buffer.from(digest.value).equals(createHash('sha512').update(sigstageData()).digest())).toBe(true);
    // The sigstage responses in the corpus are sha256 and sha384: the imprint cannot match a sha512 digest.
    const verdict = await verifyTimestampTokenForDigest(tob('sigstage__response-sha256.tsr'), digest, {
      trustAnchorsPem: [anchor('sigstage__ts_chain.pem')],
    });
    expect(verdict).toMatchObject({ status: 'invalid', checks: { imprint: false, signature: true, chain: true } });
    expect(verdict.reason).toMatch(/imprint is a sha256 hash, but the digest given is sha512/);
  });

  it("the test TSA response is valid over its request's imprint, through its intermediate", async () => {
    const digest = requestDigest('test_tsa__request.der');
    const token = tob('test_tsa__response.tsr');
    const options = { trustAnchorsPem: [anchor('test_tsa__ts_chain.pem')] };
    const verdict = await verifyTimestampTokenForDigest(token, digest, options);
    expect(verdict).toEqual({
      status: 'valid',
      gen_time: '2024-10-08T15:40:32Z',
      hash_algorithm: 'sha512',
      tsa: 'O=local, CN=Test TSA Timestamping',
      serial: '797035501f358571fed54952bebbd000497461dc',
      policy: '1.3.6.1.4.1.57264.2',
      checks: ALL_CHECKS,
    });
    // The upstream script timestamps "hello"; the request's imprint is its sha512, so the data form agrees.
    expect((await verifyTimestampToken(token, Buffer.from('hello'), options)).status).toBe('valid');
    const otherDigest = { algorithm: 'sha512' as const, value: createHash('sha512').update('hello!').digest() };
    expect((await verifyTimestampTokenForDigest(token, otherDigest, options)).checks.imprint).toBe(false);
  });

  it('the test TSA response is untrusted without an anchor, and with only its root it is valid', async () => {
    const token = tob('test_tsa__response.tsr');
    const none = await verifyTimestampToken(token, Buffer.from('hello'), { trustAnchorsPem: [] });
    expect(none).toMatchObject({ status: 'untrusted', checks: { imprint: true, signature: true, chain: false } });
    const chain = anchor('test_tsa__ts_chain.pem');
    const rootOnly = chain.slice(chain.lastIndexOf('-----BEGIN CERTIFICATE-----'));
    expect(rootOnly).not.toContain('Timestamping');
    // The token carries only the TSA certificate, so the path needs the intermediate, which only the chain file has.
    expect((await verifyTimestampToken(token, Buffer.from('hello'), { trustAnchorsPem: [rootOnly] })).status).toBe('untrusted');
    const intermediateAndRoot = chain.slice(chain.indexOf('-----BEGIN CERTIFICATE-----', 1));
    expect((await verifyTimestampToken(token, Buffer.from('hello'), { trustAnchorsPem: [intermediateAndRoot] })).status).toBe('valid');
  });

  it('the commercial TSA response is valid with its root (a DER file), its signer not first among its certificates', async () => {
    const verdict = await verifyTimestampToken(tob('identrust__issue-104.tsr'), Buffer.from('hello'), {
      trustAnchorsPem: [anchor('identrust__ts_chain.pem')],
    });
    expect(verdict).toEqual({
      status: 'valid',
      gen_time: '2025-03-11T08:52:08Z',
      hash_algorithm: 'sha512',
      tsa: 'C=US, O=IdenTrust, CN=TrustID Timestamp Authority',
      serial: '400195846778d8ebd3e0d31354082a24',
      policy: '2.16.840.1.113839.0.6.13.3',
      checks: ALL_CHECKS,
    });
    expect((await verifyTimestampToken(tob('identrust__issue-104.tsr'), Buffer.from('hello'), { trustAnchorsPem: [] })).status).toBe(
      'untrusted',
    );
  });

  it('the expired mock is judged at its genTime: valid long after its chain expired, invalid before it was made', async () => {
    const token = tob('sigstore.mock__response-expired.tsr');
    const data = tob('sigstore.mock__payload');
    const trustAnchorsPem = [anchor('sigstore.mock__ts_chain.pem')];
    const later = await verifyTimestampToken(token, data, { trustAnchorsPem, at: new Date('2030-01-01T00:00:00Z') });
    expect(later).toMatchObject({
      status: 'valid',
      gen_time: '2023-02-01T00:00:00Z',
      tsa: 'CN=tsa signing, O=sigstore.mock',
      checks: ALL_CHECKS,
    });
    expect(later.serial).toBe('deadbeef'); // a negative INTEGER, as the mock wrote it
    const before = await verifyTimestampToken(token, data, { trustAnchorsPem, at: new Date('2023-01-15T00:00:00Z') });
    expect(before.status).toBe('invalid');
    expect(before.reason).toMatch(/dated 2023-02-01T00:00:00Z, after the verification time/);
    expect((await verifyTimestampToken(token, Buffer.from('other'), { trustAnchorsPem })).checks.imprint).toBe(false);
  });

  it('the injected-certificates response is valid only through the real chain, never through its own certificates', async () => {
    const token = file(SIGSTORE, 'response-injected-certs.tsr');
    const embedded = embeddedCertificatesPem(token);
    const injected = embedded.filter((c) => c.subject === 'Spoofed TSA' || c.subject === c.issuer);
    expect(injected.map((c) => c.subject).sort()).toEqual(['Spoofed TSA', 'Test TSA Timestamping']);
    const real = await verifyTimestampToken(token, Buffer.from('hello'), { trustAnchorsPem: [anchor('test_tsa__ts_chain.pem')] });
    expect(real).toMatchObject({ status: 'valid', tsa: 'O=local, CN=Test TSA Timestamping', checks: ALL_CHECKS });
    const none = await verifyTimestampToken(token, Buffer.from('hello'), { trustAnchorsPem: [] });
    expect(none).toMatchObject({ status: 'untrusted', checks: { chain: false } });
    const onlyInjected = await verifyTimestampToken(token, Buffer.from('hello'), { trustAnchorsPem: injected.map((c) => c.pem) });
    expect(onlyInjected.status).toBe('untrusted');
    expect(onlyInjected.checks.chain).toBe(false);
  });

  it('a certificate file, a README and garbage are unparseable', async () => {
    for (const bytes of [
      tob('identrust__ts_chain.pem'),
      tob('sigstage__README.md'),
      tob('sigstore.mock__payload'),
      tob('test_tsa__request.der'),
      Buffer.alloc(0),
      Buffer.from([0x30, 0x82, 0xff]),
    ]) {
      const verdict = await verifyTimestampToken(bytes, Buffer.from('hello'), { trustAnchorsPem: [] });
      expect(verdict).toMatchObject({ status: 'unparseable', checks: { imprint: false, signature: false, chain: false } });
      expect(verdict.reason).toBeTruthy();
    }
  });

  it('a token with a byte after its DER is unparseable', async () => {
    const token = Buffer.concat([tob('sigstage__response-sha256.tsr'), Buffer.from([0])]);
    expect((await verifyTimestampToken(token, sigstageData(), { trustAnchorsPem: [] })).status).toBe('unparseable');
  });

  it('a TSTInfo altered inside the token fails the imprint and the signature', async () => {
    const token = Buffer.from(tob('sigstage__response-sha256.tsr'));
    const imprint = createHash('sha256').update(sigstageData()).digest();
    const at = token.indexOf(imprint);
    expect(at).toBeGreaterThan(0);
    token[at + 5]! ^= 0x01;
    const verdict = await verifyTimestampToken(token, sigstageData(), { trustAnchorsPem: [anchor('sigstage__ts_chain.pem')] });
    expect(verdict).toMatchObject({ status: 'invalid', checks: { imprint: false, signature: false } });
    const signature = await verifyTimestampTokenForDigest(
      token,
      { algorithm: 'sha256', value: token.subarray(at, at + 32) },
      { trustAnchorsPem: [] },
    );
    expect(signature.reason).toMatch(/message digest does not match the TSTInfo/);
  });
});

describe('trust anchors', () => {
  it('reads PEM with several certificates and a single DER certificate', () => {
    expect(anchor('test_tsa__ts_chain.pem').match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(anchor('identrust__ts_chain.pem')).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
  });

  it('refuses what is not a certificate, naming it', async () => {
    expect(() => trustAnchorPem(Buffer.from('not a certificate'), 'ca.pem')).toThrow(TrustAnchorError);
    expect(() => trustAnchorPem(Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), 'ca.pem')).toThrow(
      /ca\.pem: certificate 1/,
    );
    await expect(verifyTimestampToken(tob('test_tsa__response.tsr'), Buffer.from('hello'), { trustAnchorsPem: ['junk'] })).rejects.toThrow(
      TrustAnchorError,
    );
  });
});

describe('tokens from a test TSA', () => {
  const data = Buffer.from('the canonical manifest, say');
  const digest = createHash('sha256').update(data).digest();

  it('a bare token and a TimeStampResp are both valid with the CA as anchor', async () => {
    const tsa = await makeTestTsa();
    for (const asResponse of [false, true]) {
      const verdict = await verifyTimestampToken(await makeToken(tsa, digest, { asResponse }), data, { trustAnchorsPem: [tsa.caPem] });
      expect(verdict).toMatchObject({ status: 'valid', gen_time: '2025-04-03T15:05:00Z', tsa: 'CN=Test TSA', checks: ALL_CHECKS });
    }
  });

  it('trusting the TSA certificate itself is enough', async () => {
    const tsa = await makeTestTsa();
    expect((await verifyTimestampToken(await makeToken(tsa, digest), data, { trustAnchorsPem: [tsa.tsaPem] })).status).toBe('valid');
  });

  it('a TSA certificate without the timestamping key usage, or with it not critical, is untrusted', async () => {
    for (const [options, reason] of [
      [{ ekus: [] }, /not for timestamping/],
      [{ ekus: ['1.3.6.1.5.5.7.3.1'] }, /not for timestamping/],
      [{ ekuCritical: false }, /not critical/],
    ] as const) {
      const tsa = await makeTestTsa(options);
      const verdict = await verifyTimestampToken(await makeToken(tsa, digest), data, { trustAnchorsPem: [tsa.caPem] });
      expect(verdict).toMatchObject({ status: 'untrusted', checks: { imprint: true, signature: true, chain: false } });
      expect(verdict.reason).toMatch(reason);
    }
  });

  it('a TSA certificate not valid at genTime is untrusted, whatever the verification time', async () => {
    const tsa = await makeTestTsa({ notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2024-01-01T00:00:00Z') });
    const verdict = await verifyTimestampToken(await makeToken(tsa, digest, { genTime: new Date('2025-01-01T00:00:00Z') }), data, {
      trustAnchorsPem: [tsa.caPem],
    });
    expect(verdict).toMatchObject({ status: 'untrusted', checks: { chain: false } });
    expect(verdict.reason).toMatch(/was not valid at the token's time 2025-01-01T00:00:00Z/);
  });

  it('a token dated after the verification time is invalid, beyond a few minutes of clock skew', async () => {
    const tsa = await makeTestTsa();
    const token = await makeToken(tsa, digest, { genTime: new Date('2025-04-03T15:05:00Z') });
    const at = (iso: string) => ({ trustAnchorsPem: [tsa.caPem], at: new Date(iso) });
    expect((await verifyTimestampToken(token, data, at('2025-04-03T15:04:00Z'))).status).toBe('valid');
    const early = await verifyTimestampToken(token, data, at('2025-04-03T14:00:00Z'));
    expect(early).toMatchObject({ status: 'invalid', checks: ALL_CHECKS });
    expect(early.reason).toMatch(/dated 2025-04-03T15:05:00Z, after the verification time 2025-04-03T14:00:00Z/);
  });

  it('a signingCertificate attribute naming another certificate is an invalid signature', async () => {
    const tsa = await makeTestTsa();
    const verdict = await verifyTimestampToken(await makeToken(tsa, digest, { essNames: tsa.ca }), data, { trustAnchorsPem: [tsa.caPem] });
    expect(verdict).toMatchObject({ status: 'invalid', checks: { imprint: true, signature: false } });
    expect(verdict.reason).toMatch(/names another certificate/);
  });

  it('another CA is not an anchor for this TSA', async () => {
    const [tsa, other] = [await makeTestTsa(), await makeTestTsa()];
    const verdict = await verifyTimestampToken(await makeToken(tsa, digest), data, { trustAnchorsPem: [other.caPem] });
    expect(verdict).toMatchObject({ status: 'untrusted', checks: { imprint: true, signature: true, chain: false } });
  });

  it("a response in which the TSA refused is unparseable, with the TSA's words", async () => {
    const refused = new pkijs.TimeStampResp({
      status: new pkijs.PKIStatusInfo({
        status: pkijs.PKIStatus.rejection,
        statusStrings: [new asn1js.Utf8String({ value: 'bad request' })],
      }),
    });
    const verdict = await verifyTimestampToken(Buffer.from(refused.toSchema().toBER()), data, { trustAnchorsPem: [] });
    expect(verdict.status).toBe('unparseable');
    expect(verdict.reason).toMatch(/refused \(PKIStatus 2: bad request\)/);
  });
});

describe('timestampRequestFor', () => {
  it('asks for the SHA-256 of the canonical manifest, with the certificate and a nonce', () => {
    const canonical = Buffer.from('{"format":"causa-evidence-bundle"}');
    const der = timestampRequestFor(canonical);
    const request = pkijs.TimeStampReq.fromBER(Uint8Array.from(der).buffer);
    expect(request.messageImprint.hashAlgorithm.algorithmId).toBe('2.16.840.1.101.3.4.2.1');
    expect(Buffer.from(request.messageImprint.hashedMessage.valueBlock.valueHexView)).toEqual(
      createHash('sha256').update(canonical).digest(),
    );
    expect(request.certReq).toBe(true);
    expect(request.nonce?.valueBlock.valueHexView.byteLength).toBe(8);
    expect(timestampRequestFor(canonical).equals(der)).toBe(false); // a fresh nonce each time
  });
});
