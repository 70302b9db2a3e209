import { useEffect } from 'react';
import { useAnalysis, useCaseData } from '../../state/stores';

/** Loads the analysis when a case opens (the graph store keeps the event → node index, from each graph it loads). */
export function useAnalysisSync(): void {
  const casePath = useCaseData((s) => s.info?.path);
  const load = useAnalysis((s) => s.load);
  useEffect(() => {
    if (casePath) void load();
  }, [casePath, load]);
}
