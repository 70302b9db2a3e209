import { useState, type DragEvent } from 'react';
import type { Role } from '../../../../src-main/shared/analysis';
import { ROLE_TITLES, ROLES } from './roles';
import { useAnalysis, useGraph } from '../../state/stores';
import { isNodeDrag, readNodeDrag } from './drag';
import { clockTime, selectNode } from './select-node';
import { useShallow } from 'zustand/react/shallow';
import './annotate.css';

const ROLE_HINTS: Record<Role, string> = {
  root_cause: 'The change or decision without which the incident would not have happened',
  contributing_factor: 'What made it possible or worse',
  trigger: 'What set it off',
  impact: 'What users or systems suffered',
  policy_gap: 'The guardrail that should have stopped it',
};

function RoleTarget({ role }: { role: Role }) {
  const [over, setOver] = useState(false);
  const assigned = useAnalysis(useShallow((s) => s.state?.roles.filter((r) => r.role === role) ?? []));
  const record = useAnalysis((s) => s.record);
  const nodes = useGraph((s) => s.summaries);
  const onDragOver = (e: DragEvent) => {
    if (!isNodeDrag(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };
  const onDrop = (e: DragEvent) => {
    setOver(false);
    const drag = readNodeDrag(e);
    if (!drag) return;
    e.preventDefault();
    void record({ type: 'assign', node: drag.node, role, label: drag.label.slice(0, 500) });
  };
  return (
    <section
      className={`role-target role-${role}${over ? ' over' : ''}`}
      data-testid={`role-${role}`}
      aria-label={ROLE_TITLES[role]}
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <h3 title={ROLE_HINTS[role]}>
        {ROLE_TITLES[role]} <span className="muted">{assigned.length || ''}</span>
      </h3>
      {assigned.length ? (
        <ul>
          {assigned.map((r) => (
            <li key={r.node} data-testid="role-item" data-node-id={r.node}>
              <button className="link node-link" onClick={() => selectNode(r.node)} title={r.node}>
                <span className="time">{clockTime(nodes[r.node]?.time)}</span> {r.label ?? nodes[r.node]?.label ?? r.node}
              </button>
              <button
                className="icon"
                aria-label={`Remove from ${ROLE_TITLES[role]}`}
                data-testid="role-remove"
                onClick={() => void record({ type: 'unassign', node: r.node, role })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="drop-hint">Drop an event here</p>
      )}
    </section>
  );
}

/** Where the analyst sorts evidence into what the postmortem says: drop timeline rows or graph nodes. */
export function FindingsBoard() {
  const error = useAnalysis((s) => s.error);
  return (
    <div className="findings" data-testid="findings-board">
      <h2>Findings</h2>
      <p className="hint">
        Drag events from the timeline (or a graph node by its kind badge) onto a finding, or use “Assign to…” in the inspector.
      </p>
      {ROLES.map((role) => (
        <RoleTarget key={role} role={role} />
      ))}
      {error && <p className="error">{error}</p>}
    </div>
  );
}
