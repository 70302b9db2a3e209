// The causal chain as a picture for reports: lanes as rows (prompt … workload, as in the graph view),
// time left to right. A pure function of the graph, so the HTML and the PDF embed the same SVG text and
// a test can read it. Columns are time *order*, not a linear scale: an agent acts in milliseconds and a
// pod fails minutes later, and a linear axis would crush the part a reader needs.
import { LANES, type GraphEdge, type GraphNode, type Lane } from '../../shared/graph';

export interface SvgOptions {
  /** Nodes the analyst gave a role: drawn with a heavier border and the role's initial. */
  marked?: Map<string, string>;
  maxColumns?: number;
}

interface Box {
  id: string;
  nodes: GraphNode[];
  lane: Lane;
  column: number;
  row: number;
}

const LANE_TITLES: Record<Lane, string> = {
  prompt: 'Prompt',
  agent: 'Agent',
  tool: 'Tool',
  authz: 'Authorization',
  api: 'API',
  workload: 'Workload',
  other: 'Other',
};
const BOX_W = 150;
const BOX_H = 34;
const COL_W = 170;
const ROW_H = 42;
const LANE_GAP = 14;
const LEFT = 110;
const TOP = 28;
const SUBROWS = 3;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function shortLabel(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function firstWord(node: GraphNode): string {
  return `${node.kind}|${node.outcome}|${node.label.split(/[\s:]/)[0]}`;
}

/**
 * Folds runs of same-lane nodes of the same sort ("Pulled" for three pods) into one box, but only runs
 * with nothing from another lane between them, so folding never hides an ordering.
 */
function foldRuns(nodes: readonly GraphNode[]): GraphNode[][] {
  const runs: GraphNode[][] = [];
  for (const node of nodes) {
    const last = runs.at(-1);
    if (last && last[0]!.lane === node.lane && firstWord(last[0]!) === firstWord(node) && node.lane !== 'prompt') last.push(node);
    else runs.push([node]);
  }
  return runs;
}

/**
 * Places each box one column right of the one before, except that a burst shares a column (stacked in up
 * to SUBROWS sub-rows): the same lane again, or another lane at the same millisecond.
 */
function layout(runs: GraphNode[][]): Box[] {
  const boxes: Box[] = [];
  const used = new Map<string, number>();
  for (const run of runs) {
    const lane = run[0]!.lane;
    const previous = boxes.at(-1);
    const sameMoment = previous !== undefined && (previous.nodes.at(-1)!.time ?? '').slice(0, 23) === (run[0]!.time ?? '-').slice(0, 23);
    let c = previous === undefined ? 0 : previous.column;
    if (previous && !(previous.lane === lane || sameMoment)) c += 1;
    if ((used.get(`${c}|${lane}`) ?? 0) >= SUBROWS) c += 1;
    const row = used.get(`${c}|${lane}`) ?? 0;
    used.set(`${c}|${lane}`, row + 1);
    boxes.push({ id: run.map((n) => n.id).join('+'), nodes: run, lane, column: c, row });
  }
  return boxes;
}

/** Columns per strip: a strip is as wide as a portrait page can show at a readable size. */
export const STRIP_COLUMNS = 6;

/**
 * The chain as strips, like lines of text: each strip is one SVG with the lanes as rows and the next few
 * moments left to right; a long chain wraps onto the next strip instead of shrinking to illegibility.
 * An edge into a later strip leaves its box to the right edge and enters the target from the left.
 */
export function renderChainStrips(nodes: readonly GraphNode[], edges: readonly GraphEdge[], options: SvgOptions = {}): string[] {
  const sorted = [...nodes].sort((a, b) => (a.time ?? '').localeCompare(b.time ?? '') || a.id.localeCompare(b.id));
  const perStrip = options.maxColumns ?? STRIP_COLUMNS;
  const boxes = layout(foldRuns(sorted));
  const stripOf = new Map<string, number>();
  for (const box of boxes) for (const node of box.nodes) stripOf.set(node.id, Math.floor(box.column / perStrip));
  const strips = Math.max(1, ...boxes.map((b) => Math.floor(b.column / perStrip) + 1));
  const out: string[] = [];
  for (let strip = 0; strip < strips; strip++) {
    const mine = boxes.filter((b) => Math.floor(b.column / perStrip) === strip).map((b) => ({ ...b, column: b.column - strip * perStrip }));
    out.push(renderStrip(mine, edges, stripOf, strip, strips, options));
  }
  return out;
}

function renderStrip(
  boxes: Box[],
  edges: readonly GraphEdge[],
  stripOf: Map<string, number>,
  strip: number,
  strips: number,
  options: SvgOptions,
): string {
  const lanes = LANES.filter((lane) => boxes.some((b) => b.lane === lane));
  const depth = new Map(lanes.map((lane) => [lane, Math.max(1, ...boxes.filter((b) => b.lane === lane).map((b) => b.row + 1))]));
  const laneTop = new Map<Lane, number>();
  let y = TOP;
  for (const lane of lanes) {
    laneTop.set(lane, y);
    y += depth.get(lane)! * ROW_H + LANE_GAP;
  }
  const columns = options.maxColumns ?? STRIP_COLUMNS;
  const width = LEFT + columns * COL_W + 10;
  const height = y + 4;
  const at = new Map<string, { x: number; y: number }>();
  for (const box of boxes) {
    const pos = { x: LEFT + box.column * COL_W, y: laneTop.get(box.lane)! + box.row * ROW_H + 4 };
    for (const node of box.nodes) at.set(node.id, pos);
  }

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="causal-graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Causal chain, part ${strip + 1} of ${strips}: lanes as rows, time left to right" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
  );
  parts.push(
    '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker></defs>',
  );
  for (const [i, lane] of lanes.entries()) {
    const top = laneTop.get(lane)!;
    const h = depth.get(lane)! * ROW_H + LANE_GAP / 2;
    parts.push(`<rect x="0" y="${top - LANE_GAP / 2}" width="${width}" height="${h}" fill="${i % 2 === 0 ? '#f5f6f8' : '#ffffff'}"/>`);
    parts.push(`<text x="8" y="${top + ROW_H / 2 + 4}" font-weight="bold" fill="#333">${LANE_TITLES[lane]}</text>`);
  }
  // Each column's first time: order is the axis, these anchor it to the clock.
  const firstInColumn = new Map<number, string>();
  for (const box of boxes) if (!firstInColumn.has(box.column) && box.nodes[0]!.time) firstInColumn.set(box.column, box.nodes[0]!.time!);
  for (const [column, time] of firstInColumn)
    parts.push(`<text x="${LEFT + column * COL_W}" y="14" fill="#666" font-size="10">${escapeXml(time.slice(11, 23))}</text>`);
  if (strips > 1)
    parts.push(`<text x="${width - 8}" y="14" text-anchor="end" fill="#666" font-size="10">part ${strip + 1} of ${strips}</text>`);
  const drawn = new Set<string>();
  for (const edge of edges) {
    const from = at.get(edge.from);
    const to = at.get(edge.to);
    const fromStrip = stripOf.get(edge.from);
    const toStrip = stripOf.get(edge.to);
    if (fromStrip === undefined || toStrip === undefined) continue;
    let path: string | undefined;
    if (from && to) {
      if (from.x === to.x && from.y === to.y) continue;
      const x1 = from.x + BOX_W;
      const y1 = from.y + BOX_H / 2;
      const y2 = to.y + BOX_H / 2;
      path =
        to.x <= from.x
          ? `M${from.x + BOX_W / 2},${from.y + (to.y > from.y ? BOX_H : 0)} L${to.x + BOX_W / 2},${to.y + (to.y > from.y ? 0 : BOX_H)}`
          : `M${x1},${y1} C${x1 + 20},${y1} ${to.x - 20},${y2} ${to.x},${y2}`;
    } else if (from && toStrip > strip) path = `M${from.x + BOX_W},${from.y + BOX_H / 2} L${width - 4},${from.y + BOX_H / 2}`;
    else if (to && fromStrip < strip) path = `M${LEFT - 14},${to.y + BOX_H / 2} L${to.x},${to.y + BOX_H / 2}`;
    if (!path || drawn.has(path)) continue;
    drawn.add(path);
    const dash = edge.strength === 'inferred' ? ' stroke-dasharray="5 3"' : edge.strength === 'analyst' ? ' stroke-dasharray="2 2"' : '';
    const color = edge.strength === 'analyst' ? '#7b3fb5' : '#555';
    parts.push(
      `<path d="${path}" fill="none" stroke="${color}" stroke-width="1"${dash} marker-end="url(#arrow)"><title>${escapeXml(`${edge.rule} (${edge.strength})`)}</title></path>`,
    );
  }
  for (const box of boxes) {
    const pos = at.get(box.nodes[0]!.id)!;
    const notable = box.nodes.some((n) => n.notable);
    const mark = box.nodes.map((n) => options.marked?.get(n.id)).find(Boolean);
    const stroke = mark ? '#7b3fb5' : notable ? '#c0392b' : '#8a94a6';
    const fill = notable ? '#fdecea' : '#ffffff';
    const head = box.nodes[0]!;
    const label = box.nodes.length > 1 ? `${head.label.split(' ')[0]} ×${box.nodes.length}` : head.label;
    const who = head.actor?.id ? shortLabel(head.actor.id.replace(/^system:serviceaccount:/, 'sa:'), 28) : head.kind;
    parts.push(`<g><title>${escapeXml(box.nodes.map((n) => `${n.time ?? ''} ${n.label}`).join('\n'))}</title>`);
    parts.push(
      `<rect x="${pos.x}" y="${pos.y}" width="${BOX_W}" height="${BOX_H}" rx="4" fill="${fill}" stroke="${stroke}" stroke-width="${mark ? 2.5 : notable ? 1.5 : 1}"/>`,
    );
    parts.push(`<text x="${pos.x + 6}" y="${pos.y + 14}" fill="#111">${escapeXml(shortLabel(label, 25))}</text>`);
    parts.push(`<text x="${pos.x + 6}" y="${pos.y + 27}" fill="#666" font-size="9">${escapeXml(mark ? shortLabel(who, 16) : who)}</text>`);
    if (mark)
      parts.push(
        `<text x="${pos.x + BOX_W - 6}" y="${pos.y + 27}" text-anchor="end" fill="#7b3fb5" font-size="9" font-weight="bold">${escapeXml(mark)}</text>`,
      );
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('\n');
}
