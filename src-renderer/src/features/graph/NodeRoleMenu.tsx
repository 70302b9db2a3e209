// A node's menu (right-click, or the context-menu key on the selected node): expand its neighbours into the
// view, and assign the node to Root cause, Contributing factor… straight from the graph, so that the root
// cause is two actions away from opening a case (open the menu on the node, choose the finding).
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ROLE_TITLES, ROLES } from '../annotate/roles';
import { useAnalysis } from '../../state/stores';
import { useGraph } from '../../state/stores';
import { useCloseOnOutsideClick } from '../../ui/use-outside-click';

export interface RoleMenuAt {
  nodeId: string;
  /** Where the menu opens, relative to the graph stage. */
  x: number;
  y: number;
}

export function NodeRoleMenu({ at, onClose }: { at: RoleMenuAt; onClose(): void }) {
  const node = useGraph((s) => s.nodeById.get(at.nodeId));
  const assigned = useAnalysis(useShallow((s) => s.state?.roles.filter((r) => r.node === at.nodeId).map((r) => r.role) ?? []));
  const record = useAnalysis((s) => s.record);
  const hidden = useGraph(useShallow((s) => s.hiddenNeighbours(at.nodeId)));
  const expand = useGraph((s) => s.expandNeighbours);
  const pinned = useGraph((s) => s.pins[at.nodeId] !== undefined);
  const root = useRef<HTMLDivElement>(null);
  useCloseOnOutsideClick(true, root, onClose);
  useEffect(() => root.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus(), []);
  if (!node) return null;
  return (
    <div
      ref={root}
      className="node-role-menu"
      role="menu"
      aria-label={`Assign ${node.label} to a finding`}
      data-testid="node-role-menu"
      style={{ left: at.x, top: at.y }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          const items = [...(root.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
          const index = items.indexOf(document.activeElement as HTMLButtonElement);
          items[(index + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
        }
      }}
    >
      <button
        role="menuitem"
        disabled={hidden.length === 0}
        data-testid="expand-neighbours"
        title="Add the nodes one link away from this one to the view (N)"
        onClick={() => {
          void expand(at.nodeId);
          onClose();
        }}
      >
        {hidden.length === 0 ? 'Every neighbour shown' : `Expand neighbours (${hidden.length})`}
      </button>
      {pinned && (
        <button
          role="menuitem"
          data-testid="unpin-node"
          onClick={() => {
            useGraph.getState().unpin(at.nodeId);
            onClose();
          }}
        >
          Unpin
        </button>
      )}
      <div className="node-role-menu-title">Assign to</div>
      {ROLES.map((role) => {
        const done = assigned.includes(role);
        return (
          <button
            key={role}
            role="menuitem"
            disabled={done}
            data-testid="node-role"
            data-role={role}
            onClick={() => {
              void record({ type: 'assign', node: at.nodeId, role, label: node.label });
              onClose();
            }}
          >
            {ROLE_TITLES[role]}
            {done ? ' ✓' : ''}
          </button>
        );
      })}
    </div>
  );
}
