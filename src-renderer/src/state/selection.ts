// What the analyst has selected, kept in step across the graph, the timeline and the inspector: an event
// (a timeline row) and the graph node it belongs to. A selection made in one place moves the view only in
// the others, by a command sent as an event (`focusNode` centers the graph, `scrollToRow` scrolls the
// timeline); whoever draws those views listens. A case opens on its incident (the first prompt, selected,
// at the top of the timeline), and a new filter keeps the selection, scrolling to it where it still shows
// (the reactions that do so are declared in app-stores.ts, as `followFilter` and `followGraph`).
import { create } from 'zustand';
import type { Api, MethodOutput } from '../../../src-main/shared/contract';
import type { Emitter } from '../lib/emitter';
import type { CaseDataStore } from './case-data';
import type { GraphStore } from './graph';

type EventDetail = MethodOutput<'getEvent'>;

/** Where a scroll puts the selected row: at the top when the case opens, else in the middle. */
export type ScrollAlign = 'start' | 'center';

/** Commands the selection sends to the views. */
export interface SelectionEvents extends Record<string, unknown> {
  /** Bring this graph node into view, switching chains when it is in another one. */
  focusNode: string;
  /** Scroll the timeline to this row. */
  scrollToRow: { index: number; align: ScrollAlign };
}

export interface SelectionState {
  selectedId?: number;
  /** The selected row's position in the timeline, for keyboard navigation and scrolling. */
  selectedIndex?: number;
  /** The graph node of the selection; undefined when the event is background, not drawn. */
  nodeId?: string;
  /** The events of the selected node (an API request has one per stage): marked in the timeline. */
  nodeEventIds: readonly number[];
  detail?: EventDetail;
  error?: string;
  /** How the last scroll command placed the row: a timeline that shows again scrolls the same way. */
  scrollAlign: ScrollAlign;
  /**
   * A timeline row: selects its event and its node, and centers the graph on the node (unless `focus` is
   * false: the case's opening selection, whose graph opens fitted on its first chain's key path).
   */
  select(id: number | undefined, index?: number, options?: { focus?: boolean }): void;
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
  /** The filter changed: find the selected event's row in the new query and scroll to it, or mark none. */
  followFilter(): Promise<void>;
  /** The graph changed: the selected event's node in it, or none. */
  followGraph(): void;
}

export interface SelectionDeps {
  api: Pick<Api, 'getEvent' | 'locateEvent' | 'listEvents'>;
  graph: GraphStore;
  caseData: CaseDataStore;
  events: Emitter<SelectionEvents>;
}

export type SelectionStore = ReturnType<typeof createSelectionStore>;

export function createSelectionStore({ api, graph, caseData, events }: SelectionDeps) {
  return create<SelectionState>((set, get) => {
    function loadDetail(id: number): void {
      void api.getEvent({ id }).then((result) => {
        if (get().selectedId !== id) return;
        set(result.ok ? { detail: result.value } : { error: result.message });
      });
    }
    function scrollTo(index: number, align: ScrollAlign): void {
      set({ scrollAlign: align });
      events.emit('scrollToRow', { index, align });
    }

    return {
      nodeEventIds: [],
      scrollAlign: 'center',

      select(id, index, options) {
        const { nodeOfEvent, nodeById } = graph.getState();
        const nodeId = id === undefined ? undefined : nodeOfEvent.get(id);
        set({
          selectedId: id,
          selectedIndex: index,
          nodeId,
          nodeEventIds: nodeId ? (nodeById.get(nodeId)?.event_ids ?? []) : [],
          detail: undefined,
          error: undefined,
        });
        if (id !== undefined) loadDetail(id);
        if (nodeId && options?.focus !== false) events.emit('focusNode', nodeId);
      },

      selectNode(nodeId, options) {
        const node = graph.getState().nodeById.get(nodeId);
        if (!node) return;
        const id = node.event_ids.at(-1);
        set({ nodeId, nodeEventIds: node.event_ids, selectedId: id, selectedIndex: undefined, detail: undefined, error: undefined });
        if (options?.focus) events.emit('focusNode', nodeId);
        if (id === undefined) return;
        loadDetail(id);
        void api.locateEvent({ filter: caseData.getState().filter, id }).then((result) => {
          if (get().selectedId !== id || !result.ok || result.value.index === null) return;
          set({ selectedIndex: result.value.index });
          scrollTo(result.value.index, 'center');
        });
      },

      async openOnIncident() {
        if (get().selectedId !== undefined) return;
        // Most cases of audit logs alone hold no prompt: then there is nothing to ask the server for.
        if (!caseData.getState().info?.kinds.some((k) => k.kind === 'prompt')) return;
        const prompts = await api.listEvents({ filter: { kind: ['prompt'] }, offset: 0, limit: 1 });
        const first = prompts.ok ? prompts.value.events[0] : undefined;
        if (!first || get().selectedId !== undefined) return;
        const filter = caseData.getState().filter;
        const located = await api.locateEvent({ filter, id: first.id });
        if (get().selectedId !== undefined || caseData.getState().filter !== filter) return;
        const index = located.ok ? (located.value.index ?? undefined) : undefined;
        // The graph is not moved: it opens on the first chain's key path, fitted whole, which starts at
        // this prompt. (Centred on it once the path was drawn, the chain's far end left the screen.)
        get().select(first.id, index, { focus: false });
        if (index !== undefined) scrollTo(index, 'start');
      },

      async followFilter() {
        const { selectedId } = get();
        if (selectedId === undefined) return;
        const filter = caseData.getState().filter;
        set({ selectedIndex: undefined });
        const result = await api.locateEvent({ filter, id: selectedId });
        if (get().selectedId !== selectedId || caseData.getState().filter !== filter) return;
        const index = result.ok ? (result.value.index ?? undefined) : undefined;
        set({ selectedIndex: index });
        if (index !== undefined) scrollTo(index, 'center');
      },

      followGraph() {
        const { selectedId, nodeId } = get();
        if (selectedId === undefined) return;
        const { nodeById, nodeOfEvent } = graph.getState();
        const next = nodeId && nodeById.has(nodeId) ? nodeId : nodeOfEvent.get(selectedId);
        set({ nodeId: next, nodeEventIds: next ? (nodeById.get(next)?.event_ids ?? []) : [] });
      },
    };
  });
}
