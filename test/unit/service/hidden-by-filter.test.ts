// Issue 18, "say what is hidden": a filter that hides one end of a link says so, per node shown and per
// lane, rather than leaving the inspector to say "No edges" and the lanes to look complete.
import { describe, expect, it } from 'vitest';
import { tempWorkbenches } from '../../support/workbench';

const SAMPLE = new URL('../../../resources/samples/inc-0047', import.meta.url).pathname;
const cases = tempWorkbenches('causa-hidden-');

describe('what a filter hides', () => {
  it('is counted per node shown (its links to hidden nodes) and per lane (its hidden nodes)', async () => {
    const workbench = cases.open('sample');
    await workbench.importPaths([SAMPLE]);
    const whole = workbench.graph({});
    expect(whole.hidden).toBeUndefined();

    // Only the audited API calls: the prompts, tool calls and pod events that led to or followed them are hidden.
    const narrowed = workbench.graph({ kind: ['k8s_api'] });
    const shown = new Set(narrowed.nodes.map((n) => n.id));
    const hidden = narrowed.hidden!;
    expect(hidden).toBeDefined();
    // Recounted from the whole graph: every link with exactly one end shown, at the end that is shown.
    const expected: Record<string, number> = {};
    for (const edge of whole.edges) {
      if (edge.status === 'rejected' || shown.has(edge.from) === shown.has(edge.to)) continue;
      const end = shown.has(edge.from) ? edge.from : edge.to;
      expected[end] = (expected[end] ?? 0) + 1;
    }
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(hidden.links).toEqual(expected);
    // The agent's patch is shown, and its tool call (in another lane) is among what the filter hides.
    const patch = narrowed.nodes.find((n) => n.label === 'patch deployments production/api-service' && n.chain === 1)!;
    expect(hidden.links[patch.id]).toBeGreaterThan(0);
    expect(narrowed.edges.some((e) => e.to === patch.id && e.rule === 'tool-target')).toBe(false);

    const lanes: Record<string, number> = {};
    for (const node of whole.nodes) if (!shown.has(node.id)) lanes[node.lane] = (lanes[node.lane] ?? 0) + 1;
    expect(hidden.lanes).toEqual(lanes);
    expect(hidden.lanes.prompt).toBeGreaterThan(0);
    expect(hidden.lanes.tool).toBeGreaterThan(0);
  });
});
