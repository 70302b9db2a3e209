import { describe, expect, it } from 'vitest';
import { escapeXml, graphSvg, wrapLabel, type SvgPalette } from '../../../src-renderer/src/lib/graph-svg';
import { layoutGraph } from '../../../src-renderer/src/lib/graph-layout';

const c = '#000';
const palette: SvgPalette = {
  background: c,
  panel: c,
  text: c,
  muted: c,
  line: c,
  laneLine: c,
  node: c,
  nodeLine: c,
  outcome: { success: c, failure: c, denied: c, error: c, unknown: c },
  edge: { explicit: c, inferred: c, analyst: c, accepted: c },
};
const laneNames = {
  prompt: 'Prompts',
  agent: 'Agent',
  tool: 'Tool calls',
  authz: 'Authorization',
  api: 'API requests',
  workload: 'Workload',
  other: 'Other',
};

describe('the graph as SVG', () => {
  const nodes = [
    { id: 'e1', label: '“delete <the> HPA & co”', kind: 'prompt', lane: 'prompt', time: '2025-04-03T14:31:04.039Z', outcome: 'success' },
    {
      id: 'e2',
      label: 'delete horizontalpodautoscalers staging/apollo',
      kind: 'k8s_api',
      lane: 'api',
      time: '2025-04-03T14:31:05.000Z',
      outcome: 'denied',
    },
  ] as const;
  const edges = [{ from: 'e1', to: 'e2', strength: 'inferred', rule: 'prompt-to-call' }] as const;
  const layout = layoutGraph(nodes, edges);

  it('draws every node with its whole label escaped in a title, and each edge dashed by its strength', () => {
    const { svg, width, height } = graphSvg({ nodes, edges, layout, laneNames, title: 'case', palette });
    expect(svg.match(/<g data-node-id=/g)).toHaveLength(2);
    expect(svg).toContain('<title>“delete &lt;the&gt; HPA &amp; co”</title>');
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('API requests 1');
    expect(svg).not.toContain('<the>');
    expect(width).toBeGreaterThan(layout.width);
    expect(height).toBeGreaterThan(layout.height);
  });

  it('draws a pinned node where the analyst left it, growing the drawing to hold it', () => {
    const plain = graphSvg({ nodes, edges, layout, laneNames, title: 'case', palette });
    const pinned = graphSvg({ nodes, edges, layout, laneNames, title: 'case', palette, pins: { e2: { x: 2000, y: 900 } } });
    expect(pinned.width).toBeGreaterThan(2000);
    expect(pinned.height).toBeGreaterThan(900);
    expect(pinned.width).toBeGreaterThan(plain.width);
  });

  it('wraps labels at spaces, cuts long words and ends a cut label with an ellipsis', () => {
    expect(wrapLabel('create pods production/api-service-abc', 16, 3)).toEqual(['create pods', 'production/api-s', 'ervice-abc']);
    expect(wrapLabel('a b c d e f', 3, 2)).toEqual(['a b', 'c …']);
    expect(escapeXml(`"'<>&`)).toBe('&quot;&apos;&lt;&gt;&amp;');
  });
});
