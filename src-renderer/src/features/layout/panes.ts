// The workbench's side panes (sources on the left, inspector on the right): how wide each is and whether
// it is folded to a rail. A first visit gets sizes that suit the window (a small window folds the sources
// and narrows the inspector, so the graph gets the room); once the analyst resizes or folds a pane, that
// choice is remembered in localStorage and wins on the next visit. Pure apart from `loadPanes`/`savePanes`.

export type PaneId = 'sidebar' | 'inspector';

export interface PaneSize {
  width: number;
  collapsed: boolean;
}

export type Panes = Record<PaneId, PaneSize>;

export const PANE_LIMITS: Record<PaneId, { min: number; max: number }> = {
  sidebar: { min: 200, max: 480 },
  inspector: { min: 260, max: 720 },
};

/** A folded pane keeps a rail this wide, with the button that unfolds it. */
export const RAIL_WIDTH = 28;
export const STORAGE_KEY = 'causa.panes.v1';

/**
 * What a window of this width opens with when the analyst has chosen nothing yet: the graph first. Below
 * 1680 px the sources fold (the verification verdict stays in the header's rail); below 1280 px the
 * inspector folds too, and opens with its rail button or when the analyst asks for it.
 */
export function defaultPanes(windowWidth: number): Panes {
  return {
    sidebar: { width: 264, collapsed: windowWidth < 1680 },
    inspector: { width: windowWidth < 1680 ? 340 : 400, collapsed: windowWidth < 1280 },
  };
}

export function clampWidth(pane: PaneId, width: number): number {
  const { min, max } = PANE_LIMITS[pane];
  return Math.round(Math.min(max, Math.max(min, width)));
}

/** A stored value, checked field by field: anything else (an older shape, hand edits) falls back to the defaults. */
export function parsePanes(stored: string | null, windowWidth: number): Panes {
  const fallback = defaultPanes(windowWidth);
  if (!stored) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return fallback;
  }
  const pick = (pane: PaneId): PaneSize => {
    const entry = (value as Record<string, unknown> | null)?.[pane] as Partial<PaneSize> | undefined;
    if (!entry || typeof entry.width !== 'number' || !Number.isFinite(entry.width) || typeof entry.collapsed !== 'boolean')
      return fallback[pane];
    return { width: clampWidth(pane, entry.width), collapsed: entry.collapsed };
  };
  return { sidebar: pick('sidebar'), inspector: pick('inspector') };
}

/** The workspace's grid columns: sidebar, its handle, the centre, the inspector's handle, the inspector. */
export function gridColumns(panes: Panes): string {
  const side = (pane: PaneSize) => `${pane.collapsed ? RAIL_WIDTH : pane.width}px`;
  return `${side(panes.sidebar)} 5px minmax(0, 1fr) 5px ${side(panes.inspector)}`;
}

export function loadPanes(): Panes {
  try {
    return parsePanes(window.localStorage.getItem(STORAGE_KEY), window.innerWidth);
  } catch {
    return defaultPanes(window.innerWidth);
  }
}

export function savePanes(panes: Panes): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(panes));
  } catch {
    // A storage quota or a disabled storage: the sizes hold for this visit only.
  }
}
