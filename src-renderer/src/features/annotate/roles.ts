// The findings an event can be assigned to. The renderer may import main-side code as types only, so
// the titles are restated here; `Record<Role, string>` makes the compiler fail if a role is added there
// (src-main/shared/analysis.ts ROLES / ROLE_TITLES) and not here.
import type { Role } from '../../../../src-main/shared/analysis';

export const ROLE_TITLES: Record<Role, string> = {
  root_cause: 'Root cause',
  contributing_factor: 'Contributing factor',
  trigger: 'Trigger',
  impact: 'Impact',
  policy_gap: 'Policy gap',
};

/** In the order the board shows them, which is the order of ROLES. */
export const ROLES = Object.keys(ROLE_TITLES) as Role[];
