import { useState } from 'react';
import { useAnalysis } from '../../state/stores';
import { useCaseData } from '../../state/stores';
import { useSelection } from '../../state/stores';

/** Saves the current query and filter (and the graph node in focus) as a named view in the case's journal. */
export function SaveView() {
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const record = useAnalysis((s) => s.record);
  const error = useAnalysis((s) => s.error);
  const save = async () => {
    const { query, ...rest } = useCaseData.getState().filter;
    const filter = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
    const focus = useSelection.getState().nodeId;
    const ok = await record({
      type: 'save_view',
      view: { name: name.trim(), query: query ?? '', ...(Object.keys(filter).length > 0 ? { filter } : {}), ...(focus ? { focus } : {}) },
    });
    if (ok) {
      setNaming(false);
      setName('');
    }
  };
  if (!naming) {
    return (
      <button onClick={() => setNaming(true)} data-testid="save-view">
        Save view…
      </button>
    );
  }
  return (
    <form
      className="save-view"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) void save();
      }}
    >
      <input
        autoFocus
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="View name"
        maxLength={100}
        data-testid="save-view-name"
        aria-label="View name"
      />
      <button type="submit" disabled={!name.trim()} data-testid="save-view-confirm">
        Save
      </button>
      <button type="button" onClick={() => setNaming(false)}>
        Cancel
      </button>
      {error && <span className="error">{error}</span>}
    </form>
  );
}
