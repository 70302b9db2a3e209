// The postmortem's words: title, summary, the story (Markdown that embeds events as [[e123]]) and
// recommendations. Each is saved as one journal entry when the analyst saves or leaves the field.
import { useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAnalysis, useGraph, useSelection } from '../../state/stores';
import { nodeOfEvent } from '../../state/graph';
import { DisclosureClock } from './DisclosureClock';
import { Recommendations } from './Recommendations';
import { StoryPreview } from './StoryPreview';
import { useDraft } from './use-draft';
import './annotate.css';

function LineField({ label, kind, saved, testId }: { label: string; kind: 'title' | 'summary'; saved: string; testId: string }) {
  const record = useAnalysis((s) => s.record);
  const draft = useDraft(saved);
  const save = () => {
    draft.commit((text) => record({ type: kind, text }));
  };
  const props = {
    value: draft.value,
    'aria-label': label,
    'data-testid': testId,
    onChange: (e: { target: { value: string } }) => draft.set(e.target.value),
    onBlur: save,
  };
  return (
    <label className="story-field">
      <span>{label}</span>
      {kind === 'title' ? <input {...props} onKeyDown={(e) => e.key === 'Enter' && save()} /> : <textarea rows={3} {...props} />}
    </label>
  );
}

function Narrative() {
  const saved = useAnalysis((s) => s.state?.narrative ?? '');
  const record = useAnalysis((s) => s.record);
  const selectedId = useSelection((s) => s.selectedId);
  const selectedNode = useGraph((s) => (selectedId === undefined ? undefined : nodeOfEvent(s.byEvent, selectedId)));
  const draft = useDraft(saved);
  const area = useRef<HTMLTextAreaElement>(null);
  const save = () => {
    draft.commit((text) => record({ type: 'narrative', text }));
  };
  // A fresh [] from a selector would be a new snapshot at every render: React loops until it gives up
  // (error #185), as it did when the Story tab opened before the analysis had loaded.
  const views = useAnalysis(useShallow((s) => s.state?.views ?? []));
  const [view, setView] = useState('');
  const chosenView = views.some((v) => v.name === view) ? view : (views[0]?.name ?? '');
  const insertText = (reference: string) => {
    const el = area.current;
    const at = el ? el.selectionStart : draft.value.length;
    const end = el ? el.selectionEnd : at;
    draft.set(draft.value.slice(0, at) + reference + draft.value.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + reference.length, at + reference.length);
    });
  };
  const insert = () => {
    if (selectedNode) insertText(`[[${selectedNode}]]`);
  };
  // A view is a block of its own in the report: it goes on its own line.
  const insertView = () => {
    if (!chosenView) return;
    const at = area.current ? area.current.selectionStart : draft.value.length;
    const before = draft.value.slice(0, at);
    insertText(`${before === '' || before.endsWith('\n') ? '' : '\n\n'}[[view:${chosenView}]]\n\n`);
  };
  return (
    <div className="narrative">
      <div className="story-toolbar">
        <span>Story</span>
        <button
          onMouseDown={(e) => e.preventDefault()}
          onClick={insert}
          disabled={!selectedNode}
          data-testid="insert-event"
          title="Insert a reference to the event selected in the timeline"
        >
          Insert selected event{selectedNode ? ` (${selectedNode})` : ''}
        </button>
        <span className="story-insert-view">
          <select
            value={chosenView}
            onChange={(e) => setView(e.target.value)}
            disabled={views.length === 0}
            aria-label="Saved view to insert"
            data-testid="insert-view-name"
          >
            {views.length === 0 && <option value="">No saved views</option>}
            {views.map((v) => (
              <option key={v.name} value={v.name}>
                {v.name}
              </option>
            ))}
          </select>
          <button
            onMouseDown={(e) => e.preventDefault()}
            onClick={insertView}
            disabled={!chosenView}
            data-testid="insert-view"
            title="Insert a saved view: the report shows its query and the events it matches"
          >
            Insert view
          </button>
        </span>
        <button onClick={save} disabled={!draft.dirty} data-testid="story-save">
          {draft.dirty ? 'Save story' : 'Saved'}
        </button>
      </div>
      <textarea
        ref={area}
        className="story-text"
        value={draft.value}
        placeholder={'What happened, in order. Markdown; [[e123]] embeds an event, [[view:NAME]] a saved view.'}
        aria-label="Story"
        data-testid="story-text"
        onChange={(e) => draft.set(e.target.value)}
        onBlur={save}
      />
      <h3>Preview</h3>
      <StoryPreview text={draft.value} />
    </div>
  );
}

export function StoryEditor() {
  const title = useAnalysis((s) => s.state?.title ?? '');
  const summary = useAnalysis((s) => s.state?.summary ?? '');
  return (
    <section className="story" aria-label="Story" data-testid="story-panel">
      <div className="story-main">
        <LineField label="Title" kind="title" saved={title} testId="story-title" />
        <LineField label="Summary" kind="summary" saved={summary} testId="story-summary" />
        <Narrative />
      </div>
      <div className="story-side">
        <DisclosureClock />
        <Recommendations />
      </div>
    </section>
  );
}
