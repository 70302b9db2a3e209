// Disclosure deadlines count from the moment the organisation became aware of the incident (GDPR Art. 33:
// 72 h; NIS2 Art. 23: 24 h early warning, 72 h notification). Times are UTC throughout.

/** "2025-04-03T14:40:00Z" → "2025-04-03T14:40" for a datetime-local input that the UI labels UTC. */
export function toInputValue(at: string | undefined): string {
  return at ? at.slice(0, 16) : '';
}

/** The input's "2025-04-03T14:40" read as UTC. */
export function fromInputValue(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  return `${value.length === 16 ? `${value}:00` : value}Z`;
}

export function dueAt(awareness: string, hours: number): Date {
  return new Date(Date.parse(awareness) + hours * 3_600_000);
}

export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "in 5 h", "in 2 d 3 h" for a deadline still ahead; undefined once it has passed. */
export function remaining(due: Date, now: Date): string | undefined {
  const ms = due.getTime() - now.getTime();
  if (ms <= 0) return undefined;
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 1) return `in ${Math.max(1, Math.round(ms / 60_000))} min`;
  return hours < 48 ? `in ${hours} h` : `in ${Math.floor(hours / 24)} d ${hours % 24} h`;
}
