// Compare cases (issue 21): the agent's actions of this case and of another case file, opened read-only,
// lined up at each case's first prompt (core/analysis/compare). Which case files the workbench may open
// is decided here, never by the renderer: those beside the open case and those named to `causa serve`.
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { caseSequence, type ActionRecord } from '../core/analysis/compare';
import type { CaseSequence, CompareCandidate } from '../shared/compare';
import type { EventFilter } from '../shared/contract';
import type { EventJson } from '../shared/model';
import { parseRfc3339Nanos } from '../shared/time';
import type { CaseStore } from '../store/case-store';
import { iterateEvents } from '../store/queries';
import { filterBounds } from './filter-bounds';

/** Case files listed beside the open case, at most. */
const MAX_CANDIDATES = 200;

function recordOf(event: EventJson, kind: ActionRecord['kind']): ActionRecord | undefined {
  const ns = event.time ? parseRfc3339Nanos(event.time) : null;
  if (ns === null) return undefined;
  return {
    event_id: event.id,
    ms: Number(ns / 1_000_000n),
    time: event.time,
    kind,
    ...(kind === 'tool_call' ? { tool: event.action } : kind === 'api_call' ? { verb: event.action } : {}),
    resource: event.target?.resource,
    namespace: event.target?.namespace,
    name: event.target?.name,
    outcome: event.outcome,
    actor: event.actor?.on_behalf_of && kind !== 'api_call' ? `${event.actor.id} for ${event.actor.on_behalf_of}` : event.actor?.id,
    ...(kind === 'prompt' && event.text ? { text: event.text } : {}),
    call_key: event.keys?.tool_call_id ?? event.keys?.jsonrpc_id,
  };
}

function* eventsOf(store: CaseStore, filter: EventFilter): Generator<EventJson> {
  yield* iterateEvents(store, filter, filterBounds(store, filter));
}

/**
 * The agent's actions in a case: its prompts, its tool calls, and the API calls of the identities the
 * agent acted as (`agentIdentities`, from attribution), one row per call.
 */
export function agentSequence(store: CaseStore, name: string, agentIdentities: ReadonlySet<string>): CaseSequence {
  const records: ActionRecord[] = [];
  const add = (event: EventJson, kind: ActionRecord['kind']): void => {
    const record = recordOf(event, kind);
    if (record) records.push(record);
  };
  for (const event of eventsOf(store, { kind: ['prompt'] })) add(event, 'prompt');
  for (const event of eventsOf(store, { kind: ['tool_call'] })) add(event, 'tool_call');
  for (const identity of agentIdentities) {
    // The actor filter is a substring of actor or principal: the exact identity is kept.
    for (const event of eventsOf(store, { kind: ['k8s_api'], actor: identity })) if (event.actor?.id === identity) add(event, 'api_call');
  }
  return caseSequence(name, store.path, records);
}

/** The case files the open case can be compared with: those beside it, then those named, without itself. */
export function compareCandidates(casePath: string, named: readonly string[]): CompareCandidate[] {
  const self = resolve(casePath);
  const seen = new Set([self]);
  const out: CompareCandidate[] = [];
  const add = (path: string, from: CompareCandidate['from']): void => {
    const full = resolve(path);
    if (seen.has(full)) return;
    seen.add(full);
    out.push({ path: full, name: basename(full).replace(/\.causa$/, ''), from });
  };
  for (const path of named) add(path, 'named');
  let beside: string[] = [];
  try {
    beside = readdirSync(dirname(self))
      .filter((file) => file.endsWith('.causa'))
      .sort();
  } catch {
    // A folder that cannot be listed offers nothing beside the case.
  }
  for (const file of beside.slice(0, MAX_CANDIDATES)) add(join(dirname(self), file), 'folder');
  return out;
}
