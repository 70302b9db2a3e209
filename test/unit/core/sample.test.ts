import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateInc0047Audit } from '../../../src-main/core/sample/inc-0047';
import { k8sAudit } from '../../../src-main/core/ingest/k8s-audit';

const SHIPPED = new URL('../../../resources/samples/inc-0047/audit.jsonl', import.meta.url);

describe('the built-in INC-0047 sample', () => {
  it('is what the deterministic generator writes (UPDATE_SAMPLES=1 rewrites it)', () => {
    const generated = `${generateInc0047Audit().join('\n')}\n`;
    if (process.env.UPDATE_SAMPLES === '1') writeFileSync(SHIPPED, generated);
    const shipped = readFileSync(SHIPPED, 'utf8').split('\n');
    const firstDifference = generated.split('\n').findIndex((line, i) => line !== shipped[i]);
    expect(firstDifference, 'first line where the shipped sample and the generator differ').toBe(-1);
    expect(shipped.length).toBe(generated.split('\n').length);
    // Deterministic: a second run gives the same bytes.
    expect(`${generateInc0047Audit().join('\n')}\n`).toBe(generated);
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
