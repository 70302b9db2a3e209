// Background activity: events the linker joined to nothing (controllers' routine requests, kubelets'
// status updates), shown collapsed as counts by kind and actor. Opening a group lists its events in the
// timeline by filtering on that kind and actor; nothing is hidden, only not drawn one by one.
import './background-groups.css';
import type { NodeGroup } from '../../../../src-main/shared/graph';
import type { EventKind } from '../../../../src-main/shared/model';
import { useCaseData } from '../../state/case-data';
import { useGraph } from '../../state/graph';

/** Group ids read `g:<lane>:<kind>:<actor>`; the actor may itself hold colons. */
function groupFilter(group: NodeGroup): { kind: EventKind[]; actor?: string } | undefined {
  const match = /^g:[^:]+:([^:]+):(.*)$/.exec(group.id);
  if (!match) return undefined;
  return { kind: [match[1] as EventKind], ...(match[2] && match[2] !== 'unknown actor' ? { actor: match[2] } : {}) };
}

export function BackgroundGroups() {
  const groups = useGraph((s) => s.graph?.groups);
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
          {events.toLocaleString('en')} unlinked event{events === 1 ? '' : 's'} in {groups.length} group{groups.length === 1 ? '' : 's'}
        </span>
      </summary>
      <ul>
        {groups.map((group) => {
          const filter = groupFilter(group);
          const active = filter !== undefined && filter.kind[0] === activeKind && filter.actor === activeActor;
          return (
            <li key={group.id}>
              <button
                className={`group-button${active ? ' active' : ''}`}
                aria-pressed={active}
                data-testid="background-group"
                disabled={!filter}
                title={active ? 'Show every event again' : `List these ${group.count} events in the timeline`}
                onClick={() => filter && setFilter(active ? { kind: undefined, actor: undefined } : { kind: filter.kind, actor: filter.actor })}
              >
                <span className="group-label">{group.label}</span>
                <span className="group-count">{group.count.toLocaleString('en')}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </details>
  );
}
