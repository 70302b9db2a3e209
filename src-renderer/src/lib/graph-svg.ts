// The graph on screen as a standalone SVG file, built from the laid-out nodes and edges (not copied from
// the DOM, so nothing off screen is missing and no stylesheet is needed): the lanes as bands with their
// names, each node as a box with its kind, time and label (the whole label in its <title>), each edge as an
// arrow, dashed when inferred. Pure, so it is unit-tested; the colours come in as a palette, read by the
// caller from the page's tokens (styles/tokens.css).
import type { GraphEdge, GraphNode, Lane } from '../../../src-main/shared/graph';
import { NODE_WIDTH, nodeHeight, type GraphLayout } from './graph-layout';

export interface SvgPalette {
  background: string;
  panel: string;
  text: string;
  muted: string;
  line: string;
  laneLine: string;
  node: string;
  nodeLine: string;
  outcome: Record<GraphNode['outcome'], string>;
  edge: Record<GraphEdge['strength'] | 'accepted', string>;
}

export interface SvgInput {
  nodes: readonly Pick<GraphNode, 'id' | 'label' | 'kind' | 'lane' | 'time' | 'outcome'>[];
  edges: readonly Pick<GraphEdge, 'from' | 'to' | 'strength' | 'status' | 'rule'>[];
  layout: Pick<GraphLayout, 'positions' | 'lanes' | 'width' | 'height'>;
  /** Where the analyst moved nodes: wins over the layout, as on screen. */
  pins?: Readonly<Record<string, { x: number; y: number }>>;
  laneNames: Readonly<Record<Lane, string>>;
  title: string;
  palette: SvgPalette;
}

const GUTTER = 130;
const HEADER = 28;
const MARGIN = 16;
const LINE_CHARS = 34;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A label cut into lines of at most `width` characters at spaces (a long word is cut), at most `max` lines. */
export function wrapLabel(label: string, width: number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > 0) {
      const room = line === '' ? width : width - line.length - 1;
      if (rest.length <= room) {
        line = line === '' ? rest : `${line} ${rest}`;
        rest = '';
      } else if (line !== '') {
        lines.push(line);
        line = '';
      } else {
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
    }
  }
  if (line !== '') lines.push(line);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = `${kept[max - 1]!.slice(0, width - 1)}…`;
  return kept;
}

export function graphSvg({ nodes, edges, layout, pins = {}, laneNames, title, palette: p }: SvgInput): {
  svg: string;
  width: number;
  height: number;
} {
  const at = (id: string) => pins[id] ?? layout.positions[id];
  const placed = nodes.filter((node) => at(node.id));
  // The drawing's extent: the layout, grown to hold any node pinned outside it.
  let right = layout.width;
  let bottom = layout.height;
  for (const node of placed) {
    const { x, y } = at(node.id)!;
    right = Math.max(right, x + NODE_WIDTH);
    bottom = Math.max(bottom, y + nodeHeight(node.lane));
  }
  const ox = GUTTER + MARGIN;
  const oy = HEADER + MARGIN;
  const width = Math.ceil(ox + right + MARGIN);
  const height = Math.ceil(oy + bottom + MARGIN);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
  );
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push('<defs>');
  for (const [name, colour] of Object.entries(p.edge)) {
    out.push(
      `<marker id="arrow-${name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${colour}"/></marker>`,
    );
  }
  out.push('</defs>');
  out.push(`<rect width="${width}" height="${height}" fill="${p.background}"/>`);
  out.push(`<text x="${MARGIN}" y="${MARGIN + 6}" fill="${p.text}" font-size="13" font-weight="600">${escapeXml(title)}</text>`);
  for (const lane of layout.lanes) {
    if (lane.height <= 0) continue;
    const y = oy + lane.y;
    out.push(
      `<rect x="0" y="${y}" width="${width}" height="${lane.height}" fill="${p.panel}" fill-opacity="0.35" stroke="${p.laneLine}"/>`,
    );
    out.push(
      `<text x="${MARGIN}" y="${y + Math.min(lane.height / 2 + 4, 18)}" fill="${lane.count ? p.text : p.muted}" font-size="11" font-weight="600">${escapeXml(laneNames[lane.lane])} ${lane.count}</text>`,
    );
  }
  const laneOf = new Map(placed.map((node) => [node.id, node.lane]));
  for (const edge of edges) {
    const [a, b] = [at(edge.from), at(edge.to)];
    if (!a || !b || !laneOf.has(edge.from) || !laneOf.has(edge.to)) continue;
    const style = edge.status === 'accepted' ? 'accepted' : edge.strength;
    const [ha, hb] = [nodeHeight(laneOf.get(edge.from)!), nodeHeight(laneOf.get(edge.to)!)];
    let path: string;
    if (b.x >= a.x + NODE_WIDTH / 2) {
      const [x1, y1, x2, y2] = [ox + a.x + NODE_WIDTH, oy + a.y + ha / 2, ox + b.x, oy + b.y + hb / 2];
      const mid = (x1 + x2) / 2;
      path = `M${x1} ${y1}C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}`;
    } else {
      const down = b.y > a.y;
      const [x1, y1, x2, y2] = [
        ox + a.x + NODE_WIDTH / 2,
        oy + a.y + (down ? ha : 0),
        ox + b.x + NODE_WIDTH / 2,
        oy + b.y + (down ? 0 : hb),
      ];
      path = `M${x1} ${y1}L${x2} ${y2}`;
    }
    const dash = edge.strength === 'inferred' ? ' stroke-dasharray="6 4"' : edge.strength === 'analyst' ? ' stroke-dasharray="2 3"' : '';
    out.push(
      `<path d="${path}" fill="none" stroke="${p.edge[style]}" stroke-width="1.5"${dash} marker-end="url(#arrow-${style})"><title>${escapeXml(edge.rule)}</title></path>`,
    );
  }
  for (const node of placed) {
    const { x, y } = at(node.id)!;
    const h = nodeHeight(node.lane);
    const [nx, ny] = [ox + x, oy + y];
    const lines = wrapLabel(node.label, LINE_CHARS, h > 56 ? 3 : 2);
    out.push(`<g data-node-id="${escapeXml(node.id)}"><title>${escapeXml(node.label)}</title>`);
    out.push(`<rect x="${nx}" y="${ny}" width="${NODE_WIDTH}" height="${h}" rx="6" fill="${p.node}" stroke="${p.nodeLine}"/>`);
    out.push(`<rect x="${nx}" y="${ny}" width="4" height="${h}" rx="2" fill="${p.outcome[node.outcome]}"/>`);
    out.push(
      `<text x="${nx + 10}" y="${ny + 13}" fill="${p.muted}" font-size="9.5">${escapeXml(node.kind.replace('_', ' '))} · ${escapeXml(node.time ? node.time.slice(11, 23) : 'no time')}${node.outcome !== 'success' ? ` · ${node.outcome}` : ''}</text>`,
    );
    lines.forEach((line, i) =>
      out.push(`<text x="${nx + 10}" y="${ny + 27 + i * 12}" fill="${p.text}" font-size="10.5">${escapeXml(line)}</text>`),
    );
    out.push('</g>');
  }
  out.push('</svg>');
  return { svg: out.join('\n'), width, height };
}
