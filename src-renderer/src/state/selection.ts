// What the analyst has selected, and the selected event's full record (normalized fields and raw bytes).
import { create } from 'zustand';
import type { MethodOutput } from '../../../src-main/shared/contract';
import { api } from '../api';

type EventDetail = MethodOutput<'getEvent'>;

interface SelectionState {
  selectedId?: number;
  /** The selected row's position in the timeline, for keyboard navigation. */
  selectedIndex?: number;
  detail?: EventDetail;
  error?: string;
  select(id: number | undefined, index?: number): void;
}

export const useSelection = create<SelectionState>((set, get) => ({
  select(id, index) {
    set({ selectedId: id, selectedIndex: index, detail: undefined, error: undefined });
    if (id === undefined) return;
    void api.getEvent({ id }).then((result) => {
      if (get().selectedId !== id) return;
      set(result.ok ? { detail: result.value } : { error: result.message });
    });
  },
}));
