// The event rate over the whole case as a small histogram; dragging across it sets the filter's since and
// until, so the graph and the timeline both narrow to that window. Counts follow the other filters (kind,
// actor, search) but always span the whole case, so that the window can be widened again.
import './time-brush.css';
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { EventFilter, MethodOutput } from '../../../../src-main/shared/contract';
import { api } from '../../api';
import { useCaseData } from '../../state/stores';
import { timeMs } from '../../lib/graph-layout';
import { FindingMarkers } from '../findings/FindingMarkers';
import { ReplayControl } from '../query/ReplayControl';
import { useReplay } from '../query/replay';

const BUCKETS = 160;
const WIDTH = 1000;
const HEIGHT = 36;

type Histogram = MethodOutput<'histogram'>;

function withoutTime({ since: _since, until: _until, ...rest }: EventFilter): EventFilter {
  return rest;
}

function useHistogram(): Histogram | undefined {
  const info = useCaseData((s) => s.info);
  const filter = useCaseData((s) => s.filter);
  const key = JSON.stringify(withoutTime(filter));
  const [histogram, setHistogram] = useState<Histogram>();
  useEffect(() => {
    // Not before the case's first reading: asked then (and again when it came), the histogram held the
    // case's one thread ahead of the timeline's first page and the graph (a million events: 0.2–0.5 s).
    if (info === undefined) return;
    let current = true;
    void api.histogram({ filter: JSON.parse(key) as EventFilter, buckets: BUCKETS }).then((result) => {
      if (current && result.ok) setHistogram(result.value);
    });
    return () => {
      current = false;
    };
  }, [key, info]);
  return histogram;
}

/** A fraction of the span (0…1) as an RFC 3339 time, rounded outwards to the millisecond. */
function timeAt(fraction: number, start: number, end: number, round: 'floor' | 'ceil'): string {
  return new Date(Math[round](start + Math.min(1, Math.max(0, fraction)) * (end - start))).toISOString();
}

export function TimeBrush() {
  const histogram = useHistogram();
  const since = useCaseData((s) => s.filter.since);
  const until = useCaseData((s) => s.filter.until);
  const setFilter = useCaseData((s) => s.setFilter);
  const svgRef = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number }>();
  const cursor = useReplay((s) => s.cursor);
  const start = timeMs(histogram?.start);
  const end = timeMs(histogram?.end);
  if (!histogram || start === undefined || end === undefined || histogram.counts.length === 0) {
    return <div className="time-brush empty" data-testid="time-brush" />;
  }
  const max = Math.max(1, ...histogram.counts);
  const barWidth = WIDTH / histogram.counts.length;
  const fractionOf = (ms: number | undefined, fallback: number) => (ms === undefined ? fallback : (ms - start) / Math.max(1, end - start));
  const fractionAt = (e: PointerEvent) => {
    const box = svgRef.current!.getBoundingClientRect();
    return (e.clientX - box.left) / box.width;
  };
  const selected = drag
    ? { from: Math.min(drag.from, drag.to), to: Math.max(drag.from, drag.to) }
    : since || until
      ? { from: fractionOf(timeMs(since), 0), to: fractionOf(timeMs(until), 1) }
      : undefined;
  const cursorAt = cursor ? fractionOf(Date.parse(cursor), 0) : undefined;

  const onPointerUp = (e: PointerEvent) => {
    if (!drag) return;
    setDrag(undefined);
    const [a, b] = [Math.min(drag.from, fractionAt(e)), Math.max(drag.from, fractionAt(e))];
    // A click without a drag is not a window; it clears nothing either.
    if (b - a < 0.002) return;
    setFilter({ since: timeAt(a, start, end, 'floor'), until: timeAt(b, start, end, 'ceil') });
  };

  return (
    <div className="time-brush" data-testid="time-brush" data-start={histogram.start} data-end={histogram.end}>
      <svg
        ref={svgRef}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="slider"
        aria-label="Time window: drag to select"
        aria-valuetext={since || until ? `${since ?? 'start'} to ${until ?? 'end'}` : 'whole case'}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const at = fractionAt(e);
          setDrag({ from: at, to: at });
        }}
        onPointerMove={(e) => drag && setDrag({ from: drag.from, to: fractionAt(e) })}
        onPointerUp={onPointerUp}
      >
        {histogram.counts.map((count, i) =>
          count === 0 ? null : (
            <rect
              key={i}
              className="histogram-bar"
              x={i * barWidth + 0.5}
              width={Math.max(1, barWidth - 1)}
              y={HEIGHT - Math.max(1.5, (count / max) * (HEIGHT - 2))}
              height={Math.max(1.5, (count / max) * (HEIGHT - 2))}
            />
          ),
        )}
        <FindingMarkers start={start} end={end} width={WIDTH} height={HEIGHT} />
        {selected && (
          <rect
            className="brush-window"
            x={selected.from * WIDTH}
            width={Math.max(2, (selected.to - selected.from) * WIDTH)}
            y={0}
            height={HEIGHT}
          />
        )}
        {cursorAt !== undefined && <line className="replay-line" x1={cursorAt * WIDTH} x2={cursorAt * WIDTH} y1={0} y2={HEIGHT} />}
      </svg>
      <div className="time-brush-scale">
        <span>{histogram.start!.slice(11, 19)}</span>
        <span className="muted">
          <ReplayControl start={histogram.start!} end={histogram.end!} /> {max.toLocaleString('en')} events per bucket at most · drag to
          choose a window
        </span>
        <span>{histogram.end!.slice(11, 19)}</span>
      </div>
    </div>
  );
}
