// Which panels the workbench shows: the sidebar's tab and the centre's (timeline, story, journal).
import { create } from 'zustand';

export type SidebarTab = 'evidence' | 'findings';
export type CenterTab = 'timeline' | 'story' | 'journal' | 'actors' | 'guardrails' | 'compare';

export interface ViewState {
  sidebar: SidebarTab;
  center: CenterTab;
  showSidebar(tab: SidebarTab): void;
  showCenter(tab: CenterTab): void;
}

export function createViewStore() {
  return create<ViewState>((set) => ({
    sidebar: 'evidence',
    center: 'timeline',
    showSidebar: (sidebar) => set({ sidebar }),
    showCenter: (center) => set({ center }),
  }));
}
