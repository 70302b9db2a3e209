// `causa events`: the case's normalized events in time order, streamed to stdout.
import { Workbench } from '../service/workbench';
import type { EventJson } from '../shared/model';
import { caseArgument } from './case-file';
import { EXIT_OK } from './exit';
import { FILTER_OPTIONS, filterFromOptions } from './filter';
import { writeWithBackpressure, type CliIo } from './io';
import { parseOptions } from './options';

export const EVENTS_USAGE = `  events CASE [filters] [--stages]           print the case's normalized events in time order, one line
                                             per audited API call (its latest stage) unless --stages`;

function describeEvent(e: EventJson): string {
  const target = e.target
    ? [e.target.resource, [e.target.namespace, e.target.name].filter(Boolean).join('/')].filter(Boolean).join(' ')
    : '';
  const actor = e.actor ? `${e.actor.id}${e.actor.on_behalf_of ? ` (for ${e.actor.on_behalf_of})` : ''}` : '-';
  return [e.time ?? '-', e.kind, actor, [e.action, target].filter(Boolean).join(' ') || '-', e.outcome].join('  ');
}

export async function runEvents(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, { ...FILTER_OPTIONS, stages: { type: 'boolean' } });
  const casePath = caseArgument(positionals, 'events');
  const filter = filterFromOptions(values, { stages: values.stages });
  const workbench = Workbench.open(casePath);
  try {
    let buffer = '';
    for (const event of workbench.events(filter)) {
      buffer += `${values.json ? JSON.stringify(event) : describeEvent(event)}\n`;
      if (buffer.length >= 1 << 16) {
        await writeWithBackpressure(io, buffer);
        buffer = '';
      }
    }
    if (buffer) await writeWithBackpressure(io, buffer);
  } finally {
    workbench.close();
  }
  return EXIT_OK;
}
