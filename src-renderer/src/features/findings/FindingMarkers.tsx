import { useAnomalies } from '../../state/anomalies';
import './findings.css';

/**
 * Open findings as ticks on the time brush, at the time of their first event (drawn once the findings are
 * loaded: the Actors & anomalies view asks for them). Inside the brush's SVG, in its coordinates.
 */
export function FindingMarkers({ start, end, width, height }: { start: number; end: number; width: number; height: number }) {
  const findings = useAnomalies((s) => s.findings?.findings);
  if (!findings) return null;
  return (
    <g className="finding-markers" data-testid="finding-markers">
      {findings
        .filter((f) => !f.dismissed && f.first)
        .map((f) => {
          const x = ((Date.parse(f.first!) - start) / Math.max(1, end - start)) * width;
          return (
            <line key={f.id} className={`finding-marker rule-${f.rule}`} x1={x} x2={x} y1={0} y2={height}>
              <title>{f.sentence}</title>
            </line>
          );
        })}
    </g>
  );
}
