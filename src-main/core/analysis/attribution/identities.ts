// Per identity: calls by verb and resource, allowed/denied/failed, namespaces, first and last seen, and
// its destructive calls apart. Folded one call at a time; memory grows with distinct identities, verbs,
// resources and namespaces, never with calls (destructive calls keep 20 example ids per group).
import type { DestructiveCalls, IdentitySummary } from '../../../shared/attribution';
import { destructiveClass, isAllowed, isDenied, isFailed, type ApiCall } from './calls';

const EXAMPLES = 20;

interface Fold {
  id: string;
  type: string;
  calls: number;
  allowed: number;
  denied: number;
  failed: number;
  namespaces: Set<string>;
  first: number;
  last: number;
  verbs: Map<string, number>;
  destructive: Map<string, DestructiveCalls>;
  humans: Set<string>;
  /** Whom it impersonated: per human, how many calls and a few of them. */
  acting: Map<string, { count: number; ids: number[] }>;
}

export class IdentityFolder {
  private readonly byId = new Map<string, Fold>();

  add(call: ApiCall): void {
    let fold = this.byId.get(call.actor);
    if (!fold) {
      fold = {
        id: call.actor,
        type: call.actorType,
        calls: 0,
        allowed: 0,
        denied: 0,
        failed: 0,
        namespaces: new Set(),
        first: call.ms,
        last: call.ms,
        verbs: new Map(),
        destructive: new Map(),
        humans: new Set(),
        acting: new Map(),
      };
      this.byId.set(call.actor, fold);
    }
    fold.calls += 1;
    if (isAllowed(call.outcome)) fold.allowed += 1;
    else if (isDenied(call.outcome)) fold.denied += 1;
    else if (isFailed(call.outcome)) fold.failed += 1;
    if (call.namespace) fold.namespaces.add(call.namespace);
    if (call.ms < fold.first) fold.first = call.ms;
    if (call.ms > fold.last) fold.last = call.ms;
    const verbKey = `${call.verb} ${call.resource}`;
    fold.verbs.set(verbKey, (fold.verbs.get(verbKey) ?? 0) + 1);
    if (call.onBehalfOf) {
      fold.humans.add(call.onBehalfOf);
      const acting = fold.acting.get(call.onBehalfOf) ?? { count: 0, ids: [] };
      acting.count += 1;
      if (acting.ids.length < 10) acting.ids.push(call.id);
      fold.acting.set(call.onBehalfOf, acting);
    }
    const cls = destructiveClass(call);
    if (cls) {
      const key = `${cls}|${call.verb}|${call.resource}|${call.namespace ?? ''}`;
      let group = fold.destructive.get(key);
      if (!group) {
        group = {
          class: cls,
          verb: call.verb,
          resource: call.resource,
          ...(call.namespace ? { namespace: call.namespace } : {}),
          count: 0,
          event_ids: [],
        };
        fold.destructive.set(key, group);
      }
      group.count += 1;
      if (group.event_ids.length < EXAMPLES) group.event_ids.push(call.id);
    }
  }

  /** Each identity's impersonations (the cluster's own record of whom it acted for), and humans' own calls. */
  principals(): { identity: string; type: string; human: string; count: number; ids: number[]; direct: boolean }[] {
    const out: { identity: string; type: string; human: string; count: number; ids: number[]; direct: boolean }[] = [];
    for (const fold of this.byId.values()) {
      for (const [human, acting] of fold.acting)
        out.push({ identity: fold.id, type: fold.type, human, count: acting.count, ids: acting.ids, direct: false });
      if (fold.type === 'human') out.push({ identity: fold.id, type: fold.type, human: fold.id, count: fold.calls, ids: [], direct: true });
    }
    return out;
  }

  /** The identities, most calls first; `agents` are those an agent reached, `humans` adds chain humans. */
  summaries(agents: ReadonlySet<string>, chainHumans: ReadonlyMap<string, ReadonlySet<string>>): IdentitySummary[] {
    return [...this.byId.values()]
      .map((fold): IdentitySummary => {
        const humans = new Set([...fold.humans, ...(chainHumans.get(fold.id) ?? [])]);
        return {
          id: fold.id,
          type: fold.type,
          calls: fold.calls,
          allowed: fold.allowed,
          denied: fold.denied,
          failed: fold.failed,
          namespaces: [...fold.namespaces].sort(),
          first: new Date(fold.first).toISOString(),
          last: new Date(fold.last).toISOString(),
          verbs: [...fold.verbs]
            .map(([key, count]) => {
              const [verb = '', resource = ''] = key.split(' ');
              return { verb, resource, count };
            })
            .sort((a, b) => b.count - a.count || a.verb.localeCompare(b.verb) || a.resource.localeCompare(b.resource)),
          destructive: [...fold.destructive.values()].sort((a, b) => a.class.localeCompare(b.class) || b.count - a.count),
          humans: [...humans].sort(),
          agent: agents.has(fold.id) || (fold.humans.size > 0 && fold.type === 'service_account'),
        };
      })
      .sort((a, b) => Number(b.agent) - Number(a.agent) || b.calls - a.calls || a.id.localeCompare(b.id));
  }
}
