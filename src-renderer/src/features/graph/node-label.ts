// A node's label as the graph draws it: the part that says what happened (the key: the verb and target of
// a request, the binding that allowed it) early enough never to be clipped, the words that say little
// (an RBAC decision's "RBAC: allowed by RoleBinding") kept in the text but not drawn. The segments join
// back to the label exactly, so the node's text is still its label (for copying, search and tests); the
// tooltip and the inspector hold the whole of it. Pure, so it is unit-tested.

export interface LabelSegment {
  text: string;
  /** key: never clipped; lead: before the key (the decision); quiet: after it; elided: in the text, not drawn. */
  role: 'lead' | 'key' | 'quiet' | 'elided';
}

/** `allow: RBAC: allowed by RoleBinding "dev-team-edit/production" of ClusterRole "edit" to G…` */
const RBAC = /^(\w+: )(RBAC: \w+ by (?:Cluster)?RoleBinding ")([^"]+)(")(.*)$/s;

export function labelSegments(kind: string, label: string): LabelSegment[] {
  const match = kind === 'authz_decision' ? RBAC.exec(label) : null;
  if (!match) return [{ text: label, role: 'key' }];
  const [, lead, elided, binding, quote, rest] = match;
  const segments: LabelSegment[] = [
    { text: lead!, role: 'lead' },
    { text: elided!, role: 'elided' },
    { text: binding!, role: 'key' },
    { text: quote!, role: 'elided' },
  ];
  return rest ? [...segments, { text: rest, role: 'quiet' }] : segments;
}
