// The report's "Anomaly findings" section (issue 19): the open findings, then those the analyst dismissed,
// apart, with their reasons.
import type { FindingsReport } from '../../../shared/attribution';
import { escapeXml as esc } from '../svg-graph';

const md = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const events = (f: FindingsReport['findings'][number]): string =>
  `${f.event_ids.slice(0, 8).join(', ')}${f.event_count > 8 ? ` … (${f.event_count})` : ''}`;
const basis = (r: FindingsReport): string =>
  `Baseline: ${r.baseline}${r.baseline_until ? ` (until ${r.baseline_until})` : ''}; ${r.calls} API calls read${r.like.length ? `; compared with ${r.like.join(', ')}` : ''}.`;

export function anomaliesMarkdown(r: FindingsReport | undefined): string[] {
  if (!r) return [];
  const open = r.findings.filter((f) => !f.dismissed);
  const dismissed = r.findings.filter((f) => f.dismissed);
  const out = ['## Anomaly findings', '', basis(r), ''];
  if (open.length === 0) out.push('> No open finding.', '');
  else {
    out.push('| Rule | Score | Finding | Events |', '|---|---|---|---|');
    for (const f of open) out.push(`| ${f.rule} | ${f.score.toFixed(2)} | ${md(f.sentence)} | ${events(f)} |`);
    out.push('');
  }
  if (dismissed.length > 0) {
    out.push('### Dismissed by the analyst', '');
    for (const f of dismissed) out.push(`- ${f.rule}: ${f.sentence}${f.dismissed_reason ? ` — dismissed: “${f.dismissed_reason}”` : ''}`);
    out.push('');
  }
  return out;
}

export function anomaliesHtml(r: FindingsReport | undefined): string {
  if (!r) return '';
  const open = r.findings.filter((f) => !f.dismissed);
  const dismissed = r.findings.filter((f) => f.dismissed);
  return [
    '<h2>Anomaly findings</h2>',
    `<p class="meta">${esc(basis(r))}</p>`,
    open.length === 0
      ? '<p class="missing">No open finding.</p>'
      : `<table><thead><tr><th>Rule</th><th>Score</th><th>Finding</th><th>Events</th></tr></thead><tbody>${open.map((f) => `<tr><td>${esc(f.rule)}</td><td>${f.score.toFixed(2)}</td><td>${esc(f.sentence)}</td><td>${esc(events(f))}</td></tr>`).join('')}</tbody></table>`,
    dismissed.length
      ? `<h3>Dismissed by the analyst</h3><ul>${dismissed.map((f) => `<li>${esc(f.rule)}: ${esc(f.sentence)}${f.dismissed_reason ? ` — dismissed: “${esc(f.dismissed_reason)}”` : ''}</li>`).join('')}</ul>`
      : '',
  ].join('');
}
