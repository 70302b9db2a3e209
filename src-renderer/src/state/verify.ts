// Re-verifying the case: the run, its progress (polled while the request that runs it is pending) and how
// it ended. Kept apart from the panel so that a run survives the sidebar switching tabs.
import { create } from 'zustand';
import type { VerifyProgress } from '../../../src-main/shared/contract';
import { api } from '../api';
import { useCaseData } from './case-data';

interface VerifyState {
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

export const useVerify = create<VerifyState>((set, get) => {
  function poll(): void {
    setTimeout(() => {
      if (!get().busy) return;
      void api.verifyProgress({}).then((result) => {
        if (get().busy && result.ok && result.value.active) set({ progress: result.value });
        poll();
      });
    }, POLL_MS);
  }
  return {
    busy: false,
    cancelled: false,
    trusting: false,
    run: async () => {
      if (get().busy) return;
      set({ busy: true, progress: undefined, cancelled: false, error: undefined });
      poll();
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
      if (result.ok) await useCaseData.getState().refresh();
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
      if (result.ok) await useCaseData.getState().refresh();
    },
  };
});
