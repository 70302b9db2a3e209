// The selected node's causal links, in and out: which rule joined the two records, how strong the join is,
// the fields whose values matched, and the linker's note. Clicking the other end selects it. The analyst
// accepts or rejects an inferred edge here, and erases one they drew; each is a journal entry, and the
// graph store relinks when the journal's edges change (state/graph.ts).
import { useMemo } from 'react';
import type { GraphEdge } from '../../../../src-main/shared/graph';
import { useAnalysis, useGraph, useSelection } from '../../state/stores';

function EdgeActions({ edge }: { edge: GraphEdge }) {
  const record = useAnalysis((s) => s.record);
  const busy = useAnalysis((s) => s.busy);
  if (edge.strength === 'analyst') {
    return (
      <div className="node-edge-actions">
        <button
          disabled={busy}
          onClick={() => void record({ type: 'erase_edge', edge: edge.id })}
          data-testid="edge-erase"
          title="Erase the edge you drew"
        >
          Erase
        </button>
      </div>
    );
  }
  if (edge.strength !== 'inferred') return null;
  const decide = (decision: 'accepted' | 'rejected' | 'proposed') => void record({ type: 'decide_edge', edge: edge.id, decision });
  return (
    <div className="node-edge-actions">
      {edge.status === 'proposed' ? (
        <>
          <button disabled={busy} onClick={() => decide('accepted')} data-testid="edge-accept" title="The inference holds: keep this edge">
            Accept
          </button>
          <button
            disabled={busy}
            onClick={() => decide('rejected')}
            data-testid="edge-reject"
            title="The inference is wrong: hide this edge and unlink its chain"
          >
            Reject
          </button>
        </>
      ) : (
        <button disabled={busy} onClick={() => decide('proposed')} data-testid="edge-undecide" title="Back to proposed">
          Undo decision
        </button>
      )}
    </div>
  );
}

function EdgeItem({ edge, direction }: { edge: GraphEdge; direction: 'in' | 'out' }) {
  const otherId = direction === 'in' ? edge.from : edge.to;
  const other = useGraph((s) => s.nodeById.get(otherId));
  const selectNode = useSelection((s) => s.selectNode);
  return (
    <li
      className={`node-edge edge-${edge.strength}${edge.status ? ` edge-${edge.status}` : ''}`}
      data-testid="node-edge"
      data-direction={direction}
      data-rule={edge.rule}
      data-edge-id={edge.id}
      data-status={edge.status ?? ''}
    >
      <div className="node-edge-head">
        <span className={`badge strength-${edge.strength}`}>{edge.strength}</span>
        <code className="rule">{edge.rule}</code>
        {edge.status && <span className={`badge status-${edge.status}`}>{edge.status}</span>}
      </div>
      <button className="link-button" onClick={() => selectNode(otherId, { focus: true })} title={`Select ${other?.label ?? otherId}`}>
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
      <EdgeActions edge={edge} />
    </li>
  );
}

export function NodeEdges() {
  const nodeId = useSelection((s) => s.nodeId);
  const selectedId = useSelection((s) => s.selectedId);
  const edges = useGraph((s) => s.graph?.edges);
  const node = useGraph((s) => (nodeId ? s.nodeById.get(nodeId) : undefined));
  const hiddenLinks = useGraph((s) => (nodeId ? (s.base?.hidden?.links[nodeId] ?? 0) : 0));
  const background = useGraph((s) => nodeId !== undefined && s.memberIds.has(nodeId));
  const error = useAnalysis((s) => s.error);
  // Rejected edges are out of the graph and its chains, but listed apart so the decision can be undone.
  const [incoming, outgoing, rejected] = useMemo(() => {
    if (!nodeId || !edges) return [[], [], []];
    const mine = edges.filter((e) => e.to === nodeId || e.from === nodeId);
    const kept = mine.filter((e) => e.status !== 'rejected');
    return [kept.filter((e) => e.to === nodeId), kept.filter((e) => e.from === nodeId), mine.filter((e) => e.status === 'rejected')];
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
        {node.chain !== undefined
          ? ` in chain ${node.chain}`
          : background
            ? ', in no chain: background, from an expanded group'
            : ', in no chain'}
        {node.event_ids.length > 1 ? ` · ${node.event_ids.length} events (${node.event_ids.map((id) => `#${id}`).join(', ')})` : ''}
      </p>
      {hiddenLinks > 0 && (
        <p className="hint links-hidden" data-testid="links-hidden">
          {hiddenLinks} {hiddenLinks === 1 ? 'link' : 'links'} hidden by the current filter: the other end does not match it
        </p>
      )}
      {incoming.length + outgoing.length + rejected.length === 0 && hiddenLinks === 0 && (
        <p className="hint">No edges: nothing joins this record to another.</p>
      )}
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
      {rejected.length > 0 && (
        <>
          <h4>Rejected ({rejected.length})</h4>
          <ul className="node-edges rejected" data-testid="rejected-edges">
            {rejected.map((edge) => (
              <EdgeItem key={edge.id} edge={edge} direction={edge.to === nodeId ? 'in' : 'out'} />
            ))}
          </ul>
        </>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
