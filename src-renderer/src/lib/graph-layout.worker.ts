// Lays out the graph off the UI thread: a 5,000-node case must not freeze the page while it is placed.
import { layoutGraph, type LayoutEdge, type LayoutNode, type LayoutOptions } from './graph-layout';

export interface LayoutRequest {
  id: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  options?: LayoutOptions;
}

self.onmessage = (message: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges, options } = message.data;
  self.postMessage({ id, layout: layoutGraph(nodes, edges, options) });
};
