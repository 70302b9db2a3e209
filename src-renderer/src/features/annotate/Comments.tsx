import { useEffect, useState } from 'react';
import { useAnalysis, useAnalyst } from '../../state/stores';
import { useShallow } from 'zustand/react/shallow';

function when(at: string): string {
  return `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

/** Earlier comments on the node, oldest first, and a box for a new one (Ctrl+Enter sends). */
export function Comments({ node }: { node: string }) {
  const comments = useAnalysis(useShallow((s) => s.state?.comments.filter((c) => c.node === node) ?? []));
  const record = useAnalysis((s) => s.record);
  const analyst = useAnalyst((s) => s.info?.name);
  const loadAnalyst = useAnalyst((s) => s.load);
  useEffect(() => {
    if (analyst === undefined) void loadAnalyst();
  }, [analyst, loadAnalyst]);
  const [text, setText] = useState('');
  const send = () => {
    if (!text.trim()) return;
    void record({ type: 'comment', node, text: text.trim() });
    setText('');
  };
  return (
    <div className="comments">
      {comments.length ? (
        <ol>
          {comments.map((c) => (
            <li key={c.seq} data-testid="comment">
              <div className="muted">
                <span data-testid="comment-analyst">{c.analyst}</span> · {when(c.at)}
              </div>
              <div className="comment-text">{c.text}</div>
            </li>
          ))}
        </ol>
      ) : null}
      <textarea
        value={text}
        rows={2}
        placeholder="Comment on this event…"
        aria-label="Comment"
        data-testid="comment-input"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send();
        }}
      />
      <button onClick={send} disabled={!text.trim()} data-testid="comment-send">
        Comment
      </button>
      {analyst !== undefined && (
        <span className="muted comment-as" data-testid="comment-as">
          as {analyst} (Journal tab to change)
        </span>
      )}
    </div>
  );
}
