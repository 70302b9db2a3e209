import type { EventFilter } from '../../../../src-main/shared/contract';
import { useAnalysis } from '../../state/stores';
import { useCaseData } from '../../state/stores';
import { useSelection } from '../../state/stores';
import { replaceFilter } from './apply-filter';

/** The case's saved views (journal entries): one click shows the view; × removes it (undoable). */
export function SavedViews() {
  const views = useAnalysis((s) => s.state?.views);
  const record = useAnalysis((s) => s.record);
  const current = useCaseData((s) => s.filter.query ?? '');
  if (!views) return null;
  return (
    <nav className="saved-views" aria-label="Saved views">
      <h2>Saved views</h2>
      {views.length === 0 && <p className="muted">None yet: type a query, then Save view…</p>}
      <ul>
        {views.map((view) => (
          <li key={view.name} data-testid="saved-view" className={view.query === current ? 'current' : undefined}>
            <button
              className="link"
              title={view.query || 'no query'}
              onClick={() => {
                replaceFilter({ ...(view.filter as EventFilter | undefined), query: view.query || undefined });
                if (view.focus) useSelection.getState().selectNode(view.focus);
              }}
              data-testid="saved-view-open"
            >
              {view.name}
            </button>
            <code className="muted">{view.query}</code>
            <button
              className="remove"
              aria-label={`Remove view ${view.name}`}
              title="Remove this view"
              onClick={() => void record({ type: 'remove_view', name: view.name })}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
