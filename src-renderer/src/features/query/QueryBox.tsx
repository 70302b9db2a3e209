import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '../../api';
import { useCaseData } from '../../state/stores';
import { suggest, wordAt, type FieldInfo, type Suggestion } from './autocomplete';
import { loadQueryFields } from './query-fields';
import { SaveView } from './SaveView';
import { SourceLegend } from './SourceLegend';
import { setQuery } from './apply-filter';
import './query.css';

/** A refused query as the API words it: "query: column 14: unclosed parenthesis …". */
function parseError(message: string): { column?: number; reason: string } {
  const m = /^query: column (\d+): (.*)$/s.exec(message);
  return m ? { column: Number(m[1]), reason: m[2]! } : { reason: message };
}

function useCaseValues(): (field: string) => readonly string[] {
  const info = useCaseData((s) => s.info);
  const values = useCaseData((s) => s.values);
  return useMemo(() => {
    const lists: Record<string, readonly string[]> = {
      kind: info?.kinds.map((k) => k.kind) ?? [],
      namespace: values?.namespaces.map((v) => v.value) ?? [],
      outcome: values?.outcomes.map((v) => v.value) ?? [],
      taint: values?.taints.map((v) => v.value) ?? [],
      source: info?.sources.map((s) => s.name) ?? [],
      format: [...new Set(info?.sources.map((s) => s.format) ?? [])],
    };
    return (field) => lists[field] ?? [];
  }, [info, values]);
}

/**
 * The search box of the query language (docs/query.md): Enter applies the query once the API has read it;
 * a query that does not read stays in the box with the reason and a mark under the column it names.
 * Field names and then their values complete as they are typed.
 */
export function QueryBox() {
  const applied = useCaseData((s) => s.filter.query ?? '');
  const loadValues = useCaseData((s) => s.loadValues);
  const [draft, setDraft] = useState(applied);
  const [error, setError] = useState<{ column?: number; reason: string }>();
  const [fields, setFields] = useState<FieldInfo[]>([]);
  const [caret, setCaret] = useState(0);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  const caseValues = useCaseValues();
  const lastApplied = useRef(applied);

  // The box follows the filter when something else sets it (a saved view, "around this event").
  useEffect(() => {
    if (applied !== lastApplied.current) {
      lastApplied.current = applied;
      setDraft(applied);
      setError(undefined);
    }
  }, [applied]);

  useEffect(() => {
    void loadQueryFields().then(setFields);
  }, []);

  const suggestions: Suggestion[] = open ? suggest(fields, caseValues, wordAt(draft, caret)) : [];

  async function apply(text: string) {
    setOpen(false);
    const result = await api.checkQuery({ query: text });
    if (!result.ok) return setError(parseError(result.message));
    if (!result.value.valid) return setError({ column: result.value.column, reason: result.value.reason ?? 'the query does not read' });
    setError(undefined);
    lastApplied.current = text.trim();
    setQuery(text);
  }

  function accept(s: Suggestion) {
    const next = draft.slice(0, s.from) + s.insert + draft.slice(s.to);
    const at = s.from + s.insert.length;
    setDraft(next);
    setCaret(at);
    setActive(-1);
    // After the box shows the new text; not when more was typed meanwhile (the caret is then where the
    // typing left it, and moving it back would put the next keys in the middle).
    requestAnimationFrame(() => {
      if (input.current?.value === next) input.current.setSelectionRange(at, at);
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (suggestions.length > 0 && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const last = suggestions.length - 1;
      setActive((a) => (e.key === 'ArrowDown' ? (a >= last ? -1 : a + 1) : a <= -1 ? last : a - 1));
    } else if ((e.key === 'Enter' || e.key === 'Tab') && active >= 0 && suggestions[active]) {
      e.preventDefault();
      accept(suggestions[active]);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void apply(draft);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  }

  return (
    <div className="query-row">
      <div className="query-box">
        <input
          ref={input}
          type="search"
          className={error ? 'invalid' : undefined}
          placeholder='Query: ns:payments verb:delete -outcome:success, "a phrase", is:starred … (Enter)'
          value={draft}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setDraft(e.target.value);
            setCaret(e.target.selectionStart ?? e.target.value.length);
            setOpen(true);
            setActive(-1);
            if (error) setError(undefined);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
          onFocus={loadValues}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={onKeyDown}
          data-testid="query-input"
          aria-label="Query"
          aria-invalid={error !== undefined}
          aria-autocomplete="list"
          aria-expanded={suggestions.length > 0}
        />
        {suggestions.length > 0 && (
          <ul className="query-suggestions" role="listbox" data-testid="query-suggestions">
            {suggestions.map((s, i) => (
              <li
                key={s.label}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  accept(s);
                }}
                data-testid="query-suggestion"
              >
                <code>{s.label}</code>
                {s.detail && <span className="muted">{s.detail}</span>}
              </li>
            ))}
          </ul>
        )}
        {error && (
          <div className="query-error" role="alert" data-testid="query-error">
            {error.column !== undefined && (
              <code className="query-caret" aria-hidden="true">
                {draft.slice(0, error.column - 1)}
                <mark>{draft.slice(error.column - 1, error.column) || ' '}</mark>
              </code>
            )}
            <span>
              {error.column !== undefined ? `Column ${error.column}: ` : ''}
              {error.reason}
            </span>
          </div>
        )}
      </div>
      <button onClick={() => void apply(draft)} data-testid="query-apply">
        Search
      </button>
      <SaveView />
      <SourceLegend />
    </div>
  );
}
