// The analyst journal: an append-only, hash-chained list of what analysts did to a case. The chain runs
// like the evidence chains (h0 = 64 zeros; h_i = SHA-256(h_(i-1) ‖ entry_i)), where entry_i is the RFC 8785
// canonical JSON of {seq, at, analyst, action}: a reader re-checks it without Causa.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DEFAULT_DEADLINES, type AnalysisState, type JournalAction, type JournalEntry, type JournalVerdict } from '../../shared/analysis';

export type { JournalVerdict };

export const GENESIS = '0'.repeat(64);

type Body = Pick<JournalEntry, 'seq' | 'at' | 'analyst' | 'action'>;

export function hashEntry(prevHash: string, body: Body): string {
  const canonical = canonicalize({ seq: body.seq, at: body.at, analyst: body.analyst, action: body.action });
  return createHash('sha256')
    .update(prevHash, 'hex')
    .update(canonical ?? '', 'utf8')
    .digest('hex');
}

export function sealEntry(prev: JournalEntry | undefined, body: Omit<Body, 'seq'>): JournalEntry {
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? GENESIS;
  const full = { seq, ...body };
  return { ...full, prev_hash: prevHash, hash: hashEntry(prevHash, full) };
}

/** Re-checks the chain: each entry's hash over its content, and each link to the one before. */
export function verifyJournal(entries: readonly JournalEntry[]): JournalVerdict {
  let prev = GENESIS;
  for (const [index, entry] of entries.entries()) {
    if (entry.seq !== index + 1)
      return {
        intact: false,
        entries: entries.length,
        first_bad_seq: entry.seq,
        reason: `entry ${index + 1} is numbered ${entry.seq}: an entry was removed or inserted`,
      };
    if (entry.prev_hash !== prev)
      return {
        intact: false,
        entries: entries.length,
        first_bad_seq: entry.seq,
        reason: `entry ${entry.seq} does not follow entry ${entry.seq - 1} (prev_hash differs): an entry was removed, inserted or reordered`,
      };
    if (hashEntry(prev, entry) !== entry.hash)
      return {
        intact: false,
        entries: entries.length,
        first_bad_seq: entry.seq,
        reason: `entry ${entry.seq} was modified (its hash does not match its content)`,
      };
    prev = entry.hash;
  }
  return { intact: true, entries: entries.length, head: prev };
}

/** Which entries are in effect after undo and redo: an undo cancels the latest action still in effect. */
function effective(entries: readonly JournalEntry[]): { active: JournalEntry[]; undone: JournalEntry[] } {
  const active: JournalEntry[] = [];
  const undone: JournalEntry[] = [];
  for (const entry of entries) {
    const action = entry.action;
    if (action.type === 'undo') {
      const index = active.findIndex((e) => e.seq === action.seq);
      if (index !== -1) undone.push(...active.splice(index, 1));
    } else if (action.type === 'redo') {
      const index = undone.findIndex((e) => e.seq === action.seq);
      if (index !== -1) active.push(...undone.splice(index, 1));
      active.sort((a, b) => a.seq - b.seq);
    } else {
      active.push(entry);
      undone.length = 0; // a new action ends the redo history, as in any editor
    }
  }
  return { active, undone };
}

/** The latest action an undo would cancel, and the latest undone one a redo would restore. */
export function undoTarget(entries: readonly JournalEntry[]): number | undefined {
  return effective(entries).active.at(-1)?.seq;
}
export function redoTarget(entries: readonly JournalEntry[]): number | undefined {
  return effective(entries).undone.at(-1)?.seq;
}

export function replayJournal(entries: readonly JournalEntry[]): AnalysisState {
  const { active, undone } = effective(entries);
  const roles = new Map<string, AnalysisState['roles'][number]>();
  const starred = new Set<string>();
  const tags = new Map<string, Set<string>>();
  const comments: AnalysisState['comments'] = [];
  const decisions = new Map<string, 'accepted' | 'rejected'>();
  const drawn = new Map<string, AnalysisState['edges'][number]>();
  const deadlines = new Map(DEFAULT_DEADLINES.map((d) => [d.name, d.hours]));
  const recommendations = new Map<number, AnalysisState['recommendations'][number]>();
  const trustedSigners = new Set<string>();
  const views = new Map<string, AnalysisState['views'][number]>();
  const dismissed = new Map<string, NonNullable<AnalysisState['dismissed_findings']>[number]>();
  const state: Pick<AnalysisState, 'narrative' | 'title' | 'summary' | 'awareness'> = { narrative: '' };
  for (const entry of active) {
    const action = entry.action as JournalAction;
    switch (action.type) {
      case 'assign':
        roles.set(`${action.node}|${action.role}`, {
          node: action.node,
          role: action.role,
          ...(action.label ? { label: action.label } : {}),
          seq: entry.seq,
        });
        break;
      case 'unassign':
        roles.delete(`${action.node}|${action.role}`);
        break;
      case 'star':
        if (action.starred) starred.add(action.node);
        else starred.delete(action.node);
        break;
      case 'tag': {
        const set = tags.get(action.node) ?? new Set<string>();
        if (action.on) set.add(action.tag);
        else set.delete(action.tag);
        tags.set(action.node, set);
        break;
      }
      case 'comment':
        comments.push({ node: action.node, text: action.text, analyst: entry.analyst, at: entry.at, seq: entry.seq });
        break;
      case 'decide_edge':
        if (action.decision === 'proposed') decisions.delete(action.edge);
        else decisions.set(action.edge, action.decision);
        break;
      case 'draw_edge':
        drawn.set(`analyst:${entry.seq}`, {
          id: `analyst:${entry.seq}`,
          from: action.from,
          to: action.to,
          ...(action.note ? { note: action.note } : {}),
        });
        break;
      case 'erase_edge':
        drawn.delete(action.edge);
        break;
      case 'narrative':
        state.narrative = action.text;
        break;
      case 'title':
        state.title = action.text;
        break;
      case 'summary':
        state.summary = action.text;
        break;
      case 'recommendation':
        recommendations.set(entry.seq, { id: entry.seq, text: action.text });
        break;
      case 'edit_recommendation':
        // An edit of a recommendation no longer in effect (removed, or its adding entry undone) changes nothing.
        if (recommendations.has(action.id)) recommendations.set(action.id, { id: action.id, text: action.text, edited: entry.seq });
        break;
      case 'remove_recommendation':
        recommendations.delete(action.id);
        break;
      case 'awareness':
        if (action.at === null) delete state.awareness;
        else state.awareness = action.at;
        break;
      case 'deadline':
        if (action.hours === null) deadlines.delete(action.name);
        else deadlines.set(action.name, action.hours);
        break;
      case 'trust_signer':
        if (action.trusted) trustedSigners.add(action.fingerprint);
        else trustedSigners.delete(action.fingerprint);
        break;
      case 'save_view':
        views.set(action.view.name, { ...action.view, seq: entry.seq });
        break;
      case 'remove_view':
        views.delete(action.name);
        break;
      case 'dismiss_finding':
        if (action.dismissed)
          dismissed.set(action.finding, { finding: action.finding, ...(action.reason ? { reason: action.reason } : {}), seq: entry.seq });
        else dismissed.delete(action.finding);
        break;
    }
  }
  return {
    roles: [...roles.values()],
    starred: [...starred],
    tags: [...tags].filter(([, set]) => set.size > 0).map(([node, set]) => ({ node, tags: [...set].sort() })),
    comments,
    decisions: [...decisions].map(([edge, decision]) => ({ edge, decision })),
    edges: [...drawn.values()],
    ...state,
    recommendations: [...recommendations.values()],
    deadlines: [...deadlines].map(([name, hours]) => ({ name, hours })),
    trusted_signers: [...trustedSigners],
    views: [...views.values()],
    dismissed_findings: [...dismissed.values()],
    entries: entries.length,
    can_undo: active.length > 0,
    can_redo: undone.length > 0,
  };
}
