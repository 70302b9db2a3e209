// The centre's lower pane under the graph: the timeline or the span waterfall. Both stay mounted, so the
// timeline keeps its loaded pages and scroll position while the waterfall is shown.
import { useState, type ReactNode } from 'react';
import { Tabs } from '../case/Tabs';
import { SpanWaterfall } from './SpanWaterfall';
import './spans.css';

type LowerTab = 'rows' | 'spans';

export function LowerPane({ timeline }: { timeline: ReactNode }) {
  const [tab, setTab] = useState<LowerTab>('rows');
  return (
    <div className="lower-pane">
      <Tabs<LowerTab>
        label="Lower pane"
        active={tab}
        onSelect={setTab}
        tabs={[
          { id: 'rows', title: 'Timeline' },
          { id: 'spans', title: 'Span waterfall' },
        ]}
      />
      <div className="lower-body" hidden={tab !== 'rows'}>
        {timeline}
      </div>
      {tab === 'spans' && <SpanWaterfall />}
    </div>
  );
}
