import { useState } from 'react';
import type { EventJson } from '../../../../src-main/shared/model';
import { aroundTime, sameActor, sameObject, sameTrace } from './around';
import { setQuery } from './apply-filter';

const SPANS = [1, 5, 15, 60];

/** From an event, one click sets the query to what surrounds it: time, actor, object, trace. */
export function AroundEvent({ event }: { event: EventJson }) {
  const [minutes, setMinutes] = useState(5);
  const actions: { id: string; label: string; query: string | undefined }[] = [
    { id: 'time', label: 'Same time', query: aroundTime(event, minutes) },
    { id: 'actor', label: 'Same actor', query: sameActor(event) },
    { id: 'object', label: 'Same object', query: sameObject(event) },
    { id: 'trace', label: 'Same trace', query: sameTrace(event) },
  ];
  return (
    <div className="around-event" role="group" aria-label="Around this event">
      <span className="muted">Around this event:</span>
      {actions.slice(0, 1).map((a) => (
        <button
          key={a.id}
          disabled={!a.query}
          title={a.query ?? 'this event has no time'}
          onClick={() => a.query && setQuery(a.query)}
          data-testid={`around-${a.id}`}
        >
          {a.label}
        </button>
      ))}
      <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} aria-label="Minutes around" data-testid="around-minutes">
        {SPANS.map((m) => (
          <option key={m} value={m}>
            ±{m} min
          </option>
        ))}
      </select>
      {actions.slice(1).map((a) => (
        <button
          key={a.id}
          disabled={!a.query}
          title={a.query ?? 'this event has none'}
          onClick={() => a.query && setQuery(a.query)}
          data-testid={`around-${a.id}`}
        >
          {a.label}
        </button>
      ))}
    </div>
  );
}
