import { useSourceColour } from './source-colours';

/** The timeline row's stripe in its source's colour (the legend above the timeline names them). */
export function SourceSwatch({ source }: { source: string }) {
  const colour = useSourceColour(source);
  return (
    <span
      className="swatch source-swatch"
      style={colour ? { background: colour } : undefined}
      data-source-colour={colour}
      aria-hidden="true"
    />
  );
}
