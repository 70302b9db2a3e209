// The lanes as horizontal bands behind the nodes, their names pinned to the left edge and the time axis
// pinned to the top, both following the viewport as the analyst pans and zooms. Only these few elements
// re-render on a pan; the nodes do not.
import { useViewport } from '@xyflow/react';
import type { Lane } from '../../../../src-main/shared/graph';
import { useGraph } from '../../state/stores';
import { LABEL_GUTTER } from './GraphCanvas';

export const LANE_NAMES: Record<Lane, string> = {
  prompt: 'Prompts',
  agent: 'Agent',
  tool: 'Tool calls',
  authz: 'Authorization',
  api: 'API requests',
  workload: 'Workload',
  other: 'Other',
};

/** A pause as the axis names it: "1 m 23 s", "2 h 5 m", "3 d 4 h". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} m`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/**
 * A tick's text: the time of day; with the date (month-day) too when the view spans days and this is the
 * first tick or the first of a new day.
 */
export function tickLabel(time: string, previous: string | undefined, spansDays: boolean): string {
  const clock = time.slice(11, 23);
  return spansDays && (!previous || previous.slice(0, 10) !== time.slice(0, 10)) ? `${time.slice(5, 10)} ${clock}` : clock;
}

/** Screen pixels a tick's text needs: one closer to the next tick is not drawn (the later one names the column after a pause). */
const TICK_TEXT_PX = 100;

function roomAfter(ticks: readonly { x: number }[], index: number, zoom: number): boolean {
  const next = ticks[index + 1];
  return !next || (next.x - ticks[index]!.x) * zoom >= TICK_TEXT_PX;
}

export function LaneBands() {
  const lanes = useGraph((s) => s.layout?.lanes);
  const breaks = useGraph((s) => s.layout?.breaks);
  const { x, y, zoom } = useViewport();
  if (!lanes) return null;
  return (
    <div className="lane-bands" aria-hidden="true">
      {breaks?.map((gap) => (
        <div key={gap.x} className="break-line" style={{ left: gap.x * zoom + x }} />
      ))}
      {lanes.map((lane, index) => (
        <div
          key={lane.lane}
          className={`lane-band${index % 2 ? ' odd' : ''}${lane.count === 0 ? ' empty' : ''}${lane.folded ? ' folded' : ''}`}
          style={{ top: lane.y * zoom + y, height: lane.height * zoom }}
        >
          {lane.folded && (
            <span className="lane-folded-note" style={{ left: LABEL_GUTTER + 8 }}>
              {lane.count} {lane.count === 1 ? 'node' : 'nodes'} folded
            </span>
          )}
        </div>
      ))}
    </div>
  );
}

export function LaneLabels() {
  const lanes = useGraph((s) => s.layout?.lanes);
  const toggleLane = useGraph((s) => s.toggleLane);
  const ticks = useGraph((s) => s.layout?.ticks);
  const breaks = useGraph((s) => s.layout?.breaks);
  const hidden = useGraph((s) => s.base?.hidden?.lanes);
  const { x, y, zoom } = useViewport();
  if (!lanes) return null;
  const spansDays = !!ticks && ticks.length > 1 && ticks[0]!.time.slice(0, 10) !== ticks.at(-1)!.time.slice(0, 10);
  return (
    <div className="lane-labels">
      {lanes
        .filter((lane) => lane.height > 0)
        .map((lane) => (
          // A click on a lane's name folds it to a thin band with its count, and unfolds it again.
          <div
            key={lane.lane}
            role="button"
            tabIndex={-1}
            aria-expanded={!lane.folded}
            aria-label={`${LANE_NAMES[lane.lane]}: ${lane.count} nodes, ${lane.folded ? 'folded; click to unfold' : 'click to fold'}`}
            title={lane.folded ? `${lane.count} nodes folded: click to unfold the lane` : 'Click to fold this lane to a thin band'}
            onClick={() => void toggleLane(lane.lane)}
            className={`lane-label${lane.count === 0 ? ' empty' : ''}${lane.height * zoom < 34 ? ' thin' : ''}${lane.folded ? ' folded' : ''}`}
            data-testid="lane-label"
            data-lane={lane.lane}
            data-folded={lane.folded || undefined}
            // A folded lane's name stays readable however far the view is zoomed out.
            style={{ top: lane.y * zoom + y, height: lane.folded ? Math.max(lane.height * zoom, 16) : lane.height * zoom }}
          >
            <span className="lane-name">{LANE_NAMES[lane.lane]}</span>
            {lane.count > 0 ? <span className="lane-count">{lane.count}</span> : <span className="lane-count">none</span>}
            {hidden?.[lane.lane] ? (
              <span
                className="lane-hidden"
                data-testid="lane-hidden"
                title={`${hidden[lane.lane]} nodes of this lane hidden by the current filter`}
              >
                +{hidden[lane.lane]} hidden
              </span>
            ) : null}
          </div>
        ))}
      <div className="time-axis" data-testid="time-axis" aria-hidden="true">
        {/* A tick panned under the lane names would show only its last digits. */}
        {ticks
          ?.map((tick, index) => ({ tick, label: tickLabel(tick.time, ticks[index - 1]?.time, spansDays) }))
          .filter(({ tick }, index) => tick.x * zoom + x >= LABEL_GUTTER && roomAfter(ticks, index, zoom))
          .map(({ tick, label }) => (
            <span key={tick.x} className="time-tick" style={{ left: tick.x * zoom + x }} title={tick.time}>
              {label}
            </span>
          ))}
        {breaks
          ?.filter((gap) => gap.x * zoom + x >= LABEL_GUTTER)
          .map((gap) => (
            <span
              key={gap.x}
              className="time-break"
              data-testid="time-break"
              style={{ left: gap.x * zoom + x }}
              title={`${duration(gap.ms)} with nothing in this view, folded`}
            >
              ⋯ {duration(gap.ms)} ⋯
            </span>
          ))}
      </div>
    </div>
  );
}
