// Background activity: events the linker joined to nothing (controllers' routine requests, kubelets'
// status updates), shown collapsed as counts by kind and actor. A group expands on demand into the graph,
// its members drawn as nodes in their lanes a page at a time (bounded, so a group of thousands cannot
// freeze the view); or it lists its events in the timeline by filtering on its kind and actor.
import './background-groups.css';
import type { NodeGroup } from '../../../../src-main/shared/graph';
import type { EventKind } from '../../../../src-main/shared/model';
import { useCaseData, useGraph } from '../../state/stores';
import { budgetLeft, GROUP_PAGE, MAX_EXPANDED } from '../../state/graph-expansion';

/** Group ids read `g:<lane>:<kind>:<actor>`; the actor may itself hold colons. */
function groupFilter(group: NodeGroup): { kind: EventKind[]; actor?: string } | undefined {
  const match = /^g:[^:]+:([^:]+):(.*)$/.exec(group.id);
  if (!match) return undefined;
  return { kind: [match[1] as EventKind], ...(match[2] && match[2] !== 'unknown actor' ? { actor: match[2] } : {}) };
}

const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** Under an expanded group: how many of its members are drawn, and the next page. */
function ExpansionStatus({ groupId }: { groupId: string }) {
  const expansion = useGraph((s) => s.expanded[groupId]);
  const left = useGraph((s) => budgetLeft(s.expanded));
  const showMore = useGraph((s) => s.showMore);
  if (!expansion) return null;
  if (expansion.error) return <p className="group-status error">{expansion.error}</p>;
  const rest = expansion.total - expansion.shown;
  const next = Math.min(GROUP_PAGE, rest, left);
  return (
    <div className="group-status" data-testid="group-status" data-shown={expansion.shown} data-total={expansion.total}>
      <span>
        {expansion.loading ? 'Drawing…' : `${expansion.shown.toLocaleString('en')} of ${expansion.total.toLocaleString('en')} drawn`}
      </span>
      {rest > 0 && !expansion.loading && (
        <button
          className="link-button"
          data-testid="group-more"
          disabled={next === 0}
          title={
            next === 0
              ? `At most ${MAX_EXPANDED.toLocaleString('en')} background nodes are drawn at once: collapse a group, or list its events in the timeline`
              : undefined
          }
          onClick={() => void showMore(groupId)}
        >
          {next === 0 ? 'limit reached' : `show ${next} more`}
        </button>
      )}
    </div>
  );
}

export function BackgroundGroups() {
  const groups = useGraph((s) => s.base?.groups);
  const expanded = useGraph((s) => s.expanded);
  const toggleGroup = useGraph((s) => s.toggleGroup);
  const setFilter = useCaseData((s) => s.setFilter);
  const activeKind = useCaseData((s) => (s.filter.kind?.length === 1 ? s.filter.kind[0] : undefined));
  const activeActor = useCaseData((s) => s.filter.actor);
  if (!groups || groups.length === 0) return null;
  const events = groups.reduce((sum, group) => sum + group.count, 0);
  return (
    <details className="background-groups" data-testid="background-groups">
      <summary>
        <h2>Background</h2>
        <span className="muted">
          {plural(events, 'unlinked event')} in {plural(groups.length, 'group')}
        </span>
      </summary>
      <ul>
        {groups.map((group) => {
          const filter = groupFilter(group);
          const listed = filter !== undefined && filter.kind[0] === activeKind && filter.actor === activeActor;
          const open = expanded[group.id] !== undefined;
          return (
            <li key={group.id} data-testid="background-group" data-group-id={group.id} data-expanded={open}>
              <div className="group-row">
                <button
                  className={`group-button${open ? ' open' : ''}`}
                  aria-expanded={open}
                  data-testid="group-expand"
                  title={`${group.label}: ${plural(group.count, 'event')}, ${plural(group.nodes, 'node')}\n${open ? 'Hide them from the graph' : `Draw ${group.nodes > GROUP_PAGE ? `the first ${GROUP_PAGE}` : 'them'} in the graph`}`}
                  onClick={() => void toggleGroup(group.id)}
                >
                  <span className="group-toggle" aria-hidden="true">
                    {open ? '▾' : '▸'}
                  </span>
                  <span className="group-label">{group.label}</span>
                  <span className="group-count">{group.count.toLocaleString('en')}</span>
                </button>
                <button
                  className={`group-list${listed ? ' active' : ''}`}
                  aria-pressed={listed}
                  aria-label={listed ? 'Show every event again' : `List these ${group.count} events in the timeline`}
                  title={listed ? 'Show every event again' : `List these ${group.count} events in the timeline`}
                  data-testid="group-list"
                  disabled={!filter}
                  onClick={() =>
                    filter && setFilter(listed ? { kind: undefined, actor: undefined } : { kind: filter.kind, actor: filter.actor })
                  }
                >
                  <svg viewBox="0 0 16 16" aria-hidden="true">
                    <path d="M2 4h12M2 8h12M2 12h8" fill="none" stroke="currentColor" strokeWidth="1.6" />
                  </svg>
                </button>
              </div>
              <ExpansionStatus groupId={group.id} />
            </li>
          );
        })}
      </ul>
    </details>
  );
}
