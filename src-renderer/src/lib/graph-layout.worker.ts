// Lays out the graph off the UI thread: a 5,000-node case must not freeze the page while it is placed.
import { layoutGraph, type LayoutEdge, type LayoutNode } from './graph-layout';

export interface LayoutRequest {
  id: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}

self.onmessage = (message: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges } = message.data;
  self.postMessage({ id, layout: layoutGraph(nodes, edges) });
};
