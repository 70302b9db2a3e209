import type { DragEvent } from 'react';
import { isNodeDrag } from '../annotate/drag';
import './case.css';

export interface Tab<T extends string> {
  id: T;
  title: string;
  badge?: number;
}

/**
 * A row of tabs. A tab that takes dropped nodes opens when an event is dragged over it, as a
 * spring-loaded folder does, so the analyst can drag from the timeline to a board that was hidden.
 */
export function Tabs<T extends string>({
  tabs,
  active,
  onSelect,
  label,
  springLoaded = [],
}: {
  tabs: Tab<T>[];
  active: T;
  onSelect(tab: T): void;
  label: string;
  springLoaded?: T[];
}) {
  const onDragOver = (tab: T) => (e: DragEvent) => {
    if (springLoaded.includes(tab) && isNodeDrag(e) && tab !== active) onSelect(tab);
  };
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          role="tab"
          aria-selected={tab.id === active}
          className={tab.id === active ? 'active' : ''}
          data-testid={`tab-${tab.id}`}
          onClick={() => onSelect(tab.id)}
          onDragOver={onDragOver(tab.id)}
        >
          {tab.title}
          {tab.badge ? <span className="tab-badge">{tab.badge}</span> : null}
        </button>
      ))}
    </div>
  );
}
