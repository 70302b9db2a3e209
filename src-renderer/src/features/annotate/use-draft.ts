import { useRef, useState } from 'react';

export interface Draft {
  value: string;
  dirty: boolean;
  set(value: string): void;
  /** After `value` was saved: drop the draft unless the analyst typed on meanwhile. */
  saved(value: string): void;
}

/**
 * A text field over a value the journal holds: it shows the saved value until the analyst edits, then
 * their draft until it is saved. An undo that changes the saved value shows through unless a draft is open.
 */
export function useDraft(saved: string): Draft {
  const [draft, setDraft] = useState<string>();
  const current = useRef<string | undefined>(undefined);
  return {
    value: draft ?? saved,
    dirty: draft !== undefined && draft !== saved,
    set(value) {
      current.current = value;
      setDraft(value);
    },
    saved(value) {
      if (current.current !== value) return;
      current.current = undefined;
      setDraft(undefined);
    },
  };
}
