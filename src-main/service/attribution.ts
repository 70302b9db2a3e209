// Attribution of a case (issue 19): the linked graph's edges and every API call through the pure core.
import { attributeCase } from '../core/analysis/attribution';
import type { Attribution } from '../shared/attribution';
import type { Graph } from '../shared/graph';
import { iterateApiCalls } from '../store/attribution';
import type { CaseStore } from '../store/case-store';

export function attributionOf(store: CaseStore, graph: Pick<Graph, 'nodes' | 'edges'>): Attribution {
  return attributeCase(graph, iterateApiCalls(store));
}
