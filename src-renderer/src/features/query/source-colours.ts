// One colour per source, for the timeline and the legend: the nth source of the case (in the order
// they were imported) takes the nth of the palette's custom properties (query.css), cycling.
import { useCaseData } from '../../state/stores';

export const PALETTE_SIZE = 8;

export function sourceColour(index: number): string {
  return `var(--source-${(index % PALETTE_SIZE) + 1})`;
}

export function useSourceColour(name: string): string | undefined {
  return useCaseData((s) => {
    const index = s.info?.sources.findIndex((source) => source.name === name) ?? -1;
    return index < 0 ? undefined : sourceColour(index);
  });
}
