// Jumping from a finding to its events: the timeline narrowed to the identity over the finding's span,
// its first event selected (the selection follows a new filter and scrolls to the row), the graph &
// timeline view shown.
import type { Finding } from '../../../../src-main/shared/attribution';
import { useCaseData } from '../../state/stores';
import { useSelection } from '../../state/stores';
import { useView } from '../../state/stores';

/** The bound after `iso` by one millisecond: the finding's times are cut to milliseconds, events are not. */
const afterMs = (iso: string): string => new Date(Date.parse(iso) + 1).toISOString();

export function jumpToFinding(finding: Finding): void {
  const first = finding.event_ids[0];
  if (first !== undefined) useSelection.getState().select(first);
  useCaseData.getState().setFilter({
    actor: finding.identity,
    ...(finding.first ? { since: finding.first } : {}),
    ...(finding.last ? { until: afterMs(finding.last) } : {}),
  });
  useView.getState().showCenter('timeline');
}
