// Ed25519 keys and signatures over the canonical manifest, with Node's own crypto. Keys are PEM: PKCS#8
// for the private key, SPKI for the public key; a key is named by the SHA-256 of its SPKI DER.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { sha256 } from './hashing';

export const SignatureFile = z.object({
  algorithm: z.literal('Ed25519'),
  /** SHA-256 of the public key's SPKI DER, hex: what the trust store and reports name. */
  key_fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  public_key_pem: z.string(),
  /** Base64 Ed25519 signature over the RFC 8785 canonical manifest bytes. */
  signature: z.string(),
});
export type SignatureFile = z.infer<typeof SignatureFile>;

export class KeyError extends Error {}

function keyKind(key: KeyObject): string {
  const type = key.asymmetricKeyType;
  // Spelled as read aloud: an RSA, an EC, an Ed448 key; a DSA, a DH key.
  return type ? `${/^[aefhilmnorsx]/i.test(type) ? 'an' : 'a'} ${type.toUpperCase()} key` : 'a key of an unknown type';
}

export function generateSigningKey(): { privatePem: string; publicPem: string; fingerprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: keyFingerprint(publicKey),
  };
}

export function keyFingerprint(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).toString('hex');
}

/** Reads an Ed25519 private key; anything else (RSA, a public key, garbage) is a KeyError saying what it is. */
export function loadPrivateKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new KeyError(`${source}: not a PEM private key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyError(`${source}: ${keyKind(key)}, but bundles are signed with Ed25519 (make one with causa keygen)`);
  }
  return key;
}

export function loadPublicKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new KeyError(`${source}: not a PEM public key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyError(`${source}: ${keyKind(key)}, not Ed25519`);
  return key;
}

export function signManifest(canonical: Buffer, privateKey: KeyObject): SignatureFile {
  const publicKey = createPublicKey(privateKey);
  return {
    algorithm: 'Ed25519',
    key_fingerprint: keyFingerprint(publicKey),
    public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    signature: sign(null, canonical, privateKey).toString('base64'),
  };
}

/** Checks the signature against the key it names; whether that key is trusted is the caller's question. */
export function checkSignature(canonical: Buffer, file: SignatureFile): { valid: boolean; fingerprint: string; reason?: string } {
  let publicKey: KeyObject;
  try {
    publicKey = loadPublicKey(file.public_key_pem, 'signature');
  } catch (error) {
    return { valid: false, fingerprint: file.key_fingerprint, reason: (error as Error).message };
  }
  const fingerprint = keyFingerprint(publicKey);
  if (fingerprint !== file.key_fingerprint) {
    return { valid: false, fingerprint, reason: `the signature names key ${file.key_fingerprint} but carries key ${fingerprint}` };
  }
  const valid = verify(null, canonical, publicKey, Buffer.from(file.signature, 'base64'));
  return valid ? { valid, fingerprint } : { valid, fingerprint, reason: 'the signature does not match the manifest' };
}
