// `causa graph`: the causal graph as text (chains and their edges) or JSON.
import type { Graph } from '../shared/graph';
import { caseArgument } from './case-file';
import { EXIT_OK } from './exit';
import { FILTER_OPTIONS, filterFromOptions } from './filter';
import { plural, writeJsonLine, writeWithBackpressure, type CliIo } from './io';
import { parseOptions } from './options';
import { Workbench } from '../service/workbench';

export const GRAPH_USAGE = `  graph CASE [filters]                       print the causal graph: chains, and every edge with its
                                             rule, strength and joining fields (--json: {nodes, edges});
                                             with filters, the nodes whose events match`;

function describeGraph(graph: Graph): string {
  const lines: string[] = [];
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  for (const chain of graph.chains) {
    lines.push(
      `chain ${chain.id}: ${chain.label} — ${plural(chain.nodes, 'node')}, ${chain.notable} notable, ${chain.first_time ?? '?'} … ${chain.last_time ?? '?'}`,
    );
    for (const edge of graph.edges) {
      const from = byId.get(edge.from);
      if (from?.chain !== chain.id || edge.status === 'rejected') continue;
      const fields = edge.fields.map((f) => `${f.from}=${f.to}=${f.value}`).join(', ');
      lines.push(
        `  ${from.label}  -[${edge.rule}, ${edge.strength}${fields ? `: ${fields}` : ''}]->  ${byId.get(edge.to)?.label ?? edge.to}`,
      );
    }
  }
  const background = graph.groups.reduce((n, g) => n + g.count, 0);
  lines.push(
    `${plural(graph.nodes.length, 'node')}, ${plural(graph.edges.length, 'edge')}, ${plural(graph.chains.length, 'chain')}; ${plural(background, 'background event')} in ${plural(graph.groups.length, 'group')}`,
  );
  return `${lines.join('\n')}\n`;
}

export async function runGraph(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, FILTER_OPTIONS);
  const casePath = caseArgument(positionals, 'graph');
  const filter = filterFromOptions(values);
  const workbench = Workbench.open(casePath, { membersOnDemand: true });
  try {
    const graph = workbench.graph(filter);
    if (values.json) await writeJsonLine(io, graph);
    else await writeWithBackpressure(io, describeGraph(graph));
  } finally {
    workbench.close();
  }
  return EXIT_OK;
}
