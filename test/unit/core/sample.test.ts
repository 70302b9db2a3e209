// The built-in samples ship as exactly the bundles `causa sample NAME` writes, byte for byte, every time.
// UPDATE_SAMPLES=1 rewrites resources/samples/ from the generator after a deliberate change to it.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateInc0047Audit } from '../../../src-main/core/sample';
import { k8sAudit } from '../../../src-main/core/ingest/k8s-audit';
import { sampleBundleFiles, SAMPLES, type SampleName } from '../../../src-main/service/bundles';

const shippedDir = (name: string) => fileURLToPath(new URL(`../../../resources/samples/${name}/`, import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath}/${entry.name}`.slice(dir.length).replace(/^\/+/, ''));
}

describe.each(Object.keys(SAMPLES) as SampleName[])('the built-in %s sample', (name) => {
  it('ships as exactly the bundle `causa sample` writes, and generating it twice gives the same bytes', async () => {
    const files = await sampleBundleFiles(name);
    if (process.env.UPDATE_SAMPLES) {
      rmSync(shippedDir(name), { recursive: true, force: true });
      for (const [path, data] of files) {
        mkdirSync(dirname(shippedDir(name) + path), { recursive: true });
        writeFileSync(shippedDir(name) + path, data);
      }
    }
    expect(filesUnder(shippedDir(name)).sort()).toEqual([...files.keys()].sort());
    for (const [path, data] of files) {
      expect(readFileSync(shippedDir(name) + path).equals(data), `resources/samples/${name}/${path}`).toBe(true);
    }
    const again = await sampleBundleFiles(name);
    expect([...again.entries()].every(([path, data]) => files.get(path)?.equals(data))).toBe(true);
  });
});

describe('the INC-0047 audit log', () => {
  it('scales to a requested number of lines with the same story inside', () => {
    const scaled = generateInc0047Audit({ events: 5000 });
    expect(scaled.length).toBeGreaterThanOrEqual(5000);
    expect(scaled.filter((line) => line.includes('"impersonatedUser"') && line.includes('"verb":"patch"'))).toHaveLength(4);
  });

  it('is a valid audit log that holds the incident among noise', () => {
    const records = generateInc0047Audit().map((line) => k8sAudit.normalize(JSON.parse(line)));
    expect(records.every((r) => r.ok)).toBe(true);
    const events = records.flatMap((r) => (r.ok ? r.events : []));
    const agentPatches = events.filter(
      (e) => e.action === 'patch' && e.target?.name === 'api-service' && e.actor?.on_behalf_of === 'james.w@example.com',
    );
    // Two applies (the upgrade and the rollback), each with RequestReceived and ResponseComplete.
    expect(agentPatches).toHaveLength(4);
    expect(agentPatches.every((e) => e.actor?.id === 'system:serviceaccount:mcp-system:kubernetes-mcp-server')).toBe(true);
    const oomLines = generateInc0047Audit().filter((line) => line.includes('OOMKilled'));
    expect(oomLines.length).toBeGreaterThanOrEqual(9);
    const noise = events.filter((e) => e.target?.namespace !== 'production');
    expect(noise.length).toBeGreaterThan(events.length / 2);
  });
});
