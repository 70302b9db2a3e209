// The guardrail gap: for each identity an agent used, what allowed its calls (the bindings the
// authorization reasons name, or listed RBAC objects), the least privilege the intended task needed (a
// generated Role and binding, replayed on every call with the RBAC evaluator), the difference in words
// and numbers, the admission policies that saw a harmful request and only audited or warned, and the
// denied calls with the rule that denied them. Pure: the service gathers the events.
import type { GuardedCall, GuardedIdentity, GuardrailsReport } from '../../../shared/contract';
import type { EventJson } from '../../../shared/model';
import { DEFAULT_CLUSTER_ROLES } from './default-roles';
import { generateLeastPrivilege, grantSize, leastPrivilegeYaml, type RbacCall } from './least-privilege';
import {
  authorize,
  bindingLabel,
  resolveRole,
  roleLabel,
  type RbacBinding,
  type RbacRequest,
  type RbacRole,
  type RbacSubject,
} from './rbac';
import { bindingOfReason, rbacObjectsOf } from './rbac-objects';

export { authorize, generateLeastPrivilege, leastPrivilegeYaml, rbacObjectsOf, bindingOfReason, DEFAULT_CLUSTER_ROLES };
export type { RbacBinding, RbacRole, RbacRequest, RbacSubject, RbacCall };

/** One API request (its stages merged into the latest) made by an identity an agent used. */
export interface GuardrailCall {
  event: EventJson;
  timeNs: bigint | null;
  label: string;
}

export interface GuardrailsInput {
  calls: readonly GuardrailCall[];
  /** `policy_decision` events, with the event id of the request each judged when known. */
  policies: readonly { event: EventJson; request?: { id: number; label: string } }[];
  /** Objects of the case's listings and captures (RBAC objects among them are used). */
  objects: Iterable<unknown>;
  /** Which calls were the intended task. */
  intended: { basis: GuardrailsReport['intended_basis']; ids?: ReadonlySet<number>; beforeNs?: bigint };
  /** Events reached by a taint chain. */
  tainted: ReadonlySet<number>;
}

const LP_NAME = 'causa-least-privilege';

export function callOf(event: EventJson): RbacCall | undefined {
  const t = event.target;
  if (!t?.resource || !event.action) return undefined;
  const [resource, subresource] = t.resource.split('/') as [string, string | undefined];
  return {
    verb: event.action,
    apiGroup: t.api_group ?? '',
    resource,
    ...(subresource ? { subresource } : {}),
    ...(t.namespace ? { namespace: t.namespace } : {}),
    ...(t.name ? { name: t.name } : {}),
  };
}

const requestOf = (call: RbacCall, user: string, groups: string[] = []): RbacRequest => ({ user, groups, ...call });

/** The subject a generated binding names: the agent's own identity (a service account) when known. */
function subjectFor(id: string): RbacSubject {
  const sa = /^system:serviceaccount:([^:]+):(.+)$/.exec(id);
  return sa ? { kind: 'ServiceAccount', namespace: sa[1]!, name: sa[2]! } : { kind: 'User', name: id };
}

function scopeOf(binding: RbacBinding): string {
  return binding.kind === 'RoleBinding' ? `namespace ${binding.namespace ?? '?'}` : 'cluster-wide';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function isIntended(call: GuardrailCall, intended: GuardrailsInput['intended']): boolean {
  if (intended.ids) return intended.ids.has(call.event.id);
  if (intended.beforeNs !== undefined) return call.timeNs !== null && call.timeNs < intended.beforeNs;
  return true;
}

function analyzeIdentity(
  key: { identity: string; via?: string },
  calls: readonly GuardrailCall[],
  input: GuardrailsInput,
  listed: { roles: RbacRole[]; bindings: RbacBinding[] },
): GuardedIdentity {
  const roles = [
    ...listed.roles,
    ...DEFAULT_CLUSTER_ROLES.filter((d) => !listed.roles.some((r) => r.kind === d.kind && r.name === d.name)),
  ];
  // Bindings named by the authorization reasons, then listed ones naming the identity or a group seen in them.
  const held = new Map<string, { binding: RbacBinding; source: 'authz-reason' | 'listing'; calls: number }>();
  for (const call of calls) {
    const binding = bindingOfReason(call.event.authz?.reason);
    if (!binding) continue;
    const label = bindingLabel(binding);
    const known = held.get(label);
    if (known) known.calls += 1;
    else held.set(label, { binding, source: 'authz-reason', calls: 1 });
  }
  const groups = [...held.values()].flatMap(({ binding }) => binding.subjects.filter((s) => s.kind === 'Group').map((s) => s.name));
  for (const binding of listed.bindings) {
    if (held.has(bindingLabel(binding))) continue;
    if (binding.subjects.some((s) => (s.kind === 'User' && s.name === key.identity) || (s.kind === 'Group' && groups.includes(s.name)))) {
      held.set(bindingLabel(binding), { binding, source: 'listing', calls: 0 });
    }
  }
  const heldRoles = [...held.values()].map(({ binding }) => resolveRole(binding, roles));

  const intendedCalls = calls.filter((c) => isIntended(c, input.intended));
  const needed = intendedCalls
    .filter((c) => c.event.outcome !== 'denied')
    .map((c) => callOf(c.event))
    .filter((c): c is RbacCall => !!c);
  const actor = key.via ?? key.identity;
  const subject = subjectFor(actor);
  const lp = generateLeastPrivilege(needed, subject, LP_NAME);
  const neededRules = lp.roles.flatMap((r) => r.rules);
  const neededSize = grantSize(neededRules);

  const guarded: GuardedCall[] = calls.map((c) => {
    const rbac = callOf(c.event);
    const decision = rbac
      ? authorize(requestOf(rbac, subject.kind === 'ServiceAccount' ? actor : key.identity), lp.roles, lp.bindings)
      : undefined;
    const reasonBinding = bindingOfReason(c.event.authz?.reason);
    return {
      event_id: c.event.id,
      ...(c.event.time ? { time: c.event.time } : {}),
      label: c.label,
      verb: c.event.action ?? '',
      outcome: c.event.outcome,
      intended: isIntended(c, input.intended),
      tainted: input.tainted.has(c.event.id),
      ...(reasonBinding ? { allowed_by: `${bindingLabel(reasonBinding)} of ${roleLabel(reasonBinding.roleRef)}` } : {}),
      least_privilege: decision?.allowed ? 'allowed' : 'denied',
    };
  });
  const preventable = guarded.filter((g) => !g.intended && g.least_privilege === 'denied' && g.outcome !== 'denied').map((g) => g.event_id);

  const bindings = [...held.values()].map(({ binding, source, calls: n }, i) => {
    const role = heldRoles[i];
    const size = role ? grantSize(role.rules) : undefined;
    return {
      binding: bindingLabel(binding),
      role: roleLabel(binding.roleRef),
      subject: binding.subjects.map((s) => `${s.kind} "${s.namespace ? `${s.name}/${s.namespace}` : s.name}"`).join(', '),
      scope: scopeOf(binding),
      source,
      ...(size ? { resources: size.resources, verbs: size.verbs, rules: role!.rules } : {}),
      calls: n,
    };
  });
  const sentences = bindings
    .filter((b) => b.calls > 0 || b.source === 'listing')
    .map((b) =>
      b.resources !== undefined
        ? `${b.role} (by ${b.binding}) grants ${plural(b.resources, 'resource')} × ${plural(b.verbs!, 'verb')} ${b.scope === 'cluster-wide' ? 'cluster-wide' : `in ${b.scope.replace('namespace ', '')}`}`
        : `${b.role} (by ${b.binding}; its rules are not in the evidence)`,
    );
  const preventableLabels = guarded.filter((g) => preventable.includes(g.event_id)).map((g) => g.label);
  const diff = [
    `${sentences.join('; ') || 'No binding of this identity is in the evidence'}; the intended task used ${plural(neededSize.resources, 'resource')} × ${plural(neededSize.verbs, 'verb')} (${intendedCalls.length} of ${calls.length} calls intended).`,
    preventable.length > 0
      ? `The least-privilege role would have denied ${plural(preventable.length, 'call')}: ${preventableLabels.join('; ')}.`
      : 'The least-privilege role would have denied none of the calls that went through.',
  ].join(' ');
  return {
    identity: key.identity,
    ...(key.via ? { via: key.via } : {}),
    bindings,
    calls: guarded,
    needed: { resources: neededSize.resources, verbs: neededSize.verbs, rules: neededRules },
    yaml: leastPrivilegeYaml(lp),
    diff,
    preventable,
  };
}

export function analyzeGuardrails(input: GuardrailsInput): GuardrailsReport {
  const listed = rbacObjectsOf(input.objects);
  const byIdentity = new Map<string, { key: { identity: string; via?: string }; calls: GuardrailCall[] }>();
  for (const call of input.calls) {
    const actor = call.event.actor;
    if (!actor) continue;
    const key = actor.on_behalf_of ? { identity: actor.on_behalf_of, via: actor.id } : { identity: actor.id };
    const id = `${key.identity}\u0000${key.via ?? ''}`;
    const entry = byIdentity.get(id);
    if (entry) entry.calls.push(call);
    else byIdentity.set(id, { key, calls: [call] });
  }
  const identities = [...byIdentity.values()].map(({ key, calls }) =>
    analyzeIdentity(
      key,
      [...calls].sort((a, b) => ((a.timeNs ?? 0n) < (b.timeNs ?? 0n) ? -1 : 1)),
      input,
      listed,
    ),
  );

  const admission = input.policies
    .filter(({ event }) => !/^deny$/i.test(event.authz?.decision ?? '') && event.outcome !== 'denied')
    .map(({ event, request }) => {
      const failure = /\(binding ([^,]+), actions: ([^)]*)\)$/.exec(event.authz?.reason ?? '');
      return {
        event_id: event.id,
        policy: (event.action ?? 'policy').replace(/^validate /, ''),
        ...(failure ? { binding: failure[1]! } : {}),
        actions: failure ? failure[2]!.split(', ').filter((a) => a && a !== 'none') : [],
        message: (event.authz?.reason ?? event.text ?? '').replace(/ \(binding [^)]*\)$/, ''),
        request: request?.label ?? `${event.target?.resource ?? ''} ${event.target?.namespace ?? ''}/${event.target?.name ?? ''}`,
        ...(request ? { request_event_id: request.id } : {}),
      };
    });

  const denied = [
    ...input.calls.filter((c) => c.event.outcome === 'denied'),
    ...input.policies
      .filter(({ event }) => /^deny$/i.test(event.authz?.decision ?? ''))
      .map(({ event }) => ({ event, timeNs: null, label: event.action ?? 'policy' })),
  ].map((c) => {
    const actor = c.event.actor;
    const identity = actor?.on_behalf_of ?? actor?.id ?? 'unknown';
    const rbac = callOf(c.event);
    let rule = c.event.authz?.reason ?? '';
    if (c.event.kind === 'k8s_api' && !rule && rbac) {
      const entry = identities.find((i) => i.identity === identity);
      const bindings = entry?.bindings.map((b) => b.binding).join(', ') || 'no binding in the evidence';
      const scope = rbac.namespace ? `in the namespace ${rbac.namespace}` : 'at the cluster scope';
      rule = `RBAC: no rule allows ${rbac.verb} ${rbac.subresource ? `${rbac.resource}/${rbac.subresource}` : rbac.resource} ${scope} (held: ${bindings})`;
    }
    return { event_id: c.event.id, label: c.label, identity, rule: rule || 'denied' };
  });

  return { intended_basis: input.intended.basis, identities, admission, denied };
}
