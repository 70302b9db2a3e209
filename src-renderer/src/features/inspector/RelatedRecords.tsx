import type { MethodOutput } from '../../../../src-main/shared/contract';
import { useSelection } from '../../state/stores';

type Detail = MethodOutput<'getEvent'>;

/**
 * The records an event belongs with: the stages of its audited API call (the timeline shows one row per
 * call, its latest stage) and the same record in other sources. Each opens in the inspector.
 */
export function RelatedRecords({ detail }: { detail: Detail }) {
  const select = useSelection((s) => s.select);
  const stages = detail.api_call?.stages ?? [];
  const duplicates = detail.duplicates ?? [];
  if (stages.length < 2 && duplicates.length === 0) return null;
  return (
    <section className="related" data-testid="related-records">
      {stages.length > 1 && (
        <>
          <h3>Stages of API call {detail.api_call!.audit_id}</h3>
          <ol data-testid="call-stages">
            {stages.map((stage) => (
              <li key={stage.id}>
                <button type="button" className="link" disabled={stage.id === detail.event.id} onClick={() => select(stage.id)}>
                  {stage.stage}
                </button>{' '}
                <span className="muted">
                  {stage.time ?? ''} · {stage.source_name} #{stage.id}
                  {stage.id === detail.api_call!.latest_id ? ' · shown in the timeline' : ''}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
      {duplicates.length > 0 && (
        <>
          <h3>Same record in other sources</h3>
          <ul data-testid="duplicates">
            {duplicates.map((copy) => (
              <li key={copy.id}>
                <button type="button" className="link" onClick={() => select(copy.id)}>
                  #{copy.id}
                </button>{' '}
                <span className="muted">
                  {copy.source_name} · {copy.same_bytes ? 'same bytes' : 'same auditID and stage, different bytes'}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
