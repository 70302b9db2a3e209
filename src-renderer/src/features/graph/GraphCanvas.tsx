// The React Flow canvas. Nodes are rebuilt only when the layout changes; a selection re-styles edges and
// the two nodes whose selection changed, nothing else. The viewport opens on the start of the chain with
// every lane in view, and centers on a node whenever the selection came from the timeline. Dragging from a
// node's draw handle onto another node proposes an analyst edge (DrawEdgePrompt).
import {
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  useStoreApi,
  applyNodeChanges,
  type Connection,
  type NodeChange,
  type OnNodeDrag,
  type Edge,
  type IsValidConnection,
  type Node,
  type NodeMouseHandler,
} from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { commands, useGraph, useSelection } from '../../state/stores';
import { DrawEdgePrompt, type PendingEdge } from './DrawEdgePrompt';
import { EventNode } from './EventNode';
import { NodeRoleMenu, type RoleMenuAt } from './NodeRoleMenu';
import { toFlowEdges, toFlowNodes } from './flow-elements';
import type { EventFlowNode } from './flow-types';
import { NODE_WIDTH, nodeHeight, type GraphLayout } from '../../lib/graph-layout';

/** Module scope, as React Flow asks: a new object each render would remount every node. */
const nodeTypes = { event: EventNode };

/** Room on the left for the lane names and on top for the time axis. */
export const LABEL_GUTTER = 118;
export const AXIS_HEIGHT = 22;
/** Room kept at the bottom of the stage (the legend sits in the toolbar, so only a margin). */
const LEGEND_HEIGHT = 4;
/** The farthest the graph zooms out: far enough that "Show the whole view" shows a long chain whole (an outline). */
const MIN_ZOOM = 0.03;
/**
 * The zoom buttons sit at the top right, where a key path (a staircase from the prompt at the top left
 * down to the failure at the bottom right) leaves room; nothing is reserved for them.
 */
const CONTROLS_WIDTH = 0;

const minimapColour = (flowNode: Node) => {
  const node = (flowNode as EventFlowNode).data.node;
  return node.outcome === 'denied' ? 'var(--deny)' : node.notable ? 'var(--fail)' : 'var(--graph-minimap-node)';
};

const onNodeClick: NodeMouseHandler = (_event, node) => useSelection.getState().selectNode(node.id);

/** An edge of the analyst's own joins two different nodes. */
const isValidConnection: IsValidConnection<Edge> = (c) => c.source !== c.target;

/**
 * Every lane in view, and the whole chain when it fits; a long chain is panned rather than shrunk past
 * the point where labels can be read.
 */
function openingZoom(layout: GraphLayout, width: number, height: number, whole = false, reserve = 0): number {
  const fitWidth = (width - LABEL_GUTTER - 24 - reserve) / Math.max(layout.width, 1);
  const fitHeight = (height - AXIS_HEIGHT - LEGEND_HEIGHT) / Math.max(layout.height, 1);
  return Math.min(1, Math.max(whole ? MIN_ZOOM : 0.7, Math.min(fitWidth, fitHeight)));
}

/** How far the analyst may pan: the layout with a margin, so the chain never drifts out of sight into blank space. */
function panBounds(layout: GraphLayout | undefined): [[number, number], [number, number]] | undefined {
  if (!layout) return undefined;
  const margin = 600;
  return [
    [-margin - LABEL_GUTTER, -margin / 2 - AXIS_HEIGHT],
    [layout.width + margin, layout.height + margin / 2],
  ];
}

/** A key path is a handful of nodes chosen to be read whole: it opens fitted, centred in the stage. */
function fitPath(layout: GraphLayout, width: number, height: number): { x: number; y: number; zoom: number } {
  const zoom = openingZoom(layout, width, height, true, CONTROLS_WIDTH);
  const room = width - LABEL_GUTTER - CONTROLS_WIDTH - layout.width * zoom;
  const x = LABEL_GUTTER + Math.max(16, Math.min(room / 2, 64));
  const spare = height - AXIS_HEIGHT - LEGEND_HEIGHT - layout.height * zoom;
  return { x, y: AXIS_HEIGHT + Math.max(0, Math.min(spare / 2, 24)), zoom };
}

export function GraphCanvas() {
  const layout = useGraph((s) => s.layout);
  const isPath = useGraph((s) => typeof s.view === 'string' && s.view.startsWith('path:'));
  const visible = useGraph((s) => s.visible);
  const memberIds = useGraph((s) => s.memberIds);
  const selected = useSelection((s) => s.nodeId);
  const store = useStoreApi();
  const { setViewport, setCenter, getZoom } = useReactFlow();
  const pendingFocus = useRef<string | undefined>(undefined);
  // The first member of a group just expanded, sent by the graph store before the layout that holds it.
  const expandedFirstRef = useRef<string | undefined>(undefined);
  useEffect(() => commands.on('showExpanded', (nodeId) => void (expandedFirstRef.current = nodeId)), []);
  const [drawing, setDrawing] = useState<PendingEdge | undefined>(undefined);
  const [roleMenu, setRoleMenu] = useState<RoleMenuAt | undefined>(undefined);
  const onNodeContextMenu: NodeMouseHandler = (event, node) => {
    event.preventDefault();
    const stage = (event.currentTarget as HTMLElement).closest('.graph-stage')?.getBoundingClientRect();
    useSelection.getState().selectNode(node.id);
    setRoleMenu({ nodeId: node.id, x: event.clientX - (stage?.left ?? 0), y: event.clientY - (stage?.top ?? 0) });
  };
  const onConnect = (c: Connection) => setDrawing({ from: c.source, to: c.target });
  // The stage's size is known once React Flow has measured it; only that first measure re-opens the view.
  const measured = useStore((s) => s.width > 0);

  const pins = useGraph((s) => s.pins);
  const laidOut = useMemo(() => toFlowNodes(visible.nodes, layout, memberIds, pins), [visible, layout, memberIds, pins]);
  // The nodes as React Flow moves them while the analyst drags one; the store's pin takes over on the drop.
  const [nodes, setNodes] = useState<EventFlowNode[]>(laidOut);
  useEffect(() => setNodes(laidOut), [laidOut]);
  const onNodesChange = (changes: NodeChange<EventFlowNode>[]) =>
    setNodes((current) =>
      applyNodeChanges(
        changes.filter((c) => c.type === 'position' || c.type === 'dimensions'),
        current,
      ),
    );
  const onNodeDragStop: OnNodeDrag<EventFlowNode> = (_event, node) => {
    const laid = useGraph.getState().layout?.positions[node.id];
    // A click that did not move the node pins nothing.
    if (laid && !useGraph.getState().pins[node.id] && Math.hypot(node.position.x - laid.x, node.position.y - laid.y) < 2) return;
    useGraph.getState().pin(node.id, node.position);
  };
  const edges = useMemo(() => toFlowEdges(visible.edges, layout, selected), [visible, layout, selected]);

  // A new layout (another chain, another filter, a group expanded): open on the node waiting to be shown
  // (the first member of a group just expanded), else on the selected node when it is still there (a
  // filter changed under it), else on the start.
  useEffect(() => {
    if (!layout || !measured) return;
    const { width: w, height: h } = store.getState();
    const zoom = openingZoom(layout, w, h);
    const expandedFirst = expandedFirstRef.current;
    expandedFirstRef.current = undefined;
    const target = pendingFocus.current ?? expandedFirst ?? useSelection.getState().nodeId;
    const waiting = target !== undefined ? layout.positions[target] : undefined;
    const lane = useGraph.getState().nodeById.get(target ?? '')?.lane ?? 'api';
    pendingFocus.current = undefined;
    const pathView = String(useGraph.getState().view).startsWith('path:');
    // A chain's path view is always fitted whole, unless a group of it was just expanded. (Compared as
    // `target !== expandedFirst`, a path view opened before anything was selected, both undefined, fell
    // through to the opening view: nodes outside it stayed culled, as the one-screen test saw under load.)
    const justExpanded = expandedFirst !== undefined && target === expandedFirst;
    if (pathView && !justExpanded) {
      void setViewport(fitPath(layout, w, h));
    } else if (waiting && target === expandedFirst) {
      // A group just expanded: its first member at the left, the later ones following it to the right,
      // and the lanes from the top as on opening; when the member's lane is lower than the stage, as
      // much above it as fits (the decisions of requests are in the lane above).
      const bottom = h - LEGEND_HEIGHT - 12;
      const memberBottom = (waiting.y + nodeHeight(lane)) * zoom;
      const y = memberBottom + AXIS_HEIGHT <= bottom ? AXIS_HEIGHT : bottom - memberBottom;
      void setViewport({ x: LABEL_GUTTER + 24 - waiting.x * zoom, y, zoom });
    } else if (waiting) {
      void setCenter(waiting.x + NODE_WIDTH / 2, waiting.y + nodeHeight(lane) / 2, { zoom });
    } else {
      void setViewport({ x: LABEL_GUTTER, y: AXIS_HEIGHT, zoom });
    }
  }, [layout, measured, setViewport, setCenter, store]);

  // The stage resized after the first measure (the split settling, a pane folded, the window resized):
  // a chain's path view is fitted again, so the chain stays on one screen and no node is left culled
  // outside it. Other views keep where the analyst put them.
  const stageSize = useStore((s) => `${Math.round(s.width)}x${Math.round(s.height)}`);
  const fittedSize = useRef<string | undefined>(undefined);
  useEffect(() => {
    const previous = fittedSize.current;
    fittedSize.current = stageSize;
    const current = useGraph.getState().layout;
    if (previous === undefined || previous === stageSize || !current || !measured) return;
    if (!String(useGraph.getState().view).startsWith('path:')) return;
    const { width: w, height: h } = store.getState();
    void setViewport(fitPath(current, w, h));
  }, [stageSize, measured, setViewport, store]);

  // A row chosen in the timeline: bring its node into view, switching chains if it is in another one.
  useEffect(
    () =>
      commands.on('focusNode', (nodeId) => {
        const position = useGraph.getState().layout?.positions[nodeId];
        const lane = useGraph.getState().nodeById.get(nodeId)?.lane ?? 'api';
        if (position && useGraph.getState().visible.nodes.some((n) => n.id === nodeId)) {
          void setCenter(position.x + NODE_WIDTH / 2, position.y + nodeHeight(lane) / 2, { zoom: Math.max(getZoom(), 0.7), duration: 250 });
        } else {
          pendingFocus.current = nodeId;
          void useGraph.getState().reveal(nodeId);
        }
      }),
    [setCenter, getZoom],
  );

  // React Flow's own fit-view knows nothing of the lane names and the time axis pinned over the stage.
  const fitWhole = () => {
    const current = useGraph.getState().layout;
    if (!current) return;
    const { width: w, height: h } = store.getState();
    void setViewport({ x: LABEL_GUTTER, y: AXIS_HEIGHT, zoom: openingZoom(current, w, h, true) }, { duration: 200 });
  };

  return (
    <>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        onNodeContextMenu={onNodeContextMenu}
        nodesDraggable
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        connectOnClick={false}
        elementsSelectable={false}
        edgesFocusable={false}
        onlyRenderVisibleElements
        translateExtent={panBounds(layout)}
        minZoom={MIN_ZOOM}
        maxZoom={1.75}
        colorMode="dark"
        proOptions={{ hideAttribution: true }}
      >
        <Controls showInteractive={false} showFitView={false} position="top-right">
          <ControlButton onClick={fitWhole} title="Show the whole view" aria-label="Show the whole view" data-testid="graph-fit">
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="1.6" />
            </svg>
          </ControlButton>
        </Controls>
        {/* A whole chain is wider than the stage: the minimap shows where the view is in it (a key path fits, so needs none). */}
        {!isPath && nodes.length > 12 && (
          <MiniMap
            position="bottom-right"
            pannable
            zoomable
            ariaLabel="Minimap of the graph"
            style={{ width: 160, height: 72 }}
            nodeColor={minimapColour}
            maskColor="var(--graph-minimap-mask)"
            bgColor="var(--panel)"
          />
        )}
      </ReactFlow>
      {roleMenu && <NodeRoleMenu key={roleMenu.nodeId} at={roleMenu} onClose={() => setRoleMenu(undefined)} />}
      {drawing && <DrawEdgePrompt key={`${drawing.from}>${drawing.to}`} edge={drawing} onDone={() => setDrawing(undefined)} />}
    </>
  );
}
