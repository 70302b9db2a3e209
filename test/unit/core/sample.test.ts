import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateInc0047Audit } from '../../../src-main/core/sample/inc-0047';
import { k8sAudit } from '../../../src-main/core/ingest/k8s-audit';
import { sampleBundleFiles } from '../../../src-main/service/bundles';

const SHIPPED = new URL('../../../resources/samples/inc-0047/', import.meta.url);

describe('the built-in INC-0047 sample', () => {
  it('ships as exactly the bundle `causa sample inc-0047` writes (regenerate with that command)', async () => {
    const files = await sampleBundleFiles('inc-0047');
    for (const [path, data] of files) {
      expect(readFileSync(new URL(path, SHIPPED)).equals(data), `resources/samples/inc-0047/${path}`).toBe(true);
    }
    // Deterministic: a second run gives the same bytes.
    const again = await sampleBundleFiles('inc-0047');
    expect([...again.entries()].every(([path, data]) => files.get(path)?.equals(data))).toBe(true);
  });

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
    // Two patches (the upgrade and the rollback), each with RequestReceived and ResponseComplete.
    expect(agentPatches).toHaveLength(4);
    expect(agentPatches.every((e) => e.actor?.id === 'system:serviceaccount:mcp-system:kubernetes-mcp-server')).toBe(true);
    const oomLines = generateInc0047Audit().filter((line) => line.includes('OOMKilled'));
    expect(oomLines.length).toBeGreaterThanOrEqual(9);
    const noise = events.filter((e) => e.target?.namespace !== 'production');
    expect(noise.length).toBeGreaterThan(events.length / 2);
  });
});
