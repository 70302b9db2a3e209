// `causa events`: the case's normalized events in time order, streamed to stdout. With several case files,
// their events are merged in time order, each line naming its case; `--view NAME` applies a view saved in
// the case (its query and filter), combined with any filter options given (docs/query.md).
import { basename } from 'node:path';
import { Workbench } from '../service/workbench';
import { EventFilter } from '../shared/contract';
import { ServiceError } from '../shared/errors';
import type { EventJson } from '../shared/model';
import { caseArguments } from './case-file';
import { EXIT_OK } from './exit';
import { FILTER_OPTIONS, filterFromOptions } from './filter';
import { writeWithBackpressure, type CliIo } from './io';
import { parseOptions } from './options';

export const EVENTS_USAGE = `  events CASE… [filters] [--stages]          print the case's normalized events in time order, one line
         [--view NAME]                       per audited API call (its latest stage) unless --stages;
                                             several cases merge by time, each line naming its case;
                                             --view applies a view saved in the case`;

function describeEvent(e: EventJson): string {
  const target = e.target
    ? [e.target.resource, [e.target.namespace, e.target.name].filter(Boolean).join('/')].filter(Boolean).join(' ')
    : '';
  const actor = e.actor ? `${e.actor.id}${e.actor.on_behalf_of ? ` (for ${e.actor.on_behalf_of})` : ''}` : '-';
  return [e.time ?? '-', e.kind, actor, [e.action, target].filter(Boolean).join(' ') || '-', e.outcome].join('  ');
}

/** Two queries that must both hold. */
function andQueries(a: string | undefined, b: string | undefined): string | undefined {
  if (!a?.trim()) return b;
  if (!b?.trim()) return a;
  return `(${a}) (${b})`;
}

/** The filter a saved view holds, with the command line's filter ANDed to it. */
export function viewFilter(workbench: Workbench, casePath: string, name: string, given: EventFilter): EventFilter {
  const views = workbench.analysis().views;
  const view = views.find((v) => v.name === name);
  if (!view) {
    const known = views.map((v) => v.name);
    throw new ServiceError(
      'invalid_input',
      `${casePath}: no view "${name}" (${known.length > 0 ? `views: ${known.join(', ')}` : 'the case has no saved views'})`,
    );
  }
  const saved = EventFilter.safeParse(view.filter ?? {});
  if (!saved.success) throw new ServiceError('invalid_input', `${casePath}: view "${name}" holds a filter this Causa cannot read`);
  const query = andQueries(view.query, andQueries(saved.data.query, given.query));
  return { ...saved.data, ...given, ...(query ? { query } : {}) };
}

/** Untimed events sort after every timed one, as in each case's own listing. */
function sortKey(event: EventJson): string {
  return event.time ?? '\uffff';
}

/** Events of several cases merged by time (each case's stream is in time order), each tagged with its case. */
function* mergeByTime(streams: { name: string; events: Iterator<EventJson> }[]): Generator<{ name: string; event: EventJson }> {
  const heads = streams.map((stream) => ({ stream, head: stream.events.next() }));
  for (;;) {
    let pick: { stream: (typeof streams)[number]; event: EventJson; at: (typeof heads)[number] } | undefined;
    for (const at of heads) {
      if (at.head.done) continue;
      if (!pick || sortKey(at.head.value) < sortKey(pick.event)) pick = { stream: at.stream, event: at.head.value, at };
    }
    if (!pick) return;
    yield { name: pick.stream.name, event: pick.event };
    pick.at.head = pick.stream.events.next();
  }
}

export async function runEvents(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, { ...FILTER_OPTIONS, stages: { type: 'boolean' }, view: { type: 'string' } });
  const casePaths = caseArguments(positionals, 'events');
  const given = filterFromOptions(values, { stages: values.stages });
  const workbenches: Workbench[] = [];
  try {
    const streams = casePaths.map((casePath) => {
      const workbench = Workbench.open(casePath);
      workbenches.push(workbench);
      const filter = values.view !== undefined ? viewFilter(workbench, casePath, values.view, given) : given;
      return { name: basename(casePath), events: workbench.events(filter) };
    });
    const several = streams.length > 1;
    let buffer = '';
    for (const { name, event } of mergeByTime(streams)) {
      if (values.json) buffer += `${JSON.stringify(several ? { case: name, ...event } : event)}\n`;
      else buffer += `${several ? `${name}  ` : ''}${describeEvent(event)}\n`;
      if (buffer.length >= 1 << 16) {
        await writeWithBackpressure(io, buffer);
        buffer = '';
      }
    }
    if (buffer) await writeWithBackpressure(io, buffer);
  } finally {
    for (const workbench of workbenches) workbench.close();
  }
  return EXIT_OK;
}
