// A filter field that takes several values: a button naming what is chosen ("Outcome: failure +1"), and a
// menu of checkboxes with each value's count. Each tick applies at once (the timeline and the graph follow);
// "Any" clears the field. Long lists (namespaces) can be narrowed by typing.
import { useCallback, useRef, useState } from 'react';
import { useCloseOnOutsideClick } from '../../ui/use-outside-click';
import './multi-select.css';

export interface Choice {
  value: string;
  label?: string;
  count?: number;
}

interface MultiSelectProps {
  /** The filter field, for test ids (`filter-kind`) and labels. */
  name: string;
  title: string;
  choices: readonly Choice[] | undefined;
  selected: readonly string[];
  onChange(values: string[]): void;
  /** Called when the menu first opens (choices fetched on demand). */
  onOpen?(): void;
}

const NARROW_FROM = 10;

function summary(title: string, selected: readonly string[], labelOf: (value: string) => string): string {
  if (selected.length === 0) return title;
  return `${title}: ${labelOf(selected[0]!)}${selected.length > 1 ? ` +${selected.length - 1}` : ''}`;
}

export function MultiSelect({ name, title, choices, selected, onChange, onOpen }: MultiSelectProps) {
  const [open, setOpen] = useState(false);
  const closeMenu = useCallback(() => setOpen(false), []);
  const [narrow, setNarrow] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const labelOf = (value: string) => choices?.find((c) => c.value === value)?.label ?? value;

  useCloseOnOutsideClick(open, root, closeMenu);

  // A value chosen elsewhere (a background group's kind) that the case's counts do not list is still shown.
  const listed: Choice[] = [
    ...(choices ?? []),
    ...selected.filter((v) => !choices?.some((c) => c.value === v)).map((value) => ({ value })),
  ];
  const needle = narrow.trim().toLowerCase();
  const shown = needle ? listed.filter((c) => (c.label ?? c.value).toLowerCase().includes(needle)) : listed;
  const toggle = (value: string, on: boolean) => onChange(on ? [...selected, value] : selected.filter((v) => v !== value));

  return (
    <div
      className={`multi-select${selected.length > 0 ? ' active' : ''}`}
      ref={root}
      data-testid={`filter-${name}`}
      data-selected={selected.join(',')}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      <button
        className="multi-select-button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={`Filter by ${title.toLowerCase()}`}
        title={selected.length > 0 ? selected.map(labelOf).join(', ') : `Any ${title.toLowerCase()}`}
        data-testid={`filter-${name}-button`}
        onClick={() => {
          if (!open) onOpen?.();
          setOpen(!open);
        }}
      >
        <span className="multi-select-summary">{summary(title, selected, labelOf)}</span>
        <span className="multi-select-caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open && (
        <div className="multi-select-menu" role="group" aria-label={`${title} filter`} data-testid={`filter-${name}-menu`}>
          <div className="multi-select-head">
            <span className="muted">{selected.length === 0 ? `Any ${title.toLowerCase()}` : `${selected.length} chosen: any of them`}</span>
            <button
              className="link-button"
              disabled={selected.length === 0}
              onClick={() => onChange([])}
              data-testid={`filter-${name}-any`}
            >
              Any
            </button>
          </div>
          {listed.length >= NARROW_FROM && (
            <input
              type="search"
              className="multi-select-narrow"
              placeholder={`Find a ${title.toLowerCase()}…`}
              value={narrow}
              onChange={(e) => setNarrow(e.target.value)}
              aria-label={`Find a ${title.toLowerCase()}`}
              autoFocus
            />
          )}
          {choices === undefined && <p className="muted multi-select-empty">Counting…</p>}
          {choices !== undefined && shown.length === 0 && <p className="muted multi-select-empty">None in this case</p>}
          <ul>
            {shown.map((choice) => {
              const checked = selected.includes(choice.value);
              return (
                <li key={choice.value}>
                  <label className={checked ? 'checked' : undefined}>
                    <input
                      type="checkbox"
                      checked={checked}
                      onChange={(e) => toggle(choice.value, e.target.checked)}
                      data-testid="filter-option"
                      data-value={choice.value}
                    />
                    <span className="multi-select-label">{choice.label ?? choice.value}</span>
                    {choice.count !== undefined && <span className="multi-select-count">{choice.count.toLocaleString('en')}</span>}
                  </label>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </div>
  );
}
