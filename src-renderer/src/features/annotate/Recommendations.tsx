// The postmortem's recommendations: add, edit and remove. Each is one journal entry; an edit or a removal
// names the entry that added the recommendation, so what was recommended first stays in the journal.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AnalysisState } from '../../../../src-main/shared/analysis';
import { useAnalysis } from '../../state/stores';

type Recommendation = AnalysisState['recommendations'][number];

function RecommendationItem({ item }: { item: Recommendation }) {
  const record = useAnalysis((s) => s.record);
  const [draft, setDraft] = useState<string>();
  const editing = draft !== undefined;
  const changed = editing && draft.trim() !== '' && draft.trim() !== item.text;
  const save = () => {
    if (!changed) return setDraft(undefined);
    // The draft stays open if the journal refuses the edit (the recommendation was removed meanwhile).
    void record({ type: 'edit_recommendation', id: item.id, text: draft.trim() }).then((ok) => ok && setDraft(undefined));
  };
  return (
    <li data-testid="recommendation" data-id={item.id} data-edited={item.edited ?? ''}>
      {editing ? (
        <span className="inline-form">
          <input
            value={draft}
            aria-label="Edit the recommendation"
            data-testid="recommendation-edit-input"
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') save();
              if (e.key === 'Escape') setDraft(undefined);
            }}
          />
          <button onClick={save} disabled={draft.trim() === ''} data-testid="recommendation-save">
            Save
          </button>
          <button onClick={() => setDraft(undefined)} data-testid="recommendation-cancel">
            Cancel
          </button>
        </span>
      ) : (
        <span className="recommendation">
          <span className="recommendation-body">
            <span data-testid="recommendation-text">{item.text}</span>
            {item.edited !== undefined && (
              <span className="muted" title={`edited in journal entry ${item.edited}`}>
                {' '}
                (edited)
              </span>
            )}
          </span>
          <button
            className="icon"
            aria-label="Edit the recommendation"
            title="Edit"
            onClick={() => setDraft(item.text)}
            data-testid="recommendation-edit"
          >
            ✎
          </button>
          <button
            className="icon"
            aria-label="Remove the recommendation"
            title="Remove"
            onClick={() => void record({ type: 'remove_recommendation', id: item.id })}
            data-testid="recommendation-remove"
          >
            ×
          </button>
        </span>
      )}
    </li>
  );
}

export function Recommendations() {
  const items = useAnalysis(useShallow((s) => s.state?.recommendations ?? []));
  const record = useAnalysis((s) => s.record);
  const [text, setText] = useState('');
  const add = () => {
    if (!text.trim()) return;
    void record({ type: 'recommendation', text: text.trim() });
    setText('');
  };
  return (
    <div className="story-field">
      <span>Recommendations</span>
      <ol className="recommendations" data-testid="recommendations">
        {items.map((item) => (
          <RecommendationItem key={item.id} item={item} />
        ))}
      </ol>
      <div className="inline-form">
        <input
          value={text}
          placeholder="Add a recommendation…"
          aria-label="Add a recommendation"
          data-testid="recommendation-input"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && add()}
        />
        <button onClick={add} disabled={!text.trim()} data-testid="recommendation-add">
          Add
        </button>
      </div>
    </div>
  );
}
