// `causa actors CASE [--json]`: who asked, which agent acted, through which tool server and Kubernetes
// identity, and what each identity did (docs/analyses.md). The work is service/attribution.ts.
import { Workbench } from '../service/workbench';
import type { Attribution, Hop } from '../shared/attribution';
import { caseArgument } from './case-file';
import { EXIT_OK } from './exit';
import { writeWithBackpressure, type CliIo } from './io';
import { parseOptions } from './options';

export const ACTORS_USAGE = `  actors CASE [--json]                       chains of responsibility (human → agent → tool server →
                                             identity → API calls, each hop with its evidence) and
                                             what each identity did, destructive calls apart`;

const PARTY: Record<Hop['from']['kind'], string> = { human: 'human', agent: 'agent', tool_server: 'tool server', identity: 'identity' };

/** `  agent platform-assistant → tool server kubernetes-mcp-server: jsonrpc-id (explicit, 4×: id = id)` */
function describeHop(hop: Hop): string {
  const evidence = hop.evidence.map((e) => `${e.rule} (${e.strength}, ${e.count}×: ${e.fields})`).join('; ');
  return `    ${PARTY[hop.from.kind]} ${hop.from.id} → ${PARTY[hop.to.kind]} ${hop.to.id}: ${evidence}`;
}

export function describeAttribution(a: Attribution): string {
  const out: string[] = ['Chains of responsibility'];
  for (const chain of a.chains) {
    const parts = [chain.human, chain.agent, chain.tool_server, chain.identity].filter(Boolean).join(' → ');
    out.push(`  ${parts} → ${chain.api_calls} API call${chain.api_calls === 1 ? '' : 's'}`);
    for (const hop of chain.hops) out.push(describeHop(hop));
  }
  if (a.chains.length === 0) out.push('  none: no prompts, agents or people acting through an identity');
  for (const s of a.shared_identities) out.push(`! ${s.identity} acted for ${s.humans.length} humans: ${s.humans.join(', ')}`);
  for (const m of a.multi_identity_humans)
    out.push(`! ${m.human} reached the cluster through ${m.identities.length} identities: ${m.identities.join(', ')}`);
  out.push('', 'Identities');
  for (const i of a.identities) {
    out.push(
      `  ${i.id} (${i.type}${i.agent ? ', acting for an agent' : ''}): ${i.calls} calls, ${i.allowed} allowed, ${i.denied} denied, ${i.failed} failed; ${i.first ?? '?'} – ${i.last ?? '?'}`,
    );
    if (i.humans.length > 0) out.push(`    for ${i.humans.join(', ')}`);
    if (i.namespaces.length > 0) out.push(`    namespaces ${i.namespaces.join(', ')}`);
    out.push(
      `    ${i.verbs
        .slice(0, 8)
        .map((v) => `${v.verb} ${v.resource} ${v.count}`)
        .join(', ')}${i.verbs.length > 8 ? `, … ${i.verbs.length - 8} more` : ''}`,
    );
    for (const d of i.destructive)
      out.push(
        `    DESTRUCTIVE ${d.class}: ${d.verb} ${d.resource}${d.namespace ? ` in ${d.namespace}` : ''} ×${d.count} (events ${d.event_ids.join(', ')})`,
      );
  }
  return `${out.join('\n')}\n`;
}

export async function runActors(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {});
  const workbench = Workbench.open(caseArgument(positionals, 'actors'));
  try {
    const attribution = workbench.attribution();
    await writeWithBackpressure(io, values.json ? `${JSON.stringify(attribution)}\n` : describeAttribution(attribution));
  } finally {
    workbench.close();
  }
  return EXIT_OK;
}
