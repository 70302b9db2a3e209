// Attribution (issue 19): who asked, which agent acted, through which tool server and Kubernetes identity,
// and what each identity did. Pure: the linked graph and the case's API calls in, the answer out.
import type { Attribution } from '../../../shared/attribution';
import type { Graph } from '../../../shared/graph';
import type { ApiCall } from './calls';
import { buildChains } from './chains';
import { IdentityFolder } from './identities';

export type { ApiCall } from './calls';
export { destructiveClass, mayScale } from './calls';

/** One pass over the calls (any number: memory follows identities, not calls) and the graph's edges. */
export function attributeCase(graph: Pick<Graph, 'nodes' | 'edges'>, calls: Iterable<ApiCall>): Attribution {
  const folder = new IdentityFolder();
  for (const call of calls) folder.add(call);
  const { chains, agentIdentities, chainHumans } = buildChains(graph, folder.principals());
  const identities = folder.summaries(agentIdentities, chainHumans);
  const shared = identities.filter((i) => i.type !== 'human' && i.humans.length > 1).map((i) => ({ identity: i.id, humans: i.humans }));
  const throughHuman = new Map<string, Set<string>>();
  for (const chain of chains) {
    if (!chain.identity) continue;
    const set = throughHuman.get(chain.human) ?? new Set<string>();
    set.add(chain.identity);
    throughHuman.set(chain.human, set);
  }
  const multi = [...throughHuman].filter(([, set]) => set.size > 1).map(([human, set]) => ({ human, identities: [...set].sort() }));
  return { chains, identities, shared_identities: shared, multi_identity_humans: multi.sort((a, b) => a.human.localeCompare(b.human)) };
}
