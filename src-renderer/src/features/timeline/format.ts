import type { EventJson } from '../../../../src-main/shared/model';

/** "2025-04-03T14:31:04.123456789Z" → "2025-04-03 14:31:04.123" (UTC; the full value is in the inspector). */
export function shortTime(time: string | undefined): string {
  if (!time) return '—';
  return `${time.slice(0, 10)} ${time.slice(11, 23)}`;
}

export function actorLabel(event: EventJson): string {
  return event.actor?.id ?? '—';
}

export function targetLabel(event: EventJson): string {
  const t = event.target;
  if (!t) return '';
  const where = [t.namespace, t.name].filter(Boolean).join('/');
  return [t.resource, where].filter(Boolean).join(' ');
}
