// The graph toolbar's export: the view on screen (its nodes, edges, lanes and the analyst's pins) as an
// SVG drawing, or as a PNG rasterized from that SVG on a canvas, downloaded by the browser. The colours are
// the page's own tokens (styles/tokens.css), read when the file is made.
import { useState } from 'react';
import { graphSvg, type SvgPalette } from '../../lib/graph-svg';
import { useCaseData, useGraph } from '../../state/stores';
import { LANE_NAMES } from './LaneOverlay';

/** PNGs are drawn at twice the size for sharp text, within what a canvas can hold. */
const PNG_SCALE = 2;
const PNG_MAX_SIDE = 16_000;

function palette(): SvgPalette {
  const style = getComputedStyle(document.documentElement);
  const token = (name: string) => style.getPropertyValue(`--${name}`).trim();
  return {
    background: token('bg'),
    panel: token('panel'),
    text: token('text'),
    muted: token('muted'),
    line: token('line'),
    laneLine: token('lane-line'),
    node: token('node-bg'),
    nodeLine: token('node-line'),
    outcome: { success: token('ok'), failure: token('fail'), denied: token('deny'), error: token('err'), unknown: token('unknown') },
    edge: {
      explicit: token('edge-direct'),
      inferred: token('edge-inferred'),
      analyst: token('edge-analyst'),
      accepted: token('edge-accepted'),
    },
  };
}

function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The view as SVG text, with a file name after the case and the view. */
function currentSvg(): { svg: string; width: number; height: number; name: string } | undefined {
  const { layout, visible, pins, view } = useGraph.getState();
  if (!layout) return undefined;
  const caseName = useCaseData.getState().info?.name ?? 'case';
  const viewName = view === undefined ? 'graph' : typeof view === 'number' ? `chain-${view}` : String(view).replace(':', '-');
  const title = `${caseName} · ${viewName} · ${visible.nodes.length} nodes`;
  const drawn = graphSvg({ nodes: visible.nodes, edges: visible.edges, layout, pins, laneNames: LANE_NAMES, title, palette: palette() });
  return { ...drawn, name: `${caseName}-${viewName}`.replace(/[^\w.-]+/g, '_') };
}

async function toPng(svg: string, width: number, height: number): Promise<Blob> {
  const scale = Math.min(PNG_SCALE, PNG_MAX_SIDE / Math.max(width, height));
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas in this browser');
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas gave no PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function GraphExport() {
  const ready = useGraph((s) => s.layout !== undefined && s.visible.nodes.length > 0);
  const [error, setError] = useState<string | undefined>(undefined);
  const exportAs = async (format: 'svg' | 'png') => {
    setError(undefined);
    const drawn = currentSvg();
    if (!drawn) return;
    try {
      if (format === 'svg') save(new Blob([drawn.svg], { type: 'image/svg+xml' }), `${drawn.name}.svg`);
      else save(await toPng(drawn.svg, drawn.width, drawn.height), `${drawn.name}.png`);
    } catch (e) {
      setError(`The PNG could not be made: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <div className="graph-export" role="group" aria-label="Export the graph">
      <button
        disabled={!ready}
        onClick={() => void exportAs('svg')}
        data-testid="graph-export-svg"
        title="Download the view as an SVG drawing"
      >
        SVG
      </button>
      <button
        disabled={!ready}
        onClick={() => void exportAs('png')}
        data-testid="graph-export-png"
        title="Download the view as a PNG image"
      >
        PNG
      </button>
      {error && (
        <span className="error" role="alert" title={error}>
          !
        </span>
      )}
    </div>
  );
}
