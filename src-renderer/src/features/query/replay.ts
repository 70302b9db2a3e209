// Replay (issue 21): a cursor that advances through the incident. The cursor is the filter's `until`, so
// the timeline and the graph show what existed at the cursor and nothing after; its time is in the URL
// (`?at=…`), so a colleague who opens the link sees the same moment. `cursor` is exposed for the graph
// to mark the newest node.
import { create } from 'zustand';

export const SPEEDS = [1, 4, 16] as const;
/** At 1×, the whole span takes this long. */
export const BASE_DURATION_MS = 60_000;
export const TICK_MS = 400;

export interface ReplayState {
  /** The cursor as an RFC 3339 time (to the millisecond), when a replay is on. */
  cursor?: string;
  playing: boolean;
  speed: (typeof SPEEDS)[number];
  setCursor(cursor: string | undefined): void;
  setPlaying(playing: boolean): void;
  setSpeed(speed: (typeof SPEEDS)[number]): void;
}

export function createReplayStore() {
  return create<ReplayState>((set) => ({
    playing: false,
    speed: 1,
    setCursor: (cursor) => set({ cursor }),
    setPlaying: (playing) => set({ playing }),
    setSpeed: (speed) => set({ speed }),
  }));
}

export const useReplay = createReplayStore();

/** The next cursor: one tick further at `speed`, stopping at `end`. */
export function nextCursor(cursorMs: number, startMs: number, endMs: number, speed: number): number {
  const step = ((endMs - startMs) / BASE_DURATION_MS) * TICK_MS * speed;
  return Math.min(endMs, cursorMs + Math.max(1, step));
}

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** The cursor a URL carries (`?at=2025-04-03T14:31:00.000Z`), if it is a time. */
export function cursorFromUrl(search: string): string | undefined {
  const at = new URLSearchParams(search).get('at') ?? undefined;
  return at && AT.test(at) && !Number.isNaN(Date.parse(at)) ? at : undefined;
}

/** The URL with the cursor set (or removed), everything else as it was. */
export function urlWithCursor(href: string, cursor: string | undefined): string {
  const url = new URL(href);
  if (cursor) url.searchParams.set('at', cursor);
  else url.searchParams.delete('at');
  return url.pathname + url.search + url.hash;
}
