// RFC 3161 timestamp tokens (docs/design.md "Verification verdicts", docs/bundle-format.md "Timestamp:
// manifest.tsr"). The DER is read by pkijs/asn1js and every signature is checked with Node's WebCrypto;
// this file only composes their checks and names what failed. Three checks, each reported:
//   imprint   — the token's message imprint is the hash of the data (or of the digest given);
//   signature — the CMS signature verifies with the signer certificate, over signed attributes whose
//               messageDigest is the TSTInfo's hash and whose ESS signingCertificate names that certificate;
//   chain     — the signer certificate chains to a certificate the analyst provided, carries the critical
//               id-kp-timeStamping extended key usage, and every certificate on the path was valid at genTime.
// Certificates inside the token may serve as intermediates, never as anchors: anyone can put any
// certificate into a token. Revocation is not checked (verification runs offline).
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export type { TimestampStatus } from '../../shared/verdict';
import type { TimestampStatus } from '../../shared/verdict';

export interface TimestampVerdict {
  /**
   * valid: all three checks hold. invalid: the imprint or the signature is wrong (or the token is dated
   * after the verification time). untrusted: imprint and signature hold as far as they can be checked,
   * but no path leads to an anchor (or the signer certificate is unknown). unparseable: not a timestamp.
   */
  status: TimestampStatus;
  /** The TSA's genTime, RFC 3339 UTC. */
  gen_time?: string;
  /** The message imprint's hash: sha256, sha384, sha512 (or the OID of another). */
  hash_algorithm?: string;
  /** The signer certificate's subject, when the signer is known. */
  tsa?: string;
  /** The TSTInfo serial number: hex of the DER INTEGER's bytes. */
  serial?: string;
  /** The TSA policy OID. */
  policy?: string;
  /** Why the status is not valid: the first check that failed. */
  reason?: string;
  checks: { imprint: boolean; signature: boolean; chain: boolean };
}

export interface TimestampOptions {
  /** PEM text, each holding one or more certificates; every certificate given is a trust anchor. */
  trustAnchorsPem: string[];
  /**
   * The time of verification (default now): a token dated after it (beyond CLOCK_SKEW_MS) is invalid.
   * Chains are judged at genTime, not at this time.
   */
  at?: Date;
}

export type ImprintHash = 'sha256' | 'sha384' | 'sha512';

/** A digest of the timestamped data, for when only the digest is known. */
export interface DataDigest {
  algorithm: ImprintHash;
  value: Uint8Array;
}

/** A trust anchor that is not a certificate: the analyst's input is wrong, not the evidence. */
export class TrustAnchorError extends Error {}

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  rsaEncryption: '1.2.840.113549.1.1.1',
  subjectKeyIdentifier: '2.5.29.14',
  extKeyUsage: '2.5.29.37',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

const HASH_BY_OID: Record<string, 'sha1' | ImprintHash> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const WEBCRYPTO_HASH: Record<ImprintHash, string> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
const SHA256_OID = '2.16.840.1.101.3.4.2.1';

/** pkijs on Node's own WebCrypto, passed explicitly to every call that verifies. */
const engine = new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as Crypto });
pkijs.setEngine('node-webcrypto', engine);

const NO_CHECKS = { imprint: false, signature: false, chain: false };

/** How far a TSA's clock may run ahead of the verifier's before its token counts as dated in the future. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Verifies `token` (a TimeStampResp or a bare TimeStampToken) over `data`, the exact bytes timestamped. */
export async function verifyTimestampToken(token: Uint8Array, data: Uint8Array, options: TimestampOptions): Promise<TimestampVerdict> {
  return verifyToken(token, (algorithm) => ({ value: createHash(algorithm).update(data).digest() }), options);
}

/** The same checks when only a digest of the data is known (a TimeStampReq's imprint, say). */
export async function verifyTimestampTokenForDigest(
  token: Uint8Array,
  digest: DataDigest,
  options: TimestampOptions,
): Promise<TimestampVerdict> {
  return verifyToken(
    token,
    (algorithm) =>
      algorithm === digest.algorithm
        ? { value: digest.value }
        : { reason: `the token's imprint is a ${algorithm} hash, but the digest given is ${digest.algorithm}` },
    options,
  );
}

type ImprintOf = (algorithm: ImprintHash) => { value: Uint8Array; reason?: undefined } | { value?: undefined; reason: string };

async function verifyToken(token: Uint8Array, imprintOf: ImprintOf, options: TimestampOptions): Promise<TimestampVerdict> {
  const anchors = options.trustAnchorsPem.flatMap((pem, i) => certificatesFromPem(pem, `trust anchor ${i + 1}`));
  const parsed = parseToken(token);
  if ('reason' in parsed) return { status: 'unparseable', reason: parsed.reason, checks: { ...NO_CHECKS } };
  const { signedData, tstInfo, eContent } = parsed;
  const genTime = tstInfo.genTime;
  const imprintAlgorithm = tstInfo.messageImprint.hashAlgorithm.algorithmId;
  const verdict: TimestampVerdict = {
    status: 'valid',
    gen_time: rfc3339(genTime),
    hash_algorithm: HASH_BY_OID[imprintAlgorithm] ?? imprintAlgorithm,
    serial: Buffer.from(tstInfo.serialNumber.valueBlock.valueHexView).toString('hex'),
    policy: tstInfo.policy,
    checks: { ...NO_CHECKS },
  };
  const reasons: { imprint?: string; signature?: string; chain?: string } = {};

  const algorithm = HASH_BY_OID[imprintAlgorithm];
  if (algorithm === undefined || algorithm === 'sha1') {
    reasons.imprint = `the message imprint uses ${verdict.hash_algorithm}; only sha256, sha384 and sha512 are accepted`;
  } else {
    const expected = imprintOf(algorithm);
    const hashed = tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView;
    verdict.checks.imprint = expected.value !== undefined && Buffer.from(hashed).equals(Buffer.from(expected.value));
    if (!verdict.checks.imprint)
      reasons.imprint = expected.reason ?? `the message imprint is not the ${algorithm} of the data: the token covers other bytes`;
  }

  const tokenCerts = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const signature = await checkSignature(signedData, eContent, [...tokenCerts, ...anchors]).catch((error: Error): SignatureCheck => ({
    ok: false,
    reason: `the signature cannot be checked: ${error.message}`,
  }));
  verdict.checks.signature = signature.ok;
  if (signature.reason) reasons.signature = signature.reason;
  if (signature.signer) {
    verdict.tsa = subjectOf(signature.signer);
    const chain = await checkChain(signature.signer, tokenCerts, anchors, genTime);
    verdict.checks.chain = chain.ok;
    if (chain.reason) reasons.chain = chain.reason;
  } else {
    reasons.chain = 'the signer certificate is unknown';
  }

  const at = options.at ?? new Date();
  if (!verdict.checks.imprint) setStatus(verdict, 'invalid', reasons.imprint);
  else if (!verdict.checks.signature && signature.signer) setStatus(verdict, 'invalid', reasons.signature);
  else if (genTime.getTime() > at.getTime() + CLOCK_SKEW_MS)
    setStatus(verdict, 'invalid', `the token is dated ${verdict.gen_time}, after the verification time ${rfc3339(at)}`);
  else if (!signature.signer) setStatus(verdict, 'untrusted', reasons.signature);
  else if (!verdict.checks.chain) setStatus(verdict, 'untrusted', reasons.chain);
  return verdict;
}

function setStatus(verdict: TimestampVerdict, status: TimestampStatus, reason: string | undefined): void {
  verdict.status = status;
  if (reason) verdict.reason = reason;
}

function rfc3339(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** A fresh ArrayBuffer: pkijs rewrites a tag byte of the signed attributes in the buffer it parses. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return Uint8Array.from(bytes).buffer;
}

/** One whole DER/BER value; undefined if the bytes are not one (or carry bytes after it). */
function parseAsn1(bytes: Uint8Array): asn1js.AsnType | undefined {
  const parsed = asn1js.fromBER(ownBuffer(bytes));
  if (parsed.offset === -1 || parsed.offset !== bytes.byteLength) return undefined;
  return parsed.result;
}

interface ParsedToken {
  signedData: pkijs.SignedData;
  tstInfo: pkijs.TSTInfo;
  /** The encapsulated TSTInfo's DER, which the signed messageDigest covers. */
  eContent: ArrayBuffer;
}

function parseToken(token: Uint8Array): ParsedToken | { reason: string } {
  const root = parseAsn1(token);
  if (!root) return { reason: 'not DER: not one ASN.1 value' };
  let contentInfo: pkijs.ContentInfo;
  const first = root instanceof asn1js.Sequence ? root.valueBlock.value[0] : undefined;
  try {
    if (first instanceof asn1js.ObjectIdentifier) {
      contentInfo = new pkijs.ContentInfo({ schema: root });
    } else {
      const response = new pkijs.TimeStampResp({ schema: root });
      const status = response.status.status;
      if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
        const text = response.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
        return { reason: `a TimeStampResp in which the TSA refused (PKIStatus ${status}${text ? `: ${text}` : ''}); it holds no token` };
      }
      if (!response.timeStampToken) return { reason: 'a TimeStampResp without a token' };
      contentInfo = response.timeStampToken;
    }
  } catch {
    return { reason: 'neither a TimeStampResp nor a TimeStampToken (CMS ContentInfo)' };
  }
  if (contentInfo.contentType !== OID.signedData) return { reason: `a CMS ContentInfo of type ${contentInfo.contentType}, not SignedData` };
  let signedData: pkijs.SignedData;
  try {
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch {
    return { reason: 'the CMS SignedData does not parse' };
  }
  const encap = signedData.encapContentInfo;
  if (encap.eContentType !== OID.tstInfo) return { reason: `the SignedData holds ${encap.eContentType}, not a TSTInfo` };
  if (!encap.eContent) return { reason: 'the SignedData holds no TSTInfo' };
  const eContent = encap.eContent.getValue();
  const tstRoot = parseAsn1(new Uint8Array(eContent));
  try {
    if (!tstRoot) throw new Error('not DER');
    return { signedData, tstInfo: new pkijs.TSTInfo({ schema: tstRoot }), eContent };
  } catch {
    return { reason: 'the TSTInfo does not parse' };
  }
}

/** Every certificate in PEM text; a TrustAnchorError if there is none or one does not parse. */
export function certificatesFromPem(pem: string, source: string): pkijs.Certificate[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) throw new TrustAnchorError(`${source}: no PEM certificate in it`);
  return blocks.map((block, i) => {
    const der = Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64');
    const root = parseAsn1(der);
    try {
      if (!root) throw new Error('not DER');
      return new pkijs.Certificate({ schema: root });
    } catch {
      throw new TrustAnchorError(`${source}: certificate ${i + 1} does not parse`);
    }
  });
}

/**
 * Trust anchors as read from a file: PEM (one or more certificates) or a single DER certificate, as some
 * TSAs publish their roots. Returns PEM text for `trustAnchorsPem`; a TrustAnchorError names the file.
 */
export function trustAnchorPem(file: Uint8Array, source: string): string {
  const text = Buffer.from(file).toString('latin1');
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    certificatesFromPem(text, source);
    return text;
  }
  const root = parseAsn1(file);
  try {
    if (!root) throw new Error('not DER');
    new pkijs.Certificate({ schema: root });
  } catch {
    throw new TrustAnchorError(`${source}: neither a PEM nor a DER certificate`);
  }
  const base64 = Buffer.from(file).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

function derOf(certificate: pkijs.Certificate): Buffer {
  return Buffer.from(certificate.toSchema().toBER());
}

function sameCertificate(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return derOf(a).equals(derOf(b));
}

function subjectOf(certificate: pkijs.Certificate): string {
  try {
    return new X509Certificate(derOf(certificate)).subject.split('\n').join(', ');
  } catch {
    // A certificate pkijs reads but OpenSSL does not: name it by its attribute OIDs.
    return certificate.subject.typesAndValues.map((tv) => `${tv.type}=${String(tv.value.valueBlock.value)}`).join(', ');
  }
}

function bytesOf(value: asn1js.AsnType | undefined): Buffer | undefined {
  return value instanceof asn1js.OctetString ? Buffer.from(value.valueBlock.valueHexView) : undefined;
}

/** The signer named by the SignerInfo's sid: issuer and serial, or subject key identifier. */
function findSigner(signerInfo: pkijs.SignerInfo, candidates: pkijs.Certificate[]): pkijs.Certificate | undefined {
  const sid = signerInfo.sid as unknown;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return candidates.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  }
  // [0] SubjectKeyIdentifier, implicitly tagged (or, from some encoders, a constructed wrapper).
  let keyBlock = sid;
  if (keyBlock instanceof asn1js.Constructed) keyBlock = keyBlock.valueBlock.value[0];
  if (!(keyBlock instanceof asn1js.BaseBlock)) return undefined;
  const keyId = Buffer.from((keyBlock as asn1js.Primitive).valueBlock.valueHexView ?? []);
  return candidates.find((candidate) => {
    const ski = candidate.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier)?.parsedValue as asn1js.OctetString | undefined;
    const id = ski
      ? Buffer.from(ski.valueBlock.valueHexView)
      : createHash('sha1').update(candidate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
    return id.equals(keyId);
  });
}

/** The certificate hash in the first ESSCertID(v2) of a signingCertificate(V2) attribute (RFC 2634, RFC 5035). */
function essCertHash(attribute: pkijs.Attribute): { algorithm: string; hash: Buffer } | undefined {
  const certs = (attribute.values[0] as asn1js.Sequence | undefined)?.valueBlock?.value?.[0];
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) return undefined;
  const [head, next] = first.valueBlock.value;
  if (attribute.type === OID.signingCertificate) {
    const hash = bytesOf(head);
    return hash ? { algorithm: 'sha1', hash } : undefined;
  }
  // ESSCertIDv2: hashAlgorithm DEFAULT sha256, then certHash.
  if (head instanceof asn1js.Sequence) {
    let algorithmId: string;
    try {
      algorithmId = new pkijs.AlgorithmIdentifier({ schema: head }).algorithmId;
    } catch {
      return undefined;
    }
    const hash = bytesOf(next);
    return hash ? { algorithm: HASH_BY_OID[algorithmId] ?? algorithmId, hash } : undefined;
  }
  const hash = bytesOf(head);
  return hash ? { algorithm: HASH_BY_OID[SHA256_OID]!, hash } : undefined;
}

interface SignatureCheck {
  ok: boolean;
  /** The certificate named by the SignerInfo, when it is in the token or among the anchors. */
  signer?: pkijs.Certificate;
  reason?: string;
}

async function checkSignature(
  signedData: pkijs.SignedData,
  eContent: ArrayBuffer,
  candidates: pkijs.Certificate[],
): Promise<SignatureCheck> {
  if (signedData.signerInfos.length !== 1) {
    return { ok: false, reason: `the token has ${signedData.signerInfos.length} signers; a timestamp token has exactly one, the TSA` };
  }
  const signerInfo = signedData.signerInfos[0]!;
  const signer = findSigner(signerInfo, candidates);
  if (!signer) {
    return {
      ok: false,
      reason: "the token does not carry its signer's certificate and no certificate provided is it, so its signature cannot be checked",
    };
  }
  const fail = (reason: string): SignatureCheck => ({ ok: false, signer, reason });
  const digestAlgorithm = HASH_BY_OID[signerInfo.digestAlgorithm.algorithmId];
  if (digestAlgorithm === undefined || digestAlgorithm === 'sha1') {
    return fail(`the signature's digest algorithm ${digestAlgorithm ?? signerInfo.digestAlgorithm.algorithmId} is not accepted`);
  }
  const attributes = signerInfo.signedAttrs?.attributes;
  if (!attributes) return fail('the signature has no signed attributes, so nothing binds it to the TSTInfo');
  const attribute = (type: string) => attributes.find((a) => a.type === type);
  const contentType = attribute(OID.contentType)?.values[0];
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== OID.tstInfo) {
    return fail('the signed content-type attribute is missing or is not TSTInfo');
  }
  const signedDigest = bytesOf(attribute(OID.messageDigest)?.values[0]);
  if (!signedDigest) return fail('the signed message-digest attribute is missing');
  if (!signedDigest.equals(createHash(digestAlgorithm).update(new Uint8Array(eContent)).digest())) {
    return fail('the signed message digest does not match the TSTInfo: the TSTInfo was altered');
  }
  const ess = attribute(OID.signingCertificateV2) ?? attribute(OID.signingCertificate);
  const named = ess ? essCertHash(ess) : undefined;
  if (!named) return fail('the signed signingCertificate attribute (ESSCertID) is missing or unreadable');
  if (named.algorithm !== 'sha1' && !(named.algorithm in WEBCRYPTO_HASH))
    return fail(`the ESSCertID hash ${named.algorithm} is not supported`);
  if (!createHash(named.algorithm).update(derOf(signer)).digest().equals(named.hash)) {
    return fail('the signingCertificate attribute names another certificate than the one that verifies the signature');
  }
  let verified: boolean;
  try {
    // With rsaEncryption as the signature algorithm, the hash comes from the digest algorithm.
    const hash = signerInfo.signatureAlgorithm.algorithmId === OID.rsaEncryption ? WEBCRYPTO_HASH[digestAlgorithm] : undefined;
    verified = await engine.verifyWithPublicKey(
      signerInfo.signedAttrs!.encodedValue,
      signerInfo.signature,
      signer.subjectPublicKeyInfo,
      signerInfo.signatureAlgorithm,
      hash,
    );
  } catch (error) {
    return fail(`the signature cannot be checked: ${(error as Error).message}`);
  }
  return verified ? { ok: true, signer } : fail('the signature does not verify with the signer certificate');
}

function validAt(certificate: pkijs.Certificate, time: Date): boolean {
  return certificate.notBefore.value.getTime() <= time.getTime() && time.getTime() <= certificate.notAfter.value.getTime();
}

async function checkChain(
  signer: pkijs.Certificate,
  tokenCerts: pkijs.Certificate[],
  anchors: pkijs.Certificate[],
  genTime: Date,
): Promise<{ ok: boolean; reason?: string }> {
  const tsa = subjectOf(signer);
  const eku = signer.extensions?.find((e) => e.extnID === OID.extKeyUsage);
  const purposes = eku?.parsedValue instanceof pkijs.ExtKeyUsage ? eku.parsedValue.keyPurposes : [];
  if (!purposes.includes(OID.timeStamping))
    return { ok: false, reason: `the certificate of ${tsa} is not for timestamping (no id-kp-timeStamping extended key usage)` };
  if (!eku!.critical)
    return { ok: false, reason: `the certificate of ${tsa} has a timestamping extended key usage that is not critical (RFC 3161 §2.3)` };
  if (!validAt(signer, genTime))
    return { ok: false, reason: `the certificate of ${tsa} was not valid at the token's time ${rfc3339(genTime)}` };
  if (anchors.length === 0) return { ok: false, reason: 'no TSA trust anchor was provided' };
  // The analyst may trust the TSA's own certificate directly.
  if (anchors.some((anchor) => sameCertificate(anchor, signer))) return { ok: true };
  // pkijs takes the last of `certs` as the leaf and drops duplicates of trusted certificates, so the token's
  // certificates go in without the signer or any anchor, and the signer last.
  const intermediates: pkijs.Certificate[] = [];
  for (const cert of tokenCerts) {
    if ([signer, ...anchors, ...intermediates].some((known) => sameCertificate(known, cert))) continue;
    intermediates.push(cert);
  }
  const chainEngine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: anchors,
    certs: [...intermediates, signer],
    checkDate: genTime,
  });
  let result: { result: boolean; resultMessage?: string };
  try {
    result = await chainEngine.verify({}, engine);
  } catch (error) {
    result = {
      result: false,
      resultMessage: (error as { resultMessage?: string; message?: string }).resultMessage ?? (error as Error).message,
    };
  }
  if (result.result) return { ok: true };
  return {
    ok: false,
    reason: `the certificate of ${tsa} does not chain to a trusted anchor at ${rfc3339(genTime)}: ${result.resultMessage || 'no path'}`,
  };
}
