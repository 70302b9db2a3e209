// Above the graph: which chain is on screen (chains that reach failures, denials and warnings first, as
// the linker orders them), how big it is, which background groups are expanded into it, and a legend of
// what the edge styles mean.
import { Fragment } from 'react';
import { LANE_NAMES } from './LaneOverlay';
import { GraphSearchBox } from './GraphSearchBox';
import { GraphExport } from './GraphExport';
import { useGraph } from '../../state/stores';
import type { ChainView } from '../../state/graph';
import type { KeyPath } from '../../lib/key-path';

/** Under a filter a chain may show only some of its nodes: the picker says how many of how many. */
function chainText(chain: { id: number; label: string; nodes: number; notable: number }, shown: number | undefined): string {
  const nodes = shown === undefined || shown === chain.nodes ? `${chain.nodes} nodes` : `${shown} of ${chain.nodes} nodes`;
  return `Chain ${chain.id} · ${chain.label} · ${nodes} · ${chain.notable} notable`;
}

/** A chain's key path: from its prompt to what went wrong, a few of the chain's nodes. */
function pathText(chain: number, path: KeyPath, target: string, total: number): string {
  const to = target.length > 48 ? `${target.slice(0, 47)}…` : target;
  return `Chain ${chain} · prompt → ${to} · ${path.nodes.length} of ${total} nodes`;
}

/** What the edge and node styles mean, in a corner of the stage. */
export function GraphLegend() {
  return (
    <div className="graph-legend" aria-label="Legend">
      <span className="legend-edge explicit">explicit</span>
      <span className="legend-edge inferred">inferred</span>
      <span className="legend-edge accepted">accepted</span>
      <span className="legend-edge analyst">analyst</span>
      <span className="legend-edge taint">taint</span>
      <span className="legend-node denied">denied</span>
      <span className="legend-node notable">notable</span>
    </div>
  );
}

/** How many nodes the analyst has pinned, and the way back to the layout as it was made. */
function PinnedNodes() {
  const pinned = useGraph((s) => Object.keys(s.pins).length);
  const reset = useGraph((s) => s.resetLayout);
  if (pinned === 0) return null;
  return (
    <button
      className="graph-reset-layout"
      data-testid="reset-layout"
      data-pinned={pinned}
      onClick={reset}
      title={`Unpin the ${pinned} node${pinned === 1 ? '' : 's'} you moved`}
    >
      Reset layout ({pinned})
    </button>
  );
}

/** The background groups drawn in the graph, and a way to hide them all at once. */
function ExpandedGroups() {
  const groups = useGraph((s) => Object.keys(s.expanded).length);
  const members = useGraph((s) => Object.values(s.expanded).reduce((n, e) => n + e.shown, 0));
  const collapseAll = useGraph((s) => s.collapseAll);
  if (groups === 0) return null;
  return (
    <span
      className="expanded-groups"
      data-testid="expanded-groups"
      data-members={members}
      title={`${members.toLocaleString('en')} members of ${groups} background group${groups === 1 ? '' : 's'} (with their authorization decisions), drawn dashed`}
    >
      +{members.toLocaleString('en')} background
      <button onClick={() => void collapseAll()} data-testid="collapse-groups" title="Hide every expanded background group">
        Collapse
      </button>
    </span>
  );
}

export function GraphToolbar() {
  const chains = useGraph((s) => s.graph?.chains);
  const total = useGraph((s) => s.graph?.nodes.length ?? 0);
  const view = useGraph((s) => s.view);
  const unlinked = useGraph((s) => s.unlinked);
  const shownOfChain = useGraph((s) => s.shownOfChain);
  const shown = useGraph((s) => s.visible.nodes.length);
  const edges = useGraph((s) => s.visible.edges.length);
  const showView = useGraph((s) => s.showView);
  const paths = useGraph((s) => s.paths);
  const nodeById = useGraph((s) => s.nodeById);
  const hiddenLanes = useGraph((s) => s.base?.hidden?.lanes);
  const hidden = Object.values(hiddenLanes ?? {}).reduce((n, c) => n + c, 0);
  return (
    <div className="graph-toolbar">
      <h2>Causal graph</h2>
      <select
        data-testid="chain-picker"
        aria-label="Chain shown in the graph"
        value={view === undefined ? '' : String(view)}
        onChange={(e) => {
          const value = e.target.value;
          void showView(value === 'all' || value === 'unlinked' || value.startsWith('path:') ? (value as ChainView) : Number(value));
        }}
        disabled={!chains}
      >
        {chains?.map((chain) => {
          const path = paths.get(chain.id);
          return (
            <Fragment key={chain.id}>
              {path && (
                <option value={`path:${chain.id}`} data-testid="path-option">
                  {pathText(chain.id, path, nodeById.get(path.target)?.label ?? path.target, chain.nodes)}
                </option>
              )}
              <option value={chain.id} data-testid="chain-option">
                {chainText(chain, shownOfChain.get(chain.id))}
              </option>
            </Fragment>
          );
        })}
        {unlinked.nodes > 0 && (
          <option value="unlinked">
            In no chain · {unlinked.nodes} nodes · {unlinked.notable} notable
          </option>
        )}
        <option value="all">All nodes ({total})</option>
      </select>
      <span className="muted" data-testid="graph-counts">
        {shown} nodes · {edges} edges
      </span>
      {hidden > 0 && (
        <span
          className="graph-hidden"
          data-testid="graph-hidden"
          title={`Hidden by the current filter: ${Object.entries(hiddenLanes!)
            .map(([lane, count]) => `${count} in ${LANE_NAMES[lane as keyof typeof LANE_NAMES] ?? lane}`)
            .join(', ')}`}
        >
          {hidden} hidden by the filter
        </span>
      )}
      <ExpandedGroups />
      <PinnedNodes />
      <GraphSearchBox />
      <GraphExport />
      <GraphLegend />
    </div>
  );
}
