import { useEffect, useState } from 'react';
import { useAnalyst } from '../../state/stores';

const FROM = {
  setting: 'your name, kept for every case',
  environment: 'set for this run by CAUSA_ANALYST',
  account: 'the computer account: set your name so the journal says who you are',
} as const;

/** "Signing as NAME": who new journal entries name, and a field to set it once for every case. */
export function AnalystName() {
  const info = useAnalyst((s) => s.info);
  const error = useAnalyst((s) => s.error);
  const load = useAnalyst((s) => s.load);
  const setName = useAnalyst((s) => s.setName);
  const [draft, setDraft] = useState<string | undefined>();
  useEffect(() => {
    if (!info) void load();
  }, [info, load]);
  if (!info) return null;
  const save = async () => {
    if (draft !== undefined && (await setName(draft))) setDraft(undefined);
  };
  return (
    <div className="analyst-name" data-testid="analyst" data-source={info.source}>
      {draft === undefined ? (
        <>
          <span>
            Signing as <strong data-testid="analyst-name">{info.name}</strong>
          </span>
          <span className="muted">({FROM[info.source]})</span>
          <button data-testid="analyst-edit" onClick={() => setDraft(info.source === 'account' ? '' : info.name)}>
            {info.source === 'account' ? 'Set your name…' : 'Change…'}
          </button>
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label>
            Your name in the journal and the report{' '}
            <input
              data-testid="analyst-input"
              value={draft}
              maxLength={100}
              autoFocus
              placeholder="e.g. Dana Kim, IR team"
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setDraft(undefined);
              }}
            />
          </label>
          <button type="submit" data-testid="analyst-save" disabled={!draft.trim()}>
            Save
          </button>
          <button type="button" onClick={() => setDraft(undefined)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
