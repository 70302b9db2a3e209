// Two panes one above the other with a handle between them: the graph and the timeline share the main
// area, and the analyst decides how much of it each gets (drag, or the arrow keys on the handle).
import { useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import './case.css';

const MIN = 0.2;
const MAX = 0.85;

/** The share the analyst last chose, when it was stored under this key and is a share the split allows. */
function stored(key: string | undefined): number | undefined {
  if (!key) return undefined;
  try {
    const value = Number(window.localStorage.getItem(key) ?? Number.NaN);
    return value >= MIN && value <= MAX ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `storageKey`: where the chosen share is remembered across visits (localStorage). */
export function VerticalSplit({
  top,
  bottom,
  initial = 0.6,
  storageKey,
}: {
  top: ReactNode;
  bottom: ReactNode;
  initial?: number;
  storageKey?: string;
}) {
  const [fraction, setShare] = useState(() => stored(storageKey) ?? initial);
  const setFraction = (next: number | ((f: number) => number)) =>
    setShare((f) => {
      const value = typeof next === 'function' ? next(f) : next;
      try {
        if (storageKey) window.localStorage.setItem(storageKey, String(value));
      } catch {
        // No storage: the share holds for this visit.
      }
      return value;
    });
  const box = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  const clamp = (value: number) => Math.min(MAX, Math.max(MIN, value));
  const onPointerMove = (e: PointerEvent) => {
    if (!dragging.current || !box.current) return;
    const rect = box.current.getBoundingClientRect();
    setFraction(clamp((e.clientY - rect.top) / rect.height));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    setFraction((f) => clamp(f + (e.key === 'ArrowDown' ? 0.05 : -0.05)));
  };
  return (
    <div ref={box} className="investigation" style={{ gridTemplateRows: `minmax(0, ${fraction}fr) 6px minmax(0, ${1 - fraction}fr)` }}>
      {top}
      <div
        className="split-handle"
        role="separator"
        aria-orientation="horizontal"
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuemin={MIN * 100}
        aria-valuemax={MAX * 100}
        aria-label="Resize the graph and the timeline"
        tabIndex={0}
        data-testid="split-handle"
        onPointerDown={(e) => {
          dragging.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
        }}
        onPointerMove={onPointerMove}
        onPointerUp={() => (dragging.current = false)}
        onKeyDown={onKeyDown}
      />
      {bottom}
    </div>
  );
}
