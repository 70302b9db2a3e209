import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { commands, useAnalysis, useCaseData, useGraph, useSelection, useView } from '../../state/stores';
import type { SelectionEvents } from '../../state/selection';
import { PAGE_SIZE, rowAt } from '../../state/case-data';
import { nodeOfEvent } from '../../state/graph';
import { setNodeDrag } from '../annotate/drag';
import { SourceSwatch } from '../query/SourceSwatch';
import { VerdictBadge } from '../verify/VerdictBadge';
import { actorLabel, shortTime, sourceLabel, targetLabel } from './format';
import { rowRange, scrollTopFor, type RowAlign, type RowRange } from './rows';
import './timeline.css';

const ROW_HEIGHT = 30;
/**
 * Rows drawn beyond the visible ones on each side: 30 cost a 60 Hz frame now and then when scrolling a
 * million rows (each frame lays out and paints them all); 20 keep every frame within one refresh.
 */
const OVERSCAN = 20;
/**
 * How far ahead of the drawn rows a scroll asks for their page. A row drawn before its page is asked for
 * is drawn loading, then drawn again when the page comes, with the rest of the page's rows in that frame:
 * scrolling 10 rows a frame, the analyst saw loading rows at every page (200 rows). A page ahead is 20
 * frames of that scroll, far longer than a page takes to come.
 */
const PREFETCH = PAGE_SIZE;

/** Where the timeline is scrolled, in rows: the first row in view, one past the last, and its height in pixels. */
interface InView {
  top: number;
  bottom: number;
  height: number;
}

function inView(top: number, height: number): InView {
  return { top: Math.floor(top / ROW_HEIGHT), bottom: Math.ceil((top + height) / ROW_HEIGHT), height };
}

/**
 * The rows of `count` to draw in the scrolling element, from its scroll offset and its height (observed by a
 * ResizeObserver, not read on each scroll). Drawn again in the scroll event itself, as the rows move, and
 * only when another row came into view. `scrolled` hears each
 * offset the element reports while it has a height (a hidden element reports 0 and loses its offset).
 */
function useRowRange(
  scrollRef: RefObject<HTMLDivElement | null>,
  count: number,
  scrolled: (top: number) => void,
): { range: RowRange; rowsShown: number; scrollToIndex: (index: number, align: RowAlign) => void } {
  const [view, setView] = useState<InView>({ top: 0, bottom: 0, height: 0 });
  const heard = useRef(scrolled);
  useEffect(() => {
    heard.current = scrolled;
  }, [scrolled]);
  useLayoutEffect(() => {
    const body = scrollRef.current;
    if (!body) return;
    let height = body.clientHeight;
    let shown = inView(body.scrollTop, height);
    setView(shown);
    const onScroll = () => {
      const top = body.scrollTop;
      if (height > 0) heard.current(top);
      const next = inView(top, height);
      if (next.top === shown.top && next.bottom === shown.bottom) return;
      shown = next;
      flushSync(() => setView(next));
    };
    const observer = new ResizeObserver((entries) => {
      height = entries.at(-1)?.contentRect.height ?? body.clientHeight;
      shown = inView(body.scrollTop, height);
      setView(shown);
    });
    body.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(body);
    return () => {
      body.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, [scrollRef]);
  const scrollToIndex = useCallback(
    (index: number, align: RowAlign) => {
      const body = scrollRef.current;
      if (body) body.scrollTop = scrollTopFor(index, align, body.scrollTop, body.clientHeight, count, ROW_HEIGHT);
    },
    [scrollRef, count],
  );
  const range = rowRange(view.top * ROW_HEIGHT, (view.bottom - view.top) * ROW_HEIGHT, count, ROW_HEIGHT, OVERSCAN);
  return { range, rowsShown: Math.round(view.height / ROW_HEIGHT), scrollToIndex };
}

const TimelineRow = memo(function TimelineRow({ index, top }: { index: number; top: number }) {
  const event = useCaseData((s) => rowAt(s, index));
  const selected = useSelection((s) => event !== undefined && s.selectedId === event.id);
  // The other stages of the selected graph node (one API request is several audit records).
  const inNode = useSelection((s) => event !== undefined && !selected && s.nodeEventIds.includes(event.id));
  const select = useSelection((s) => s.select);
  const node = useGraph((s) => (event ? nodeOfEvent(s.byEvent, event.id) : undefined));
  const starred = useAnalysis((s) => node !== undefined && (s.state?.starred.includes(node) ?? false));
  const style = { transform: `translateY(${top}px)`, height: ROW_HEIGHT };
  if (!event) {
    return <div className="timeline-row loading" style={style} aria-hidden="true" />;
  }
  const verdict = event.verdict ?? 'unverifiable';
  return (
    <div
      className={`timeline-row verdict-${verdict}${selected ? ' selected' : ''}${inNode ? ' in-node' : ''}`}
      style={style}
      role="row"
      aria-selected={selected}
      data-testid="timeline-row"
      data-event-id={event.id}
      data-index={index}
      data-node-id={node}
      data-starred={starred || undefined}
      draggable
      onDragStart={(e) => {
        const id = node ?? `e${event.id}`;
        setNodeDrag(e, id, useGraph.getState().summaries[id]?.label ?? `${event.action ?? event.kind} ${targetLabel(event)}`.trim());
      }}
      onClick={() => select(event.id, index)}
    >
      <span className="cell verdict">
        <VerdictBadge verdict={verdict} />
      </span>
      <span className="cell star" data-testid={starred ? 'row-star' : undefined} aria-label={starred ? 'starred' : undefined}>
        {starred ? '★' : ''}
      </span>
      <span className="cell time" title={event.time}>
        {shortTime(event.time)}
      </span>
      <span className="cell kind">
        <span className={`badge kind-${event.kind}`}>{event.kind.replace('_', ' ')}</span>
      </span>
      <span
        className="cell actor"
        title={event.actor?.on_behalf_of ? `${event.actor.on_behalf_of} via ${event.actor.id}` : event.actor?.id}
      >
        {event.actor?.on_behalf_of ? (
          <>
            <span className="on-behalf">{event.actor.on_behalf_of}</span> <span className="muted">via {actorLabel(event)}</span>
          </>
        ) : (
          actorLabel(event)
        )}
      </span>
      <span className="cell action" title={`${event.action ?? ''} ${targetLabel(event)}`}>
        <strong>{event.action}</strong> {targetLabel(event)}
      </span>
      <span className="cell outcome">
        <span className={`badge outcome-${event.outcome}`}>{event.outcome}</span>
      </span>
      <span className="cell source" title={`${event.source}, line ${event.position}`}>
        <SourceSwatch source={event.source} />
        {sourceLabel(event)}
      </span>
    </div>
  );
});

function rowIndexes(first: number, last: number): number[] {
  const indexes: number[] = [];
  for (let index = first; index <= last; index += 1) indexes.push(index);
  return indexes;
}

export function Timeline() {
  const total = useCaseData((s) => s.total);
  const generation = useCaseData((s) => s.generation);
  const ensurePage = useCaseData((s) => s.ensurePage);
  const scrollRef = useRef<HTMLDivElement>(null);
  // A hidden element loses its scroll position: where the analyst had scrolled is kept, and put back when
  // the timeline shows again with no command waiting.
  const scrolledTo = useRef(0);
  const keepScroll = useCallback((top: number) => {
    if (useView.getState().center === 'timeline') scrolledTo.current = top;
  }, []);
  const { range, rowsShown, scrollToIndex } = useRowRange(scrollRef, total ?? 0, keepScroll);
  const { first: firstIndex, last: lastIndex } = range;

  // With no rows yet (the count unknown), the first page: it brings the count, and the graph is asked for
  // with it (case-data.ts), so neither waits for the case's first reading. While the analyst scrolls, and
  // once the rows drawn are loaded, the page PREFETCH rows ahead of them in the direction of the scroll,
  // so that the scroll meets rows already loaded. Not after a jump (a row chosen in the graph, a filter
  // changed): a page nobody scrolls to would only keep the server from the requests that follow.
  const drawnLoaded = useCaseData(
    (s) => lastIndex < firstIndex || (rowAt(s, firstIndex) !== undefined && rowAt(s, lastIndex) !== undefined),
  );
  const seen = useRef({ first: firstIndex, generation });
  const heading = useRef(0);
  useEffect(() => {
    const last = Math.max(firstIndex, lastIndex);
    for (let page = Math.floor(firstIndex / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) ensurePage(page);
    const moved = firstIndex - seen.current.first;
    if (generation !== seen.current.generation) heading.current = 0;
    else if (moved !== 0) heading.current = Math.abs(moved) <= last - firstIndex + 1 ? Math.sign(moved) : 0;
    seen.current = { first: firstIndex, generation };
    if (!drawnLoaded || heading.current === 0 || total === undefined || lastIndex < firstIndex) return;
    const ahead = heading.current > 0 ? Math.min(lastIndex + PREFETCH, total - 1) : Math.max(firstIndex - PREFETCH, 0);
    ensurePage(Math.floor(ahead / PAGE_SIZE));
  }, [firstIndex, lastIndex, total, drawnLoaded, generation, ensurePage]);

  // A node chosen in the graph, the case opening on its first prompt, a filter changed under the selection:
  // the selection store sends a scroll command, acted on once the timeline knows how many rows there are
  // and is on screen. A command sent while the timeline is hidden behind another tab (the case opening
  // while the analyst is on the journal) waits until it shows again. A timeline that mounts starts with
  // the current selection as its command, so it opens on the selected row.
  const counted = total !== undefined;
  const shown = useView((s) => s.center === 'timeline');
  const [onMount] = useState<SelectionEvents['scrollToRow'] | undefined>(() => {
    const { selectedIndex, scrollAlign } = useSelection.getState();
    return selectedIndex === undefined ? undefined : { index: selectedIndex, align: scrollAlign };
  });
  const pending = useRef(onMount);
  const [commandsSeen, setCommandsSeen] = useState(0);
  useEffect(
    () =>
      commands.on('scrollToRow', (row) => {
        pending.current = row;
        setCommandsSeen((n) => n + 1);
      }),
    [],
  );
  const wasShown = useRef(shown);
  useEffect(() => {
    const returned = shown && !wasShown.current;
    wasShown.current = shown;
    if (!counted || !shown) return;
    const row = pending.current;
    if (row) {
      pending.current = undefined;
      scrollToIndex(row.index, row.align);
    } else if (returned && scrollRef.current) {
      scrollRef.current.scrollTop = scrolledTo.current;
    }
  }, [commandsSeen, counted, shown, scrollToIndex]);

  // Arrow keys move one row; PageUp/PageDown a screenful; Home/End to the first or last row. A row whose
  // page is not loaded yet is scrolled to (which loads it) and selected on the next key press.
  const onKeyDown = (e: KeyboardEvent) => {
    const last = (total ?? 1) - 1;
    // A screenful: as many rows as the timeline shows (a row cut in half counts when it is half shown or more).
    const page = Math.max(1, rowsShown);
    const { selectedIndex, select } = useSelection.getState();
    const from = selectedIndex ?? -1;
    const steps: Record<string, number> = {
      ArrowDown: from + 1,
      ArrowUp: from - 1,
      PageDown: from + page,
      PageUp: from - page,
      Home: 0,
      End: last,
    };
    if (!(e.key in steps)) return;
    e.preventDefault();
    const next = Math.min(Math.max(steps[e.key]!, 0), last);
    const event = rowAt(useCaseData.getState(), next);
    if (event) select(event.id, next);
    scrollToIndex(next, 'auto');
  };

  return (
    <section className="timeline" aria-label="Timeline">
      <div className="timeline-head" role="row">
        <span className="cell verdict" title="Verification verdict">
          ✓
        </span>
        <span className="cell star" title="Starred">
          ★
        </span>
        <span className="cell time">Time (UTC)</span>
        <span className="cell kind">Kind</span>
        <span className="cell actor">Actor</span>
        <span className="cell action">Verb / target</span>
        <span className="cell outcome">Outcome</span>
        <span className="cell source">Source</span>
      </div>
      <div
        ref={scrollRef}
        className="timeline-body"
        data-testid="timeline"
        data-total={total ?? ''}
        tabIndex={0}
        role="grid"
        aria-rowcount={total ?? 0}
        onKeyDown={onKeyDown}
      >
        <div className="timeline-canvas" style={{ height: (total ?? 0) * ROW_HEIGHT }}>
          {rowIndexes(firstIndex, lastIndex).map((index) => (
            <TimelineRow key={index} index={index} top={index * ROW_HEIGHT} />
          ))}
        </div>
        {total === 0 && (
          <p className="timeline-empty" data-testid="timeline-empty">
            No events match.
          </p>
        )}
      </div>
    </section>
  );
}
