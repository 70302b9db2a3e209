// Comparing two cases (issue 21): the agent's actions of each, lined up at t=0 = each case's first
// prompt, and which steps match. Computed by core/analysis/compare; served by the `compareCase` method,
// printed by `causa compare`, shown by the workbench's Compare tab.
import { z } from 'zod';
import { OUTCOMES } from './model';

export const STEP_KINDS = ['prompt', 'tool_call', 'api_call'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** One action of the agent's side: a prompt, a tool call (its records folded into one), an API call it made. */
export const CompareStep = z.object({
  event_id: z.number().int(),
  kind: z.enum(STEP_KINDS),
  /** Milliseconds from the case's first prompt (negative before it). */
  offset_ms: z.number(),
  time: z.string().optional(),
  /** The tool's name, for a tool call. */
  tool: z.string().optional(),
  /** The API verb, for an API call. */
  verb: z.string().optional(),
  resource: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  outcome: z.enum(OUTCOMES),
  actor: z.string().optional(),
  /** A prompt's text (at most 300 characters). */
  text: z.string().optional(),
});
export type CompareStep = z.infer<typeof CompareStep>;

/** One case's side: its name, where it was read, when its first prompt was, its steps in time order. */
export const CaseSequence = z.object({
  name: z.string(),
  path: z.string(),
  /** The first prompt's time: t=0. Absent when the case holds no prompt (t=0 is then its first action). */
  start: z.string().optional(),
  steps: z.array(CompareStep),
  /** More steps than the comparison reads were there (only the first are compared). */
  truncated: z.boolean(),
});
export type CaseSequence = z.infer<typeof CaseSequence>;

/**
 * One line of the comparison. `match`: the same kind of step doing the same thing (a prompt; the same tool
 * on the same resource; the same verb on the same resource). `differ`: both cases did something here, not
 * the same. `only_this` / `only_other`: a step one case has and the other does not.
 */
export const ALIGN_STATUSES = ['match', 'differ', 'only_this', 'only_other'] as const;
export const AlignedRow = z.object({
  status: z.enum(ALIGN_STATUSES),
  this: CompareStep.optional(),
  other: CompareStep.optional(),
});
export type AlignedRow = z.infer<typeof AlignedRow>;

export const CaseComparison = z.object({
  this: CaseSequence,
  other: CaseSequence,
  rows: z.array(AlignedRow),
  counts: z.object({ match: z.number().int(), differ: z.number().int(), only_this: z.number().int(), only_other: z.number().int() }),
});
export type CaseComparison = z.infer<typeof CaseComparison>;

/** A case file the workbench can compare with: the main side finds them, the renderer only names one. */
export const CompareCandidate = z.object({
  path: z.string(),
  name: z.string(),
  /** `folder`: beside the open case; `named`: given to `causa serve --compare`. */
  from: z.enum(['folder', 'named']),
});
export type CompareCandidate = z.infer<typeof CompareCandidate>;
