// The graph view: a toolbar (chain picker, legend), and the stage where lane bands, the React Flow
// canvas and the pinned lane names are stacked. Its data-status names the app state tests wait for.
import '@xyflow/react/dist/style.css';
import './graph.css';
import { ReactFlowProvider } from '@xyflow/react';
import type { KeyboardEvent } from 'react';
import { useGraph, useSelection } from '../../state/stores';
import { showPane } from '../layout/pane-events';
import { nextNode } from './keyboard';
import { GraphCanvas } from './GraphCanvas';
import { GraphToolbar } from './GraphToolbar';
import { LaneBands, LaneLabels } from './LaneOverlay';

function StageMessage() {
  const status = useGraph((s) => s.status);
  const error = useGraph((s) => s.error);
  const empty = useGraph((s) => s.visible.nodes.length === 0);
  if (status === 'error') return <p className="graph-message error">{error}</p>;
  if (status === 'loading' || status === 'laying-out') return <p className="graph-message">Linking evidence…</p>;
  if (empty)
    return (
      <p className="graph-message" data-testid="graph-empty">
        No linked evidence matches the filter.
      </p>
    );
  return null;
}

/**
 * The graph is one tab stop: the arrow keys move the selection along the edges (centring the node), Enter
 * opens the selected node in the inspector (unfolding it), N adds its neighbours to the view.
 */
function onStageKey(e: KeyboardEvent) {
  if (e.target !== e.currentTarget) return;
  const { layout, visible } = useGraph.getState();
  if (!layout) return;
  const selected = useSelection.getState().nodeId;
  if (e.key === 'Enter' && selected) {
    e.preventDefault();
    showPane('inspector');
    return;
  }
  if ((e.key === 'n' || e.key === 'N') && selected && !e.ctrlKey && !e.metaKey && !e.altKey) {
    e.preventDefault();
    void useGraph.getState().expandNeighbours(selected);
    return;
  }
  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft' && e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
  e.preventDefault();
  const from = selected && layout.positions[selected] ? selected : undefined;
  const first = visible.nodes.find((n) => n.lane === 'prompt')?.id ?? visible.nodes[0]?.id;
  const next = from ? nextNode(from, e.key, layout.positions, visible.edges) : first;
  if (next) useSelection.getState().selectNode(next, { focus: true });
}

export function GraphView() {
  const status = useGraph((s) => s.status);
  const view = useGraph((s) => s.view);
  const count = useGraph((s) => s.visible.nodes.length);
  const edges = useGraph((s) => s.visible.edges.length);
  const filter = useGraph((s) => s.filter);
  // Which kinds the view holds, for tests that cannot see every node (React Flow draws only those on screen).
  const kinds = useGraph((s) => [...new Set(s.visible.nodes.map((n) => n.kind))].sort().join(','));
  const members = useGraph((s) => s.memberIds.size);
  const searching = useGraph((s) => s.search.query.trim() !== '');
  const added = useGraph((s) => s.added.size);
  return (
    <section
      className="graph-panel"
      aria-label="Causal graph"
      data-testid="graph"
      data-status={status}
      data-view={view ?? ''}
      data-nodes={count}
      data-edges={edges}
      data-kinds={kinds}
      data-members={members}
      data-added={added}
      data-filter={filter ? JSON.stringify(filter) : ''}
    >
      <ReactFlowProvider>
        <GraphToolbar />
        <div
          className={`graph-stage${searching ? ' searching' : ''}`}
          tabIndex={0}
          role="application"
          aria-roledescription="causal graph"
          aria-label="Causal graph: arrow keys move along the edges, Enter opens the selected node in the inspector, N expands its neighbours, ? lists every shortcut"
          data-testid="graph-stage"
          onKeyDown={onStageKey}
        >
          <LaneBands />
          <GraphCanvas />
          <LaneLabels />
          <StageMessage />
        </div>
      </ReactFlowProvider>
    </section>
  );
}
