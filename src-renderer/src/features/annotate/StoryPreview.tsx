// The story as a reader sees it: a small, safe subset of Markdown (headings, lists, paragraphs, **bold**)
// built as React elements, never as HTML, and every [[e123]] reference shown as the event it names.
import type { ReactNode } from 'react';
import type { EventFilter } from '../../../../src-main/shared/contract';
import { useAnalysis, useGraph, useView } from '../../state/stores';
import { replaceFilter } from '../query/apply-filter';
import { clockTime, selectNode } from './select-node';

// A saved view ([[view:NAME]], its name may hold spaces), an event ([[e123]]), or **bold**.
const REFERENCE = /\[\[view:([^\]\n]{1,100})\]\]|\[\[([A-Za-z0-9:_-]{1,200})\]\]|\*\*([^*]+)\*\*/g;

/** A saved view the story embeds: the report lists its events; here it names the view and opens it. */
function ViewReference({ name }: { name: string }) {
  const view = useAnalysis((s) => s.state?.views.find((v) => v.name === name));
  if (!view)
    return (
      <span className="view-ref missing" data-testid="story-view-ref" data-view={name} title="No saved view has this name">
        view “{name}” (no such saved view)
      </span>
    );
  return (
    <a
      href={`#view:${encodeURIComponent(name)}`}
      className="view-ref"
      data-testid="story-view-ref"
      data-view={name}
      title="Open this view in the timeline; the report lists the events it matches"
      onClick={(e) => {
        e.preventDefault();
        replaceFilter({ ...(view.filter as EventFilter | undefined), query: view.query || undefined });
        useView.getState().showCenter('timeline');
      }}
    >
      ▦ {name} <code>{view.query}</code>
    </a>
  );
}

function EventReference({ node }: { node: string }) {
  const summary = useGraph((s) => s.summaries[node]);
  return (
    // A link, not a button: a button is laid out as a block of its own and would break the sentence.
    <a
      href={`#${node}`}
      className="event-ref"
      data-testid="story-ref"
      data-node-id={node}
      title={node}
      onClick={(e) => {
        e.preventDefault();
        selectNode(node);
      }}
    >
      {summary ? `${clockTime(summary.time)} ${summary.label}` : node}
    </a>
  );
}

function inline(text: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(REFERENCE)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(
      match[1] ? (
        <ViewReference key={match.index} name={match[1].trim()} />
      ) : match[2] ? (
        <EventReference key={match.index} node={match[2]} />
      ) : (
        <strong key={match.index}>{match[3]}</strong>
      ),
    );
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function block(text: string, key: number): ReactNode {
  const lines = text.split('\n');
  if (lines.every((line) => /^\s*[-*] /.test(line))) {
    return (
      <ul key={key}>
        {lines.map((line, i) => (
          <li key={i}>{inline(line.replace(/^\s*[-*] /, ''))}</li>
        ))}
      </ul>
    );
  }
  const heading = /^(#{1,3}) (.*)$/.exec(text);
  if (heading && lines.length === 1) {
    const Tag = `h${heading[1]!.length + 2}` as 'h3' | 'h4' | 'h5';
    return <Tag key={key}>{inline(heading[2]!)}</Tag>;
  }
  return <p key={key}>{lines.flatMap((line, i) => (i === 0 ? inline(line) : [<br key={`br${i}`} />, ...inline(line)]))}</p>;
}

export function StoryPreview({ text }: { text: string }) {
  const blocks = text.split(/\n\s*\n/).filter((b) => b.trim() !== '');
  return (
    <div className="story-preview" data-testid="story-preview">
      {blocks.length === 0 ? <p className="muted">The story appears here as you write it.</p> : blocks.map(block)}
    </div>
  );
}
