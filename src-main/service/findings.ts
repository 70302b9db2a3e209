// Anomaly findings of a case (issue 19): its API calls streamed from the store through the pure rules,
// the analyst's dismissals from the journal, and root-cause sequences of other cases named with --like.
import { basename } from 'node:path';
import { baselineOf, detectFindings, parseHours, type FindingsOptions, type ReferenceSequence } from '../core/analysis/findings';
import type { Attribution, FindingsReport } from '../shared/attribution';
import { ServiceError } from '../shared/errors';
import { callTimeSpan, iterateApiCalls, latestStageOf, type ApiCallRow } from '../store/attribution';
import type { CaseStore } from '../store/case-store';
import { analysisState } from './analysis';

/** Working hours as the CLI and the API write them; a bad value is the user's input error. */
export function parseWorkingHours(text: string): FindingsOptions['hours'] {
  try {
    return parseHours(text);
  } catch (error) {
    throw new ServiceError('invalid_input', (error as Error).message);
  }
}

export interface FindingsRequest {
  hours?: FindingsOptions['hours'];
  /** Reference sequences, already read from the cases the user named (referenceSequence). */
  like?: ReferenceSequence[];
  baselineUntil?: number;
}

/** Agent identities: those attribution saw an agent reach (tool-target joins) or impersonating people. */
export function agentIdentitiesOf(attribution: Attribution): Set<string> {
  return new Set(attribution.identities.filter((i) => i.agent).map((i) => i.id));
}

/** The findings of a case; `agentIdentities` from attribution (agentIdentitiesOf) decide the agent rule. */
export function findingsOf(store: CaseStore, agentIdentities: ReadonlySet<string>, request: FindingsRequest = {}): FindingsReport {
  const span = callTimeSpan(store);
  const baseline = request.baselineUntil !== undefined ? { until: request.baselineUntil, reason: 'given' } : baselineOf(span);
  const result = detectFindings(() => iterateApiCalls(store), {
    ...(baseline.until !== undefined ? { baselineUntil: baseline.until, baselineReason: baseline.reason } : {}),
    agentIdentities,
    ...(request.hours ? { hours: request.hours } : {}),
    sequences: request.like ?? [],
  });
  const dismissed = new Map((analysisState(store).dismissed_findings ?? []).map((d) => [d.finding, d]));
  return {
    findings: result.findings.map((f) => {
      const d = dismissed.get(f.id);
      return { ...f, dismissed: d !== undefined, ...(d?.reason ? { dismissed_reason: d.reason } : {}) };
    }),
    calls: result.calls,
    ...(baseline.until !== undefined ? { baseline_until: new Date(baseline.until).toISOString() } : {}),
    baseline: baseline.reason,
    like: (request.like ?? []).map((r) => r.name),
  };
}

const LOOKBACK_MS = 15 * 60_000;
const MAX_STEPS = 6;

/**
 * The ordered steps of another case's annotated root cause: the calls of the root cause's identity in the
 * 15 minutes up to and including it (verb and resource, repeats in a row folded), the last six.
 */
export function referenceSequence(store: CaseStore, label = basename(store.path)): ReferenceSequence {
  const roots = analysisState(store).roles.filter((r) => r.role === 'root_cause');
  const ids = roots.flatMap((r) => (/^[ea]\d+$/.test(r.node) ? [latestStageOf(store, Number(r.node.slice(1)))] : []));
  if (ids.length === 0)
    throw new ServiceError('invalid_input', `${store.path}: no root cause is annotated in this case (assign one first)`);
  let root: ApiCallRow | undefined;
  const calls: ApiCallRow[] = [];
  for (const call of iterateApiCalls(store)) {
    if (!root && ids.includes(call.id)) root = call;
    if (!root) calls.push(call);
    else if (call.id === root.id) calls.push(call);
    // Keep only the recent past: the window before any root cause candidate.
    while (!root && calls.length > 0 && call.ms - calls[0]!.ms > LOOKBACK_MS) calls.shift();
  }
  if (!root)
    throw new ServiceError('invalid_input', `${store.path}: the root cause (${roots.map((r) => r.node).join(', ')}) is not an API call`);
  const steps: ReferenceSequence['steps'] = [];
  for (const call of calls) {
    if (call.actor !== root.actor || root.ms - call.ms > LOOKBACK_MS) continue;
    const last = steps.at(-1);
    if (!last || last.verb !== call.verb || last.resource !== call.resource) steps.push({ verb: call.verb, resource: call.resource });
  }
  return { name: label, steps: steps.slice(-MAX_STEPS) };
}
