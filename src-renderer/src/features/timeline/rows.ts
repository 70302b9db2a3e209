// The timeline's rows are all one height, so which of them to draw, and where to scroll to show one, are
// arithmetic on the scroll offset: nothing is kept per row. (A general virtualizer measures every row: for
// a million rows that was a million objects built whenever the count changed, 0.1 s of the page's start.)

/** The rows to draw: from `first` to `last` inclusive (none when `last < first`). */
export interface RowRange {
  first: number;
  last: number;
}

/**
 * The rows a viewport `height` pixels high shows when scrolled to `top`, with `overscan` more on each side
 * (drawn ahead, so that a fast scroll does not show a blank row), among `count` rows of `rowHeight` pixels.
 */
export function rowRange(top: number, height: number, count: number, rowHeight: number, overscan: number): RowRange {
  if (count <= 0) return { first: 0, last: -1 };
  const firstShown = Math.min(Math.max(Math.floor(top / rowHeight), 0), count - 1);
  const lastShown = Math.min(Math.max(Math.ceil((top + Math.max(height, 0)) / rowHeight) - 1, firstShown), count - 1);
  return { first: Math.max(firstShown - overscan, 0), last: Math.min(lastShown + overscan, count - 1) };
}

/** How a row is brought into view: at the top, in the middle, or (`auto`) just enough to show it whole. */
export type RowAlign = 'start' | 'center' | 'auto';

/**
 * The scroll offset that shows row `index` aligned as asked, in a viewport `height` pixels high now scrolled
 * to `top`, within the scroll range of `count` rows.
 */
export function scrollTopFor(index: number, align: RowAlign, top: number, height: number, count: number, rowHeight: number): number {
  const start = index * rowHeight;
  const end = start + rowHeight;
  let next = top;
  if (align === 'start') next = start;
  else if (align === 'center') next = start - (height - rowHeight) / 2;
  else if (start < top) next = start;
  else if (end > top + height) next = end - height;
  return Math.max(0, Math.min(next, count * rowHeight - height));
}
