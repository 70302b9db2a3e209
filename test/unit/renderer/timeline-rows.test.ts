// The timeline's rows, all one height: which to draw for a scroll offset and where to scroll to show one.
import { describe, expect, it } from 'vitest';
import { rowRange, scrollTopFor } from '../../../src-renderer/src/features/timeline/rows';

const ROW = 30;

describe('the timeline rows drawn for a scroll offset', () => {
  it('draws the rows in view and the overscan on each side, within the rows there are', () => {
    // 600 px show rows 100..119 (the 20th ends at 3600); 5 more each side.
    expect(rowRange(3000, 600, 1_000_000, ROW, 5)).toEqual({ first: 95, last: 124 });
    // A row partly in view is drawn: 3010 to 3610 touches rows 100..120.
    expect(rowRange(3010, 600, 1_000_000, ROW, 5)).toEqual({ first: 95, last: 125 });
    expect(rowRange(0, 600, 1_000_000, ROW, 20)).toEqual({ first: 0, last: 39 });
    expect(rowRange(0, 600, 7, ROW, 20)).toEqual({ first: 0, last: 6 });
  });

  it('draws the last rows at the end of a million, and nothing when there are none', () => {
    const end = 1_000_000 * ROW - 600;
    expect(rowRange(end, 600, 1_000_000, ROW, 20)).toEqual({ first: 999_960, last: 999_999 });
    // An offset past the end (the count just fell) still draws the last rows, never rows that do not exist.
    expect(rowRange(end, 600, 10, ROW, 20)).toEqual({ first: 0, last: 9 });
    expect(rowRange(0, 600, 0, ROW, 20)).toEqual({ first: 0, last: -1 });
  });

  it('draws the overscan alone while the element has no height yet (hidden)', () => {
    expect(rowRange(3000, 0, 1_000_000, ROW, 20)).toEqual({ first: 80, last: 120 });
  });

  it('needs nothing per row: a billion rows are the same arithmetic', () => {
    expect(rowRange(500_000_000 * ROW, 600, 1_000_000_000, ROW, 20)).toEqual({ first: 499_999_980, last: 500_000_039 });
  });
});

describe('scrolling the timeline to a row', () => {
  const count = 1_000_000;
  it('puts the row at the top or in the middle', () => {
    expect(scrollTopFor(500, 'start', 0, 600, count, ROW)).toBe(15_000);
    expect(scrollTopFor(500, 'center', 0, 600, count, ROW)).toBe(15_000 - 285);
  });

  it('moves just enough to show the row whole (auto), and not at all when it is in view', () => {
    // In view: 3000..3600 holds rows 100..119.
    expect(scrollTopFor(105, 'auto', 3000, 600, count, ROW)).toBe(3000);
    expect(scrollTopFor(120, 'auto', 3000, 600, count, ROW)).toBe(3030);
    expect(scrollTopFor(99, 'auto', 3000, 600, count, ROW)).toBe(2970);
  });

  it('stays within the scroll range at either end', () => {
    expect(scrollTopFor(0, 'center', 9000, 600, count, ROW)).toBe(0);
    expect(scrollTopFor(count - 1, 'start', 0, 600, count, ROW)).toBe(count * ROW - 600);
    expect(scrollTopFor(3, 'start', 0, 600, 5, ROW)).toBe(0);
  });
});
