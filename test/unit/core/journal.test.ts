import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { GENESIS, replayJournal, sealEntry, verifyJournal } from '../../../src-main/core/analysis/journal';
import type { JournalEntry } from '../../../src-main/shared/analysis';
import { SeededRandom } from '../../../src-main/core/sample/random';

function journal(actions: JournalEntry['action'][]): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const [i, action] of actions.entries()) {
    entries.push(sealEntry(entries.at(-1), { at: `2025-04-04T09:00:${String(i).padStart(2, '0')}Z`, analyst: 'dana', action }));
  }
  return entries;
}

const ACTIONS: JournalEntry['action'][] = [
  { type: 'assign', node: 'e12', role: 'root_cause' },
  { type: 'assign', node: 'e40', role: 'impact' },
  { type: 'star', node: 'e12', starred: true },
  { type: 'tag', node: 'e12', tag: 'memory-limit', on: true },
  { type: 'comment', node: 'e12', text: 'the 256Mi limit came from the beta image' },
  { type: 'decide_edge', edge: 'tool-target:e3->a9', decision: 'accepted' },
  { type: 'draw_edge', from: 'e1', to: 'e40', note: 'seen in the dashboard' },
  { type: 'narrative', text: 'At 14:31 the agent patched api-service.' },
  { type: 'awareness', at: '2025-04-03T14:40:00Z' },
];

describe('the analyst journal', () => {
  it('chains each entry to the one before over its RFC 8785 form, so anyone can re-check it', () => {
    const entries = journal(ACTIONS);
    expect(entries[0]!.prev_hash).toBe(GENESIS);
    const { seq, at, analyst, action } = entries[0]!;
    const expected = createHash('sha256')
      .update(Buffer.from(GENESIS, 'hex'))
      .update(canonicalize({ seq, at, analyst, action })!)
      .digest('hex');
    expect(entries[0]!.hash).toBe(expected);
    expect(entries.every((e, i) => i === 0 || e.prev_hash === entries[i - 1]!.hash)).toBe(true);
    expect(verifyJournal(entries)).toEqual({ intact: true, entries: ACTIONS.length, head: entries.at(-1)!.hash });
  });

  it('locates every modification, removal, insertion and reordering', () => {
    const random = new SeededRandom(7);
    const base = journal(ACTIONS);
    for (let trial = 0; trial < 300; trial += 1) {
      const entries = base.map((e) => structuredClone(e));
      const at = random.int(0, entries.length - 1);
      const what = trial % 4;
      let expectedSeq: number;
      if (what === 0) {
        entries[at] = { ...entries[at]!, analyst: `${entries[at]!.analyst}x` };
        expectedSeq = at + 1;
      } else if (what === 1) {
        entries.splice(at, 1);
        expectedSeq = at + 2;
        if (at === entries.length) continue; // removing the last entry is undetectable without an anchor
      } else if (what === 2) {
        const forged = sealEntry(entries[at - 1], { at: 'x', analyst: 'mallory', action: { type: 'star', node: 'e1', starred: true } });
        entries.splice(at, 0, forged);
        expectedSeq = at === entries.length - 1 ? -1 : at + 1;
        if (expectedSeq === -1) continue; // appending a well-formed entry is an entry, not tampering
      } else {
        if (at === entries.length - 1) continue;
        [entries[at], entries[at + 1]] = [entries[at + 1]!, entries[at]!];
        expectedSeq = entries[at]!.seq;
      }
      const verdict = verifyJournal(entries);
      expect(verdict.intact, `trial ${trial}`).toBe(false);
      if (!verdict.intact) expect(verdict.first_bad_seq, `trial ${trial} (${what} at ${at})`).toBe(expectedSeq);
    }
  });

  it('replays the state the analyst sees', () => {
    const state = replayJournal(journal(ACTIONS));
    expect(state.roles).toEqual([
      { node: 'e12', role: 'root_cause', seq: 1 },
      { node: 'e40', role: 'impact', seq: 2 },
    ]);
    expect(state.starred).toEqual(['e12']);
    expect(state.tags).toEqual([{ node: 'e12', tags: ['memory-limit'] }]);
    expect(state.comments).toMatchObject([{ node: 'e12', analyst: 'dana', text: expect.stringContaining('256Mi') }]);
    expect(state.decisions).toEqual([{ edge: 'tool-target:e3->a9', decision: 'accepted' }]);
    expect(state.edges).toEqual([{ id: 'analyst:7', from: 'e1', to: 'e40', note: 'seen in the dashboard' }]);
    expect(state.awareness).toBe('2025-04-03T14:40:00Z');
    expect(state.deadlines.map((d) => d.hours)).toEqual([24, 72, 72]);
  });

  it('undoes the latest action in effect and redoes it; a new action ends the redo history', () => {
    const entries = journal([
      { type: 'assign', node: 'e1', role: 'root_cause' },
      { type: 'assign', node: 'e2', role: 'trigger' },
      { type: 'undo', seq: 2 },
    ]);
    let state = replayJournal(entries);
    expect(state.roles.map((r) => r.node)).toEqual(['e1']);
    expect(state).toMatchObject({ can_undo: true, can_redo: true });
    entries.push(sealEntry(entries.at(-1), { at: 'later', analyst: 'dana', action: { type: 'redo', seq: 2 } }));
    state = replayJournal(entries);
    expect(state.roles.map((r) => r.node)).toEqual(['e1', 'e2']);
    expect(state.can_redo).toBe(false);
    entries.push(sealEntry(entries.at(-1), { at: 'later', analyst: 'dana', action: { type: 'undo', seq: 2 } }));
    entries.push(sealEntry(entries.at(-1), { at: 'later', analyst: 'dana', action: { type: 'star', node: 'e9', starred: true } }));
    state = replayJournal(entries);
    expect(state.roles.map((r) => r.node)).toEqual(['e1']);
    expect(state.can_redo).toBe(false);
    expect(verifyJournal(entries).intact).toBe(true);
  });

  it('edits and removes a recommendation by new entries naming the one that added it, undo included', () => {
    const entries = journal([
      { type: 'recommendation', text: 'Pin images by digest.' },
      { type: 'recommendation', text: 'Require a change ticket.' },
      { type: 'recommendation', text: 'Add a memory pre-flight check.' },
      { type: 'edit_recommendation', id: 2, text: 'Require a change ticket for agent patches to production.' },
      { type: 'remove_recommendation', id: 1 },
    ]);
    const added = structuredClone(entries.slice(0, 3));
    let state = replayJournal(entries);
    expect(state.recommendations).toEqual([
      { id: 2, text: 'Require a change ticket for agent patches to production.', edited: 4 },
      { id: 3, text: 'Add a memory pre-flight check.' },
    ]);
    // The entries that added them are untouched: the edit and the removal are entries of their own.
    expect(entries.slice(0, 3)).toEqual(added);
    expect(verifyJournal(entries).intact).toBe(true);
    // Undo brings back the removed one, in its place; a second undo the text before the edit.
    entries.push(sealEntry(entries.at(-1), { at: 'later', analyst: 'dana', action: { type: 'undo', seq: 5 } }));
    state = replayJournal(entries);
    expect(state.recommendations.map((r) => r.id)).toEqual([1, 2, 3]);
    entries.push(sealEntry(entries.at(-1), { at: 'later', analyst: 'dana', action: { type: 'undo', seq: 4 } }));
    expect(replayJournal(entries).recommendations[1]).toEqual({ id: 2, text: 'Require a change ticket.' });
  });

  it('ignores an edit or removal of a recommendation no longer in effect', () => {
    const state = replayJournal(
      journal([
        { type: 'recommendation', text: 'Pin images by digest.' },
        { type: 'remove_recommendation', id: 1 },
        { type: 'edit_recommendation', id: 1, text: 'resurrected?' },
        { type: 'remove_recommendation', id: 7 },
      ]),
    );
    expect(state.recommendations).toEqual([]);
  });
});
