// Anomaly findings (issue 19) over a case's API calls, oldest first. Streaming: `scan` is read once, and a
// second time only when the rate rule flagged something (to collect the calls of the flagged minutes);
// state is kept per identity and per distinct (identity, verb, resource, namespace), never per call.
import type { Finding } from '../../../shared/attribution';
import type { ApiCall } from '../attribution/calls';
import { findingsOptions, type FindingsOptions } from './options';
import { RateCounter, RateRuns } from './rate';
import { AgentDestructive, DenialBursts, FirstSeen, OffHours, Sequences } from './streaming';

export {
  describeHours,
  findingsOptions,
  parseHours,
  DEFAULT_HOURS,
  type FindingsOptions,
  type ReferenceSequence,
  type WorkingHours,
} from './options';
export { isWorkingTime } from './streaming';

const RULE_ORDER = ['sequence', 'agent_destructive', 'denial_burst', 'rate', 'first_seen', 'off_hours'];

/** The baseline's end: the first prompt, else the first quarter of the calls' span. */
export function baselineOf(span: { firstPrompt?: number; start?: number; end?: number }): { until?: number; reason: string } {
  if (span.firstPrompt !== undefined && span.start !== undefined && span.firstPrompt > span.start)
    return { until: span.firstPrompt, reason: 'before the first prompt' };
  if (span.start === undefined || span.end === undefined) return { reason: 'no timed API calls' };
  return { until: span.start + (span.end - span.start) / 4, reason: 'the first quarter of the case' };
}

export interface FindingsResult {
  findings: Omit<Finding, 'dismissed'>[];
  calls: number;
}

export function detectFindings(scan: () => Iterable<ApiCall>, partial: Partial<FindingsOptions> = {}): FindingsResult {
  const options = findingsOptions(partial);
  const rules = [
    new FirstSeen(options),
    new DenialBursts(options),
    new AgentDestructive(options),
    new OffHours(options),
    new Sequences(options),
  ];
  const rate = new RateCounter(options);
  let calls = 0;
  for (const call of scan()) {
    calls += 1;
    for (const rule of rules) rule.add(call);
    rate.add(call);
  }
  const runs = new RateRuns(rate.runs(), options);
  if (!runs.empty) for (const call of scan()) runs.add(call);
  const findings = [...rules.flatMap((rule) => rule.finish()), ...runs.finish()];
  findings.sort(
    (a, b) => RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule) || b.score - a.score || (a.first ?? '').localeCompare(b.first ?? ''),
  );
  return { findings, calls };
}
