// A throwaway certificate authority and TSA for tests, built with pkijs on Node's WebCrypto (ECDSA P-256):
// a self-signed CA, a TSA certificate it issues (critical id-kp-timeStamping by default), and RFC 3161
// tokens over any digest. Options break one thing at a time so each check can be seen to fail.
import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const engine = new pkijs.CryptoEngine({ name: 'test-webcrypto', crypto: webcrypto as unknown as Crypto });
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

export interface TestTsa {
  caPem: string;
  tsaPem: string;
  ca: pkijs.Certificate;
  tsa: pkijs.Certificate;
  tsaKey: CryptoKey;
}

export interface TsaOptions {
  /** Extended key usages of the TSA certificate (default: id-kp-timeStamping only). */
  ekus?: readonly string[];
  ekuCritical?: boolean;
  /** The TSA certificate's validity (default: 2020 to 2040). */
  notBefore?: Date;
  notAfter?: Date;
}

function name(commonName: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: commonName }) })],
  });
}

function extension(extnID: string, critical: boolean, value: pkijs.BasicConstraints | pkijs.ExtKeyUsage): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toSchema().toBER(false), parsedValue: value });
}

async function certificate(options: {
  serial: number;
  subject: string;
  issuer: string;
  publicKey: CryptoKey;
  signingKey: CryptoKey;
  notBefore: Date;
  notAfter: Date;
  extensions: pkijs.Extension[];
}): Promise<pkijs.Certificate> {
  const cert = new pkijs.Certificate({
    version: 2,
    serialNumber: new asn1js.Integer({ value: options.serial }),
    issuer: name(options.issuer),
    subject: name(options.subject),
    extensions: options.extensions,
  });
  cert.notBefore.value = options.notBefore;
  cert.notAfter.value = options.notAfter;
  await cert.subjectPublicKeyInfo.importKey(options.publicKey, engine);
  await cert.sign(options.signingKey, 'SHA-256', engine);
  return cert;
}

export function pemOf(cert: pkijs.Certificate): string {
  const base64 = Buffer.from(cert.toSchema().toBER()).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

export async function makeTestTsa(options: TsaOptions = {}): Promise<TestTsa> {
  const caKeys = (await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const tsaKeys = (await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await certificate({
    serial: 1,
    subject: 'Test Root CA',
    issuer: 'Test Root CA',
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2045-01-01T00:00:00Z'),
    extensions: [extension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: true }))],
  });
  const ekus = options.ekus ?? [TIME_STAMPING];
  const tsa = await certificate({
    serial: 2,
    subject: 'Test TSA',
    issuer: 'Test Root CA',
    publicKey: tsaKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore: options.notBefore ?? new Date('2020-01-01T00:00:00Z'),
    notAfter: options.notAfter ?? new Date('2040-01-01T00:00:00Z'),
    extensions: ekus.length ? [extension('2.5.29.37', options.ekuCritical ?? true, new pkijs.ExtKeyUsage({ keyPurposes: [...ekus] }))] : [],
  });
  return { caPem: pemOf(ca), tsaPem: pemOf(tsa), ca, tsa, tsaKey: tsaKeys.privateKey };
}

export interface TokenOptions {
  genTime?: Date;
  /** Embed the TSA certificate (default true). */
  embedCertificate?: boolean;
  /** The certificate the ESS signingCertificateV2 attribute names (default: the TSA's own). */
  essNames?: pkijs.Certificate;
  /** Wrap the token in a granted TimeStampResp (default: a bare TimeStampToken). */
  asResponse?: boolean;
}

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** An RFC 3161 token (or response) by the test TSA over a SHA-256 digest. */
export async function makeToken(tsa: TestTsa, sha256Digest: Uint8Array, options: TokenOptions = {}): Promise<Buffer> {
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: '1.3.6.1.4.1.99999.1',
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: Uint8Array.from(sha256Digest).buffer }),
    }),
    serialNumber: new asn1js.Integer({ value: 4711 }),
    genTime: options.genTime ?? new Date('2025-04-03T15:05:00Z'),
  });
  const tstDer = tstInfo.toSchema().toBER();
  const essDer = (options.essNames ?? tsa.tsa).toSchema().toBER();
  const signingCertificateV2 = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [new asn1js.OctetString({ valueHex: createHash('sha256').update(new Uint8Array(essDer)).digest() })],
          }),
        ],
      }),
    ],
  });
  const signedData = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: '1.2.840.113549.1.9.16.1.4',
      eContent: new asn1js.OctetString({ valueHex: tstDer }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: tsa.tsa.issuer, serialNumber: tsa.tsa.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            attribute('1.2.840.113549.1.9.3', new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.9.16.1.4' })),
            attribute(
              '1.2.840.113549.1.9.4',
              new asn1js.OctetString({ valueHex: createHash('sha256').update(new Uint8Array(tstDer)).digest() }),
            ),
            attribute('1.2.840.113549.1.9.16.2.47', signingCertificateV2),
          ],
        }),
      }),
    ],
    ...(options.embedCertificate === false ? {} : { certificates: [tsa.tsa] }),
  });
  await signedData.sign(tsa.tsaKey, 0, 'SHA-256', undefined, engine);
  const token = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signedData.toSchema(true) });
  if (!options.asResponse) return Buffer.from(token.toSchema().toBER());
  const response = new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }), timeStampToken: token });
  return Buffer.from(response.toSchema().toBER());
}
