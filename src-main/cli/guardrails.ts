// `causa guardrails CASE [--json] [--intended ID,…]`: why nothing stopped it (issue 20). For each identity
// an agent used, the bindings that allowed its calls, the least-privilege YAML and the held-vs-needed
// diff; the admission policies that only audited or warned; the denied calls; the taint chains and the
// instruction-like content of tool results.
import { Workbench } from '../service/workbench';
import type { GuardrailsReport, TaintReport } from '../shared/contract';
import { caseArgument } from './case-file';
import { EXIT_OK } from './exit';
import { writeWithBackpressure, type CliIo } from './io';
import { parseOptions, usageError } from './options';

export const GUARDRAILS_USAGE = `  guardrails CASE [--json] [--intended ID,…]  why nothing stopped it: the bindings that allowed each agent
                                             call, the least-privilege Role/binding YAML and the held-vs-
                                             needed diff, audit-only admission policies, denied calls,
                                             taint chains and planted instructions; --intended names the
                                             event ids of the calls that were the task (default: those
                                             before the root cause, else before the first tainted call)`;

const OPTIONS = { intended: { type: 'string', multiple: true } } as const;

function intendedIds(values: string[] | undefined): number[] | undefined {
  if (!values) return undefined;
  const ids = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const id of ids) if (!/^[1-9]\d*$/.test(id)) throw usageError(`--intended: "${id}" is not an event id`);
  return ids.map(Number);
}

export function describeGuardrails(report: GuardrailsReport, taint: TaintReport): string {
  const lines: string[] = [];
  const basis = {
    analyst: 'the calls you marked',
    root_cause: 'calls before the root cause',
    taint: 'calls before the first tainted call',
    all: 'every call (no root cause tagged, no taint chain)',
  }[report.intended_basis];
  lines.push(`Intended: ${basis}`);
  for (const identity of report.identities) {
    lines.push('', `Identity ${identity.identity}${identity.via ? ` (via ${identity.via})` : ''}`, `  ${identity.diff}`);
    for (const b of identity.bindings)
      lines.push(
        `  held: ${b.binding} of ${b.role} to ${b.subject}, ${b.scope}${b.resources !== undefined ? `: ${b.resources} resources × ${b.verbs} verbs` : ''} (from ${b.source === 'listing' ? 'a listing' : 'authorization reasons'}, ${b.calls} calls)`,
      );
    for (const c of identity.calls) {
      const marks = [c.intended ? 'intended' : 'not intended', c.tainted ? 'tainted' : '', `least privilege: ${c.least_privilege}`]
        .filter(Boolean)
        .join(', ');
      lines.push(`  #${c.event_id} ${c.time ?? ''} ${c.label} → ${c.outcome} (${marks})${c.allowed_by ? ` by ${c.allowed_by}` : ''}`);
    }
    lines.push(
      '  Least-privilege YAML:',
      ...identity.yaml
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`),
    );
  }
  if (report.admission.length > 0) lines.push('', 'Admission policies that saw a request and let it through:');
  for (const a of report.admission)
    lines.push(
      `  ${a.policy}${a.binding ? ` (binding ${a.binding}, actions: ${a.actions.join(', ') || 'none'})` : ''} would have blocked: ${a.request} — ${a.message}`,
    );
  if (report.denied.length > 0) lines.push('', 'Denied calls:');
  for (const d of report.denied) lines.push(`  #${d.event_id} ${d.label} (${d.identity}): ${d.rule}`);
  lines.push('', `Taint chains: ${taint.edges.length}`);
  for (const e of taint.edges)
    lines.push(`  #${e.from_event} → #${e.to_event} (${e.match}, ${e.words} words): “${e.span.replace(/\s+/g, ' ')}”`);
  if (taint.reached.length > 0) lines.push(`  events reached (labelled tainted): ${taint.reached.map((r) => `#${r.event_id}`).join(' ')}`);
  lines.push(`Instruction-like content in tool results: ${taint.findings.length}`);
  for (const f of taint.findings)
    lines.push(
      `  ${f.source} record ${f.position} (#${f.event_id})${f.raw_offset !== undefined ? ` byte ${f.raw_offset}` : ''}: ${f.kind}: ${f.excerpt.replace(/\s+/g, ' ')}`,
    );
  return `${lines.join('\n')}\n`;
}

export async function runGuardrails(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, OPTIONS);
  const casePath = caseArgument(positionals, 'guardrails');
  const intended = intendedIds(values.intended);
  const workbench = Workbench.open(casePath, { membersOnDemand: true });
  try {
    const taint = await workbench.handlers.taint({});
    const report = await workbench.handlers.guardrails(intended ? { intended } : {});
    await writeWithBackpressure(io, values.json ? `${JSON.stringify({ guardrails: report, taint })}\n` : describeGuardrails(report, taint));
  } finally {
    workbench.close();
  }
  return EXIT_OK;
}
