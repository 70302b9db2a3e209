// The `?` overlay: every keyboard shortcut of the workbench in one list. `?` (outside a text field) opens
// and closes it, as does Escape or a click outside.
import { useEffect, useRef, useState } from 'react';
import { useCloseOnOutsideClick } from '../../ui/use-outside-click';

export const SHORTCUTS: { area: string; keys: string; does: string }[] = [
  { area: 'Anywhere', keys: '?', does: 'Show or hide this list' },
  { area: 'Anywhere', keys: 'Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y', does: 'Undo / redo the last journal entry' },
  { area: 'Anywhere', keys: 'Escape', does: 'Close a menu, a prompt or this list' },
  { area: 'Graph', keys: 'Tab', does: 'Focus the graph (one tab stop)' },
  { area: 'Graph', keys: '→ / ←', does: 'Move along an edge: to what the node led to / to its cause' },
  { area: 'Graph', keys: '↑ / ↓', does: 'Move to a linked node above / below, else the nearest one' },
  { area: 'Graph', keys: 'Enter', does: 'Open the selected node in the inspector' },
  { area: 'Graph', keys: 'N', does: 'Expand the selected node’s neighbours into the view' },
  { area: 'Graph search', keys: 'Enter / Shift+Enter', does: 'Centre the next / previous match' },
  { area: 'Graph', keys: 'Right-click', does: 'Assign the node to Root cause, Contributing factor…' },
  { area: 'Timeline', keys: '↑ / ↓', does: 'Previous / next row' },
  { area: 'Timeline', keys: 'PageUp / PageDown', does: 'A screenful up / down' },
  { area: 'Timeline', keys: 'Home / End', does: 'First / last row' },
  { area: 'Span waterfall', keys: '↑ / ↓', does: 'Previous / next span' },
  { area: 'Span waterfall', keys: '← / →', does: 'Fold / unfold the span’s children' },
  { area: 'Span waterfall', keys: 'Enter / Space', does: 'Open the span in the inspector (its chat view)' },
  { area: 'Panes', keys: '← / → on a pane edge', does: 'Narrow / widen the pane' },
  { area: 'Panes', keys: 'Enter on a pane edge', does: 'Fold or unfold the pane' },
  { area: 'Graph & timeline split', keys: '↑ / ↓ on the handle', does: 'Give the graph less / more height' },
  { area: 'Comments', keys: 'Ctrl+Enter', does: 'Post the comment' },
];

function isTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export function ShortcutHelp() {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useCloseOnOutsideClick(open, root, () => setOpen(false));
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTextField(e.target)) {
        e.preventDefault();
        setOpen((o) => !o);
      } else if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (!open) return null;
  return (
    <div className="shortcut-help-backdrop">
      <div ref={root} className="shortcut-help" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="shortcut-help">
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={`${s.area}:${s.keys}`}>
                <th scope="row">{s.area}</th>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.does}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button onClick={() => setOpen(false)} data-testid="shortcut-help-close">
          Close
        </button>
      </div>
    </div>
  );
}
