// What the analyst has selected, kept in step across the graph, the timeline and the inspector: an event
// (a timeline row) and the graph node it belongs to. Each side asks the others to follow through a
// sequence number (`focusSeq` centers the graph, `scrollSeq` scrolls the timeline), so a selection made in
// one place moves the view only in the other. A case opens on its incident (the first prompt, selected,
// at the top of the timeline), and a new filter keeps the selection, scrolling to it where it still shows.
import { create } from 'zustand';
import type { MethodOutput } from '../../../src-main/shared/contract';
import { api } from '../api';
import { useCaseData } from './case-data';
import { useGraph } from './graph';

type EventDetail = MethodOutput<'getEvent'>;

interface SelectionState {
  selectedId?: number;
  /** The selected row's position in the timeline, for keyboard navigation and scrolling. */
  selectedIndex?: number;
  /** The graph node of the selection; undefined when the event is background, not drawn. */
  nodeId?: string;
  /** The events of the selected node (an API request has one per stage): marked in the timeline. */
  nodeEventIds: readonly number[];
  detail?: EventDetail;
  error?: string;
  focusSeq: number;
  scrollSeq: number;
  /** Where the next scroll puts the selected row: at the top when the case opens, else in the middle. */
  scrollAlign: 'start' | 'center';
  /** A timeline row: selects its event and its node, and centers the graph on the node. */
  select(id: number | undefined, index?: number): void;
  /**
   * A graph node: selects its latest event (the stage that carries the outcome) and scrolls the timeline to
   * it; `focus` also centres the graph on it (a link followed in the inspector, not a click in the graph).
   */
  selectNode(nodeId: string, options?: { focus?: boolean }): void;
  /**
   * Opens the case on its incident rather than on its oldest record (listings date objects by creation,
   * often years before): selects the first prompt, the question the agent was given, and puts it at the
   * top of the timeline. Does nothing when something is already selected or the case has no prompt.
   */
  openOnIncident(): Promise<void>;
}

function loadDetail(id: number, set: (patch: Partial<SelectionState>) => void, get: () => SelectionState): void {
  void api.getEvent({ id }).then((result) => {
    if (get().selectedId !== id) return;
    set(result.ok ? { detail: result.value } : { error: result.message });
  });
}

export const useSelection = create<SelectionState>((set, get) => ({
  nodeEventIds: [],
  focusSeq: 0,
  scrollSeq: 0,
  scrollAlign: 'center',

  select(id, index) {
    const { nodeOfEvent, nodeById } = useGraph.getState();
    const nodeId = id === undefined ? undefined : nodeOfEvent.get(id);
    set((state) => ({
      selectedId: id,
      selectedIndex: index,
      nodeId,
      nodeEventIds: nodeId ? (nodeById.get(nodeId)?.event_ids ?? []) : [],
      detail: undefined,
      error: undefined,
      focusSeq: nodeId ? state.focusSeq + 1 : state.focusSeq,
    }));
    if (id !== undefined) loadDetail(id, set, get);
  },

  selectNode(nodeId, options) {
    const node = useGraph.getState().nodeById.get(nodeId);
    if (!node) return;
    const id = node.event_ids.at(-1);
    set((state) => ({
      nodeId,
      nodeEventIds: node.event_ids,
      selectedId: id,
      selectedIndex: undefined,
      detail: undefined,
      error: undefined,
      ...(options?.focus ? { focusSeq: state.focusSeq + 1 } : {}),
    }));
    if (id === undefined) return;
    loadDetail(id, set, get);
    void api.locateEvent({ filter: useCaseData.getState().filter, id }).then((result) => {
      if (get().selectedId !== id || !result.ok || result.value.index === null) return;
      set((state) => ({ selectedIndex: result.value.index ?? undefined, scrollSeq: state.scrollSeq + 1, scrollAlign: 'center' }));
    });
  },

  async openOnIncident() {
    if (get().selectedId !== undefined) return;
    // Most cases of audit logs alone hold no prompt: then there is nothing to ask the server for.
    if (!useCaseData.getState().info?.kinds.some((k) => k.kind === 'prompt')) return;
    const prompts = await api.listEvents({ filter: { kind: ['prompt'] }, offset: 0, limit: 1 });
    const first = prompts.ok ? prompts.value.events[0] : undefined;
    if (!first || get().selectedId !== undefined) return;
    const filter = useCaseData.getState().filter;
    const located = await api.locateEvent({ filter, id: first.id });
    if (get().selectedId !== undefined || useCaseData.getState().filter !== filter) return;
    const index = located.ok ? (located.value.index ?? undefined) : undefined;
    get().select(first.id, index);
    if (index !== undefined) set((state) => ({ scrollSeq: state.scrollSeq + 1, scrollAlign: 'start' }));
  },
}));

// A new filter (set, narrowed or cleared) keeps the selected event selected: its row is found in the new
// query and scrolled to, or, when the filter hides it, it stays in the inspector with no row marked.
useCaseData.subscribe((state, previous) => {
  if (state.filter === previous.filter) return;
  const { selectedId } = useSelection.getState();
  if (selectedId === undefined) return;
  useSelection.setState({ selectedIndex: undefined });
  void api.locateEvent({ filter: state.filter, id: selectedId }).then((result) => {
    if (useSelection.getState().selectedId !== selectedId || useCaseData.getState().filter !== state.filter) return;
    const index = result.ok ? (result.value.index ?? undefined) : undefined;
    useSelection.setState((s) => ({
      selectedIndex: index,
      ...(index === undefined ? {} : { scrollSeq: s.scrollSeq + 1, scrollAlign: 'center' as const }),
    }));
  });
});

// A new graph (another filter, an import) gives the selected event its node in that graph, or none.
useGraph.subscribe((state, previous) => {
  if (state.nodeOfEvent === previous.nodeOfEvent) return;
  const { selectedId, nodeId } = useSelection.getState();
  if (selectedId === undefined) return;
  const next = useSelection.getState().nodeId && state.nodeById.has(nodeId!) ? nodeId : state.nodeOfEvent.get(selectedId);
  useSelection.setState({ nodeId: next, nodeEventIds: next ? (state.nodeById.get(next)?.event_ids ?? []) : [] });
});
