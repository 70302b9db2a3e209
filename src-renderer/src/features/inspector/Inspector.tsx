import { useState, type ReactNode } from 'react';
import type { EventJson } from '../../../../src-main/shared/model';
import { useSelection } from '../../state/stores';
import { EventAnnotations } from '../annotate/EventAnnotations';
import { targetLabel } from '../timeline/format';
import { VerdictBadge } from '../verify/VerdictBadge';
import { AroundEvent } from '../query/AroundEvent';
import { RelatedRecords } from './RelatedRecords';
import { NodeEdges } from './NodeEdges';
import { SpanChat } from './SpanChat';
import './inspector.css';

function Field({ label, value }: { label: string; value: ReactNode }) {
  if (value === undefined || value === null || value === '') return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function NormalizedFields({ event, sourceName }: { event: EventJson; sourceName: string }) {
  const keys = event.keys ?? {};
  return (
    <dl className="fields" data-testid="normalized-fields">
      <Field label="Verdict" value={<VerdictBadge verdict={event.verdict ?? 'unverifiable'} long />} />
      <Field label="Time (UTC)" value={event.time} />
      <Field label="Kind" value={event.kind} />
      <Field label="Action" value={event.action} />
      <Field label="Outcome" value={<span className={`badge outcome-${event.outcome}`}>{event.outcome}</span>} />
      <Field label="Actor" value={event.actor && `${event.actor.id} (${event.actor.type.replace('_', ' ')})`} />
      <Field label="On behalf of" value={event.actor?.on_behalf_of} />
      <Field label="API group" value={event.target?.api_group} />
      <Field label="Resource" value={event.target?.resource} />
      <Field label="Namespace" value={event.target?.namespace} />
      <Field label="Name" value={event.target?.name} />
      <Field label="Object uid" value={event.target?.uid} />
      <Field
        label="Authorization"
        value={event.authz && `${event.authz.decision}${event.authz.reason ? ` — ${event.authz.reason}` : ''}`}
      />
      {Object.entries(keys)
        .filter(([key, value]) => !(key === 'object_uid' && value === event.target?.uid))
        .map(([key, value]) => (
          <Field key={key} label={key.replace(/_/g, ' ')} value={Array.isArray(value) ? value.join(', ') : value} />
        ))}
      <Field label="Text" value={event.text} />
      <Field label="Source" value={`${sourceName}, line ${event.position}`} />
      <Field label="Wrapper" value={event.wrapper} />
      <Field label="Raw sha256" value={<code className="hash">{event.raw_sha256}</code>} />
    </dl>
  );
}

function RawRecord({ raw }: { raw: string }) {
  const [formatted, setFormatted] = useState(false);
  let pretty: string | undefined;
  if (formatted) {
    try {
      pretty = JSON.stringify(JSON.parse(raw), null, 2);
    } catch {
      pretty = undefined;
    }
  }
  return (
    <section className="raw" id="raw-record">
      <header>
        <h3>Raw record</h3>
        <label className="toggle">
          <input type="checkbox" checked={formatted} onChange={(e) => setFormatted(e.target.checked)} /> formatted view
        </label>
      </header>
      <p className="hint">
        {formatted ? 'Re-indented for reading; the evidence is the exact bytes.' : 'Exact bytes as the source recorded them.'}
      </p>
      <pre data-testid="raw-record" className={formatted ? 'formatted' : 'exact'}>
        {pretty ?? raw}
      </pre>
    </section>
  );
}

/** What a document record is read with (an OTLP span's resource and scope), kept beside its own bytes. */
function RecordContext({ context }: { context: { text: string; sha256: string } }) {
  return (
    <section className="raw">
      <header>
        <h3>Context</h3>
      </header>
      <p className="hint">
        The values around this record in its document, by JSON path, exact bytes (sha256 <code className="hash">{context.sha256}</code>).
      </p>
      <pre data-testid="raw-context" className="exact">
        {context.text}
      </pre>
    </section>
  );
}

export function Inspector() {
  const detail = useSelection((s) => s.detail);
  const selectedId = useSelection((s) => s.selectedId);
  const error = useSelection((s) => s.error);
  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      {selectedId === undefined && <p className="placeholder">Select an event to inspect its fields and raw record.</p>}
      {error && <p className="error">{error}</p>}
      {detail && (
        <>
          <h2>
            <span className={`badge kind-${detail.event.kind}`}>{detail.event.kind.replace('_', ' ')}</span> {detail.event.action}{' '}
            <span className="muted">#{detail.event.id}</span>
          </h2>
          <AroundEvent event={detail.event} />
          <EventAnnotations
            eventId={detail.event.id}
            fallbackLabel={`${detail.event.action ?? detail.event.kind} ${targetLabel(detail.event)}`.trim()}
          />
          <NodeEdges />
          {detail.chat && <SpanChat chat={detail.chat} />}
          <NormalizedFields event={detail.event} sourceName={detail.source_name} />
          <RelatedRecords detail={detail} />
          <RawRecord raw={detail.raw} />
          {detail.context && <RecordContext context={detail.context} />}
        </>
      )}
    </aside>
  );
}
