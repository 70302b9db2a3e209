// The selected node's causal links, in and out: which rule joined the two records, how strong the join is,
// the fields whose values matched, and the linker's note. Clicking the other end selects it.
import './node-edges.css';
import { useMemo } from 'react';
import type { GraphEdge } from '../../../../src-main/shared/graph';
import { useGraph } from '../../state/graph';
import { useSelection } from '../../state/selection';

function EdgeItem({ edge, direction }: { edge: GraphEdge; direction: 'in' | 'out' }) {
  const otherId = direction === 'in' ? edge.from : edge.to;
  const other = useGraph((s) => s.nodeById.get(otherId));
  const selectNode = useSelection((s) => s.selectNode);
  return (
    <li className={`node-edge edge-${edge.strength}`} data-testid="node-edge" data-direction={direction} data-rule={edge.rule}>
      <div className="node-edge-head">
        <span className={`badge strength-${edge.strength}`}>{edge.strength}</span>
        <code className="rule">{edge.rule}</code>
        {edge.status && <span className={`badge status-${edge.status}`}>{edge.status}</span>}
      </div>
      <button className="link-button" onClick={() => selectNode(otherId)} title={`Select ${other?.label ?? otherId}`}>
        {direction === 'in' ? '← ' : '→ '}
        {other?.label ?? otherId}
      </button>
      {edge.fields.length > 0 && (
        <ul className="join-fields">
          {edge.fields.map((field) => (
            <li key={`${field.from}=${field.to}`}>
              <code>{field.from}</code> = <code>{field.to}</code>: <code className="value">{field.value}</code>
            </li>
          ))}
        </ul>
      )}
      {edge.note && <p className="node-edge-note">{edge.note}</p>}
    </li>
  );
}

export function NodeEdges() {
  const nodeId = useSelection((s) => s.nodeId);
  const selectedId = useSelection((s) => s.selectedId);
  const edges = useGraph((s) => s.graph?.edges);
  const node = useGraph((s) => (nodeId ? s.nodeById.get(nodeId) : undefined));
  const [incoming, outgoing] = useMemo(() => {
    if (!nodeId || !edges) return [[], []];
    return [edges.filter((e) => e.to === nodeId), edges.filter((e) => e.from === nodeId)];
  }, [edges, nodeId]);
  if (selectedId === undefined) return null;
  if (!node) {
    return (
      <section className="node-links" data-testid="node-links">
        <h3>Causal links</h3>
        <p className="hint">Not drawn in the graph: linked to nothing (background activity), or hidden by the filter.</p>
      </section>
    );
  }
  return (
    <section className="node-links" data-testid="node-links" data-node-id={node.id}>
      <h3>Causal links</h3>
      <p className="hint">
        Graph node <code>{node.id}</code>
        {node.chain !== undefined ? ` in chain ${node.chain}` : ', in no chain'}
        {node.event_ids.length > 1 ? ` · ${node.event_ids.length} events (${node.event_ids.map((id) => `#${id}`).join(', ')})` : ''}
      </p>
      {incoming.length + outgoing.length === 0 && <p className="hint">No edges: nothing joins this record to another.</p>}
      {incoming.length > 0 && (
        <>
          <h4>Caused by ({incoming.length})</h4>
          <ul className="node-edges">
            {incoming.map((edge) => (
              <EdgeItem key={edge.id} edge={edge} direction="in" />
            ))}
          </ul>
        </>
      )}
      {outgoing.length > 0 && (
        <>
          <h4>Led to ({outgoing.length})</h4>
          <ul className="node-edges">
            {outgoing.map((edge) => (
              <EdgeItem key={edge.id} edge={edge} direction="out" />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
