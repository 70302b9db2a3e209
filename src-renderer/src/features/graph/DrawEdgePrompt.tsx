// The edge the analyst has just dragged from one node onto another, waiting for an optional note before it
// goes to the journal as `draw_edge`. Escape or Cancel drops it; nothing is drawn until the journal has it.
import { useState } from 'react';
import { useAnalysis, useGraph } from '../../state/stores';

export interface PendingEdge {
  from: string;
  to: string;
}

export function DrawEdgePrompt({ edge, onDone }: { edge: PendingEdge; onDone: () => void }) {
  const [note, setNote] = useState('');
  const record = useAnalysis((s) => s.record);
  const busy = useAnalysis((s) => s.busy);
  const error = useAnalysis((s) => s.error);
  const from = useGraph((s) => s.nodeById.get(edge.from)?.label ?? edge.from);
  const to = useGraph((s) => s.nodeById.get(edge.to)?.label ?? edge.to);
  const submit = async () => {
    const text = note.trim();
    if (await record({ type: 'draw_edge', from: edge.from, to: edge.to, ...(text ? { note: text } : {}) })) onDone();
  };
  return (
    <form
      className="draw-edge-prompt"
      data-testid="draw-edge-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDone();
      }}
    >
      <span className="ends" title={`${from} → ${to}`}>
        <span>Draw an edge from {from}</span>
        <span>to {to}</span>
      </span>
      <input
        autoFocus
        value={note}
        onChange={(e) => setNote(e.target.value)}
        placeholder="Why (optional)"
        maxLength={2000}
        data-testid="draw-edge-note"
      />
      <button type="submit" disabled={busy} data-testid="draw-edge-save">
        Draw edge
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      {error && <span className="error">{error}</span>}
    </form>
  );
}
