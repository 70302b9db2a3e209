// The analyst's trust store: the signing keys whose bundles they accept as coming from who they say.
// One JSON file in the user's Causa folder ($CAUSA_HOME, else ~/.config/causa): fingerprints with the
// public key and a label. Only a key in here makes a valid signature "trusted".
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { generateSigningKey, keyFingerprint, loadPrivateKey, loadPublicKey } from '../core/bundle/signing';
import { ServiceError } from '../shared/errors';

const TrustedKey = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  label: z.string(),
  public_key_pem: z.string(),
  added_at: z.string(),
});
export type TrustedKey = z.infer<typeof TrustedKey>;

const TrustFile = z.object({ version: z.literal(1), keys: z.array(TrustedKey) });

export function trustStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.CAUSA_HOME ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'causa');
  return join(home, 'trust.json');
}

/**
 * The installation's own Ed25519 key, beside the trust store: it signs the seal of every source this
 * installation imports and every journal head it writes (docs/threat-model.md). Created on first use,
 * readable by its owner only; it never goes into a case, a bundle or a report (only its public half does).
 */
export function installationKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(trustStorePath(env)), 'installation-key.pem');
}

export interface InstallationKey {
  path: string;
  fingerprint: string;
  privateKey: KeyObject;
  publicPem: string;
}

const installationKeys = new Map<string, InstallationKey>();

/** Loads the installation key, creating it (mode 0600, never overwriting one) when there is none yet. */
export function installationKey(path = installationKeyPath()): InstallationKey {
  const cached = installationKeys.get(path);
  if (cached) return cached;
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      // 'wx': of two processes creating it at once, one writes and both then read the one written.
      writeFileSync(path, generateSigningKey().privatePem, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ServiceError('io', `${path}: cannot create the installation key (${(error as Error).message})`);
      }
    }
  }
  let privateKey: KeyObject;
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    privateKey = loadPrivateKey(readFileSync(path, 'utf8'), path);
  } catch (error) {
    throw new ServiceError('io', `${path}: not a usable installation key (${(error as Error).message})`);
  }
  const publicKey = createPublicKey(privateKey);
  const key = {
    path,
    fingerprint: keyFingerprint(publicKey),
    privateKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  installationKeys.set(path, key);
  return key;
}

/** The fingerprint of the installation key, if one was made already (listing does not create it). */
export function installationKeyFingerprint(path = installationKeyPath()): string | undefined {
  return existsSync(path) ? installationKey(path).fingerprint : undefined;
}

/**
 * The keys whose case seals and journal heads this installation accepts: its own key and every key of
 * the trust store (a case sealed on a colleague's machine verifies here once their key is trusted).
 */
export async function sealTrustedKeys(): Promise<Set<string>> {
  const keys = new Set((await listTrustedKeys()).map((key) => key.fingerprint));
  keys.add(installationKey().fingerprint);
  return keys;
}

export async function listTrustedKeys(path = trustStorePath()): Promise<TrustedKey[]> {
  if (!existsSync(path)) return [];
  let parsed;
  try {
    parsed = TrustFile.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new ServiceError('io', `${path}: not a Causa trust store (${(error as Error).message.split('\n')[0]})`);
  }
  return parsed.keys;
}

let cached: { path: string; mtimeMs: number; size: number; fingerprints: string[] } | undefined;

/**
 * The trusted fingerprints, read synchronously for the queries that re-read verdicts with today's trust
 * (cached while the file's mtime and size stay). An unreadable store trusts nothing rather than failing a
 * listing; `causa trust list` names what is wrong with it.
 */
export function trustedFingerprintsNow(path = trustStorePath()): string[] {
  try {
    const info = statSync(path);
    if (cached?.path === path && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.fingerprints;
    const fingerprints = TrustFile.parse(JSON.parse(readFileSync(path, 'utf8'))).keys.map((k) => k.fingerprint);
    cached = { path, mtimeMs: info.mtimeMs, size: info.size, fingerprints };
    return fingerprints;
  } catch {
    return [];
  }
}

async function save(path: string, keys: TrustedKey[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.partial`;
  await writeFile(temporary, `${JSON.stringify({ version: 1, keys }, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

/** Reads a public key file and names it; a private key file is accepted too (only its public half is kept). */
export async function readPublicKeyFile(file: string): Promise<{ fingerprint: string; pem: string }> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw new ServiceError('io', `${file}: cannot read the key (${(error as Error).message})`);
  }
  const key = loadPublicKey(pem, file);
  return { fingerprint: keyFingerprint(key), pem: key.export({ type: 'spki', format: 'pem' }).toString() };
}

export async function addTrustedKey(file: string, label: string | undefined, path = trustStorePath()): Promise<TrustedKey> {
  const { fingerprint, pem } = await readPublicKeyFile(file);
  return addTrustedPem(fingerprint, pem, label ?? file, path);
}

/** Trusts a public key given as PEM (from a bundle's signature file, once the analyst chose to trust it). */
export async function addTrustedPem(fingerprint: string, pem: string, label: string, path = trustStorePath()): Promise<TrustedKey> {
  const key = loadPublicKey(pem, label);
  if (keyFingerprint(key) !== fingerprint) throw new ServiceError('invalid_input', `${label}: the key's fingerprint is not ${fingerprint}`);
  const keys = await listTrustedKeys(path);
  const existing = keys.find((k) => k.fingerprint === fingerprint);
  if (existing) return existing;
  const added = { fingerprint, label, public_key_pem: pem, added_at: new Date().toISOString() };
  await save(path, [...keys, added]);
  return added;
}

/** Removes by fingerprint (or a unique prefix of at least 8 hex digits). */
export async function removeTrustedKey(fingerprint: string, path = trustStorePath()): Promise<TrustedKey> {
  const keys = await listTrustedKeys(path);
  const matches = fingerprint.length >= 8 ? keys.filter((k) => k.fingerprint.startsWith(fingerprint.toLowerCase())) : [];
  if (matches.length !== 1) {
    throw new ServiceError(
      'not_found',
      `${fingerprint}: ${matches.length === 0 ? 'no trusted key has this fingerprint' : 'more than one trusted key starts with this'}`,
    );
  }
  await save(
    path,
    keys.filter((k) => k !== matches[0]),
  );
  return matches[0]!;
}
