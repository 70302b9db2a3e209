// The span waterfall: the spans of the selected event's trace (or a trace picked from the case's agent
// traces) nested by parent, each a bar on the trace's time scale, subtrees folding and unfolding. A row
// selects its event, as a timeline row does, so the graph and the timeline follow it.
import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import type { AgentTraceSummary, TraceSpans } from '../../../../src-main/shared/agent-trace';
import { api } from '../../api';
import { useCaseData, useGraph, useSelection } from '../../state/stores';
import { formatDuration, traceLength, waterfallRows } from './waterfall-rows';
import './spans.css';

const TRACE_ID = /^[0-9a-f]{32}$/;

function selectSpan(eventId: number): void {
  // Through its graph node when it has one, so the graph centres on it and the timeline scrolls to it.
  const { nodeOfEvent, nodeById } = useGraph.getState();
  const nodeId = nodeOfEvent.get(eventId);
  if (nodeId && nodeById.get(nodeId)?.event_ids.at(-1) === eventId) useSelection.getState().selectNode(nodeId, { focus: true });
  else useSelection.getState().select(eventId);
}

function usageLabel(usage: TraceSpans['spans'][number]['usage']): string | undefined {
  if (!usage) return undefined;
  const parts: string[] = [];
  if (usage.input_tokens !== undefined || usage.output_tokens !== undefined)
    parts.push(`${usage.input_tokens ?? '?'}→${usage.output_tokens ?? '?'} tok`);
  if (usage.cost !== undefined) parts.push(`${usage.currency ?? '$'}${usage.cost.toFixed(4)}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** After the bar when there is room, else before it, else inside it (a bar across the whole trace). */
function labelPlace(left: number, width: number): { style: CSSProperties; inside: boolean } {
  if (left + width <= 70) return { style: { left: `${left + width}%` }, inside: false };
  if (left >= 30) return { style: { right: `${100 - left}%`, textAlign: 'right' }, inside: false };
  return { style: { left: `${left}%` }, inside: true };
}

export function SpanWaterfall() {
  const info = useCaseData((s) => s.info);
  const selectedId = useSelection((s) => s.selectedId);
  const selectedTrace = useSelection((s) => s.detail?.event.keys?.trace_id);
  const [traces, setTraces] = useState<AgentTraceSummary[]>([]);
  const [traceId, setTraceId] = useState<string | undefined>();
  const [trace, setTrace] = useState<TraceSpans | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());

  useEffect(() => {
    let live = true;
    void api.agentTraces({}).then((result) => {
      if (!live) return;
      if (result.ok) setTraces(result.value);
      else setError(result.message);
    });
    return () => {
      live = false;
    };
  }, [info]);

  // The selection's trace wins; otherwise the trace shown stays, or the case's first.
  useEffect(() => {
    if (typeof selectedTrace === 'string' && TRACE_ID.test(selectedTrace)) setTraceId(selectedTrace);
    else setTraceId((current) => current ?? traces[0]?.trace_id);
  }, [selectedTrace, traces]);

  useEffect(() => {
    if (!traceId) return;
    let live = true;
    void api.traceSpans({ trace_id: traceId }).then((result) => {
      if (!live) return;
      if (result.ok) {
        setTrace(result.value);
        setError(undefined);
      } else setError(result.message);
    });
    return () => {
      live = false;
    };
  }, [traceId, info]);

  const rows = useMemo(() => (trace ? waterfallRows(trace.spans, collapsed) : []), [trace, collapsed]);
  const length = trace ? traceLength(trace.spans) : 1;
  const toggle = (spanId: string) =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (next.has(spanId)) next.delete(spanId);
      else next.add(spanId);
      return next;
    });

  return (
    <section className="span-waterfall" aria-label="Span waterfall" data-testid="span-waterfall">
      <header className="waterfall-head">
        <label>
          Trace{' '}
          <select value={traceId ?? ''} onChange={(e) => setTraceId(e.target.value || undefined)} data-testid="trace-picker">
            {traceId && !traces.some((t) => t.trace_id === traceId) && <option value={traceId}>{traceId}</option>}
            {traces.map((t) => (
              <option key={t.trace_id} value={t.trace_id}>
                {t.start?.slice(11, 19) ?? '—'} {t.name ?? t.trace_id.slice(0, 8)} ({t.spans} spans)
              </option>
            ))}
          </select>
        </label>
        {trace && (
          <span className="muted">
            {trace.spans.length} spans · {formatDuration(length)}
          </span>
        )}
        {trace && collapsed.size > 0 && (
          <button className="link-button" onClick={() => setCollapsed(new Set())}>
            expand all
          </button>
        )}
      </header>
      {error && <p className="error">{error}</p>}
      {traces.length === 0 && !trace && <p className="placeholder muted">This case holds no agent trace spans (OTLP or Langfuse).</p>}
      {trace && (
        <div className="waterfall-body" role="tree" aria-label={`Spans of trace ${trace.trace_id}`}>
          <div className="waterfall-scale" aria-hidden="true">
            <span />
            <div className="scale-ticks">
              {[0, 0.25, 0.5, 0.75, 1].map((f) => (
                <span key={f} style={{ left: `${f * 100}%` }}>
                  {formatDuration(f * length)}
                </span>
              ))}
            </div>
          </div>
          {rows.map(({ span, depth, descendants, collapsed: folded }) => {
            const left = (span.offset_ms / length) * 100;
            const width = span.duration_ms === undefined ? 0 : (span.duration_ms / length) * 100;
            const usage = usageLabel(span.usage);
            const label = labelPlace(left, width);
            return (
              <div
                key={span.span_id}
                role="treeitem"
                aria-level={depth + 1}
                aria-expanded={descendants > 0 ? !folded : undefined}
                aria-selected={span.event_id === selectedId}
                className={`waterfall-row${span.event_id === selectedId ? ' selected' : ''}`}
                data-testid="waterfall-row"
                data-span={span.span_id}
                tabIndex={0}
                onClick={() => selectSpan(span.event_id)}
                onKeyDown={(e) => {
                  const row = e.currentTarget;
                  if (e.key === 'Enter' || e.key === ' ') selectSpan(span.event_id);
                  else if (e.key === 'ArrowLeft' && descendants > 0 && !folded) toggle(span.span_id);
                  else if (e.key === 'ArrowRight' && folded) toggle(span.span_id);
                  else if (e.key === 'ArrowDown') (row.nextElementSibling as HTMLElement | null)?.focus();
                  else if (e.key === 'ArrowUp') (row.previousElementSibling as HTMLElement | null)?.focus();
                  else return;
                  e.preventDefault();
                }}
              >
                <div className="waterfall-label" style={{ paddingLeft: depth * 14 }}>
                  {descendants > 0 ? (
                    <button
                      className="waterfall-toggle"
                      aria-label={`${folded ? 'Expand' : 'Collapse'} ${span.name}`}
                      data-testid="waterfall-toggle"
                      tabIndex={-1}
                      onClick={(e) => {
                        e.stopPropagation();
                        toggle(span.span_id);
                      }}
                    >
                      {folded ? '▸' : '▾'}
                    </button>
                  ) : (
                    <span className="waterfall-toggle-space" />
                  )}
                  <span className={`waterfall-name span-${span.kind}${span.outcome !== 'success' ? ' failed' : ''}`} title={span.name}>
                    {span.name}
                  </span>
                  {folded && <span className="tab-badge">+{descendants}</span>}
                </div>
                <div className="waterfall-track">
                  <div
                    className={`waterfall-bar span-${span.kind}${span.outcome !== 'success' ? ' failed' : ''}`}
                    style={{ left: `${left}%`, width: `max(2px, ${width}%)` }}
                    title={`${span.name}: starts at ${formatDuration(span.offset_ms)}${span.duration_ms !== undefined ? `, lasts ${formatDuration(span.duration_ms)}` : ''}`}
                  />
                  <span className={`waterfall-duration${label.inside ? ' inside' : ''}`} style={label.style}>
                    {span.duration_ms !== undefined ? formatDuration(span.duration_ms) : '—'}
                    {usage ? ` · ${usage}` : ''}
                  </span>
                </div>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
