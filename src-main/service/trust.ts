// The analyst's trust store: the signing keys whose bundles they accept as coming from who they say.
// One JSON file in the user's Causa folder ($CAUSA_HOME, else ~/.config/causa): fingerprints with the
// public key and a label. Only a key in here makes a valid signature "trusted".
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { keyFingerprint, loadPublicKey } from '../core/bundle/signing';
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
  try {
    const key = loadPublicKey(pem, file);
    return { fingerprint: keyFingerprint(key), pem: key.export({ type: 'spki', format: 'pem' }).toString() };
  } catch (error) {
    throw new ServiceError('invalid_input', (error as Error).message);
  }
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
    throw new ServiceError('not_found', `${fingerprint}: ${matches.length === 0 ? 'no trusted key has this fingerprint' : 'more than one trusted key starts with this'}`);
  }
  await save(path, keys.filter((k) => k !== matches[0]));
  return matches[0]!;
}
