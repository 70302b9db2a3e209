// `causa findings CASE [--json] [--like CASE]... [--hours H]`: the anomaly findings of a case
// (docs/analyses.md); --like matches the ordered steps of another case's annotated root cause.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseWorkingHours } from '../service/findings';
import { Workbench } from '../service/workbench';
import type { FindingsReport } from '../shared/attribution';
import { ServiceError } from '../shared/errors';
import { caseArgument } from './case-file';
import { EXIT_OK } from './exit';
import { writeWithBackpressure, type CliIo } from './io';
import { parseOptions } from './options';

export const FINDINGS_USAGE = `  findings CASE [--json] [--like CASE]... [--hours 8-18[@+01:00][/1-5]]
                                             anomalies: first-seen calls, rate bursts, denial bursts,
                                             destructive calls by agents, off-hours writes, and the
                                             steps of another case's annotated root cause (--like)`;

const OPTIONS = { like: { type: 'string', multiple: true }, hours: { type: 'string' } } as const;

export function describeFindings(report: FindingsReport): string {
  const out = [
    `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} over ${report.calls} API calls; baseline ${report.baseline}${report.baseline_until ? ` (until ${report.baseline_until})` : ''}`,
  ];
  const list = (dismissed: boolean) =>
    report.findings
      .filter((f) => f.dismissed === dismissed)
      .map(
        (f) =>
          `  ${f.rule.padEnd(17)} ${f.score.toFixed(2)}  ${f.sentence}\n${' '.repeat(25)}events ${f.event_ids.slice(0, 12).join(', ')}${f.event_count > 12 ? `, … (${f.event_count})` : ''}`,
      );
  out.push(...list(false));
  const dismissed = list(true);
  if (dismissed.length > 0) out.push('', `Dismissed (${dismissed.length})`, ...dismissed);
  return `${out.join('\n')}\n`;
}

export async function runFindings(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, OPTIONS);
  const casePath = caseArgument(positionals, 'findings');
  const hours = values.hours !== undefined ? parseWorkingHours(values.hours) : undefined;
  const like = (values.like ?? []).map((path) => {
    if (!existsSync(path)) throw new ServiceError('io', `${path}: no such case file (--like)`);
    const reference = Workbench.open(path);
    try {
      return reference.referenceSequence(basename(path).replace(/\.causa$/, ''));
    } finally {
      reference.close();
    }
  });
  const workbench = Workbench.open(casePath, { membersOnDemand: true });
  try {
    const report = workbench.findings({ ...(hours ? { hours } : {}), like });
    await writeWithBackpressure(io, values.json ? `${JSON.stringify(report)}\n` : describeFindings(report));
  } finally {
    workbench.close();
  }
  return EXIT_OK;
}
