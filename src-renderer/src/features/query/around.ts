// "Around this event": the queries one click sets from an event (docs/query.md), each a plain query the
// analyst can read and edit in the box afterwards.
import type { EventJson } from '../../../../src-main/shared/model';

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The event's time ± `minutes`, as a time range the query language reads (to the millisecond). */
export function aroundTime(event: EventJson, minutes: number): string | undefined {
  if (!event.time) return undefined;
  const ms = Date.parse(event.time.replace(/(\.\d{3})\d*/, '$1'));
  if (Number.isNaN(ms)) return undefined;
  const span = minutes * 60_000;
  return `time>=${new Date(ms - span).toISOString()} time<=${new Date(ms + span).toISOString()}`;
}

export function sameActor(event: EventJson): string | undefined {
  return event.actor ? `actor.id:${quote(event.actor.id)}` : undefined;
}

/** The same object: its uid when the record names one, else its resource, namespace and name. */
export function sameObject(event: EventJson): string | undefined {
  const target = event.target;
  if (!target) return undefined;
  if (target.uid) return `uid:${quote(target.uid)}`;
  if (!target.name) return undefined;
  return [
    target.resource && `resource:${quote(target.resource)}`,
    target.namespace && `ns:${quote(target.namespace)}`,
    `name:${quote(target.name)}`,
  ]
    .filter(Boolean)
    .join(' ');
}

export function sameTrace(event: EventJson): string | undefined {
  return event.keys?.trace_id ? `keys.trace_id:${quote(event.keys.trace_id)}` : undefined;
}
