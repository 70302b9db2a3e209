// The RFC 3161 request an analyst sends to their TSA to timestamp a sealed bundle (docs/bundle-format.md
// "Timestamp: manifest.tsr"). The token must cover the canonical manifest, which exists only once the
// bundle is sealed, so timestamping is a step after sealing: the TSA's reply is dropped in as manifest.tsr.
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';

/**
 * A DER TimeStampReq for the SHA-256 of the canonical manifest bytes, asking for the TSA's certificate
 * in the token (certReq) and carrying a random 64-bit nonce, as `openssl ts -query -sha256 -cert` does.
 */
export function timestampRequestFor(canonicalManifest: Uint8Array): Buffer {
  const digest = createHash('sha256').update(canonicalManifest).digest();
  const nonce = randomBytes(8);
  // A positive INTEGER in minimal DER: the first byte is neither 0x00 nor has its top bit set.
  nonce[0] = (nonce[0]! & 0x7f) | 0x01;
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: Uint8Array.from(digest).buffer }),
    }),
    nonce: new asn1js.Integer({ valueHex: Uint8Array.from(nonce).buffer }),
    certReq: true,
  });
  return Buffer.from(request.toSchema().toBER());
}
