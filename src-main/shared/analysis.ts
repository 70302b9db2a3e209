// The analyst's work on a case, kept apart from the evidence in a hash-chained journal: who did what,
// when. The state the UI shows (annotations, edge decisions, drawn edges, notes, the story, the
// disclosure clock) is derived by replaying the journal; undo and redo are journal entries too.
import { z } from 'zod';

export const ROLES = ['root_cause', 'contributing_factor', 'trigger', 'impact', 'policy_gap'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_TITLES: Record<Role, string> = {
  root_cause: 'Root cause',
  contributing_factor: 'Contributing factor',
  trigger: 'Trigger',
  impact: 'Impact',
  policy_gap: 'Policy gap',
};

const NodeId = z.string().min(1).max(200);
const Text = z.string().max(100_000);

/**
 * A saved view (issue 21): a named query with the filter bar's other fields, the graph node in focus and
 * the timeline's columns. The filter is kept as the contract's EventFilter shape and checked against it
 * when the view is used (this file cannot import the contract, which imports it).
 */
export const SavedView = z.object({
  name: z.string().trim().min(1).max(100),
  query: z.string().max(2000),
  filter: z.record(z.string(), z.unknown()).optional(),
  focus: NodeId.optional(),
  columns: z.array(z.string().min(1).max(50)).max(30).optional(),
});
export type SavedView = z.infer<typeof SavedView>;

/** What an analyst can do; each is one journal entry. */
export const JournalAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('assign'), node: NodeId, role: z.enum(ROLES), label: z.string().max(500).optional() }),
  z.object({ type: z.literal('unassign'), node: NodeId, role: z.enum(ROLES) }),
  z.object({ type: z.literal('star'), node: NodeId, starred: z.boolean() }),
  z.object({ type: z.literal('tag'), node: NodeId, tag: z.string().min(1).max(100), on: z.boolean() }),
  z.object({ type: z.literal('comment'), node: NodeId, text: Text }),
  z.object({ type: z.literal('decide_edge'), edge: z.string().min(1).max(500), decision: z.enum(['accepted', 'rejected', 'proposed']) }),
  z.object({ type: z.literal('draw_edge'), from: NodeId, to: NodeId, note: z.string().max(2000).optional() }),
  z.object({ type: z.literal('erase_edge'), edge: z.string().min(1).max(500) }),
  z.object({ type: z.literal('narrative'), text: Text }),
  z.object({ type: z.literal('title'), text: z.string().max(500) }),
  z.object({ type: z.literal('summary'), text: Text }),
  z.object({ type: z.literal('recommendation'), text: Text }),
  // A recommendation is named by the seq of the entry that added it; editing or removing it is a new
  // entry naming that seq, so the entry that added it is never rewritten.
  z.object({ type: z.literal('edit_recommendation'), id: z.number().int().min(1), text: z.string().trim().min(1).max(100_000) }),
  z.object({ type: z.literal('remove_recommendation'), id: z.number().int().min(1) }),
  z.object({ type: z.literal('awareness'), at: z.string().max(64).nullable() }),
  z.object({ type: z.literal('deadline'), name: z.string().min(1).max(100), hours: z.number().positive().max(100_000).nullable() }),
  // Trusting a bundle's signing key for this case only (trusting it always goes to the user's trust store).
  z.object({ type: z.literal('trust_signer'), fingerprint: z.string().regex(/^[0-9a-f]{64}$/), trusted: z.boolean() }),
  // Saved views (issue 21): saving a name again replaces the view; removing names it.
  z.object({ type: z.literal('save_view'), view: SavedView }),
  z.object({ type: z.literal('remove_view'), name: z.string().trim().min(1).max(100) }),
  // Issue 19: an anomaly finding set aside (or taken back), with the analyst's reason.
  z.object({
    type: z.literal('dismiss_finding'),
    finding: z.string().min(1).max(1000),
    dismissed: z.boolean(),
    reason: z.string().max(2000).optional(),
  }),
]);
export type JournalAction = z.infer<typeof JournalAction>;

export const JournalEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  analyst: z.string(),
  /** An action, or the undoing/redoing of an earlier entry. */
  action: z.union([
    JournalAction,
    z.object({ type: z.literal('undo'), seq: z.number().int() }),
    z.object({ type: z.literal('redo'), seq: z.number().int() }),
  ]),
  prev_hash: z.string(),
  hash: z.string(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

/** The journal's chain re-checked (core/analysis/journal.ts verifyJournal). */
export const JournalVerdict = z.union([
  z.object({ intact: z.literal(true), entries: z.number().int(), head: z.string() }),
  z.object({ intact: z.literal(false), entries: z.number().int(), first_bad_seq: z.number().int(), reason: z.string() }),
]);
export type JournalVerdict = z.infer<typeof JournalVerdict>;

/** Every journal entry, oldest first, with the verdict on their chain: who did what, when, provably. */
export const JournalReport = z.object({ entries: z.array(JournalEntry), verdict: JournalVerdict });
export type JournalReport = z.infer<typeof JournalReport>;

export const AnalysisState = z.object({
  roles: z.array(z.object({ node: NodeId, role: z.enum(ROLES), label: z.string().optional(), seq: z.number().int() })),
  starred: z.array(NodeId),
  tags: z.array(z.object({ node: NodeId, tags: z.array(z.string()) })),
  comments: z.array(z.object({ node: NodeId, text: z.string(), analyst: z.string(), at: z.string(), seq: z.number().int() })),
  decisions: z.array(z.object({ edge: z.string(), decision: z.enum(['accepted', 'rejected']) })),
  edges: z.array(z.object({ id: z.string(), from: NodeId, to: NodeId, note: z.string().optional() })),
  narrative: z.string(),
  title: z.string().optional(),
  summary: z.string().optional(),
  /** In the order they were added; `id` is the seq of the adding entry, `edited` the seq of the latest edit. */
  recommendations: z.array(z.object({ id: z.number().int(), text: z.string(), edited: z.number().int().optional() })),
  awareness: z.string().optional(),
  /** Disclosure deadlines in hours from awareness; the defaults are GDPR Art. 33 and NIS2. */
  deadlines: z.array(z.object({ name: z.string(), hours: z.number() })),
  /** Fingerprints of the signing keys trusted for this case alone. */
  trusted_signers: z.array(z.string()),
  /** Saved views by name, in the order they were first saved. */
  views: z.array(SavedView.extend({ seq: z.number().int() })),
  /** Findings dismissed by the analyst (issue 19), with the reason given. */
  dismissed_findings: z.array(z.object({ finding: z.string(), reason: z.string().optional(), seq: z.number().int() })).optional(),
  entries: z.number().int(),
  can_undo: z.boolean(),
  can_redo: z.boolean(),
});
export type AnalysisState = z.infer<typeof AnalysisState>;

export const DEFAULT_DEADLINES = [
  { name: 'NIS2 early warning', hours: 24 },
  { name: 'GDPR Art. 33 notification', hours: 72 },
  { name: 'NIS2 incident notification', hours: 72 },
];
