// Evidence bundles for the CLI and the app: make a key, seal a folder, write a sample incident, verify.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostname, userInfo } from 'node:os';
import { openBundleFiles, writeBundleFiles } from '../core/bundle/files';
import { resolveLimits, type Limits } from './limits';
import { readSourceFolder, sealSources, type RawSource, type SealOptions } from '../core/bundle/seal';
import { generateSigningKey, keyFingerprint, loadPrivateKey } from '../core/bundle/signing';
import { detectFormat, PROBE_BYTES } from '../core/ingest';
import { inc0047Sources, materialized, stagingApolloSources, type SampleSource, type StreamedSampleSource } from '../core/sample';
import { writeSealedBundle } from '../core/bundle/seal-stream';
import { verdictPasses, verifyBundle, type BundleVerdict } from '../core/verify/bundle';
import { trustAnchorPem } from '../core/verify/timestamp';

export type { BundleVerdict };
export { verdictPasses };
import { ServiceError } from '../shared/errors';
import { CAUSA_VERSION } from '../shared/version';
import { listTrustedKeys, readPublicKeyFile } from './trust';

/** Names a source's format and layout from its content, as the importers would detect them. */
export function detectRecordType(
  content: Buffer,
): string | { type: string; layout: 'lines' | 'document'; patterns?: readonly (readonly string[])[] } {
  const detected = detectFormat(content.subarray(0, PROBE_BYTES));
  if (!detected.ok) return 'unknown';
  if (detected.layout.kind === 'lines') return { type: detected.format.name, layout: 'lines' };
  // A document's records, and the context values they are read with, are sealed value by value; a
  // document that is one record (a single object) is sealed whole as before.
  const layout = detected.layout;
  const patterns = [...layout.patterns, ...(layout.context?.values ?? [])].filter((pattern) => pattern.length > 0);
  return { type: detected.format.name, layout: 'document', ...(patterns.length > 0 ? { patterns } : {}) };
}

async function readKey(path: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    throw new ServiceError('io', `${path}: cannot read the key (${(error as Error).message})`);
  }
  return loadPrivateKey(pem, path);
}

function creator(): { tool: string; version: string; user?: string; host?: string } {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = undefined;
  }
  return { tool: 'causa', version: CAUSA_VERSION, ...(user ? { user } : {}), host: hostname() };
}

/** `causa keygen`: writes KEY.pem (private, mode 0600) and KEY.pub.pem; refuses to overwrite either. */
export async function makeKey(out: string): Promise<{ private_key: string; public_key: string; fingerprint: string }> {
  const publicPath = out.replace(/\.pem$/, '') + '.pub.pem';
  for (const path of [out, publicPath]) {
    if (existsSync(path)) throw new ServiceError('io', `${path}: already exists; choose a new name`);
  }
  const key = generateSigningKey();
  await writeFile(out, key.privatePem, { mode: 0o600, flag: 'wx' });
  await writeFile(publicPath, key.publicPem, { flag: 'wx' });
  return { private_key: out, public_key: publicPath, fingerprint: key.fingerprint };
}

export interface SealRequest {
  source: string;
  out: string;
  key?: string;
  title?: string;
  incident?: string;
}

/** `causa seal`: every file under the folder, chained, hashed and optionally signed, written as a bundle. */
export async function sealFolder(request: SealRequest): Promise<{ out: string; sources: number; signed_by?: string }> {
  if (existsSync(request.out)) throw new ServiceError('io', `${request.out}: already exists; choose a new output path`);
  const key = request.key ? await readKey(request.key) : undefined;
  let read;
  try {
    read = await readSourceFolder(request.source);
  } catch (error) {
    throw new ServiceError('io', (error as Error).message);
  }
  const caseInfo = {
    ...read.case,
    ...(request.incident ? { incident_id: request.incident } : {}),
    ...(request.title ? { title: request.title } : {}),
  };
  const files = sealBundleOrFail(read.sources, {
    case: caseInfo,
    createdAt: new Date().toISOString(),
    creator: creator(),
    ...(key ? { key } : {}),
    detectType: detectRecordType,
  });
  await writeBundleFiles(request.out, files).catch((error: Error) => {
    throw new ServiceError('io', error.message);
  });
  return { out: request.out, sources: read.sources.length, ...(key ? { signed_by: fingerprintOf(key) } : {}) };
}

/** Seals sources made in memory (a live capture) into a bundle at `out`, unsigned unless a key is given. */
export async function sealRawSources(
  sources: RawSource[],
  out: string,
  options: { case: NonNullable<SealOptions['case']>; capture: NonNullable<SealOptions['capture']>; key?: string; createdAt: string },
): Promise<{ out: string; sources: number; signed_by?: string }> {
  const key = options.key ? await readKey(options.key) : undefined;
  const files = sealBundleOrFail(sources, {
    case: options.case,
    capture: options.capture,
    createdAt: options.createdAt,
    creator: creator(),
    ...(key ? { key } : {}),
    detectType: detectRecordType,
  });
  await writeBundleFiles(out, files).catch((error: Error) => {
    throw new ServiceError('io', error.message);
  });
  return { out, sources: sources.length, ...(key ? { signed_by: fingerprintOf(key) } : {}) };
}

function sealBundleOrFail(sources: RawSource[], options: Parameters<typeof sealSources>[1]): Map<string, Buffer> {
  try {
    return sealSources(sources, options);
  } catch (error) {
    throw new ServiceError('invalid_input', (error as Error).message);
  }
}

function fingerprintOf(privateKey: KeyObject): string {
  return keyFingerprint(createPublicKey(privateKey));
}

export const SAMPLES = {
  'inc-0047': {
    incident_id: 'INC-0047',
    title: 'api-service outage',
    cluster: 'prod-eu-1',
    summary:
      'An AI agent, asked by a developer, updated api-service to an image whose memory limit was too low; every replica was OOMKilled into CrashLoopBackOff until the developer had it rolled back.',
    window: { start: '2025-04-03T14:25:00Z', end: '2025-04-03T15:00:00Z' },
  },
  'staging-apollo': {
    incident_id: 'INC-2847',
    title: 'staging-apollo autoscaler removal',
    cluster: 'staging-eu-1',
    summary:
      'An AI agent, asked by a developer to remove an unused autoscaler, deleted the HPA apollo in the middle of a scale-up; the hpa-protect policy only audited the delete, and the pods were overwhelmed until an SRE re-created the HPA.',
    window: { start: '2025-04-17T13:50:00Z', end: '2025-04-17T14:30:00Z' },
  },
} as const;

/** Each sample's sources, its audit log (the one `--events` scales) as a stream of lines. */
const SAMPLE_SOURCES: Record<SampleName, (options: { events?: number }) => (SampleSource | StreamedSampleSource)[]> = {
  'inc-0047': inc0047Sources,
  'staging-apollo': stagingApolloSources,
};
export type SampleName = keyof typeof SAMPLES;

export function isSampleName(name: string): name is SampleName {
  return Object.hasOwn(SAMPLES, name);
}

/**
 * The project's `resources/` folder: beside the sources (tests, `src-main/service/`) or beside the built
 * bundle, which electron-vite may split into `out/main/chunks/`; so it is looked for upwards.
 */
function resourceFile(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up += 1) {
    const candidate = join(dir, 'resources', relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new ServiceError('io', `resources/${relative}: not found beside Causa (${fileURLToPath(import.meta.url)})`);
}

const SAMPLE_KEY = (): string => resourceFile('keys/sample-ed25519.pem');

async function sampleSealOptions(name: SampleName): Promise<SealOptions> {
  const key = loadPrivateKey(await readFile(SAMPLE_KEY(), 'utf8'), 'the sample key');
  const meta = SAMPLES[name];
  return {
    case: { ...meta, window: { ...meta.window } },
    // Fixed, so that a sample is the same bundle, byte for byte, wherever it is generated.
    createdAt: meta.window.end,
    creator: { tool: 'causa sample', version: CAUSA_VERSION },
    key,
    detectType: detectRecordType,
  };
}

/** The sealed, signed bundle of a built-in sample incident, as files in memory (deterministic: same bytes every time). */
export async function sampleBundleFiles(name: SampleName, options: { events?: number } = {}): Promise<Map<string, Buffer>> {
  // Each source's type is given, not detected: the sample knows what it wrote.
  const sources: RawSource[] = materialized(SAMPLE_SOURCES[name](options.events ? { events: options.events } : {})).map((source) => ({
    path: source.path,
    type: source.type,
    data: Buffer.from(source.data, 'utf8'),
  }));
  return sealSources(sources, await sampleSealOptions(name));
}

/**
 * `causa sample`: writes a built-in incident as a bundle folder (or a .zip), the same bytes as
 * `sampleBundleFiles`; the audit log is written as it is made, so `--events 10000000` needs no more
 * memory than the default.
 */
export async function writeSample(name: SampleName, out: string, options: { events?: number } = {}): Promise<{ out: string }> {
  if (existsSync(out)) throw new ServiceError('io', `${out}: already exists; choose a new output path`);
  const sources = SAMPLE_SOURCES[name](options.events ? { events: options.events } : {}).map((source) =>
    'lines' in source ? source : { path: source.path, type: source.type, data: Buffer.from(source.data, 'utf8') },
  );
  await writeSealedBundle(out, sources, await sampleSealOptions(name));
  return { out };
}

/** A TSA trust anchor file (PEM, or one DER certificate) as PEM; unreadable or not a certificate is a ServiceError. */
async function readTsaAnchor(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ServiceError('io', `${path}: cannot read the TSA certificate (${(error as Error).message})`);
  }
  try {
    return trustAnchorPem(bytes, path);
  } catch (error) {
    throw new ServiceError('invalid_input', (error as Error).message);
  }
}

/**
 * `causa verify BUNDLE`: the verdicts; a path that is not a bundle is a ServiceError (the command cannot run).
 * `tsaAnchors` are certificate files whose every certificate is trusted to vouch for manifest.tsr's TSA.
 */
export async function verifyBundleAt(
  path: string,
  trust: string[],
  tsaAnchors: string[] = [],
  options: { requireSignature?: boolean; limits?: Limits } = {},
): Promise<BundleVerdict> {
  const limits = options.limits ?? resolveLimits();
  const oneOff = await Promise.all(trust.map(async (file) => (await readPublicKeyFile(file)).fingerprint));
  const stored = (await listTrustedKeys()).map((key) => key.fingerprint);
  const trustedKeys = new Set([...stored, ...oneOff]);
  const tsaAnchorsPem = await Promise.all(tsaAnchors.map(readTsaAnchor));
  // Whoever trusts a key, or names one for this check, expects a signature: then unsigned fails.
  const signatureExpected = options.requireSignature === true || trustedKeys.size > 0;
  return verifyBundle(await openBundleFiles(path, limits), { trustedKeys, tsaAnchorsPem, signatureExpected, limits });
}
