// The report's "Why nothing stopped it" section (issue 20): for each identity the agent used, the held-vs-
// needed diff, the calls least privilege would have denied, the generated YAML; the admission policies
// that only audited or warned, and the denied calls. One function per form; the renderers call it once.
import type { GuardrailsReport } from '../../shared/contract';

const escHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function guardrailsMarkdown(report: GuardrailsReport | undefined): string[] {
  if (!report) return [];
  const out = ['## Why nothing stopped it: the guardrail gap', ''];
  if (report.identities.length === 0) out.push('> No API call of this case is joined to an agent’s tool call.', '');
  for (const id of report.identities) {
    out.push(`### ${id.identity}${id.via ? ` (via ${id.via})` : ''}`, '', id.diff, '');
    const preventable = id.calls.filter((c) => id.preventable.includes(c.event_id));
    if (preventable.length > 0)
      out.push(
        'Preventable by least privilege:',
        '',
        ...preventable.map((c) => `- ${c.time ?? ''} ${c.label}${c.tainted ? ' (reached by a taint chain)' : ''}`),
        '',
      );
    out.push('Least privilege for the intended task:', '', '```yaml', id.yaml.trimEnd(), '```', '');
  }
  if (report.admission.length > 0) {
    out.push('### Admission policies that saw a harmful request and only audited or warned', '');
    for (const a of report.admission)
      out.push(
        `- **${a.policy}**${a.binding ? ` (binding ${a.binding}, actions: ${a.actions.join(', ') || 'none'})` : ''} would have blocked ${a.request}: ${a.message}`,
      );
    out.push('');
  }
  if (report.denied.length > 0) {
    out.push('### Denied calls', '', ...report.denied.map((d) => `- ${d.label} (${d.identity}): ${d.rule}`), '');
  }
  return out;
}

export function guardrailsHtml(report: GuardrailsReport | undefined): string {
  if (!report) return '';
  const parts = ['<h2>Why nothing stopped it: the guardrail gap</h2>'];
  if (report.identities.length === 0) parts.push('<p class="missing">No API call of this case is joined to an agent’s tool call.</p>');
  for (const id of report.identities) {
    const preventable = id.calls.filter((c) => id.preventable.includes(c.event_id));
    parts.push(
      `<h3>${escHtml(id.identity)}${id.via ? ` <span class="meta">via ${escHtml(id.via)}</span>` : ''}</h3>`,
      `<p>${escHtml(id.diff)}</p>`,
    );
    if (preventable.length > 0)
      parts.push(
        `<p>Preventable by least privilege:</p><ul>${preventable.map((c) => `<li>${escHtml(`${c.time ?? ''} ${c.label}`)}${c.tainted ? ' (reached by a taint chain)' : ''}</li>`).join('')}</ul>`,
      );
    parts.push(`<pre class="yaml">${escHtml(id.yaml)}</pre>`);
  }
  if (report.admission.length > 0) {
    parts.push(
      '<h3>Admission policies that saw a harmful request and only audited or warned</h3>',
      `<ul>${report.admission.map((a) => `<li><strong>${escHtml(a.policy)}</strong>${a.binding ? ` (binding ${escHtml(a.binding)}, actions: ${escHtml(a.actions.join(', ') || 'none')})` : ''} would have blocked ${escHtml(a.request)}: ${escHtml(a.message)}</li>`).join('')}</ul>`,
    );
  }
  if (report.denied.length > 0)
    parts.push(
      '<h3>Denied calls</h3>',
      `<ul>${report.denied.map((d) => `<li>${escHtml(`${d.label} (${d.identity}): ${d.rule}`)}</li>`).join('')}</ul>`,
    );
  return parts.join('\n');
}
