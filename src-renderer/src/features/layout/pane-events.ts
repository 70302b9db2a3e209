// Asking the workspace to unfold a pane from anywhere (Enter on a graph node opens the inspector) without
// a store: a window event the Workspace listens to while it is mounted.
import type { PaneId } from './panes';

export const SHOW_PANE_EVENT = 'causa:show-pane';

export function showPane(pane: PaneId): void {
  window.dispatchEvent(new CustomEvent<PaneId>(SHOW_PANE_EVENT, { detail: pane }));
}
