// Who the analyst is: the name new journal entries are signed with, as the main side decides it (their
// setting, CAUSA_ANALYST, or the OS account). Setting it is kept for every case, not in this one.
import { create } from 'zustand';
import type { AnalystInfo, Api } from '../../../src-main/shared/contract';

interface AnalystStore {
  info?: AnalystInfo;
  error?: string;
  load(): Promise<void>;
  /** Resolves true once the name is kept; false (with `error` set) when it was refused. */
  setName(name: string): Promise<boolean>;
}

export function createAnalystStore(api: Pick<Api, 'analyst' | 'setAnalyst'>) {
  return create<AnalystStore>((set) => ({
    async load() {
      const result = await api.analyst({});
      set(result.ok ? { info: result.value, error: undefined } : { error: result.message });
    },
    async setName(name) {
      const result = await api.setAnalyst({ name });
      set(result.ok ? { info: result.value, error: undefined } : { error: result.message });
      return result.ok;
    },
  }));
}
