// The analyst's marks on the selected event, in the inspector: star, findings (the keyboard alternative
// to dragging), tags and comments. Everything is recorded on the node the graph shows for the event.
import { useState } from 'react';
import type { Role } from '../../../../src-main/shared/analysis';
import { ROLE_TITLES, ROLES } from './roles';
import { useAnalysis, useGraph } from '../../state/stores';
import { tagsOf } from '../../state/analysis';
import { nodeOfEvent } from '../../state/graph';
import { Comments } from './Comments';
import { useShallow } from 'zustand/react/shallow';
import './annotate.css';

function StarToggle({ node }: { node: string }) {
  const starred = useAnalysis((s) => s.state?.starred.includes(node) ?? false);
  const record = useAnalysis((s) => s.record);
  return (
    <button
      className={`star-toggle${starred ? ' on' : ''}`}
      aria-pressed={starred}
      data-testid="star-toggle"
      onClick={() => void record({ type: 'star', node, starred: !starred })}
    >
      {starred ? '★ Starred' : '☆ Star'}
    </button>
  );
}

function AssignMenu({ node, label }: { node: string; label: string }) {
  const roles = useAnalysis(useShallow((s) => s.state?.roles.filter((r) => r.node === node).map((r) => r.role) ?? []));
  const record = useAnalysis((s) => s.record);
  const free = ROLES.filter((role) => !roles.includes(role));
  return (
    <>
      <select
        value=""
        aria-label="Assign to a finding"
        data-testid="assign-menu"
        onChange={(e) => {
          if (e.target.value) void record({ type: 'assign', node, role: e.target.value as Role, label });
        }}
      >
        <option value="">Assign to…</option>
        {free.map((role) => (
          <option key={role} value={role}>
            {ROLE_TITLES[role]}
          </option>
        ))}
      </select>
      {roles.map((role) => (
        <span key={role} className="chip role-chip" data-testid="assigned-role">
          {ROLE_TITLES[role]}
          <button
            className="icon"
            aria-label={`Remove from ${ROLE_TITLES[role]}`}
            onClick={() => void record({ type: 'unassign', node, role })}
          >
            ×
          </button>
        </span>
      ))}
    </>
  );
}

function TagEditor({ node }: { node: string }) {
  const tags = useAnalysis(useShallow((s) => tagsOf(s.state, node)));
  const record = useAnalysis((s) => s.record);
  const [text, setText] = useState('');
  const add = () => {
    const tag = text.trim();
    if (!tag) return;
    setText('');
    void record({ type: 'tag', node, tag: tag.slice(0, 100), on: true });
  };
  return (
    <div className="tags" data-testid="tags">
      {tags.map((tag) => (
        <span key={tag} className="chip" data-testid="tag-chip">
          {tag}
          <button className="icon" aria-label={`Remove tag ${tag}`} onClick={() => void record({ type: 'tag', node, tag, on: false })}>
            ×
          </button>
        </span>
      ))}
      <input
        value={text}
        placeholder="Add tag…"
        aria-label="Add a tag"
        data-testid="tag-input"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') add();
        }}
      />
    </div>
  );
}

export function EventAnnotations({ eventId, fallbackLabel }: { eventId: number; fallbackLabel: string }) {
  const node = useGraph((s) => nodeOfEvent(s.byEvent, eventId));
  const label = useGraph((s) => s.summaries[node]?.label) ?? fallbackLabel;
  return (
    <section className="annotations" aria-label="Annotations" data-testid="annotations" data-node-id={node}>
      <div className="annotation-row">
        <StarToggle node={node} />
        <AssignMenu node={node} label={label} />
      </div>
      <TagEditor node={node} />
      <Comments node={node} />
    </section>
  );
}
