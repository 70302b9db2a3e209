// The postmortem as one self-contained HTML file: inline CSS, the causal chains as inline SVG, no script
// and no external fetch (the CSP meta forbids both, so a reader's browser enforces it). The same HTML
// is what Chromium or Electron prints to PDF, hence the print CSS (page breaks, running header, page numbers).
import { guardrailsHtml } from './report-guardrails';
import { taintHtml } from './report-taint';
import { ROLES, ROLE_TITLES } from '../../shared/analysis';
import { actorsHtml } from './sections/actors';
import { anomaliesHtml } from './sections/anomalies';
import { viewsHtml } from './sections/views';
import { recheckCommands, verificationWords, type Finding, type ReportModel, type ReportVerification } from './report-model';
import { escapeXml as esc, renderChainStrips } from './svg-graph';

const CSS = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 10.5pt; line-height: 1.45; color: #1b1f24; max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 20pt; margin: 0 0 .2rem; }
h2 { font-size: 13.5pt; border-bottom: 1.5px solid #2b3a55; padding-bottom: .15rem; margin-top: 1.6rem; color: #2b3a55; break-after: avoid; }
h3 { font-size: 11pt; margin: 1rem 0 .3rem; break-after: avoid; }
.meta { color: #555; margin: 0 0 1rem; }
.missing { color: #8a5a00; background: #fff6e0; border-left: 3px solid #e0a100; padding: .2rem .5rem; margin: .3rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: .4rem 0; }
th, td { border: 1px solid #d5d9e0; padding: .2rem .35rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
tr.notable td { background: #fdf1ef; }
code, .hash { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 8.5pt; word-break: break-all; }
pre { background: #f5f6f8; padding: .5rem; white-space: pre-wrap; word-break: break-all; font-size: 8.5pt; }
.prompt { font-style: italic; }
.badge { display: inline-block; padding: 0 .3rem; border-radius: 3px; font-size: 8pt; background: #ece3f7; color: #5b2a94; margin-right: .2rem; }
.ok { color: #1e7b34; font-weight: bold; } .bad { color: #b3261e; font-weight: bold; } .warn { color: #8a5a00; font-weight: bold; }
figure { margin: .5rem 0; break-inside: avoid; }
.keep { break-inside: avoid; }
figure svg { width: 100%; height: auto; border: 1px solid #d5d9e0; }
figcaption { font-size: 8.5pt; color: #555; }
.finding { margin: .2rem 0; }
.clock td:first-child { width: 40%; }
td.t { white-space: nowrap; font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; }
.missing ul { margin: .2rem 0; padding-left: 1.2rem; }
@page { size: A4; margin: 18mm 14mm 16mm 14mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 9.5pt; }
  h2 { break-before: auto; }
  .page-break { break-before: page; }
  a { color: inherit; text-decoration: none; }
}
`;

function time(t: string | undefined): string {
  return t ? esc(t.replace(/(\.\d{3})\d*Z$/, '$1Z')) : '—';
}

function missing(text: string): string {
  return `<p class="missing">${esc(text)}</p>`;
}

function findingList(findings: Finding[], none: string): string {
  if (findings.length === 0) return missing(none);
  return `<ul>${findings
    .map(
      (f) =>
        `<li class="finding"><strong>${esc(f.label ?? f.what)}</strong>${f.label ? ` — ${esc(f.what)}` : ''} <span class="meta">(${time(f.time)}, node <code>${esc(f.node)}</code>)</span>${f.detail ? `<br><span class="meta">${esc(f.detail)}</span>` : ''}</li>`,
    )
    .join('')}</ul>`;
}

function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

function timelineTable(model: ReportModel): string {
  const rows = model.timeline.map((r) => {
    const roles = r.roles.map((role) => `<span class="badge">${esc(ROLE_TITLES[role])}</span>`).join('');
    const what = r.text ? `<span class="prompt">“${esc(r.text)}”</span>` : esc(r.what);
    return `<tr class="${r.notable ? 'notable' : ''}"><td class="t">${r.time ? esc(r.time.slice(0, 10)) + '<br>' + esc(r.time.slice(11, 23)) : '—'}</td><td>${esc(r.lane)}</td><td>${esc(r.who ?? '—')}${r.on_behalf_of ? `<br><span class="meta">for ${esc(r.on_behalf_of)}</span>` : ''}</td><td>${roles}${what}${r.decision ? `<br><span class="meta">${esc(r.decision)}</span>` : ''}</td><td>${esc(r.outcome)}</td><td>${esc(r.verdict ?? '—')}</td></tr>`;
  });
  return `<table class="timeline"><thead><tr><th>Time (UTC)</th><th>Lane</th><th>Who (on whose behalf)</th><th>What</th><th>Outcome</th><th>Evidence</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function clockSection(model: ReportModel): string {
  const { clock } = model;
  const rows = [
    `<tr><td>First anomalous event</td><td>${clock.first_anomaly ? `${time(clock.first_anomaly.time)} — ${esc(clock.first_anomaly.what)}<br><span class="meta">${esc(clock.first_anomaly.basis)}</span>` : 'none found'}</td></tr>`,
    `<tr><td>Awareness (set by the analyst)</td><td>${clock.awareness ? time(clock.awareness) : '<span class="bad">not set</span>'}</td></tr>`,
    ...clock.deadlines.map(
      (d) =>
        `<tr><td>${esc(d.name)} (${d.hours} h from awareness)</td><td>${d.due ? `<strong>${time(d.due)}</strong>` : 'needs an awareness time'}</td></tr>`,
    ),
  ];
  return `<table class="clock"><tbody>${rows.join('')}</tbody></table>`;
}

function integritySection(model: ReportModel): string {
  const { integrity } = model;
  const parts: string[] = [];
  if (integrity.bundles.length === 0)
    parts.push(missing('The case holds no sealed bundle: its evidence was imported as loose files and cannot be proven unaltered.'));
  for (const b of integrity.bundles) {
    const sig = b.signature;
    parts.push(`<h3>Bundle ${esc(b.location)}</h3>`);
    parts.push(
      `<p>manifest.json sha256 <span class="hash">${esc(b.manifest_sha256)}</span><br>signature: ${sig.status === 'absent' ? 'none' : `${esc(sig.status)}, key <span class="hash">${esc(sig.fingerprint ?? '?')}</span> — ${sig.status !== 'valid' ? '<span class="bad">does not verify</span>' : sig.trusted ? '<span class="ok">trusted</span>' : '<span class="warn">a key you have not trusted</span>'}`}</p>`,
    );
    parts.push(
      `<table><thead><tr><th>Source</th><th>sha256</th><th>Records</th><th>Chain head / Merkle root</th></tr></thead><tbody>${b.sources
        .map(
          (s) =>
            `<tr><td>${esc(s.path)}<br><span class="meta">${esc(s.type)}</span></td><td class="hash">${esc(s.sha256)}</td><td>${s.records ?? 'sealed whole (file hash)'}</td><td class="hash">${s.head ? `head ${esc(s.head)}<br>root ${esc(s.merkle_root ?? '')}` : '—'}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  }
  parts.push('<h3>Case seals</h3>');
  if (integrity.case_seals.length === 0)
    parts.push(missing('No source of this case is sealed by the installation that imported it (imported before sealing began).'));
  else
    parts.push(
      `<p>Each source as it was imported, sealed by the installation that imported it (<code>causa verify CASE</code> re-checks every record against these).</p><table><thead><tr><th>Source</th><th>Records</th><th>Merkle root / seal sha256</th><th>Signed by</th></tr></thead><tbody>${integrity.case_seals
        .map(
          (c) =>
            `<tr><td>${esc(c.source)}<br><span class="meta">${esc(c.format)} · sealed ${time(c.sealed_at)}</span></td><td>${c.records}</td><td class="hash">root ${esc(c.merkle_root)}<br>seal ${esc(c.seal_sha256)}</td><td><span class="hash">${esc(c.signature.fingerprint)}</span><br>${c.signature.status !== 'valid' ? '<span class="bad">does not verify</span>' : c.signature.trusted ? '<span class="ok">trusted</span>' : '<span class="warn">a key you have not trusted</span>'}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  parts.push('<h3>Verifications</h3>');
  if (integrity.verifications.length === 0) parts.push(missing('No verification has been recorded for this case.'));
  else
    parts.push(
      `<table><thead><tr><th>When</th><th>What</th><th>Verdict</th></tr></thead><tbody>${integrity.verifications
        .map(
          (v) =>
            `<tr><td>${time(v.at)}</td><td>${esc(v.subject)}: ${esc(v.location)}</td><td>${verdictCell(v)}${v.signature ? `, signature ${esc(v.signature)}` : ''}${v.problems.map((p) => `<br>${esc(p)}`).join('')}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  const j = integrity.journal;
  parts.push(
    `<h3>Analyst journal</h3><p>${j.entries} entries, ${j.intact ? `<span class="ok">chain intact</span>, head <span class="hash">${esc(j.head ?? '')}</span>` : `<span class="bad">chain broken</span>: ${esc(j.reason ?? '')}`}</p>`,
  );
  if (j.analysts.length > 0) parts.push(`<p>Entries signed by: ${j.analysts.map(esc).join(', ')}</p>`);
  parts.push(`<h3>How to re-check this report</h3><pre>${recheckCommands(model).map(esc).join('\n')}</pre>`);
  return parts.join('\n');
}

export function renderHtml(model: ReportModel): string {
  const marked = new Map<string, string>();
  for (const role of ROLES) for (const f of model.roles[role]) marked.set(f.node, ROLE_TITLES[role]);
  const a = model.attribution;
  const body = [
    `<h1>${esc(model.title)}</h1>`,
    `<p class="meta">${[model.incident_id, model.cluster, `case ${model.case_name}`]
      .filter(Boolean)
      .map((s) => esc(s!))
      .join(
        ' · ',
      )}<br>Evidence window ${time(model.window.first)} – ${time(model.window.last)} (${model.window.events} events) · generated ${time(model.generated_at)}</p>`,
    '<h2>Summary</h2>',
    model.summary ? paragraphs(model.summary) : missing('No summary has been written.'),
    model.missing.length > 0
      ? `<div class="missing"><strong>Not yet decided by the analyst</strong><ul>${model.missing.map((m) => `<li>${esc(m)}</li>`).join('')}</ul></div>`
      : '',
    '<h2>Who asked, who acted, on whose behalf</h2>',
    a.prompts.length === 0
      ? missing('No prompt was found in the evidence: who asked the agent is not known.')
      : `<ul>${a.prompts.map((p) => `<li>${esc(p.who)} asked at ${time(p.time)}: <span class="prompt">“${esc(p.text)}”</span></li>`).join('')}</ul>`,
    `<p>Agents: ${a.agents.length ? a.agents.map(esc).join(', ') : '—'}<br>Identities that called the API: ${a.identities.length ? a.identities.map(esc).join(', ') : '—'}<br>On behalf of: ${a.on_behalf_of.length ? a.on_behalf_of.map(esc).join(', ') : '—'}</p>`,
    actorsHtml(model.actors) + anomaliesHtml(model.anomalies),
    '<h2>Findings</h2>',
    ...ROLES.map(
      (role) =>
        `<h3>${esc(ROLE_TITLES[role])}${role === 'root_cause' ? '' : 's'}</h3>${findingList(model.roles[role], `No ${ROLE_TITLES[role].toLowerCase()} has been assigned.`)}`,
    ),
    '<h3>From the evidence: policies not enforced, authorizations denied</h3>',
    model.graph_findings.length ? findingList(model.graph_findings, '') : '<p>None in the graph.</p>',
    guardrailsHtml(model.gap?.guardrails) + taintHtml(model.gap?.taint),
    '<h2>Recommendations</h2>',
    model.recommendations.length
      ? `<ol>${model.recommendations.map((r) => `<li>${esc(r)}</li>`).join('')}</ol>`
      : missing('No recommendations have been recorded.'),
    // The clock is read as one table: it moves whole to the next page rather than leave three rows
    // alone there. The graph follows on without a forced break (each strip is kept whole instead).
    `<section class="keep"><h2>Disclosure clock</h2>${clockSection(model)}</section>`,
    '<h2>Causal graph</h2>',
    '<p class="meta">Lanes are rows, time runs left to right and wraps onto the next strip; runs of similar events are folded (×N). Solid arrow: explicit join; dashed: inferred; purple: marked or drawn by the analyst; red: failure, denial, error or Warning.</p>',
    ...model.chains.map(
      (c) =>
        `<h3>Chain ${c.id}: ${esc(c.label)} (${c.nodes.length} nodes)</h3>${renderChainStrips(c.nodes, c.edges, { marked })
          .map((svg) => `<figure>${svg}</figure>`)
          .join('')}`,
    ),
    model.chains.length === 0 ? missing('The graph has no linked chain.') : '',
    '<h2>Attributed timeline</h2>',
    timelineTable(model),
    '<h2>Narrative</h2>',
    model.narrative ? paragraphs(model.narrative) : missing('No narrative has been written.'),
    viewsHtml(model.views),
    '<h2>Analyst notes</h2>',
    model.notes.length || model.starred.length
      ? `<ul>${model.notes.map((n) => `<li>${esc(n.what)}: ${esc(n.text)} <span class="meta">— ${esc(n.analyst)}, ${time(n.at)}</span></li>`).join('')}${model.starred.map((s) => `<li>★ ${esc(s.what)}${s.tags.length ? ` [${s.tags.map(esc).join(', ')}]` : ''}</li>`).join('')}</ul>`
      : '<p>No notes.</p>',
    '<h2 class="page-break">Integrity</h2>',
    integritySection(model),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="causa">
<title>${esc(model.title)}</title>
<style>${CSS}</style></head>
<body>
${body.filter(Boolean).join('\n')}
</body></html>
`;
}

/** Green for intact, amber for a seal nobody trusted or nobody signed, red only for evidence that differs. */
function verdictCell(v: ReportVerification): string {
  const { word, sentence } = verificationWords(v);
  const tone = v.status === 'intact' ? 'ok' : v.status === 'broken' ? 'bad' : 'warn';
  return `<span class="${tone}">${esc(word)}</span> <span class="meta">(${esc(sentence)})</span>`;
}
