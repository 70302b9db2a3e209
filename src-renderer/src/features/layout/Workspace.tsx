// The workbench's three columns: sources and findings, the centre (graph and timeline), the inspector.
// The side panes resize by dragging (or the arrow keys on) the handle beside them, fold to a rail with
// their button or a double-click on the handle, and keep their sizes across visits (panes.ts).
import './workspace.css';
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { SHOW_PANE_EVENT } from './pane-events';
import { clampWidth, gridColumns, loadPanes, savePanes, type PaneId, type Panes } from './panes';

const TITLES: Record<PaneId, string> = { sidebar: 'evidence and findings', inspector: 'inspector' };

function PaneHandle({ pane, panes, change }: { pane: PaneId; panes: Panes; change(next: Panes): void }) {
  const start = useRef<{ x: number; width: number } | undefined>(undefined);
  const size = panes[pane];
  // The inspector is on the right: dragging its handle to the left widens it.
  const sign = pane === 'sidebar' ? 1 : -1;
  const resize = (width: number) => change({ ...panes, [pane]: { width: clampWidth(pane, width), collapsed: false } });
  const toggle = () => change({ ...panes, [pane]: { ...size, collapsed: !size.collapsed } });
  const onPointerMove = (e: PointerEvent) => {
    if (start.current) resize(start.current.width + sign * (e.clientX - start.current.x));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      toggle();
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      resize(size.width + sign * (e.key === 'ArrowRight' ? 16 : -16));
    }
  };
  return (
    <div
      className="pane-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize the ${TITLES[pane]} (Enter folds it)`}
      aria-valuenow={size.collapsed ? 0 : size.width}
      tabIndex={0}
      data-testid={`${pane}-handle`}
      onPointerDown={(e) => {
        if (size.collapsed) return;
        start.current = { x: e.clientX, width: size.width };
        e.currentTarget.setPointerCapture(e.pointerId);
      }}
      onPointerMove={onPointerMove}
      onPointerUp={() => (start.current = undefined)}
      onDoubleClick={toggle}
      onKeyDown={onKeyDown}
    />
  );
}

function Pane({ pane, panes, change, children }: { pane: PaneId; panes: Panes; change(next: Panes): void; children: ReactNode }) {
  const collapsed = panes[pane].collapsed;
  const toggle = () => change({ ...panes, [pane]: { ...panes[pane], collapsed: !collapsed } });
  const arrow = (pane === 'sidebar') === collapsed ? '»' : '«';
  return (
    <div className={`pane pane-${pane}${collapsed ? ' collapsed' : ''}`} data-testid={`pane-${pane}`} data-collapsed={collapsed}>
      <button
        className="pane-toggle"
        onClick={toggle}
        aria-expanded={!collapsed}
        title={`${collapsed ? 'Show' : 'Fold'} the ${TITLES[pane]}`}
        aria-label={`${collapsed ? 'Show' : 'Fold'} the ${TITLES[pane]}`}
        data-testid={`${pane}-toggle`}
      >
        {arrow}
      </button>
      {collapsed && (
        <button className="pane-rail" onClick={toggle} tabIndex={-1} aria-hidden="true">
          {pane === 'sidebar' ? 'Evidence · Findings' : 'Inspector'}
        </button>
      )}
      {/* Folded, a pane stays mounted (its scroll position and open sections survive) but is not drawn. */}
      <div className="pane-body" hidden={collapsed} tabIndex={-1}>
        {children}
      </div>
    </div>
  );
}

export function Workspace({ sidebar, center, inspector }: { sidebar: ReactNode; center: ReactNode; inspector: ReactNode }) {
  const [panes, setPanes] = useState<Panes>(loadPanes);
  const change = (next: Panes) => {
    setPanes(next);
    savePanes(next);
  };
  // Another view asks for a pane (Enter on a graph node): unfold it if folded, and move the focus into it.
  useEffect(() => {
    const onShow = (event: Event) => {
      const pane = (event as CustomEvent<PaneId>).detail;
      setPanes((current) => {
        if (!current[pane].collapsed) return current;
        const next = { ...current, [pane]: { ...current[pane], collapsed: false } };
        savePanes(next);
        return next;
      });
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid=pane-${pane}] .pane-body`)?.focus());
    };
    window.addEventListener(SHOW_PANE_EVENT, onShow);
    return () => window.removeEventListener(SHOW_PANE_EVENT, onShow);
  }, []);
  return (
    <main className="workspace" style={{ gridTemplateColumns: gridColumns(panes) }} data-testid="workspace">
      <Pane pane="sidebar" panes={panes} change={change}>
        {sidebar}
      </Pane>
      <PaneHandle pane="sidebar" panes={panes} change={change} />
      {center}
      <PaneHandle pane="inspector" panes={panes} change={change} />
      <Pane pane="inspector" panes={panes} change={change}>
        {inspector}
      </Pane>
    </main>
  );
}
