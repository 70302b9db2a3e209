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

export function LaneBands() {
  const lanes = useGraph((s) => s.layout?.lanes);
  const { y, zoom } = useViewport();
  if (!lanes) return null;
  return (
    <div className="lane-bands" aria-hidden="true">
      {lanes.map((lane, index) => (
        <div
          key={lane.lane}
          className={`lane-band${index % 2 ? ' odd' : ''}${lane.count === 0 ? ' empty' : ''}`}
          style={{ top: lane.y * zoom + y, height: lane.height * zoom }}
        />
      ))}
    </div>
  );
}

export function LaneLabels() {
  const lanes = useGraph((s) => s.layout?.lanes);
  const ticks = useGraph((s) => s.layout?.ticks);
  const { x, y, zoom } = useViewport();
  if (!lanes) return null;
  return (
    <div className="lane-labels" aria-hidden="true">
      {lanes.map((lane) => (
        <div
          key={lane.lane}
          className={`lane-label${lane.count === 0 ? ' empty' : ''}`}
          data-testid="lane-label"
          data-lane={lane.lane}
          style={{ top: lane.y * zoom + y, height: lane.height * zoom }}
        >
          <span className="lane-name">{LANE_NAMES[lane.lane]}</span>
          {lane.count > 0 ? <span className="lane-count">{lane.count}</span> : <span className="lane-count">none</span>}
        </div>
      ))}
      <div className="time-axis">
        {/* A tick panned under the lane names would show only its last digits. */}
        {ticks
          ?.filter((tick) => tick.x * zoom + x >= LABEL_GUTTER)
          .map((tick) => (
            <span key={tick.x} className="time-tick" style={{ left: tick.x * zoom + x }}>
              {tick.time.slice(11, 23)}
            </span>
          ))}
      </div>
    </div>
  );
}
