// The desktop app's packaging (electron-builder.yml), read with electron-builder's own loader and schema,
// and its file patterns applied with electron-builder's own matcher: Electron's fuses as the security
// checklist wants them, the app code in an integrity-checked archive, and no private key in the package.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

let config: Configuration;

beforeAll(async () => {
  config = await getConfig(ROOT, null, null);
  // Throws on any key or value electron-builder does not know: a misspelt fuse would not be a silent no-op.
  await validateConfiguration(config, new DebugLogger(false));
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The `files` patterns, in their order (the loader hands them over as one file set). */
function filePatterns(): string[] {
  return (config.files as { filter: string[] }[]).flatMap((set) => set.filter);
}

/** The project's files that the `files` patterns put into the app, as electron-builder decides it. */
function packagedFiles(dir: string): string[] {
  const patterns = filePatterns();
  const filter = new FileMatcher(ROOT, '/app', (pattern) => pattern, patterns).createFilter();
  return filesUnder(dir).filter((file) => filter(file, statSync(file)));
}

describe('electron-builder.yml', () => {
  it.each([
    ['runAsNode', false],
    ['enableCookieEncryption', true],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['onlyLoadAppFromAsar', true],
    ['loadBrowserProcessSpecificV8Snapshot', false],
    ['grantFileProtocolExtraPrivileges', false],
  ] as const)('sets the %s fuse to %s', (fuse, value) => {
    expect(config.electronFuses?.[fuse]).toBe(value);
  });

  it('names every fuse electron-builder knows, so that none is left at its default by omission', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties).filter((name) => name !== 'resetAdHocDarwinSignature');
    expect(Object.keys(config.electronFuses ?? {}).sort()).toEqual(known.sort());
  });

  it('packs the app into an archive (which the integrity fuse checks)', () => {
    expect(config.asar).toBe(true);
  });

  it('packages the sample signing key’s public half and never its private half', () => {
    const keys = packagedFiles(join(ROOT, 'resources', 'keys')).map((file) => relative(ROOT, file));
    expect(keys).toContain('resources/keys/sample-ed25519.pub.pem');
    expect(keys).not.toContain('resources/keys/sample-ed25519.pem');
  });

  it('puts no private key anywhere in the app or its extra resources', () => {
    const packaged = [
      ...packagedFiles(join(ROOT, 'resources')),
      ...(config.extraResources as { from: string }[]).flatMap((extra) => filesUnder(join(ROOT, extra.from))),
    ];
    expect(packaged.length).toBeGreaterThan(0);
    const withPrivateKeys = packaged.filter((file) => /PRIVATE KEY/.test(readFileSync(file, 'latin1')));
    expect(withPrivateKeys.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('still packages the built app and the samples', () => {
    const resources = packagedFiles(join(ROOT, 'resources')).map((file) => relative(ROOT, file));
    expect(resources.some((file) => file.startsWith('resources/samples/inc-0047/'))).toBe(true);
    expect(filePatterns()).toEqual(expect.arrayContaining(['out/**', 'package.json']));
  });
});
