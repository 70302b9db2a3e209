// `causa compare A.causa B.causa [--json]`: the agent's actions of two cases lined up at each case's
// first prompt (docs/cli.md). Both cases are opened read-only; the work is service/compare.ts.
import { Workbench } from '../service/workbench';
import type { AlignedRow, CaseComparison, CompareStep } from '../shared/compare';
import { caseArguments } from './case-file';
import { EXIT_OK } from './exit';
import { writeWithBackpressure, type CliIo } from './io';
import { parseOptions, usageError } from './options';

export const COMPARE_USAGE = `  compare A.causa B.causa [--json]           the agent's prompts, tool calls and API calls of two cases
                                             side by side from each one's first prompt (t=0), each
                                             line marked = (same), ~ (differs), < or > (one case only)`;

const MARK: Record<AlignedRow['status'], string> = { match: '=', differ: '~', only_this: '<', only_other: '>' };

/** `+12.4s` from t=0. */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const s = Math.abs(ms) / 1000;
  if (s < 60) return `${sign}${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${sign}${m}m${String(Math.floor(s - m * 60)).padStart(2, '0')}s`;
}

/** A step in one line: `prompt “update api-service…”`, `tool resources_get deployments`, `api patch deployments production`. */
export function describeStep(step: CompareStep): string {
  if (step.kind === 'prompt') {
    const text = (step.text ?? '').replace(/\s+/g, ' ');
    return `prompt “${text.length > 40 ? `${text.slice(0, 39)}…` : text}”`;
  }
  const where = [step.resource, step.namespace].filter(Boolean).join(' ');
  const outcome = step.outcome === 'success' || step.outcome === 'unknown' ? '' : ` [${step.outcome}]`;
  return step.kind === 'tool_call' ? `tool ${step.tool ?? '?'} ${where}${outcome}` : `api ${step.verb ?? '?'} ${where}${outcome}`;
}

export function describeComparison(c: CaseComparison): string {
  const cell = (step?: CompareStep): string => (step ? `${formatOffset(step.offset_ms).padStart(8)} ${describeStep(step)}` : '');
  const width = Math.min(80, Math.max(c.this.name.length, ...c.rows.map((row) => cell(row.this).length)));
  const out = [
    `${c.this.name}: t=0 ${c.this.start ?? '(no prompt: its first action)'}, ${c.this.steps.length} steps${c.this.truncated ? ' (more not compared)' : ''}`,
    `${c.other.name}: t=0 ${c.other.start ?? '(no prompt: its first action)'}, ${c.other.steps.length} steps${c.other.truncated ? ' (more not compared)' : ''}`,
    '',
    `  ${c.this.name.slice(0, width).padEnd(width)}   ${c.other.name}`,
  ];
  for (const row of c.rows) out.push(`${MARK[row.status]} ${cell(row.this).slice(0, width).padEnd(width)}   ${cell(row.other)}`.trimEnd());
  out.push(
    '',
    `${c.counts.match} the same, ${c.counts.differ} different, ${c.counts.only_this} only in ${c.this.name}, ${c.counts.only_other} only in ${c.other.name}`,
  );
  return `${out.join('\n')}\n`;
}

export async function runCompare(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {});
  if (positionals.length !== 2) throw usageError('compare needs exactly two CASE files: A.causa B.causa');
  const [a, b] = caseArguments(positionals, 'compare') as [string, string];
  const workbench = Workbench.open(a, { readOnly: true });
  try {
    const comparison = workbench.compare(b);
    await writeWithBackpressure(io, values.json ? `${JSON.stringify(comparison)}\n` : describeComparison(comparison));
  } finally {
    workbench.close();
  }
  return EXIT_OK;
}
