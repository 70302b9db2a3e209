// The bundle commands of `causa` through main(): sample, keygen, seal, verify, and import of a bundle,
// with the exit codes of docs/design.md (0 success, 1 the evidence failed a check, 2 the command could not run).
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { run } from '../support/cli';
import { keyFingerprint, loadPublicKey } from '../../src-main/core/bundle/signing';
import type { BundleVerdict } from '../../src-main/core/verify/bundle';
import type { ImportReport } from '../../src-main/shared/contract';
import type { EventJson } from '../../src-main/shared/model';

const SAMPLE_PUB = fileURLToPath(new URL('../../resources/keys/sample-ed25519.pub.pem', import.meta.url));
const SAMPLE_FINGERPRINT = '8fa1015f76523d02cd9b1c77852a2b0d035c266225be8ad75207c3edd564cae3';
const SAMPLE_RECORDS = 2036;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'causa-cli-bundles-'));
}

/** Every path under a folder with its bytes, to show that a refused command touched nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    out[full] = entry.isFile() ? readFileSync(full).toString('base64') : 'dir';
  }
  return out;
}

const auditLine = (i: number): string =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `a-${i}`,
    stage: 'ResponseComplete',
    verb: 'get',
    user: { username: 'alice' },
    requestReceivedTimestamp: `2025-04-03T14:30:0${i % 10}.000000Z`,
  });

function sourceFolder(): string {
  const src = join(tempDir(), 'evidence');
  mkdirSync(join(src, 'k8s-audit'), { recursive: true });
  writeFileSync(join(src, 'k8s-audit', 'audit.jsonl'), Array.from({ length: 6 }, (_, i) => `${auditLine(i)}\n`).join(''));
  return src;
}

async function keygen(dir: string): Promise<{ key: string; pub: string; fingerprint: string }> {
  const key = join(dir, 'k.pem');
  const result = await run('keygen', '-o', key, '--json');
  expect(result.code).toBe(0);
  const made = JSON.parse(result.stdout) as { private_key: string; public_key: string; fingerprint: string };
  return { key, pub: made.public_key, fingerprint: made.fingerprint };
}

describe('causa sample and verify', () => {
  it('a sample bundle verifies with the sample key trusted: exit 0, every record stream intact', async () => {
    const out = join(tempDir(), 'inc-0047');
    const sample = await run('sample', '-o', out);
    expect(sample).toMatchObject({ code: 0, stdout: `Wrote sample inc-0047 to ${out}\n`, stderr: '' });

    const text = await run('verify', out, '--trust', SAMPLE_PUB);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('INTACT: every file and record as sealed, and the seal signed by a key you trust');
    expect(text.stdout).toContain(`valid, key ${SAMPLE_FINGERPRINT} (trusted)`);

    const json = await run('verify', out, '--trust', SAMPLE_PUB, '--json');
    expect(json.code).toBe(0);
    const verdict = JSON.parse(json.stdout) as BundleVerdict;
    expect(verdict.intact).toBe(true);
    expect(verdict.problems).toEqual([]);
    expect(verdict.sources.length).toBeGreaterThan(0);
    // Record streams are chained and intact; the listings and the OTLP document are sealed value by value, intact too.
    expect(verdict.sources.map((s) => s.type).sort()).toEqual([
      'k8s-audit',
      'k8s-events',
      'k8s-resources',
      'k8s-resources',
      'mcp-jsonrpc',
      'otlp-json',
    ]);
    expect(verdict.sources.every((s) => s.verdict === 'intact')).toBe(true);
    expect(verdict.sources[0]).toMatchObject({ path: 'sources/k8s-audit/audit.jsonl', type: 'k8s-audit', records: SAMPLE_RECORDS });
    expect(verdict.signature).toEqual({ status: 'valid', fingerprint: SAMPLE_FINGERPRINT, trusted: true });
  });

  it('every built-in sample verifies with the sample key trusted, plain and scaled', async () => {
    for (const args of [['inc-0047'], ['staging-apollo'], ['staging-apollo', '--events', '4000']]) {
      const out = join(tempDir(), args[0]!);
      expect((await run('sample', ...args, '-o', out)).code).toBe(0);
      const verdict = JSON.parse((await run('verify', out, '--trust', SAMPLE_PUB, '--json')).stdout) as BundleVerdict;
      expect(verdict).toMatchObject({ intact: true, problems: [], signature: { status: 'valid', trusted: true } });
      expect(verdict.sources.map((s) => s.type).sort()).toEqual([
        'k8s-audit',
        'k8s-events',
        'k8s-resources',
        'k8s-resources',
        'mcp-jsonrpc',
        'otlp-json',
      ]);
    }
  });

  it('without --trust it exits 1 and says UNTRUSTED, naming the key, with no problem listed', async () => {
    const out = join(tempDir(), 'inc-0047');
    expect((await run('sample', '-o', out)).code).toBe(0);
    const result = await run('verify', out);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`UNTRUSTED: as sealed, but signed by a key you have not trusted (${SAMPLE_FINGERPRINT})`);
    expect(result.stdout).toContain('NOT in the trust store');
    expect(result.stdout).not.toContain('problem');
    const json = JSON.parse((await run('verify', out, '--json')).stdout) as BundleVerdict;
    expect(json).toMatchObject({ intact: false, status: 'untrusted', problems: [], signature: { status: 'valid', trusted: false } });
  });

  it('a .zip sample verifies the same as the folder', async () => {
    const dir = tempDir();
    expect((await run('sample', '-o', join(dir, 'folder'))).code).toBe(0);
    expect((await run('sample', '-o', join(dir, 'inc.zip'))).code).toBe(0);
    expect(readFileSync(join(dir, 'inc.zip')).subarray(0, 4).toString('hex')).toBe('504b0304');
    const fromFolder = await run('verify', join(dir, 'folder'), '--trust', SAMPLE_PUB, '--json');
    const fromZip = await run('verify', join(dir, 'inc.zip'), '--trust', SAMPLE_PUB, '--json');
    expect(fromZip.code).toBe(0);
    expect({ ...(JSON.parse(fromZip.stdout) as BundleVerdict), bundle: '' }).toEqual({
      ...(JSON.parse(fromFolder.stdout) as BundleVerdict),
      bundle: '',
    });
  });

  it('sample --events 5000 still verifies', async () => {
    const out = join(tempDir(), 'big');
    expect((await run('sample', '-o', out, '--events', '5000')).code).toBe(0);
    const result = await run('verify', out, '--trust', SAMPLE_PUB, '--json');
    expect(result.code).toBe(0);
    const verdict = JSON.parse(result.stdout) as BundleVerdict;
    expect(verdict.intact).toBe(true);
    expect(verdict.sources[0]!.records).toBeGreaterThanOrEqual(5000);
  });

  it('sample refuses an output that exists, a bad --events and an unknown sample', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'taken'), 'mine');
    const taken = await run('sample', '-o', join(dir, 'taken'));
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('already exists');
    expect(readFileSync(join(dir, 'taken'), 'utf8')).toBe('mine');
    expect((await run('sample', '-o', join(dir, 'x'), '--events', '0')).stderr).toMatch(/--events: "0" is not a positive whole number/);
    expect((await run('sample', 'inc-9999', '-o', join(dir, 'y'))).stderr).toMatch(/no sample named "inc-9999"/);
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('causa keygen', () => {
  it('writes KEY.pem (mode 0600) and KEY.pub.pem, and refuses to overwrite either', async () => {
    const dir = tempDir();
    const key = join(dir, 'k.pem');
    const result = await run('keygen', '-o', key);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Wrote ${key} (private, keep it secret) and ${join(dir, 'k.pub.pem')}`);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readFileSync(key, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const pub = readFileSync(join(dir, 'k.pub.pem'), 'utf8');
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(result.stdout).toContain(`Key fingerprint (SHA-256 of the public key): ${keyFingerprint(loadPublicKey(pub, 'k.pub.pem'))}`);

    const before = snapshot(dir);
    const again = await run('keygen', '-o', key);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${key}: already exists`);
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses when only the public half exists, and writes no private key', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'k.pub.pem'), 'someone else’s key');
    const result = await run('keygen', '-o', join(dir, 'k.pem'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('k.pub.pem: already exists');
    expect(existsSync(join(dir, 'k.pem'))).toBe(false);
    expect(readFileSync(join(dir, 'k.pub.pem'), 'utf8')).toBe('someone else’s key');
  });
});

describe('causa seal and verify', () => {
  it('seals a folder with a key; verify with the public key exits 0; one tampered line exits 1 naming the record', async () => {
    const dir = tempDir();
    const { key, pub, fingerprint } = await keygen(dir);
    const src = sourceFolder();
    const out = join(dir, 'bundle');
    const sealed = await run('seal', src, '-o', out, '--key', key, '--title', 'test case');
    expect(sealed.code).toBe(0);
    expect(sealed.stdout).toBe(`Sealed 1 file into ${out}, signed by key ${fingerprint}\n`);
    expect(readFileSync(join(out, 'sources', 'k8s-audit', 'audit.jsonl')).equals(readFileSync(join(src, 'k8s-audit', 'audit.jsonl')))).toBe(
      true,
    );
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({ case: { title: 'test case' } });

    const ok = await run('verify', out, '--trust', pub);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('1 sources: 1 intact, 0 signed by a key you have not trusted, 0 unsigned, 0 broken');

    const path = join(out, 'sources', 'k8s-audit', 'audit.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('"alice"', '"mallory"');
    writeFileSync(path, lines.join('\n'));
    const tampered = await run('verify', out, '--trust', pub);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/^sources\/k8s-audit\/audit\.jsonl: chain broken at record 4: record modified$/m);
    expect(tampered.stdout).toContain('1 broken');
    const json = JSON.parse((await run('verify', out, '--trust', pub, '--json')).stdout) as BundleVerdict;
    expect(json.sources[0]).toMatchObject({ verdict: 'broken', first_bad_position: 4, nature: 'modified' });
  });

  it('seals to a .zip, and without a key: unsigned, still exit 0', async () => {
    const dir = tempDir();
    const out = join(dir, 'b.zip');
    const sealed = await run('seal', sourceFolder(), '-o', out);
    expect(sealed).toMatchObject({ code: 0, stdout: `Sealed 1 file into ${out} (unsigned)\n` });
    const result = await run('verify', out, '--json');
    expect(result.code).toBe(0);
    const verdict = JSON.parse(result.stdout) as BundleVerdict;
    expect(verdict.signature.status).toBe('absent');
    expect(verdict.sources.map((s) => s.verdict)).toEqual(['unsigned']);
  });

  describe('exits 2 with a clear message and writes nothing', () => {
    async function refusedSeal(args: (dir: string) => string[], message: RegExp, prepare?: (dir: string) => void): Promise<void> {
      const dir = tempDir();
      prepare?.(dir);
      const before = snapshot(dir);
      const result = await run('seal', ...args(dir));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
      expect(snapshot(dir), 'nothing written, nothing changed').toEqual(before);
    }

    it('a missing source folder', async () => {
      await refusedSeal((dir) => [join(dir, 'no-such-folder'), '-o', join(dir, 'out')], /no-such-folder: cannot read the source folder/);
    });

    it('a source "folder" that is a file', async () => {
      await refusedSeal(
        (dir) => [join(dir, 'file.txt'), '-o', join(dir, 'out')],
        /file\.txt: cannot read the source folder/,
        (dir) => writeFileSync(join(dir, 'file.txt'), 'x'),
      );
    });

    it('an empty source folder', async () => {
      await refusedSeal(
        (dir) => [join(dir, 'empty'), '-o', join(dir, 'out')],
        /empty: no files to seal/,
        (dir) => mkdirSync(join(dir, 'empty')),
      );
    });

    // Permissions do not stop root (as in CI containers), so there the folder is made unreadable another
    // way, a symbolic link to itself (ELOOP), rather than the test being skipped.
    const asRoot = process.getuid?.() === 0;
    it(`an unreadable source folder (${asRoot ? 'a symlink loop, as root' : 'mode 000'})`, async () => {
      await refusedSeal(
        (dir) => [join(dir, 'locked'), '-o', join(dir, 'out')],
        asRoot ? /locked: cannot read the source folder \(ELOOP/ : /locked: cannot read the source folder \(EACCES/,
        (dir) => {
          if (asRoot) {
            symlinkSync('locked', join(dir, 'locked'));
            return;
          }
          mkdirSync(join(dir, 'locked'));
          writeFileSync(join(dir, 'locked', 'a.jsonl'), '{}\n');
          chmodSync(join(dir, 'locked'), 0o000);
        },
      );
    });

    it.each([
      [
        'an RSA key',
        () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        /k\.pem: an RSA key, but bundles are signed with Ed25519/,
      ],
      [
        'a public key instead of a private one',
        () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        /k\.pem: not a PEM private key/,
      ],
      ['garbage', () => 'this is not a key\n', /k\.pem: not a PEM private key/],
    ])('a key in the wrong format: %s', async (_name, pem, message) => {
      const src = sourceFolder();
      await refusedSeal(
        (dir) => [src, '-o', join(dir, 'out'), '--key', join(dir, 'k.pem')],
        message,
        (dir) => writeFileSync(join(dir, 'k.pem'), pem()),
      );
    });

    it('a key file that does not exist', async () => {
      const src = sourceFolder();
      await refusedSeal((dir) => [src, '-o', join(dir, 'out'), '--key', join(dir, 'missing.pem')], /missing\.pem: cannot read the key/);
    });

    it('a case.json that is not a case (a bundle verify and import would refuse)', async () => {
      await refusedSeal(
        (dir) => [join(dir, 'src'), '-o', join(dir, 'out')],
        /case\.json/,
        (dir) => {
          mkdirSync(join(dir, 'src'));
          writeFileSync(join(dir, 'src', 'audit.jsonl'), `${auditLine(1)}\n`);
          writeFileSync(join(dir, 'src', 'case.json'), JSON.stringify({ title: 5, window: 'today' }));
        },
      );
    });

    it.each([
      ['a file', (path: string) => writeFileSync(path, 'precious')],
      ['a folder', (path: string) => (mkdirSync(path), writeFileSync(join(path, 'inside'), 'precious'))],
      ['a .zip', (path: string) => writeFileSync(path, 'precious')],
    ])('an output path that exists (%s), whose content is untouched', async (kind, create) => {
      const src = sourceFolder();
      const name = kind === 'a .zip' ? 'out.zip' : 'out';
      await refusedSeal(
        (dir) => [src, '-o', join(dir, name)],
        /already exists; choose a new output path/,
        (dir) => create(join(dir, name)),
      );
    });
  });
});

describe('causa verify on what is not a bundle: exit 2', () => {
  async function refusedVerify(target: string, message: RegExp): Promise<void> {
    const result = await run('verify', target);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  }

  it('a folder without manifest.json', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'audit.jsonl'), '{}\n');
    await refusedVerify(dir, /not a bundle \(no manifest\.json at its root\)/);
  });

  it('a manifest that is not JSON', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'manifest.json'), '{"format": "causa-evidence-bundle",');
    await refusedVerify(dir, /manifest\.json is not JSON/);
  });

  it('a manifest that is JSON but not a v1 bundle manifest', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'something-else', version: 1 }));
    await refusedVerify(dir, /manifest\.json is not a v1 bundle manifest/);
  });

  it.each(['../x', '/abs', 'sources/../../x'])('a zip with an entry named %s', async (name) => {
    const dir = tempDir();
    const sample = join(dir, 'sample');
    expect((await run('sample', '-o', sample)).code).toBe(0);
    const zip = zipSync({ 'manifest.json': readFileSync(join(sample, 'manifest.json')), [name]: new Uint8Array([1, 2, 3]) });
    writeFileSync(join(dir, 'evil.zip'), zip);
    await refusedVerify(
      join(dir, 'evil.zip'),
      new RegExp(`zip entry "${name.replaceAll('.', '\\.')}" would point outside the bundle; refused`),
    );
    expect(existsSync(join(dir, '..', 'x')) && readFileSync(join(dir, '..', 'x')).equals(Buffer.from([1, 2, 3]))).toBe(false);
  });

  it('a random file that is not a zip (whatever its name)', async () => {
    const dir = tempDir();
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    writeFileSync(join(dir, 'noise.bin'), noise);
    writeFileSync(join(dir, 'noise.zip'), noise);
    await refusedVerify(join(dir, 'noise.bin'), /not a bundle/);
    await refusedVerify(join(dir, 'noise.zip'), /not a bundle/);
  });

  it('a path that does not exist, and a --trust key that does not exist', async () => {
    const dir = tempDir();
    await refusedVerify(join(dir, 'nothing-here'), /no such bundle/);
    const result = await run('verify', dir, '--trust', join(dir, 'missing.pub.pem'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing\.pub\.pem: cannot read the key/);
  });
});

describe('causa import of a bundle', () => {
  it('a bundle whose manifest is not v1 exits 2 naming what is wrong', async () => {
    const dir = tempDir();
    const bundle = join(dir, 'bad-bundle');
    mkdirSync(bundle);
    writeFileSync(join(bundle, 'manifest.json'), JSON.stringify({ format: 'something-else', version: 1 }));
    const result = await run('import', bundle, '--case', join(dir, 'c.causa'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/manifest\.json is not a v1 bundle manifest \(.*format/);
  });

  it('imports the sample bundle’s events once; a second import adds nothing', async () => {
    const dir = tempDir();
    const bundle = join(dir, 'inc-0047');
    expect((await run('sample', '-o', bundle)).code).toBe(0);
    const casePath = join(dir, 'c.causa');

    const first = await run('import', bundle, '--case', casePath, '--json');
    expect(first.stderr).toBe('');
    // The sample's signer is not trusted here: imported, and the import says so with exit 1.
    expect(first.code).toBe(1);
    const report = JSON.parse(first.stdout) as ImportReport;
    expect(report.errors).toBe(0);
    expect(report.files[0]).toEqual(
      expect.objectContaining({
        file: 'inc-0047/sources/k8s-audit/audit.jsonl',
        format: 'k8s-audit',
        status: 'imported',
        events: SAMPLE_RECORDS,
      }),
    );
    // Every source of the sample is read by the importer of the type its manifest names.
    expect(report.files.slice(1).map((f) => [f.format, f.status])).toEqual([
      ['k8s-events', 'imported'],
      ['k8s-resources', 'imported'],
      ['k8s-resources', 'imported'],
      ['mcp-jsonrpc', 'imported'],
      ['otlp-json', 'imported'],
    ]);
    expect(report.events).toBe(report.files.reduce((n, f) => n + f.events, 0));

    expect(report.integrity).toEqual([
      expect.objectContaining({
        bundle: 'inc-0047',
        status: 'untrusted',
        fingerprint: SAMPLE_FINGERPRINT,
        records: report.events,
        problems: [],
      }),
    ]);
    const second = await run('import', bundle, '--case', casePath, '--json');
    expect(second.code, second.stderr).toBe(1);
    const again = JSON.parse(second.stdout) as ImportReport;
    expect(again.events).toBe(0);
    expect(again.files.map((f) => f.status)).toEqual(Array(6).fill('already_imported'));

    const stages = await run('events', casePath, '--json', '--stages', '--kind', 'k8s_api');
    expect(stages.code).toBe(0);
    expect(stages.stdout.trim().split('\n')).toHaveLength(SAMPLE_RECORDS);
    // By default one line per API call: its RequestReceived and ResponseComplete records are one line.
    const calls = (await run('events', casePath, '--json', '--kind', 'k8s_api')).stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as EventJson).keys!.audit_id);
    expect(new Set(calls).size).toBe(calls.length);
    expect(calls.length).toBeLessThan(SAMPLE_RECORDS);
  });
});
