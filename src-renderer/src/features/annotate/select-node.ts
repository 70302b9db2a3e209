// Selecting a node from anywhere (findings, story links, the journal) selects its event in the inspector.
import { eventOfNode, useNodeIndex } from '../../state/node-index';
import { useSelection } from '../../state/selection';

export function selectNode(nodeId: string): void {
  const eventId = eventOfNode(useNodeIndex.getState().nodes, nodeId);
  if (eventId !== undefined) useSelection.getState().select(eventId);
}

/** "2025-04-03T14:31:06.884123Z" → "14:31:06.884" for lists where the date is the incident's. */
export function clockTime(time: string | undefined): string {
  return time ? time.slice(11, 23) : '';
}
