// The rules that decide as the calls go by, oldest first: first-seen, denial bursts, destructive calls by
// agent identities, calls outside working hours, and sequences like another case's root cause. Each keeps
// state per identity (or per identity and key), never per call.
import type { ApiCall } from '../attribution/calls';
import { destructiveClass, WRITE_VERBS } from '../attribution/calls';
import { complete, duration, extend, iso, plural, startDraft, type FindingDraft } from './draft';
import { describeHours, type FindingsOptions, type ReferenceSequence } from './options';
import type { Finding } from '../../../shared/attribution';

type Done = Omit<Finding, 'dismissed'>;

/** The cluster's own components: `system:` users other than service accounts, and kube-system's controllers. */
export function isSystemIdentity(call: Pick<ApiCall, 'actor' | 'actorType'>): boolean {
  if (call.actor.startsWith('system:serviceaccount:')) return call.actor.startsWith('system:serviceaccount:kube-system:');
  return call.actorType === 'system' || call.actor.startsWith('system:');
}

/** Acting for someone through a tool: reached by an agent, or a service account impersonating a person. */
export function isAgentIdentity(call: ApiCall, options: FindingsOptions): boolean {
  return options.agentIdentities.has(call.actor) || (call.onBehalfOf !== undefined && call.actorType === 'service_account');
}

const where = (ns: string | undefined): string => (ns ? `in ${ns}` : 'cluster-wide');

export class FirstSeen {
  private readonly seen = new Set<string>();
  private readonly open = new Map<string, FindingDraft>();

  constructor(private readonly options: FindingsOptions) {}

  add(call: ApiCall): void {
    const { baselineUntil, includeSystem } = this.options;
    if (baselineUntil === undefined || (!includeSystem && isSystemIdentity(call))) return;
    const key = `${call.actor}|${call.verb}|${call.resource}|${call.namespace ?? ''}`;
    if (call.ms < baselineUntil) {
      this.seen.add(key);
      return;
    }
    if (this.seen.has(key)) return;
    const draft = this.open.get(key);
    if (draft) return extend(draft, call);
    const cls = destructiveClass(call);
    const score = cls ? 0.9 : WRITE_VERBS.has(call.verb) ? 0.7 : 0.4;
    const parameters = { baseline_until: iso(baselineUntil), baseline: this.options.baselineReason ?? 'given' };
    this.open.set(
      key,
      startDraft(
        'first_seen',
        key,
        call.actor,
        call,
        parameters,
        score,
        (d) =>
          `${call.actor} called ${call.verb} ${call.resource} ${where(call.namespace)} at ${iso(d.firstMs)}, never seen from it in the baseline (before ${iso(baselineUntil)}); ${plural(d.count, 'such call')} in all.`,
      ),
    );
  }

  finish(): Done[] {
    return [...this.open.values()].map(complete);
  }
}

export class DenialBursts {
  private readonly recent = new Map<string, ApiCall[]>();
  private readonly open = new Map<string, FindingDraft>();
  private readonly done: Done[] = [];

  constructor(private readonly options: FindingsOptions) {}

  add(call: ApiCall): void {
    if (call.outcome !== 'denied') return;
    const { denialCount: n, denialWindowMs: window } = this.options;
    const burst = this.open.get(call.actor);
    if (burst && call.ms - burst.lastMs <= window) return extend(burst, call);
    if (burst) {
      this.done.push(complete(burst));
      this.open.delete(call.actor);
    }
    const list = (this.recent.get(call.actor) ?? []).filter((c) => call.ms - c.ms <= window);
    list.push(call);
    this.recent.set(call.actor, list);
    if (list.length < n) return;
    this.recent.delete(call.actor);
    const [head, ...rest] = list;
    const draft = startDraft(
      'denial_burst',
      `${call.actor}|${head!.ms}`,
      call.actor,
      head!,
      { count: n, window: duration(window) },
      0,
      (d) =>
        `${call.actor} was denied ${d.count} times in ${duration(d.lastMs - d.firstMs)} from ${iso(d.firstMs)} (the rule: ${n} or more within ${duration(window)}).`,
    );
    for (const c of rest) extend(draft, c);
    this.open.set(call.actor, draft);
  }

  finish(): Done[] {
    const n = this.options.denialCount;
    return [...this.done, ...[...this.open.values()].map(complete)].map((f) => ({
      ...f,
      score: Math.min(1, 0.5 + f.event_count / (4 * n)),
    }));
  }
}

/** Groups an identity's qualifying calls: a gap longer than `groupGapMs` starts a new finding. */
class Grouper {
  private readonly open = new Map<string, FindingDraft>();
  private readonly done: Done[] = [];

  constructor(private readonly gapMs: number) {}

  /** The finding the call joined or started. */
  add(key: string, call: ApiCall, start: () => FindingDraft): FindingDraft {
    const draft = this.open.get(key);
    if (draft && call.ms - draft.lastMs <= this.gapMs) {
      extend(draft, call);
      return draft;
    }
    if (draft) this.done.push(complete(draft));
    const started = start();
    this.open.set(key, started);
    return started;
  }

  finish(): Done[] {
    return [...this.done, ...[...this.open.values()].map(complete)];
  }
}

const CLASS_WORDS: Record<string, string> = {
  delete: 'deleted',
  scale_down: 'scaled to zero or one',
  rbac_write: 'changed RBAC',
  secret_read: 'read secrets',
  exec: 'exec/attach/port-forward into pods',
  admission_change: 'changed admission policy',
};

export class AgentDestructive {
  private readonly groups: Grouper;

  constructor(private readonly options: FindingsOptions) {
    this.groups = new Grouper(options.groupGapMs);
  }

  add(call: ApiCall): void {
    if (!isAgentIdentity(call, this.options)) return;
    const cls = destructiveClass(call);
    if (!cls) return;
    const key = `${call.actor}|${cls}|${call.resource}|${call.namespace ?? ''}`;
    this.groups.add(key, call, () =>
      startDraft(
        'agent_destructive',
        `${key}|${call.ms}`,
        call.actor,
        call,
        { class: cls, group_gap: duration(this.options.groupGapMs) },
        call.outcome === 'denied' ? 0.6 : 0.9,
        (d) =>
          `Agent identity ${call.actor}${call.onBehalfOf ? ` (as ${call.onBehalfOf})` : ''} ${CLASS_WORDS[cls]}: ${call.verb} ${call.resource} ${where(call.namespace)}, ${plural(d.count, 'call')} from ${iso(d.firstMs)}.`,
      ),
    );
  }

  finish(): Done[] {
    return this.groups.finish();
  }
}

export function isWorkingTime(ms: number, hours: FindingsOptions['hours']): boolean {
  const local = new Date(ms + hours.utcOffsetMinutes * 60_000);
  const hour = local.getUTCHours();
  return hours.days.includes(local.getUTCDay()) && hour >= hours.start && hour < hours.end;
}

export class OffHours {
  private readonly groups: Grouper;
  private readonly verbs = new Map<string, Set<string>>();

  constructor(private readonly options: FindingsOptions) {
    this.groups = new Grouper(options.groupGapMs);
  }

  add(call: ApiCall): void {
    if (call.actorType !== 'human' && !isAgentIdentity(call, this.options)) return;
    if (!WRITE_VERBS.has(call.verb) && !destructiveClass(call)) return;
    if (isWorkingTime(call.ms, this.options.hours)) return;
    const hours = describeHours(this.options.hours);
    const draft = this.groups.add(call.actor, call, () =>
      startDraft(
        'off_hours',
        `${call.actor}|${call.ms}`,
        call.actor,
        call,
        { working_hours: hours, group_gap: duration(this.options.groupGapMs) },
        0.6,
        (d) =>
          `${call.actor} made ${plural(d.count, 'write')} outside working hours (${hours}) from ${iso(d.firstMs)}: ${[...(this.verbs.get(d.id) ?? [])].join(', ')}.`,
      ),
    );
    const verbs = this.verbs.get(draft.id) ?? new Set<string>();
    if (verbs.size < 5) verbs.add(`${call.verb} ${call.resource}`);
    this.verbs.set(draft.id, verbs);
  }

  finish(): Done[] {
    return this.groups.finish();
  }
}

interface Progress {
  step: number;
  startMs: number;
  ids: number[];
  last: ApiCall | undefined;
}

export class Sequences {
  private readonly progress = new Map<string, Progress>();
  private readonly done: Done[] = [];

  constructor(private readonly options: FindingsOptions) {}

  add(call: ApiCall): void {
    this.options.sequences.forEach((ref, r) => {
      if (ref.steps.length < 2) return;
      const key = `${r}|${call.actor}`;
      let p = this.progress.get(key);
      if (p && p.step > 0 && call.ms - p.startMs > this.options.sequenceWindowMs) p = undefined;
      p ??= { step: 0, startMs: call.ms, ids: [], last: undefined };
      const want = ref.steps[p.step]!;
      if (want.verb === call.verb && want.resource === call.resource) {
        if (p.step === 0) p.startMs = call.ms;
        p.step += 1;
        p.ids.push(call.id);
        p.last = call;
      }
      if (p.step === ref.steps.length) {
        this.done.push(this.found(ref, call, p));
        this.progress.delete(key);
      } else this.progress.set(key, p);
    });
  }

  private found(ref: ReferenceSequence, call: ApiCall, p: Progress): Done {
    const steps = ref.steps.map((s) => `${s.verb} ${s.resource}`).join(' → ');
    const window = this.options.sequenceWindowMs;
    const draft = startDraft(
      'sequence',
      `${ref.name}|${call.actor}|${p.startMs}`,
      call.actor,
      { id: p.ids[0]!, ms: p.startMs },
      { like: ref.name, steps, window: duration(window) },
      1,
      (d) =>
        `${call.actor} took the same steps as the root cause of ${ref.name} (${steps}) within ${duration(d.lastMs - d.firstMs)} from ${iso(d.firstMs)}.`,
    );
    for (const id of p.ids.slice(1)) extend(draft, { id, ms: call.ms });
    return complete(draft);
  }

  finish(): Done[] {
    return this.done;
  }
}
