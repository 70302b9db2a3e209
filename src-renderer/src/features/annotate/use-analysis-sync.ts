import { useEffect } from 'react';
import { useAnalysis } from '../../state/analysis';
import { useCaseData } from '../../state/case-data';
import { useNodeIndex } from '../../state/node-index';

/** Loads the analysis when a case opens, and the event → node index for each case or filter change. */
export function useAnalysisSync(): void {
  const casePath = useCaseData((s) => s.info?.path);
  const events = useCaseData((s) => s.info?.events);
  const filter = useCaseData((s) => s.filter);
  const load = useAnalysis((s) => s.load);
  const loadNodes = useNodeIndex((s) => s.load);
  useEffect(() => {
    if (casePath) void load();
  }, [casePath, load]);
  useEffect(() => {
    if (casePath) void loadNodes(filter);
  }, [casePath, events, filter, loadNodes]);
}
