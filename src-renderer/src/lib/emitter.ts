// A tiny typed event emitter: commands between parts of the UI ("focus this node", "scroll to that row")
// travel as events, not as counters kept in state, so a command is acted on once by whoever listens now.

export type Listener<T> = (payload: T) => void;

export interface Emitter<Events extends Record<string, unknown>> {
  /** Calls `listener` for each `name` event from now on; returns the function that stops it. */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void;
  emit<K extends keyof Events>(name: K, payload: Events[K]): void;
}

export function createEmitter<Events extends Record<string, unknown>>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();
  return {
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener as Listener<never>);
      return () => void set.delete(listener as Listener<never>);
    },
    emit(name, payload) {
      // A copy: a listener may stop listening while it runs.
      for (const listener of [...(listeners.get(name) ?? [])]) (listener as Listener<Events[typeof name]>)(payload);
    },
  };
}
