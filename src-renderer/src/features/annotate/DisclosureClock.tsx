import { useState } from 'react';
import { useAnalysis } from '../../state/stores';
import { dueAt, formatUtc, fromInputValue, remaining, toInputValue } from './clock';
import { useShallow } from 'zustand/react/shallow';

function AwarenessInput() {
  const awareness = useAnalysis((s) => s.state?.awareness);
  const record = useAnalysis((s) => s.record);
  const [draft, setDraft] = useState<string>();
  const value = draft ?? toInputValue(awareness);
  const save = () => {
    if (draft === undefined) return;
    const at = draft === '' ? null : fromInputValue(draft);
    setDraft(undefined);
    if (at !== undefined && at !== (awareness ?? null)) void record({ type: 'awareness', at });
  };
  return (
    <label className="story-field">
      <span>Awareness time (UTC)</span>
      <span className="inline-form">
        <input
          type="datetime-local"
          value={value}
          aria-label="Awareness time (UTC)"
          data-testid="awareness-input"
          onChange={(e) => setDraft(e.target.value)}
          onBlur={save}
          onKeyDown={(e) => e.key === 'Enter' && save()}
        />
        <button onClick={save} disabled={draft === undefined} data-testid="awareness-set">
          Set
        </button>
      </span>
      {/* The browser shows the field in its locale's format; this says the same instant unambiguously. */}
      <span className="awareness-echo" data-testid="awareness-echo">
        {awareness ? `aware since ${formatUtc(new Date(awareness))}` : 'not set: the deadlines count from it'}
      </span>
    </label>
  );
}

function AddDeadline() {
  const record = useAnalysis((s) => s.record);
  const [name, setName] = useState('');
  const [hours, setHours] = useState('');
  const value = Number(hours);
  const valid = name.trim() !== '' && Number.isFinite(value) && value > 0;
  const add = () => {
    if (!valid) return;
    void record({ type: 'deadline', name: name.trim().slice(0, 100), hours: value });
    setName('');
    setHours('');
  };
  return (
    <div className="inline-form">
      <input
        value={name}
        placeholder="Deadline, e.g. SEC 8-K"
        aria-label="Deadline name"
        data-testid="deadline-name"
        onChange={(e) => setName(e.target.value)}
      />
      <input
        className="hours"
        type="number"
        min={1}
        value={hours}
        placeholder="h"
        aria-label="Hours after awareness"
        data-testid="deadline-hours"
        onChange={(e) => setHours(e.target.value)}
      />
      <button onClick={add} disabled={!valid} data-testid="deadline-add">
        Add
      </button>
    </div>
  );
}

/** When each disclosure is due, counted from awareness; the incident is usually past, so both are shown. */
export function DisclosureClock() {
  const awareness = useAnalysis((s) => s.state?.awareness);
  const deadlines = useAnalysis(useShallow((s) => s.state?.deadlines ?? []));
  const record = useAnalysis((s) => s.record);
  const now = new Date();
  return (
    <section className="clock" aria-label="Disclosure clock" data-testid="disclosure-clock">
      <h3>Disclosure clock</h3>
      <AwarenessInput />
      <ul className="deadlines">
        {deadlines.map((d) => {
          const due = awareness ? dueAt(awareness, d.hours) : undefined;
          const left = due && remaining(due, now);
          return (
            <li key={d.name} data-testid="deadline" data-name={d.name}>
              <div className="deadline-name">
                {d.name} <span className="muted">+{d.hours} h</span>
              </div>
              <div data-testid="deadline-due">
                {due ? (
                  <>
                    due {formatUtc(due)} {left ? <strong className="warn">{left}</strong> : <span className="muted">(passed)</span>}
                  </>
                ) : (
                  <span className="muted">set the awareness time</span>
                )}
              </div>
              <button
                className="icon"
                aria-label={`Remove ${d.name}`}
                onClick={() => void record({ type: 'deadline', name: d.name, hours: null })}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
      <AddDeadline />
    </section>
  );
}
