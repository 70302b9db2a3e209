import { useCaseData } from '../../state/stores';
import { sourceColour } from './source-colours';

function shortName(name: string): string {
  return name.split('/').pop() ?? name;
}

/** The colour of each source, as the timeline marks its rows; a click turns a source off or on. */
export function SourceLegend() {
  const sources = useCaseData((s) => s.info?.sources);
  const shown = useCaseData((s) => s.filter.sources);
  const setFilter = useCaseData((s) => s.setFilter);
  if (!sources || sources.length < 2) return null;
  const isOn = (name: string) => !shown || shown.length === 0 || shown.includes(name);
  const toggle = (name: string) => {
    const on = sources.map((s) => s.name).filter((n) => (n === name ? !isOn(n) : isOn(n)));
    // Every source on is no filter at all; none on is refused (the legend would hide itself into nothing).
    if (on.length === 0) return;
    setFilter({ sources: on.length === sources.length ? undefined : on });
  };
  return (
    <ul className="source-legend" aria-label="Sources by colour" data-testid="source-legend">
      {sources.map((source, i) => (
        <li key={source.id}>
          <button
            className={isOn(source.name) ? 'on' : 'off'}
            aria-pressed={isOn(source.name)}
            title={`${source.name} (${source.format}): click to ${isOn(source.name) ? 'hide' : 'show'} its events`}
            onClick={() => toggle(source.name)}
            data-testid="source-toggle"
          >
            <span className="swatch" style={{ background: sourceColour(i) }} />
            <span className="source-name">{shortName(source.name)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
