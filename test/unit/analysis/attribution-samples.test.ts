// Both built-in samples through attribution: each agent's chain of responsibility, hop by hop, with the
// evidence that links it, and the identities' destructive calls listed apart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';
import type { Attribution } from '../../../src-main/shared/attribution';

const SAMPLES = fileURLToPath(new URL('../../../resources/samples/', import.meta.url));
const MCP_SA = 'system:serviceaccount:mcp-system:kubernetes-mcp-server';

let dir: string;
const opened: Workbench[] = [];

async function attributionOfSample(name: string): Promise<{ workbench: Workbench; attribution: Attribution }> {
  const workbench = Workbench.open(join(dir, `${name}.causa`), { create: true });
  opened.push(workbench);
  await workbench.importPaths([join(SAMPLES, name)]);
  return { workbench, attribution: workbench.attribution() };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-attribution-'));
});
afterAll(() => {
  for (const w of opened) w.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('attribution of the built-in samples', () => {
  it('INC-0047: james.w → platform-assistant → kubernetes-mcp-server → its service account → the production patches', async () => {
    const { workbench, attribution } = await attributionOfSample('inc-0047');
    const chain = attribution.chains.find((c) => c.agent === 'platform-assistant' && c.identity === MCP_SA);
    expect(chain).toBeDefined();
    expect(chain!.human).toBe('james.w@example.com');
    expect(chain!.tool_server).toBe('kubernetes-mcp-server');
    expect(chain!.hops.map((h) => `${h.from.kind}:${h.from.id} → ${h.to.kind}:${h.to.id} (${h.strength})`)).toEqual([
      'human:james.w@example.com → agent:platform-assistant (explicit)',
      'agent:platform-assistant → tool_server:kubernetes-mcp-server (explicit)',
      `tool_server:kubernetes-mcp-server → identity:${MCP_SA} (inferred)`,
      `identity:${MCP_SA} → human:james.w@example.com (explicit)`,
    ]);
    const [toAgent, toServer, toIdentity, actedAs] = chain!.hops;
    expect(toAgent!.evidence.map((e) => e.rule)).toContain('on-behalf-of');
    expect(toServer!.evidence.map((e) => e.rule)).toContain('jsonrpc-id');
    expect(toIdentity!.evidence.every((e) => e.rule === 'tool-target' && e.strength === 'inferred')).toBe(true);
    expect(actedAs!.evidence[0]).toMatchObject({ rule: 'impersonation', fields: 'impersonatedUser.username', count: 4 });
    // The chain reached the patches of production/api-service, and every hop names events that exist.
    const events = [...workbench.events({})];
    const byId = new Map(events.map((e) => [e.id, e]));
    const reached = chain!.api_event_ids.map((id) => byId.get(id)!);
    expect(reached.some((e) => e.action === 'patch' && e.target?.resource === 'deployments' && e.target.name === 'api-service')).toBe(true);
    for (const hop of chain!.hops)
      for (const ev of hop.evidence) for (const id of ev.event_ids) expect(byId.has(id), `${ev.rule} cites ${id}`).toBe(true);
    const identity = attribution.identities.find((i) => i.id === MCP_SA)!;
    expect(identity).toMatchObject({ agent: true, humans: ['james.w@example.com'], namespaces: ['production'] });
    // Six audit records, four calls: the two patches each have a RequestReceived and a ResponseComplete stage.
    expect(identity.calls).toBe(4);
    expect(identity.verbs).toContainEqual({ verb: 'patch', resource: 'deployments', count: 2 });
    // Alice works through her own user: a direct chain, not an agent's.
    expect(attribution.chains.find((c) => c.human === 'alice.k@example.com')).toMatchObject({
      identity: 'alice.k@example.com',
      api_calls: 40,
    });
    expect(attribution.chains[0]!.agent).toBe('platform-assistant');
  });

  it('staging-apollo: priya.s → platform-assistant → kubernetes-mcp-server → its service account, with the HPA delete apart (its scale to 6 is not a scale-down)', async () => {
    const { attribution } = await attributionOfSample('staging-apollo');
    const chain = attribution.chains.find((c) => c.agent === 'platform-assistant' && c.identity === MCP_SA)!;
    expect(chain).toMatchObject({ human: 'priya.s@example.com', tool_server: 'kubernetes-mcp-server' });
    expect(chain.hops.map((h) => h.to.id)).toEqual(['platform-assistant', 'kubernetes-mcp-server', MCP_SA, 'priya.s@example.com']);
    const identity = attribution.identities.find((i) => i.id === MCP_SA)!;
    expect(identity.agent).toBe(true);
    expect(identity.denied).toBe(1);
    expect(identity.destructive.map((d) => `${d.class} ${d.verb} ${d.resource} ${d.namespace}`)).toEqual([
      'delete delete horizontalpodautoscalers staging-apollo',
    ]);
    // Two humans work through their own users, so no identity is shared and no human has two.
    expect(attribution.shared_identities).toEqual([]);
    expect(attribution.multi_identity_humans).toEqual([]);
  });
});
