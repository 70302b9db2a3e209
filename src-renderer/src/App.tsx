import { useEffect, useState } from 'react';
import { api } from './api';
import { FindingsBoard } from './features/annotate/FindingsBoard';
import { JournalView } from './features/annotate/JournalView';
import { StoryEditor } from './features/annotate/StoryEditor';
import { useAnalysisSync } from './features/annotate/use-analysis-sync';
import { CaseHeader } from './features/case/CaseHeader';
import { FilterBar } from './features/case/FilterBar';
import { SourcesPanel } from './features/case/SourcesPanel';
import { Tabs } from './features/case/Tabs';
import { VerticalSplit } from './features/case/VerticalSplit';
import { BackgroundGroups } from './features/graph/BackgroundGroups';
import { GuardrailsPanel } from './features/guardrails/GuardrailsPanel';
import { CompareView } from './features/compare/CompareView';
import { GraphView } from './features/graph/GraphView';
import { DropZone } from './features/import/DropZone';
import { ImportReportPanel } from './features/import/ImportReportPanel';
import { Inspector } from './features/inspector/Inspector';
import { QueryBox } from './features/query/QueryBox';
import { SavedViews } from './features/query/SavedViews';
import { ShortcutHelp } from './features/layout/ShortcutHelp';
import { Workspace } from './features/layout/Workspace';
import { Timeline } from './features/timeline/Timeline';
import { LowerPane } from './features/spans/LowerPane';
import { AnomaliesView } from './features/findings/AnomaliesView';
import { VerificationPanel } from './features/verify/VerificationPanel';
import { useAnalysis, useCaseData, useSelection, useView } from './state/stores';

function Sidebar() {
  const tab = useView((s) => s.sidebar);
  const show = useView((s) => s.showSidebar);
  const findings = useAnalysis((s) => s.state?.roles.length);
  return (
    <div className="sidebar">
      <Tabs
        label="Sidebar"
        active={tab}
        onSelect={show}
        springLoaded={['findings']}
        tabs={[
          { id: 'evidence', title: 'Evidence' },
          { id: 'findings', title: 'Findings', badge: findings },
        ]}
      />
      {tab === 'evidence' ? (
        <>
          <VerificationPanel />
          <SavedViews />
          <BackgroundGroups />
          <SourcesPanel />
        </>
      ) : (
        <FindingsBoard />
      )}
    </div>
  );
}

/** The graph's share of the centre on a first visit: more of a short window, where the chain needs the height. */
function graphShare(): number {
  return window.innerHeight < 820 ? 0.76 : 0.6;
}

function Center() {
  const tab = useView((s) => s.center);
  const show = useView((s) => s.showCenter);
  const entries = useAnalysis((s) => s.state?.entries);
  return (
    <div className="center">
      <Tabs
        label="Views"
        active={tab}
        onSelect={show}
        tabs={[
          { id: 'timeline', title: 'Graph & timeline' },
          { id: 'story', title: 'Story & report' },
          { id: 'journal', title: 'Journal', badge: entries },
          { id: 'actors', title: 'Actors & anomalies' },
          { id: 'guardrails', title: 'Guardrails' },
          { id: 'compare', title: 'Compare' },
        ]}
      />
      {/* The graph and the timeline share the main area: a responder reads the chain and the rows together.
          They stay mounted so that the layout, scroll position and loaded pages survive a visit to the story. */}
      <div className="center-body" hidden={tab !== 'timeline'}>
        <VerticalSplit
          top={<GraphView />}
          bottom={<LowerPane timeline={<Timeline />} />}
          storageKey="causa.split.graph"
          initial={graphShare()}
        />
      </div>
      {tab === 'story' && <StoryEditor />}
      {tab === 'journal' && <JournalView />}
      {tab === 'actors' && <AnomaliesView />}
      {tab === 'guardrails' && <GuardrailsPanel />}
      {tab === 'compare' && <CompareView />}
    </div>
  );
}

export function App() {
  const refresh = useCaseData((s) => s.refresh);
  const [canOpenDialog, setCanOpenDialog] = useState(false);
  useAnalysisSync();
  useEffect(() => {
    void refresh().then(() => useSelection.getState().openOnIncident());
    void api.capabilities({}).then((result) => setCanOpenDialog(result.ok && result.value.open_dialog));
  }, [refresh]);
  return (
    <DropZone>
      <div className="app">
        <CaseHeader canOpenDialog={canOpenDialog} />
        <QueryBox />
        <FilterBar />
        <Workspace sidebar={<Sidebar />} center={<Center />} inspector={<Inspector />} />
        <ImportReportPanel />
        <ShortcutHelp />
      </div>
    </DropZone>
  );
}
