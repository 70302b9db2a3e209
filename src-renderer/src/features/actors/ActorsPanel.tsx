import type { Attribution, Hop } from '../../../../src-main/shared/attribution';
import './actors.css';

const KIND: Record<Hop['from']['kind'], string> = { human: 'human', agent: 'agent', tool_server: 'tool server', identity: 'identity' };

function HopLine({ hop }: { hop: Hop }) {
  return (
    <li className={`hop hop-${hop.strength}`} data-testid="actors-hop">
      <span className="hop-ends">
        {KIND[hop.from.kind]} <b>{hop.from.id}</b> → {KIND[hop.to.kind]} <b>{hop.to.id}</b>
      </span>
      <span className="hop-evidence">{hop.evidence.map((e) => `${e.rule} · ${e.strength} · ${e.count}× (${e.fields})`).join('; ')}</span>
    </li>
  );
}

/** Chains of responsibility, then what each identity did; destructive calls apart. */
export function ActorsPanel({ attribution }: { attribution: Attribution }) {
  const identities = attribution.identities.filter((i) => i.type !== 'system' || i.destructive.length > 0);
  return (
    <section className="actors" aria-label="Actors" data-testid="actors-panel">
      <h2>Chains of responsibility</h2>
      {attribution.chains.length === 0 && <p className="muted">No human, agent or impersonating identity in the evidence.</p>}
      <ol className="actor-chains">
        {attribution.chains.map((c) => (
          <li
            key={`${c.human}|${c.agent ?? ''}|${c.tool_server ?? ''}|${c.identity ?? ''}`}
            data-testid="actors-chain"
            className={c.agent ? 'agentic' : ''}
          >
            <div className="chain-parties">
              <span className="party human">{c.human}</span>
              {c.agent && <span className="party agent">{c.agent}</span>}
              {c.tool_server && <span className="party server">{c.tool_server}</span>}
              {c.identity && <span className="party identity">{c.identity}</span>}
              <span className="chain-calls">
                {c.api_calls} API call{c.api_calls === 1 ? '' : 's'}
              </span>
            </div>
            <ul className="hops">
              {c.hops.map((h) => (
                <HopLine key={`${h.from.kind}:${h.from.id}>${h.to.kind}:${h.to.id}`} hop={h} />
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {(attribution.shared_identities.length > 0 || attribution.multi_identity_humans.length > 0) && (
        <ul className="actor-flags" data-testid="actors-flags">
          {attribution.shared_identities.map((s) => (
            <li key={s.identity}>
              <b>{s.identity}</b> acted for {s.humans.length} people: {s.humans.join(', ')}
            </li>
          ))}
          {attribution.multi_identity_humans.map((m) => (
            <li key={m.human}>
              <b>{m.human}</b> reached the cluster through {m.identities.length} identities: {m.identities.join(', ')}
            </li>
          ))}
        </ul>
      )}
      <h2>Identities</h2>
      <table className="identities">
        <thead>
          <tr>
            <th>Identity</th>
            <th>Calls</th>
            <th>Allowed</th>
            <th>Denied</th>
            <th>Failed</th>
            <th>Namespaces</th>
            <th>Most frequent</th>
          </tr>
        </thead>
        <tbody>
          {identities.map((i) => (
            <tr key={i.id} data-testid="actors-identity" className={i.agent ? 'agent' : ''}>
              <td>
                <span className="identity-id">{i.id}</span>
                {i.agent && <span className="identity-tag">agent</span>}
                {i.humans.length > 0 && <div className="muted">for {i.humans.join(', ')}</div>}
                {i.destructive.map((d) => (
                  <div
                    key={`${d.class}|${d.verb}|${d.resource}|${d.namespace ?? ''}`}
                    className="destructive"
                    data-testid="actors-destructive"
                  >
                    {d.class.replace('_', ' ')}: {d.verb} {d.resource}
                    {d.namespace ? ` in ${d.namespace}` : ''} ×{d.count}
                  </div>
                ))}
              </td>
              <td>{i.calls}</td>
              <td>{i.allowed}</td>
              <td className={i.denied ? 'denied' : ''}>{i.denied}</td>
              <td>{i.failed}</td>
              <td>{i.namespaces.join(', ') || '—'}</td>
              <td className="muted">
                {i.verbs
                  .slice(0, 3)
                  .map((v) => `${v.verb} ${v.resource} ${v.count}`)
                  .join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
