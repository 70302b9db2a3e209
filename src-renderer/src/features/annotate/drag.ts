// Dragging evidence onto the analyst's boards. Any view that shows graph nodes (timeline rows, and the
// graph view's nodes by their kind badge) starts a drag with setNodeDrag; any drop target reads it with readNodeDrag.
//
// The drag carries the graph node id (`e<event id>`, or `e<smallest stage id>` for an API request) in
// the `application/x-causa-node` type as JSON {node, label}, and a plain-text copy for other apps. A
// custom type also keeps these drags apart from file drops, which the import DropZone handles.
import type { DragEvent as ReactDragEvent } from 'react';

export const NODE_DRAG_TYPE = 'application/x-causa-node';

export interface NodeDrag {
  node: string;
  label: string;
}

type AnyDragEvent = DragEvent | ReactDragEvent;

export function setNodeDrag(event: AnyDragEvent, nodeId: string, label: string): void {
  const transfer = event.dataTransfer;
  if (!transfer) return;
  transfer.setData(NODE_DRAG_TYPE, JSON.stringify({ node: nodeId, label } satisfies NodeDrag));
  transfer.setData('text/plain', `${label} [[${nodeId}]]`);
  transfer.effectAllowed = 'copyLink';
}

/** True while a node is dragged over a target (the data itself is readable only on drop). */
export function isNodeDrag(event: AnyDragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes(NODE_DRAG_TYPE);
}

export function readNodeDrag(event: AnyDragEvent): NodeDrag | undefined {
  const text = event.dataTransfer?.getData(NODE_DRAG_TYPE);
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<NodeDrag>;
    if (typeof value.node !== 'string' || value.node === '') return undefined;
    return { node: value.node, label: typeof value.label === 'string' ? value.label : value.node };
  } catch {
    return undefined;
  }
}
