import { useRef, useState } from 'react';

export interface Draft {
  value: string;
  dirty: boolean;
  set(value: string): void;
  /**
   * Saves the draft once: leaving the field and pressing Save both ask, and the second finds the same
   * text already on its way. Once saved, the draft is dropped unless the analyst typed on meanwhile;
   * a refused save keeps it.
   */
  commit(write: (value: string) => Promise<boolean>): void;
}

/**
 * A text field over a value the journal holds: it shows the saved value until the analyst edits, then
 * their draft until it is saved. An undo that changes the saved value shows through unless a draft is open.
 */
export function useDraft(saved: string): Draft {
  const [draft, setDraft] = useState<string>();
  const current = useRef<string | undefined>(undefined);
  const pending = useRef<string | undefined>(undefined);
  const dirty = draft !== undefined && draft !== saved;
  return {
    value: draft ?? saved,
    dirty,
    set(value) {
      current.current = value;
      setDraft(value);
    },
    commit(write) {
      const value = current.current;
      if (!dirty || value === undefined || pending.current === value) return;
      pending.current = value;
      void write(value).then((ok) => {
        pending.current = undefined;
        if (!ok || current.current !== value) return;
        current.current = undefined;
        setDraft(undefined);
      });
    },
  };
}
