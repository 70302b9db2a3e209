// The graph view's layout, as a pure function so that it can run in a Web Worker and be unit-tested:
// time flows left to right, lanes stack top to bottom in the contract's order. It imports nothing at run
// time, so a worker bundle holds only this file.
import type { Lane } from '../../../src-main/shared/graph';

export const LANE_ORDER: readonly Lane[] = ['prompt', 'agent', 'tool', 'authz', 'api', 'workload', 'other'];

export const NODE_WIDTH = 208;
export const NODE_HEIGHT = 64;
/**
 * Authorization decisions are drawn two label lines high (their binding's name), not three: every API request has one, and they would otherwise
 * double the graph's height for little to read (a denial still stands out by its colour and tag).
 */
export const COMPACT_HEIGHT = 50;

export function nodeHeight(lane: Lane): number {
  return lane === 'authz' ? COMPACT_HEIGHT : NODE_HEIGHT;
}
/** Horizontal space between two columns of one lane (room for an arrow head). */
export const COLUMN_GAP = 36;
export const ROW_GAP = 8;
export const LANE_PADDING = 5;
/** A lane with nothing in it keeps a thin band, so the analyst sees that no such evidence was imported. */
export const EMPTY_LANE_HEIGHT = 16;
/** Nodes of one lane this close in time share a column, stacked, unless one caused the other. */
export const BUCKET_MS = 1000;
export const MAX_STACK = 5;
/** Time gaps are drawn on a log scale and capped, so a quiet hour does not push the next event off screen. */
const MAX_GAP_PX = 220;
const MIN_TICK_SPACING = 180;
/**
 * A pause longer than this is folded: drawn as a break of BREAK_PX marked on the time axis with how long
 * it lasted, not as width.
 */
export const BREAK_MS = 60_000;
export const BREAK_PX = 56;

export interface LayoutNode {
  id: string;
  lane: Lane;
  time?: string;
  /**
   * A node drawn in the column of another in another lane: an authorization decision above the API
   * request it decided, so that the pair reads as one step.
   */
  alignWith?: string;
}

export interface LayoutEdge {
  from: string;
  to: string;
}

export interface LayoutOptions {
  /**
   * Empty lanes take no height (a key path: the lanes it does not cross say nothing); otherwise they keep
   * a thin band, so the analyst sees that no such evidence was imported.
   */
  hideEmptyLanes?: boolean;
  /**
   * Lanes the analyst folded: their nodes are counted but not placed (no position), and the lane takes a
   * thin band of FOLDED_LANE_HEIGHT.
   */
  foldedLanes?: readonly Lane[];
}

export const FOLDED_LANE_HEIGHT = 28;

export interface LaneBand {
  lane: Lane;
  y: number;
  height: number;
  count: number;
  /** Folded by the analyst: its `count` nodes are not drawn. */
  folded?: boolean;
}

export interface GraphLayout {
  positions: Record<string, { x: number; y: number }>;
  lanes: LaneBand[];
  width: number;
  height: number;
  /** Where times fall on the x axis, for tick labels: at most one every MIN_TICK_SPACING pixels. */
  ticks: { x: number; time: string }[];
  /** Folded pauses: where on the x axis (just left of the column after the pause), and how long it lasted. */
  breaks: { x: number; ms: number }[];
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Milliseconds since the epoch with the sub-millisecond digits kept as a fraction (Date.parse drops them). */
export function timeMs(time: string | undefined): number | undefined {
  if (!time) return undefined;
  const match = RFC3339.exec(time);
  if (!match) return undefined;
  const whole = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(whole)) return undefined;
  return whole + (match[2] ? Number(`0${match[2]}`) * 1000 : 0);
}

function gapPx(gapMs: number): number {
  if (gapMs > BREAK_MS) return BREAK_PX;
  return gapMs <= 0 ? 0 : Math.min(MAX_GAP_PX, 26 * Math.log10(1 + gapMs));
}

interface Column {
  x: number;
  startMs: number;
  members: Set<string>;
}

/**
 * Places every node: x grows with time across all lanes (a later event is never left of an earlier one,
 * except within a column's one-second bucket), and no two nodes of a lane overlap. Nodes without a time
 * follow the timed ones in the order given.
 */
export function layoutGraph(allNodes: readonly LayoutNode[], edges: readonly LayoutEdge[], options: LayoutOptions = {}): GraphLayout {
  const folded = new Set(options.foldedLanes ?? []);
  const nodes = folded.size === 0 ? allNodes : allNodes.filter((node) => !folded.has(node.lane));
  const order = nodes
    .map((node, index) => ({ node, index, ms: timeMs(node.time) }))
    .sort((a, b) => (a.ms ?? Infinity) - (b.ms ?? Infinity) || a.index - b.index);
  const causes = new Map<string, string[]>();
  for (const edge of edges) {
    const list = causes.get(edge.to);
    if (list) list.push(edge.from);
    else causes.set(edge.to, [edge.from]);
  }

  const rowOf = new Map<string, number>();
  const xOf = new Map<string, number>();
  const openColumn = new Map<Lane, Column>();
  const laneRight = new Map<Lane, number>();
  const depth = new Map<Lane, number>();
  const ticks: { x: number; time: string }[] = [];
  const breaks: { x: number; ms: number }[] = [];
  let cursorX = 0;
  let cursorMs: number | undefined;

  for (const { node, ms } of order) {
    const column = openColumn.get(node.lane);
    const caused = (causes.get(node.id) ?? []).some((from) => column?.members.has(from));
    const fits = column && ms !== undefined && ms - column.startMs <= BUCKET_MS && column.members.size < MAX_STACK && !caused;
    const partnerX = node.alignWith === undefined ? undefined : xOf.get(node.alignWith);
    const right = laneRight.get(node.lane);
    if (partnerX !== undefined && column?.x === partnerX) {
      rowOf.set(node.id, column.members.size);
      column.members.add(node.id);
      xOf.set(node.id, partnerX);
    } else if (partnerX !== undefined && (right === undefined || partnerX >= right + COLUMN_GAP)) {
      openColumn.set(node.lane, { x: partnerX, startMs: ms ?? Infinity, members: new Set([node.id]) });
      laneRight.set(node.lane, partnerX + NODE_WIDTH);
      rowOf.set(node.id, 0);
      xOf.set(node.id, partnerX);
    } else if (column && fits) {
      rowOf.set(node.id, column.members.size);
      column.members.add(node.id);
      xOf.set(node.id, column.x);
    } else {
      const elapsed = ms !== undefined && cursorMs !== undefined ? ms - cursorMs : ms === undefined ? 1 : 0;
      const x = Math.max(cursorX + gapPx(elapsed), right === undefined ? 0 : right + COLUMN_GAP);
      if (elapsed > BREAK_MS) breaks.push({ x: x - BREAK_PX / 2, ms: elapsed });
      // After a break the axis names the time again, however close the last tick is.
      const afterBreak = elapsed > BREAK_MS;
      openColumn.set(node.lane, { x, startMs: ms ?? Infinity, members: new Set([node.id]) });
      laneRight.set(node.lane, x + NODE_WIDTH);
      rowOf.set(node.id, 0);
      xOf.set(node.id, x);
      // Ticks that end up too close at the zoom on screen are thinned where they are drawn.
      if (node.time && (ticks.length === 0 || afterBreak || x - ticks.at(-1)!.x >= MIN_TICK_SPACING)) ticks.push({ x, time: node.time });
      cursorX = x;
    }
    if (ms !== undefined) cursorMs = Math.max(cursorMs ?? ms, ms);
    depth.set(node.lane, Math.max(depth.get(node.lane) ?? 0, rowOf.get(node.id)! + 1));
  }

  const lanes: LaneBand[] = [];
  let y = 0;
  const foldedCount = new Map<Lane, number>();
  for (const node of allNodes) if (folded.has(node.lane)) foldedCount.set(node.lane, (foldedCount.get(node.lane) ?? 0) + 1);
  for (const lane of LANE_ORDER) {
    const rows = depth.get(lane) ?? 0;
    const hidden = foldedCount.get(lane) ?? 0;
    if (hidden > 0) {
      lanes.push({ lane, y, height: FOLDED_LANE_HEIGHT, count: hidden, folded: true });
      y += FOLDED_LANE_HEIGHT;
      continue;
    }
    const height =
      rows === 0 ? (options.hideEmptyLanes ? 0 : EMPTY_LANE_HEIGHT) : rows * nodeHeight(lane) + (rows - 1) * ROW_GAP + 2 * LANE_PADDING;
    lanes.push({ lane, y, height, count: 0 });
    y += height;
  }
  const band = new Map(lanes.map((l) => [l.lane, l]));
  const positions: GraphLayout['positions'] = {};
  for (const node of nodes) {
    const lane = band.get(node.lane)!;
    lane.count += 1;
    positions[node.id] = { x: xOf.get(node.id)!, y: lane.y + LANE_PADDING + rowOf.get(node.id)! * (nodeHeight(node.lane) + ROW_GAP) };
  }
  const width = Math.max(0, ...[...laneRight.values()]);
  return { positions, lanes, width, height: y, ticks, breaks };
}
