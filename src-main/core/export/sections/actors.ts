// The report's "Chains of responsibility" section (issue 19): each human → agent → tool server →
// identity chain with its hops' evidence, identities acting for several people, and destructive calls.
import type { Attribution, Hop } from '../../../shared/attribution';
import { escapeXml as esc } from '../svg-graph';

const md = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const hopWords = (hop: Hop): string =>
  `${hop.from.id} → ${hop.to.id}: ${hop.evidence.map((e) => `${e.rule} (${e.strength}, ${e.count}×)`).join('; ')}`;
const chainWords = (c: Attribution['chains'][number]): string => [c.human, c.agent, c.tool_server, c.identity].filter(Boolean).join(' → ');
const destructiveOf = (a: Attribution) => a.identities.filter((i) => i.destructive.length > 0 && (i.agent || i.type === 'human'));

export function actorsMarkdown(a: Attribution | undefined): string[] {
  if (!a) return [];
  const out = ['## Chains of responsibility', ''];
  if (a.chains.length === 0) out.push('> No human, agent or impersonating identity was found in the evidence.', '');
  else {
    out.push('| Chain | API calls | Hops and their evidence |', '|---|---|---|');
    for (const c of a.chains) out.push(`| ${md(chainWords(c))} | ${c.api_calls} | ${md(c.hops.map(hopWords).join('<br>') || '—')} |`);
    out.push('');
  }
  for (const s of a.shared_identities) out.push(`- **${s.identity}** acted for ${s.humans.length} people: ${s.humans.join(', ')}`);
  for (const m of a.multi_identity_humans)
    out.push(`- **${m.human}** reached the cluster through ${m.identities.length} identities: ${m.identities.join(', ')}`);
  const destructive = destructiveOf(a);
  if (destructive.length > 0) {
    out.push('', '### Destructive calls by people and agents', '');
    for (const i of destructive)
      for (const d of i.destructive)
        out.push(
          `- ${i.id}: ${d.class} — ${d.verb} ${d.resource}${d.namespace ? ` in ${d.namespace}` : ''} ×${d.count} (events ${d.event_ids.join(', ')})`,
        );
  }
  out.push('');
  return out;
}

export function actorsHtml(a: Attribution | undefined): string {
  if (!a) return '';
  const rows = a.chains
    .map(
      (c) =>
        `<tr><td>${esc(chainWords(c))}</td><td>${c.api_calls}</td><td>${c.hops.map((h) => esc(hopWords(h))).join('<br>') || '—'}</td></tr>`,
    )
    .join('');
  const flags = [
    ...a.shared_identities.map(
      (s) => `<li><strong>${esc(s.identity)}</strong> acted for ${s.humans.length} people: ${esc(s.humans.join(', '))}</li>`,
    ),
    ...a.multi_identity_humans.map(
      (m) =>
        `<li><strong>${esc(m.human)}</strong> reached the cluster through ${m.identities.length} identities: ${esc(m.identities.join(', '))}</li>`,
    ),
  ];
  const destructive = destructiveOf(a).flatMap((i) =>
    i.destructive.map(
      (d) =>
        `<li>${esc(i.id)}: ${esc(d.class)} — ${esc(`${d.verb} ${d.resource}${d.namespace ? ` in ${d.namespace}` : ''}`)} ×${d.count} (events ${d.event_ids.join(', ')})</li>`,
    ),
  );
  return [
    '<h2>Chains of responsibility</h2>',
    a.chains.length === 0
      ? '<p class="missing">No human, agent or impersonating identity was found in the evidence.</p>'
      : `<table><thead><tr><th>Chain</th><th>API calls</th><th>Hops and their evidence</th></tr></thead><tbody>${rows}</tbody></table>`,
    flags.length ? `<ul>${flags.join('')}</ul>` : '',
    destructive.length ? `<h3>Destructive calls by people and agents</h3><ul>${destructive.join('')}</ul>` : '',
  ].join('');
}
