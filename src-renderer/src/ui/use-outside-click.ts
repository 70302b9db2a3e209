// A popup menu closes when the analyst presses the mouse anywhere outside it, as native menus and
// selects do.
import { useEffect, type RefObject } from 'react';

export function useCloseOnOutsideClick(open: boolean, root: RefObject<HTMLElement | null>, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const onMouseDown = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) close();
    };
    document.addEventListener('mousedown', onMouseDown);
    return () => document.removeEventListener('mousedown', onMouseDown);
  }, [open, root, close]);
}
