// Saved views embedded in the story (issue 21): `[[view:NAME]]` in the narrative puts the view — its
// query and a table of the events it matches, capped, with their count — into the report, after the
// narrative, in the order the story names them. The service runs each view's filter (service/report.ts).
import { escapeXml as esc } from '../svg-graph';

/** How the story names a saved view; the name is the view's own (spaces allowed, no brackets or line breaks). */
export const VIEW_REFERENCE = /\[\[view:([^\]\n]{1,100})\]\]/g;

/** At most this many events of a view are listed in the report; the count says how many matched. */
export const VIEW_ROWS = 25;

export interface EmbeddedViewRow {
  id: number;
  time?: string | undefined;
  kind: string;
  actor?: string | undefined;
  what: string;
  outcome: string;
}

/** One view the story names: what it asks and what it finds, or why it cannot be shown. */
export interface EmbeddedView {
  name: string;
  query?: string;
  /** The view's other filter fields in words (`kind prompt, tool_call`). */
  filter?: string;
  total?: number;
  rows?: EmbeddedViewRow[];
  /** Why the view is not shown: no saved view of that name, or a filter that no longer reads. */
  problem?: string;
}

/** The names of the views a story embeds, each once, in the order they first appear. */
export function viewReferences(text: string): string[] {
  return [...new Set([...text.matchAll(VIEW_REFERENCE)].map((m) => m[1]!.trim()))];
}

/** The story's [[view:NAME]] in words; the view itself follows the narrative. */
export function resolveViewReferences(text: string): string {
  return text.replace(VIEW_REFERENCE, (_, name: string) => `(saved view “${name.trim()}”, shown below)`);
}

function t(time: string | undefined): string {
  return time ? time.replace(/(\.\d{3})\d*Z$/, '$1Z') : '—';
}

function cell(text: string | undefined): string {
  return (text ?? '—').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function countLine(view: EmbeddedView): string {
  const total = view.total ?? 0;
  const shown = view.rows?.length ?? 0;
  if (total === 0) return 'No event matches it.';
  return `${total} event${total === 1 ? '' : 's'} match${total === 1 ? 'es' : ''}${shown < total ? `; the first ${shown} are listed` : ''}.`;
}

export function viewsMarkdown(views: EmbeddedView[]): string[] {
  const out: string[] = [];
  for (const view of views) {
    out.push(`### Saved view: ${view.name}`, '');
    if (view.problem) {
      out.push(`> ${view.problem}`, '');
      continue;
    }
    out.push(`Query: \`${view.query || '(none)'}\`${view.filter ? `; ${view.filter}` : ''}. ${countLine(view)}`, '');
    if (!view.rows?.length) continue;
    out.push('| Time (UTC) | Kind | Who | What | Outcome | Event |', '|---|---|---|---|---|---|');
    for (const r of view.rows) out.push(`| ${t(r.time)} | ${r.kind} | ${cell(r.actor)} | ${cell(r.what)} | ${r.outcome} | ${r.id} |`);
    out.push('');
  }
  return out;
}

export function viewsHtml(views: EmbeddedView[]): string {
  return views
    .map((view) => {
      const head = `<h3>Saved view: ${esc(view.name)}</h3>`;
      if (view.problem) return `${head}<p class="missing">${esc(view.problem)}</p>`;
      const rows = (view.rows ?? [])
        .map(
          (r) =>
            `<tr><td>${esc(t(r.time))}</td><td>${esc(r.kind)}</td><td>${esc(r.actor ?? '—')}</td><td>${esc(r.what)}</td><td>${esc(r.outcome)}</td><td>${r.id}</td></tr>`,
        )
        .join('');
      return `${head}<p class="meta">Query: <code>${esc(view.query || '(none)')}</code>${view.filter ? `; ${esc(view.filter)}` : ''}. ${esc(countLine(view))}</p>${
        rows
          ? `<table class="saved-view"><thead><tr><th>Time (UTC)</th><th>Kind</th><th>Who</th><th>What</th><th>Outcome</th><th>Event</th></tr></thead><tbody>${rows}</tbody></table>`
          : ''
      }`;
    })
    .join('');
}
