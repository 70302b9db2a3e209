// Selecting a node from anywhere (findings, story links, the journal) selects its event in the inspector.
import { useGraph, useSelection } from '../../state/stores';
import { eventOfNode } from '../../state/graph';

export function selectNode(nodeId: string): void {
  const eventId = eventOfNode(useGraph.getState().summaries, nodeId);
  if (eventId !== undefined) useSelection.getState().select(eventId);
}

/** "2025-04-03T14:31:06.884123Z" → "14:31:06.884" for lists where the date is the incident's. */
export function clockTime(time: string | undefined): string {
  return time ? time.slice(11, 23) : '';
}
