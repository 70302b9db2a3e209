import type { EventJson } from '../../../../src-main/shared/model';

/** "2025-04-03T14:31:04.123456789Z" → "2025-04-03 14:31:04.123" (UTC; the full value is in the inspector). */
export function shortTime(time: string | undefined): string {
  if (!time) return '—';
  return `${time.slice(0, 10)} ${time.slice(11, 23)}`;
}

/** Short form of an actor for a narrow column; the inspector and the tooltip show it whole. */
export function actorLabel(event: EventJson): string {
  const id = event.actor?.id;
  if (!id) return '—';
  const sa = /^system:serviceaccount:([^:]+):(.+)$/.exec(id);
  if (sa) return `sa ${sa[1]}/${sa[2]}`;
  return id.replace(/^system:node:/, 'node ');
}

/** The file name of a source, without the folders it was imported from. */
export function sourceLabel(event: EventJson): string {
  return `${event.source.slice(event.source.lastIndexOf('/') + 1)}:${event.position}`;
}

export function targetLabel(event: EventJson): string {
  const t = event.target;
  if (!t) return '';
  const where = [t.namespace, t.name].filter(Boolean).join('/');
  return [t.resource, where].filter(Boolean).join(' ');
}
