// The graph's search field, in its toolbar: the nodes of the view whose label, kind, actor or target hold
// every word typed are highlighted and the rest dimmed; Enter (or the arrow buttons) steps through them,
// selecting and centring each, and the count says where the analyst is ("3 of 7"). Escape ends the search.
import { useGraph, useSelection } from '../../state/stores';

function step(delta: 1 | -1) {
  const id = useGraph.getState().stepSearch(delta);
  if (id) useSelection.getState().selectNode(id, { focus: true });
}

export function GraphSearchBox() {
  const query = useGraph((s) => s.search.query);
  const hits = useGraph((s) => s.search.hits.length);
  const index = useGraph((s) => s.search.index);
  const setSearch = useGraph((s) => s.setSearch);
  const count =
    query.trim() === '' ? '' : hits === 0 ? 'no match' : index < 0 ? `${hits} match${hits === 1 ? '' : 'es'}` : `${index + 1} of ${hits}`;
  return (
    <div className="graph-search" role="search">
      <input
        type="search"
        value={query}
        placeholder="Find in graph"
        aria-label="Find nodes in the graph"
        data-testid="graph-search"
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            step(e.shiftKey ? -1 : 1);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            setSearch('');
          }
        }}
      />
      {query.trim() !== '' && (
        <>
          <span className={`graph-search-count${hits === 0 ? ' none' : ''}`} data-testid="graph-search-count" aria-live="polite">
            {count}
          </span>
          <button
            className="graph-search-step"
            onClick={() => step(-1)}
            disabled={hits === 0}
            title="Previous match (Shift+Enter)"
            aria-label="Previous match"
            data-testid="graph-search-prev"
          >
            ‹
          </button>
          <button
            className="graph-search-step"
            onClick={() => step(1)}
            disabled={hits === 0}
            title="Next match (Enter)"
            aria-label="Next match"
            data-testid="graph-search-next"
          >
            ›
          </button>
        </>
      )}
    </div>
  );
}
