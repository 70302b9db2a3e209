// The workbench's side panes: sizes that suit the window on a first visit, the analyst's choice after it,
// and nothing but a well-formed stored value trusted.
import { describe, expect, it } from 'vitest';
import {
  clampWidth,
  defaultPanes,
  gridColumns,
  parsePanes,
  PANE_LIMITS,
  RAIL_WIDTH,
} from '../../../src-renderer/src/features/layout/panes';

describe('panes', () => {
  it('gives a small window to the graph: the sources fold below 1680 px, the inspector below 1280 px', () => {
    expect(defaultPanes(1920)).toEqual({ sidebar: { width: 264, collapsed: false }, inspector: { width: 400, collapsed: false } });
    expect(defaultPanes(1440).sidebar.collapsed).toBe(true);
    expect(defaultPanes(1440).inspector.collapsed).toBe(false);
    expect(defaultPanes(1024).inspector.collapsed).toBe(true);
  });

  it('keeps a stored choice, clamped to the limits, and falls back field by field on anything else', () => {
    const stored = JSON.stringify({ sidebar: { width: 5000, collapsed: false }, inspector: { width: 300, collapsed: true } });
    expect(parsePanes(stored, 1024)).toEqual({
      sidebar: { width: PANE_LIMITS.sidebar.max, collapsed: false },
      inspector: { width: 300, collapsed: true },
    });
    for (const bad of [null, '', '{', 'null', '[]', '{"sidebar":{"width":"wide","collapsed":false}}', '{"inspector":{"width":null}}']) {
      expect(parsePanes(bad, 1440), String(bad)).toEqual(defaultPanes(1440));
    }
    const half = JSON.stringify({ sidebar: { width: 300, collapsed: false } });
    expect(parsePanes(half, 1024)).toEqual({ sidebar: { width: 300, collapsed: false }, inspector: defaultPanes(1024).inspector });
    expect(clampWidth('inspector', 10)).toBe(PANE_LIMITS.inspector.min);
  });

  it('draws a folded pane as a rail, and the centre takes the rest', () => {
    expect(gridColumns({ sidebar: { width: 264, collapsed: true }, inspector: { width: 340, collapsed: false } })).toBe(
      `${RAIL_WIDTH}px 5px minmax(0, 1fr) 5px 340px`,
    );
  });
});
