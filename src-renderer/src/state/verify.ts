// Re-verifying the case: the run, its progress (polled while the request that runs it is pending) and how
// it ended. Kept apart from the panel so that a run survives the sidebar switching tabs. What a finished
// run or a change of trust sets off (the case data read again) is a reaction declared in app-stores.ts.
import { create } from 'zustand';
import type { Api, VerifyProgress } from '../../../src-main/shared/contract';
import { pollWhileBusy } from '../lib/poll';

export interface VerifyState {
  busy: boolean;
  /** What the main side says it is doing, polled while busy. */
  progress?: VerifyProgress;
  /** How much the last completed run re-checked: its final progress, counts at their totals. */
  last?: VerifyProgress;
  cancelled: boolean;
  error?: string;
  /** A trustSigner call under way, and why the last one failed. */
  trusting: boolean;
  trustError?: string;
  run(): Promise<void>;
  cancel(): Promise<void>;
  /** Trusts a bundle's signer for this case or always; the verdicts shown are then re-read. */
  trust(fingerprint: string, scope: 'case' | 'always'): Promise<void>;
}

const POLL_MS = 250;

export interface VerifyDeps {
  api: Pick<Api, 'verifyCase' | 'verifyProgress' | 'cancelVerify' | 'trustSigner'>;
  /** Run after a completed run or a trust change: every row's verdict may have changed. */
  onVerdictsChanged: () => Promise<void>;
}

export function createVerifyStore({ api, onVerdictsChanged }: VerifyDeps) {
  return create<VerifyState>((set, get) => ({
    busy: false,
    cancelled: false,
    trusting: false,
    run: async () => {
      if (get().busy) return;
      set({ busy: true, progress: undefined, cancelled: false, error: undefined });
      void pollWhileBusy({
        busy: () => get().busy,
        fetch: () => api.verifyProgress({}),
        onProgress: (result) => result.ok && result.value.active && set({ progress: result.value }),
        intervalMs: POLL_MS,
      });
      const result = await api.verifyCase({});
      // The run is over: its final counts are what it checked (a cancelled run has none to show).
      const final = result.ok ? await api.verifyProgress({}) : undefined;
      set({
        busy: false,
        progress: undefined,
        ...(final?.ok ? { last: final.value } : {}),
        cancelled: !result.ok && result.code === 'cancelled',
        error: result.ok || result.code === 'cancelled' ? undefined : result.message,
      });
      if (result.ok) await onVerdictsChanged();
    },
    cancel: async () => {
      await api.cancelVerify({});
    },
    trust: async (fingerprint, scope) => {
      if (get().trusting) return;
      set({ trusting: true, trustError: undefined });
      const result = await api.trustSigner({ fingerprint, scope });
      set({ trusting: false, trustError: result.ok ? undefined : result.message });
      // Every row's verdict depends on trust: the case's data is read again.
      if (result.ok) await onVerdictsChanged();
    },
  }));
}
