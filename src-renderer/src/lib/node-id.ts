// Graph node ids as the renderer names them without a graph at hand.

/** The node id of an event when no graph says otherwise (one event is the node `e<id>`). */
export function eventNodeId(eventId: number): string {
  return `e${eventId}`;
}
