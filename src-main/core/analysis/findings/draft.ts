// A finding while it is being found: its supporting events kept up to a cap, counted past it.
import type { Finding, FindingRule } from '../../../shared/attribution';

export const MAX_EVENTS = 200;

export type FindingDraft = Omit<Finding, 'dismissed' | 'first' | 'last' | 'event_ids' | 'event_count' | 'sentence'> & {
  firstMs: number;
  lastMs: number;
  ids: number[];
  count: number;
  /** The sentence, written once the finding is complete (counts and times are final then). */
  say: (d: FindingDraft) => string;
};

export function startDraft(
  rule: FindingRule,
  key: string,
  identity: string,
  at: { id: number; ms: number },
  parameters: Finding['parameters'],
  score: number,
  say: FindingDraft['say'],
): FindingDraft {
  return { id: `${rule}:${key}`, rule, identity, parameters, score, firstMs: at.ms, lastMs: at.ms, ids: [at.id], count: 1, say };
}

export function extend(draft: FindingDraft, at: { id: number; ms: number }): void {
  draft.count += 1;
  draft.lastMs = at.ms;
  if (draft.ids.length < MAX_EVENTS) draft.ids.push(at.id);
}

export const iso = (ms: number): string => new Date(ms).toISOString();

export function complete(draft: FindingDraft): Omit<Finding, 'dismissed'> {
  return {
    id: draft.id,
    rule: draft.rule,
    parameters: draft.parameters,
    score: Math.round(draft.score * 1000) / 1000,
    identity: draft.identity,
    sentence: draft.say(draft),
    first: iso(draft.firstMs),
    last: iso(draft.lastMs),
    event_ids: draft.ids,
    event_count: draft.count,
  };
}

/** `3 min 20 s`, `45 s` */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
