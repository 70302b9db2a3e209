import { useEffect } from 'react';
import { useAnalysis } from '../../state/stores';

/** Where typing goes to a field, Ctrl+Z belongs to the field (its own text undo), not to the journal. */
function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function useUndoShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || isTextField(e.target)) return;
      const key = e.key.toLowerCase();
      const { state, undo, redo, busy } = useAnalysis.getState();
      const wantsRedo = (key === 'z' && e.shiftKey) || (key === 'y' && !e.shiftKey);
      const wantsUndo = key === 'z' && !e.shiftKey;
      if (!wantsRedo && !wantsUndo) return;
      e.preventDefault();
      if (busy) return;
      if (wantsUndo && state?.can_undo) void undo();
      if (wantsRedo && state?.can_redo) void redo();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

export function UndoRedo() {
  const canUndo = useAnalysis((s) => s.state?.can_undo ?? false);
  const canRedo = useAnalysis((s) => s.state?.can_redo ?? false);
  const entries = useAnalysis((s) => s.state?.entries);
  const undo = useAnalysis((s) => s.undo);
  const redo = useAnalysis((s) => s.redo);
  useUndoShortcuts();
  return (
    <span className="undo-redo" data-testid="undo-redo" data-entries={entries ?? ''}>
      <button onClick={() => void undo()} disabled={!canUndo} data-testid="undo" title="Undo the last analyst action (Ctrl+Z)">
        ↶ Undo
      </button>
      <button onClick={() => void redo()} disabled={!canRedo} data-testid="redo" title="Redo (Ctrl+Shift+Z)">
        ↷ Redo
      </button>
    </span>
  );
}
