// One graph node: what happened (label), what kind of evidence it is, when, whether the evidence is
// intact (verdict badge), and how it ended (outcome colour). Denials and other notable nodes stand out.
// In `memo` and subscribed to its own selection only, so selecting a node re-renders two nodes, not all.
// The six routing handles are invisible anchors for the linker's edges; the two draw handles let the
// analyst drag an edge of their own from one node onto another (GraphCanvas's onConnect). The kind badge
// drags the node onto the Findings board.
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { GraphNode } from '../../../../src-main/shared/graph';
import { useGraph, useSelection } from '../../state/stores';
import { VerdictBadge } from '../verify/VerdictBadge';
import { HANDLES, type EventFlowNode } from './flow-types';
import { FindingBadge } from '../findings/FindingBadge';
import { labelSegments } from './node-label';
import { setNodeDrag } from '../annotate/drag';

/** Short kind names: a node is narrow, and its lane already says what family it belongs to. */
const SHORT_KIND: Partial<Record<GraphNode['kind'], string>> = {
  authz_decision: 'authz',
  policy_decision: 'policy',
  workload_event: 'event',
  resource_change: 'change',
  human_action: 'human',
};

function clockTime(time: string | undefined): string {
  return time ? time.slice(11, 23) : 'no time';
}

function NodeLabel({ kind, label }: { kind: string; label: string }) {
  return (
    <div className="graph-node-label" data-testid="graph-node-label">
      {labelSegments(kind, label).map((segment, index) => (
        <span key={index} className={`label-${segment.role}`} {...(segment.role === 'key' ? { 'data-testid': 'graph-node-key' } : {})}>
          {segment.text}
        </span>
      ))}
    </div>
  );
}

export const EventNode = memo(function EventNode({ id, data }: NodeProps<EventFlowNode>) {
  const { node, background, pinned } = data;
  const selected = useSelection((s) => s.nodeId === id);
  // While a search runs: a match is lit (the one stepped to, more so), the rest dimmed.
  const searched = useGraph((s) =>
    s.search.query.trim() === '' ? undefined : s.searchHits.has(id) ? (s.search.hits[s.search.index] === id ? 'current' : 'hit') : 'dim',
  );
  const classes = ['graph-node', `outcome-${node.outcome}`, `lane-${node.lane}`];
  if (node.lane === 'authz') classes.push('compact');
  if (background) classes.push('background');
  if (node.notable) classes.push('notable');
  if (selected) classes.push('selected');
  if (pinned) classes.push('pinned');
  if (searched) classes.push(`search-${searched}`);
  return (
    <div
      className={classes.join(' ')}
      data-testid="graph-node"
      data-node-id={id}
      data-kind={node.kind}
      data-outcome={node.outcome}
      data-time={node.time}
      data-selected={selected}
      data-background={background || undefined}
      data-search={searched}
      data-pinned={pinned || undefined}
      title={`${node.label}\n${node.time ?? ''}${node.actor ? `\n${node.actor.id}` : ''}${background ? '\nbackground: linked to nothing' : ''}`}
    >
      <Handle type="target" position={Position.Left} id={HANDLES.inLeft} isConnectable={false} />
      <Handle type="target" position={Position.Top} id={HANDLES.inTop} isConnectable={false} />
      <Handle type="target" position={Position.Bottom} id={HANDLES.inBottom} isConnectable={false} />
      <div className="graph-node-head">
        {/* The kind badge is the node's grip for the Findings board: an HTML drag carrying the node, as a
            timeline row's does (the rest of the node moves it on the canvas, and pins it). */}
        <span
          className={`badge kind-${node.kind} node-grip nodrag`}
          title={`${node.kind}: drag onto a finding (Root cause, Contributing factor…)`}
          draggable
          data-testid="node-grip"
          onDragStart={(e) => setNodeDrag(e, id, node.label)}
        >
          {SHORT_KIND[node.kind] ?? node.kind.replace('_', ' ')}
        </span>
        <span className="graph-node-time">{clockTime(node.time)}</span>
        {node.outcome === 'denied' && (
          <span className="denied-tag" data-testid="denied-tag">
            denied
          </span>
        )}
        {node.notable && node.outcome !== 'denied' && (
          <span className="notable-tag" title="A failure, denial, error or warning">
            {node.outcome}
          </span>
        )}
        {pinned && (
          <button
            className="pin-mark nodrag"
            data-testid="pin-mark"
            title="Pinned where you left it: click to unpin"
            aria-label="Unpin this node"
            onClick={(e) => {
              e.stopPropagation();
              useGraph.getState().unpin(id);
            }}
          >
            <svg viewBox="0 0 12 12" aria-hidden="true">
              <path d="M4 1h4l-.6 3.2L9.5 6.5H6.6L6 11l-.6-4.5H2.5l2.1-2.3z" fill="currentColor" />
            </svg>
          </button>
        )}
        <FindingBadge eventIds={node.event_ids} />
        <VerdictBadge verdict={node.verdict ?? 'unverifiable'} />
      </div>
      <NodeLabel kind={node.kind} label={node.label} />
      <Handle type="source" position={Position.Right} id={HANDLES.outRight} isConnectable={false} />
      <Handle type="source" position={Position.Bottom} id={HANDLES.outBottom} isConnectable={false} />
      <Handle type="source" position={Position.Top} id={HANDLES.outTop} isConnectable={false} />
      <Handle
        type="source"
        position={Position.Right}
        id={HANDLES.drawFrom}
        isConnectableEnd={false}
        className="draw-from"
        data-testid="draw-handle"
        title="Drag onto another node to draw an edge"
      />
      <Handle type="target" position={Position.Left} id={HANDLES.drawTo} isConnectableStart={false} className="draw-to" />
    </div>
  );
});
