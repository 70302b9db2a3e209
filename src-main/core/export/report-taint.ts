// The report's "Taint chains" section (issue 20): tool results whose words a later step repeated, the
// events the chains reached, and the instruction-like content found in tool results with its location.
import type { TaintReport } from '../../shared/contract';

const escHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

export function taintMarkdown(report: TaintReport | undefined): string[] {
  if (!report) return [];
  const out = ['## Taint chains', ''];
  if (report.edges.length === 0) out.push('> No tool result is repeated by a later model turn or tool call.', '');
  for (const e of report.edges) out.push(`- event ${e.from_event} → event ${e.to_event} (${e.match}, ${e.words} words): “${flat(e.span)}”`);
  if (report.edges.length > 0) out.push('', `${report.reached.length} events reached by these chains carry the label \`tainted\`.`, '');
  out.push('### Instruction-like content in tool results', '');
  if (report.findings.length === 0) out.push('> None found.', '');
  for (const f of report.findings)
    out.push(
      `- ${f.kind}: ${f.source}, record ${f.position}${f.raw_offset !== undefined ? `, byte ${f.raw_offset}` : ''}: \`${flat(f.excerpt).replace(/`/g, "'")}\``,
    );
  if (report.findings.length > 0) out.push('');
  return out;
}

export function taintHtml(report: TaintReport | undefined): string {
  if (!report) return '';
  const edges =
    report.edges.length === 0
      ? '<p class="missing">No tool result is repeated by a later model turn or tool call.</p>'
      : `<ul>${report.edges.map((e) => `<li>event ${e.from_event} → event ${e.to_event} (${e.match}, ${e.words} words): <q>${escHtml(flat(e.span))}</q></li>`).join('')}</ul><p>${report.reached.length} events reached by these chains carry the label <code>tainted</code>.</p>`;
  const findings =
    report.findings.length === 0
      ? '<p>None found.</p>'
      : `<ul>${report.findings.map((f) => `<li>${escHtml(f.kind)}: ${escHtml(f.source)}, record ${f.position}${f.raw_offset !== undefined ? `, byte ${f.raw_offset}` : ''}: <code>${escHtml(flat(f.excerpt))}</code></li>`).join('')}</ul>`;
  return ['<h2>Taint chains</h2>', edges, '<h3>Instruction-like content in tool results</h3>', findings].join('\n');
}
