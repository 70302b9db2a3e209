// The postmortem as Markdown: one file that reads well in a ticket or a git diff. Markdown cannot embed
// an SVG portably (GitHub strips inline <svg>, and an image beside the file gets lost when the text is
// pasted), so the causal chain is written as a list of its joins instead; HTML and PDF carry the picture.
import { ROLES, ROLE_TITLES } from '../../shared/analysis';
import { actorsMarkdown } from './sections/actors';
import { anomaliesMarkdown } from './sections/anomalies';
import { guardrailsMarkdown } from './report-guardrails';
import { taintMarkdown } from './report-taint';
import { viewsMarkdown } from './sections/views';
import { recheckCommands, verificationWords, type Finding, type ReportModel } from './report-model';

function cell(text: string | undefined): string {
  return (text ?? '—').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function t(time: string | undefined): string {
  return time ? time.replace(/(\.\d{3})\d*Z$/, '$1Z') : '—';
}

function findings(list: Finding[], none: string): string[] {
  if (list.length === 0) return [`> ${none}`, ''];
  return [
    ...list.map(
      (f) =>
        `- **${f.label ?? f.what}**${f.label ? ` — ${f.what}` : ''} (${t(f.time)}, node \`${f.node}\`)${f.detail ? `  \n  ${f.detail}` : ''}`,
    ),
    '',
  ];
}

function chainList(model: ReportModel): string[] {
  const lines: string[] = [];
  for (const chain of model.chains) {
    const byId = new Map(chain.nodes.map((n) => [n.id, n]));
    lines.push(`### Chain ${chain.id}: ${chain.label}`, '');
    const order = (id: string) => byId.get(id)?.time ?? '';
    for (const edge of [...chain.edges].sort(
      (a, b) => order(a.from).localeCompare(order(b.from)) || order(a.to).localeCompare(order(b.to)),
    )) {
      const from = byId.get(edge.from);
      const to = byId.get(edge.to);
      if (!from || !to) continue;
      lines.push(`- ${t(from.time)} ${from.label} → ${to.label} _(${edge.rule}, ${edge.strength})_`);
    }
    lines.push('');
  }
  if (model.chains.length === 0) lines.push('> The graph has no linked chain.', '');
  return lines;
}

export function renderMarkdown(model: ReportModel): string {
  const a = model.attribution;
  const out: string[] = [
    `# ${model.title}`,
    '',
    [model.incident_id, model.cluster, `case ${model.case_name}`].filter(Boolean).join(' · '),
    `Evidence window ${t(model.window.first)} – ${t(model.window.last)} (${model.window.events} events) · generated ${t(model.generated_at)}`,
    '',
    '## Summary',
    '',
    model.summary ?? '> No summary has been written.',
    '',
  ];
  if (model.missing.length > 0) out.push('### Not yet decided by the analyst', '', ...model.missing.map((m) => `- ${m}`), '');
  out.push('## Who asked, who acted, on whose behalf', '');
  if (a.prompts.length === 0) out.push('> No prompt was found in the evidence: who asked the agent is not known.');
  for (const p of a.prompts) out.push(`- ${p.who} asked at ${t(p.time)}: “${p.text}”`);
  out.push(
    '',
    `- Agents: ${a.agents.join(', ') || '—'}`,
    `- Identities that called the API: ${a.identities.join(', ') || '—'}`,
    `- On behalf of: ${a.on_behalf_of.join(', ') || '—'}`,
    '',
  );
  out.push(...actorsMarkdown(model.actors), ...anomaliesMarkdown(model.anomalies));
  out.push('## Findings', '');
  for (const role of ROLES)
    out.push(
      `### ${ROLE_TITLES[role]}${role === 'root_cause' ? '' : 's'}`,
      '',
      ...findings(model.roles[role], `No ${ROLE_TITLES[role].toLowerCase()} has been assigned.`),
    );
  out.push('### From the evidence: policies not enforced, authorizations denied', '');
  out.push(...(model.graph_findings.length ? findings(model.graph_findings, '') : ['None in the graph.', '']));
  out.push(...guardrailsMarkdown(model.gap?.guardrails), ...taintMarkdown(model.gap?.taint));
  out.push('## Recommendations', '');
  out.push(
    ...(model.recommendations.length
      ? model.recommendations.map((r, i) => `${i + 1}. ${r}`)
      : ['> No recommendations have been recorded.']),
    '',
  );
  out.push('## Disclosure clock', '', '| | |', '|---|---|');
  const fa = model.clock.first_anomaly;
  out.push(`| First anomalous event | ${fa ? `${t(fa.time)} — ${cell(fa.what)} (${fa.basis})` : 'none found'} |`);
  out.push(`| Awareness (set by the analyst) | ${model.clock.awareness ? t(model.clock.awareness) : '**not set**'} |`);
  for (const d of model.clock.deadlines)
    out.push(`| ${cell(d.name)} (${d.hours} h from awareness) | ${d.due ? `**${t(d.due)}**` : 'needs an awareness time'} |`);
  out.push(
    '',
    '## Causal graph',
    '',
    'Each line is one causal join: from → to, with the rule that made it and its strength (the HTML and PDF reports draw it).',
    '',
  );
  out.push(...chainList(model));
  out.push(
    '## Attributed timeline',
    '',
    '| Time (UTC) | Lane | Who | On behalf of | What | Outcome | Evidence |',
    '|---|---|---|---|---|---|---|',
  );
  for (const r of model.timeline) {
    const roles = r.roles.map((role) => `**[${ROLE_TITLES[role]}]** `).join('');
    const what = `${roles}${r.text ? `“${r.text}”` : r.what}${r.decision ? ` — ${r.decision}` : ''}`;
    out.push(
      `| ${t(r.time)} | ${r.lane} | ${cell(r.who)} | ${cell(r.on_behalf_of)} | ${cell(what)} | ${r.notable ? `**${r.outcome}**` : r.outcome} | ${cell(r.verdict)} |`,
    );
  }
  out.push('', '## Narrative', '', model.narrative || '> No narrative has been written.', '');
  out.push(...viewsMarkdown(model.views), '## Analyst notes', '');
  for (const n of model.notes) out.push(`- ${n.what}: ${n.text} — ${n.analyst}, ${t(n.at)}`);
  for (const s of model.starred) out.push(`- ★ ${s.what}${s.tags.length ? ` [${s.tags.join(', ')}]` : ''}`);
  if (model.notes.length + model.starred.length === 0) out.push('No notes.');
  out.push('', '## Integrity', '');
  const { integrity } = model;
  if (integrity.bundles.length === 0)
    out.push('> The case holds no sealed bundle: its evidence was imported as loose files and cannot be proven unaltered.', '');
  for (const b of integrity.bundles) {
    const sig = b.signature;
    out.push(`### Bundle ${b.location}`, '', `- manifest.json sha256 \`${b.manifest_sha256}\``);
    out.push(
      `- signature: ${sig.status === 'absent' ? 'none' : `${sig.status}, key \`${sig.fingerprint ?? '?'}\` — ${sig.status !== 'valid' ? 'does not verify' : sig.trusted ? 'trusted' : 'a key you have not trusted'}`}`,
      '',
    );
    out.push('| Source | sha256 | Records | Chain head | Merkle root |', '|---|---|---|---|---|');
    for (const s of b.sources)
      out.push(
        `| ${cell(s.path)} (${s.type}) | \`${s.sha256}\` | ${s.records ?? 'sealed whole (file hash)'} | ${s.head ? `\`${s.head}\`` : '—'} | ${s.merkle_root ? `\`${s.merkle_root}\`` : '—'} |`,
      );
    out.push('');
  }
  out.push('### Case seals', '');
  if (integrity.case_seals.length === 0)
    out.push('> No source of this case is sealed by the installation that imported it (imported before sealing began).', '');
  else {
    out.push(
      'Each source as it was imported, sealed by the installation that imported it (`causa verify CASE` re-checks every record against these):',
      '',
    );
    out.push('| Source | Records | Merkle root | Seal sha256 | Sealed | Signed by |', '|---|---|---|---|---|---|');
    for (const c of integrity.case_seals)
      out.push(
        `| ${cell(c.source)} (${c.format}) | ${c.records} | \`${c.merkle_root}\` | \`${c.seal_sha256}\` | ${t(c.sealed_at)} | ${sealSigner(c)} |`,
      );
    out.push('');
  }
  out.push('### Verifications', '');
  if (integrity.verifications.length === 0) out.push('> No verification has been recorded for this case.');
  for (const v of integrity.verifications) {
    const { word, sentence } = verificationWords(v);
    out.push(
      `- ${t(v.at)} ${v.subject} ${v.location}: **${word}** (${sentence})${v.signature ? `, signature ${v.signature}` : ''}${v.problems.map((p) => `; ${p}`).join('')}`,
    );
  }
  const j = integrity.journal;
  out.push(
    '',
    '### Analyst journal',
    '',
    `${j.entries} entries, ${j.intact ? `chain intact, head \`${j.head ?? ''}\`` : `chain BROKEN: ${j.reason ?? ''}`}`,
    '',
  );
  if (j.analysts.length > 0) out.push(`Entries signed by: ${j.analysts.join(', ')}`, '');
  out.push('### How to re-check this report', '', '```sh', ...recheckCommands(model), '```', '');
  return out.join('\n');
}

function sealSigner(c: ReportModel['integrity']['case_seals'][number]): string {
  const s = c.signature;
  return `\`${s.fingerprint}\` — ${s.status !== 'valid' ? '**does not verify**' : s.trusted ? 'trusted' : 'a key you have not trusted'}`;
}
