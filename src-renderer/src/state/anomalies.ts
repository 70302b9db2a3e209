// Attribution and anomaly findings of the open case (issue 19), asked for when the Actors & anomalies
// view opens and again after a journal change (a dismissal, its undo). Made by a factory so a test gets
// a fresh store over its own api.
import { create } from 'zustand';
import type { Attribution, FindingsReport } from '../../../src-main/shared/attribution';
import type { Api } from '../../../src-main/shared/contract';
import { api } from '../api';

export interface AnomaliesState {
  attribution?: Attribution;
  findings?: FindingsReport;
  /** Each supporting event of an open finding → that finding's rule (the first listed, the strongest), for graph markers. */
  flagged: ReadonlyMap<number, string>;
  loading: boolean;
  error?: string;
  /** Loads both; a later call supersedes an earlier one still running. */
  load(): Promise<void>;
}

export function createAnomaliesStore(client: Pick<Api, 'attribution' | 'findings'>) {
  let generation = 0;
  return create<AnomaliesState>((set) => ({
    loading: false,
    flagged: new Map(),
    async load() {
      const mine = ++generation;
      set({ loading: true, error: undefined });
      const [attribution, findings] = await Promise.all([client.attribution({}), client.findings({})]);
      if (mine !== generation) return;
      if (!attribution.ok) return set({ loading: false, error: attribution.message });
      if (!findings.ok) return set({ loading: false, error: findings.message });
      const flagged = new Map<number, string>();
      for (const f of findings.value.findings)
        if (!f.dismissed) for (const id of f.event_ids) if (!flagged.has(id)) flagged.set(id, f.rule);
      set({ loading: false, attribution: attribution.value, findings: findings.value, flagged });
    },
  }));
}

export const useAnomalies = createAnomaliesStore(api);
