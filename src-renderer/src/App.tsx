import { useEffect, useState } from 'react';
import { api } from './api';
import { CaseHeader } from './features/case/CaseHeader';
import { FilterBar } from './features/case/FilterBar';
import { SourcesPanel } from './features/case/SourcesPanel';
import { VerticalSplit } from './features/case/VerticalSplit';
import { BackgroundGroups } from './features/graph/BackgroundGroups';
import { GraphView } from './features/graph/GraphView';
import { DropZone } from './features/import/DropZone';
import { ImportReportPanel } from './features/import/ImportReportPanel';
import { Inspector } from './features/inspector/Inspector';
import { Timeline } from './features/timeline/Timeline';
import { VerificationPanel } from './features/verify/VerificationPanel';
import { useCaseData } from './state/case-data';

export function App() {
  const refresh = useCaseData((s) => s.refresh);
  const [canOpenDialog, setCanOpenDialog] = useState(false);
  useEffect(() => {
    void refresh();
    void api.capabilities({}).then((result) => setCanOpenDialog(result.ok && result.value.open_dialog));
  }, [refresh]);
  return (
    <DropZone>
      <div className="app">
        <CaseHeader canOpenDialog={canOpenDialog} />
        <FilterBar />
        <main className="workspace">
          <div className="sidebar">
            <VerificationPanel />
            <BackgroundGroups />
            <SourcesPanel />
          </div>
          {/* The graph and the timeline share the main area: a responder reads the chain and the rows together. */}
          <VerticalSplit top={<GraphView />} bottom={<Timeline />} />
          <Inspector />
        </main>
        <ImportReportPanel />
      </div>
    </DropZone>
  );
}
