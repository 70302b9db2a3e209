// What a credential may do, from its SelfSubjectRulesReview: anything beyond reading means the capture
// runs with more power than it needs, which the analyst should hear about (a read-only context is safer),
// even though Causa itself never sends a mutating request.

const READ_VERBS = new Set(['get', 'list', 'watch']);

export interface RulesAssessment {
  /** The review answered; false when it could not be asked or was refused. */
  known: boolean;
  mayMutate: boolean;
  /** One line per rule that grants more than reading, e.g. "create, delete on apps/deployments". */
  mutatingRules: string[];
  /** The server's own word that the list is incomplete (status.incomplete). */
  incomplete: boolean;
}

interface ResourceRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}
interface NonResourceRule {
  verbs?: string[];
  nonResourceURLs?: string[];
}

function describeTargets(rule: ResourceRule): string {
  const groups = rule.apiGroups?.length ? rule.apiGroups : [''];
  const resources = rule.resources?.length ? rule.resources : ['*'];
  const names = rule.resourceNames?.length ? ` named ${rule.resourceNames.join(', ')}` : '';
  const targets = groups.flatMap((g) => resources.map((r) => (g === '' ? r : `${g}/${r}`)));
  return `${targets.join(', ')}${names}`;
}

/** Reads `status` of a SelfSubjectRulesReview response. */
export function assessRules(review: unknown): RulesAssessment {
  const status = (review as { status?: { resourceRules?: ResourceRule[]; nonResourceRules?: NonResourceRule[]; incomplete?: boolean } })
    ?.status;
  if (!status) return { known: false, mayMutate: false, mutatingRules: [], incomplete: true };
  const mutatingRules: string[] = [];
  for (const rule of status.resourceRules ?? []) {
    const extra = (rule.verbs ?? []).filter((verb) => !READ_VERBS.has(verb));
    if (extra.length > 0) mutatingRules.push(`${extra.join(', ')} on ${describeTargets(rule)}`);
  }
  for (const rule of status.nonResourceRules ?? []) {
    // POST to a non-resource URL is how some aggregated APIs and health endpoints change state.
    const extra = (rule.verbs ?? []).filter((verb) => !READ_VERBS.has(verb));
    if (extra.length > 0) mutatingRules.push(`${extra.join(', ')} on ${(rule.nonResourceURLs ?? ['*']).join(', ')}`);
  }
  return { known: true, mayMutate: mutatingRules.length > 0, mutatingRules, incomplete: status.incomplete === true };
}
