// Saved views are journal entries (issue 21): saving a name again replaces the view, removing it takes it
// out, and undo brings back what was there before.
import { describe, expect, it } from 'vitest';
import { replayJournal, sealEntry } from '../../../src-main/core/analysis/journal';
import { JournalAction, type JournalEntry } from '../../../src-main/shared/analysis';

function journal(actions: JournalEntry['action'][]): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const [i, action] of actions.entries()) {
    entries.push(sealEntry(entries.at(-1), { at: `2025-04-04T09:00:${String(i).padStart(2, '0')}Z`, analyst: 'dana', action }));
  }
  return entries;
}

describe('saved views in the journal', () => {
  it('keeps one view per name, in the order first saved, replaced by a later save and gone when removed', () => {
    const state = replayJournal(
      journal([
        { type: 'save_view', view: { name: 'denied', query: 'outcome:denied' } },
        {
          type: 'save_view',
          view: { name: 'agent', query: 'actor.type:agent', filter: { kind: ['tool_call'] }, focus: 'e12', columns: ['time', 'actor'] },
        },
        { type: 'save_view', view: { name: 'denied', query: 'outcome:denied ns:payments' } },
        { type: 'save_view', view: { name: 'scratch', query: 'x' } },
        { type: 'remove_view', name: 'scratch' },
      ]),
    );
    expect(state.views).toEqual([
      { name: 'denied', query: 'outcome:denied ns:payments', seq: 3 },
      { name: 'agent', query: 'actor.type:agent', filter: { kind: ['tool_call'] }, focus: 'e12', columns: ['time', 'actor'], seq: 2 },
    ]);
  });

  it('undoes a save that replaced a view back to the view before it', () => {
    const entries = journal([
      { type: 'save_view', view: { name: 'denied', query: 'outcome:denied' } },
      { type: 'save_view', view: { name: 'denied', query: 'outcome:failure' } },
      { type: 'undo', seq: 2 },
    ]);
    expect(replayJournal(entries).views).toEqual([{ name: 'denied', query: 'outcome:denied', seq: 1 }]);
  });

  it('refuses a view without a name, or with a name or query longer than their limits', () => {
    expect(JournalAction.safeParse({ type: 'save_view', view: { name: '  ', query: '' } }).success).toBe(false);
    expect(JournalAction.safeParse({ type: 'save_view', view: { name: 'x'.repeat(101), query: '' } }).success).toBe(false);
    expect(JournalAction.safeParse({ type: 'save_view', view: { name: 'ok', query: 'q'.repeat(2001) } }).success).toBe(false);
    expect(JournalAction.safeParse({ type: 'remove_view', name: '' }).success).toBe(false);
  });
});
