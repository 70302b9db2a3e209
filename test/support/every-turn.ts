// Runs a check on every turn of the event loop while an import (or any other async work) runs, as a
// host's progress poll would: what the work shows of itself between its steps.

/** Calls `onTurn` on every turn of the event loop until the returned function is called. */
export function everyTurn(onTurn: () => void): () => void {
  let on = true;
  const tick = (): void => {
    if (!on) return;
    onTurn();
    setImmediate(tick);
  };
  setImmediate(tick);
  return () => (on = false);
}
