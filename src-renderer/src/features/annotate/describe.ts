// One line per journal entry, in the words of the analyst's vocabulary, for the journal view.
import { ROLE_TITLES } from './roles';
import type { JournalEntry } from '../../../../src-main/shared/analysis';

function clip(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function describeAction(action: JournalEntry['action'], label: (node: string) => string): string {
  switch (action.type) {
    case 'assign':
      return `assigned ${action.label ?? label(action.node)} to ${ROLE_TITLES[action.role]}`;
    case 'unassign':
      return `removed ${label(action.node)} from ${ROLE_TITLES[action.role]}`;
    case 'star':
      return `${action.starred ? 'starred' : 'unstarred'} ${label(action.node)}`;
    case 'tag':
      return `${action.on ? 'tagged' : 'untagged'} ${label(action.node)} “${action.tag}”`;
    case 'comment':
      return `commented on ${label(action.node)}: “${clip(action.text)}”`;
    case 'decide_edge':
      return `${action.decision === 'proposed' ? 'reopened' : action.decision} edge ${action.edge}`;
    case 'draw_edge':
      return `drew an edge ${label(action.from)} → ${label(action.to)}`;
    case 'erase_edge':
      return `erased edge ${action.edge}`;
    case 'narrative':
      return `edited the story (${action.text.length} characters)`;
    case 'title':
      return `set the title “${clip(action.text)}”`;
    case 'summary':
      return `set the summary “${clip(action.text)}”`;
    case 'recommendation':
      return `added a recommendation “${clip(action.text)}”`;
    case 'edit_recommendation':
      return `edited the recommendation of entry ${action.id}: “${clip(action.text)}”`;
    case 'remove_recommendation':
      return `removed the recommendation of entry ${action.id}`;
    case 'awareness':
      return action.at ? `set awareness to ${action.at}` : 'cleared the awareness time';
    case 'deadline':
      return action.hours === null ? `removed deadline ${action.name}` : `set deadline ${action.name} at +${action.hours} h`;
    case 'trust_signer':
      return `${action.trusted ? 'trusted' : 'stopped trusting'} signing key ${action.fingerprint.slice(0, 12)}… for this case`;
    case 'save_view':
      return `saved the view “${clip(action.view.name)}”: ${clip(action.view.query) || 'no query'}`;
    case 'remove_view':
      return `removed the view “${clip(action.name)}”`;
    case 'dismiss_finding':
      return `${action.dismissed ? 'dismissed' : 'restored'} finding ${clip(action.finding, 60)}${action.reason ? `: “${clip(action.reason)}”` : ''}`;
    case 'undo':
      return `undid entry ${action.seq}`;
    case 'redo':
      return `redid entry ${action.seq}`;
  }
}
