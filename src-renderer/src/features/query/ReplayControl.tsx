import { useEffect } from 'react';
import { useCaseData } from '../../state/stores';
import { cursorFromUrl, nextCursor, SPEEDS, TICK_MS, urlWithCursor, useReplay } from './replay';

function moveCursor(cursor: string | undefined): void {
  useReplay.getState().setCursor(cursor);
  useCaseData.getState().setFilter({ until: cursor });
  window.history.replaceState(window.history.state, '', urlWithCursor(window.location.href, cursor));
}

/** The time brush's play control: play/pause, speed, and stop (which ends the replay and its window). */
export function ReplayControl({ start, end }: { start: string; end: string }) {
  const cursor = useReplay((s) => s.cursor);
  const playing = useReplay((s) => s.playing);
  const speed = useReplay((s) => s.speed);
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);

  // A link with ?at= opens on that moment, paused.
  useEffect(() => {
    const at = cursorFromUrl(window.location.search);
    if (at) moveCursor(at);
  }, []);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const current = useReplay.getState().cursor;
      const from = current ? Date.parse(current) : startMs;
      const next = nextCursor(from, startMs, endMs, useReplay.getState().speed);
      moveCursor(new Date(next).toISOString());
      if (next >= endMs) useReplay.getState().setPlaying(false);
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [playing, startMs, endMs]);

  const play = () => {
    if (!cursor || Date.parse(cursor) >= endMs) moveCursor(new Date(startMs).toISOString());
    useReplay.getState().setPlaying(!playing);
  };
  const stop = () => {
    useReplay.getState().setPlaying(false);
    moveCursor(undefined);
  };
  return (
    <span className="replay-control" data-testid="replay" data-cursor={cursor ?? ''} data-playing={playing || undefined}>
      <button onClick={play} aria-label={playing ? 'Pause the replay' : 'Play the incident'} data-testid="replay-play">
        {playing ? '❚❚' : '▶'}
      </button>
      <select
        value={speed}
        onChange={(e) => useReplay.getState().setSpeed(Number(e.target.value) as (typeof SPEEDS)[number])}
        aria-label="Replay speed"
        data-testid="replay-speed"
      >
        {SPEEDS.map((s) => (
          <option key={s} value={s}>
            {s}×
          </option>
        ))}
      </select>
      {cursor && (
        <>
          <span className="replay-cursor" data-testid="replay-cursor">
            {cursor.slice(11, 23)}
          </span>
          <button onClick={stop} aria-label="Stop the replay" data-testid="replay-stop">
            ■
          </button>
        </>
      )}
    </span>
  );
}
