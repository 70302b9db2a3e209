import { useCaseData } from '../../state/stores';
import './case.css';

export function SourcesPanel() {
  const sources = useCaseData((s) => s.info?.sources);
  return (
    <nav className="sources" aria-label="Sources">
      <h2>Sources</h2>
      {sources?.length === 0 && <p className="muted">No evidence yet. Drop files on the window.</p>}
      <ul>
        {sources?.map((source) => (
          <li key={source.id} data-testid="source-item" title={`sha256 ${source.sha256}`}>
            <span className="source-name">{source.name}</span>
            <span className="muted">
              {source.format} · {source.records.toLocaleString('en')} record{source.records === 1 ? '' : 's'}
              {source.errors > 0 && <span className="warn"> · {source.errors} rejected</span>}
            </span>
            <code className="hash">{source.sha256.slice(0, 16)}…</code>
          </li>
        ))}
      </ul>
    </nav>
  );
}
