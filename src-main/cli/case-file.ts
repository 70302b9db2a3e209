// The CASE argument of the commands that read a case (events, graph, report, excerpt, export): exactly one,
// and it must exist — opening a missing path would create an empty case file.
import { existsSync } from 'node:fs';
import { Workbench } from '../service/workbench';
import { ServiceError } from '../shared/errors';
import { usageError } from './options';

export function caseArgument(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw usageError(`${command} needs exactly one CASE file`);
  const path = positionals[0]!;
  if (!existsSync(path)) throw new ServiceError('io', `${path}: no such case file`);
  return path;
}

/** One or more CASE arguments, each an existing file (`causa events a.causa b.causa`). */
export function caseArguments(positionals: string[], command: string): string[] {
  if (positionals.length === 0) throw usageError(`${command} needs at least one CASE file`);
  for (const path of positionals) if (!existsSync(path)) throw new ServiceError('io', `${path}: no such case file`);
  return positionals;
}

/** The case of a one-shot command: its groups' members are linked only if the command reads them. */
export function openCase(positionals: string[], command: string): Workbench {
  return Workbench.open(caseArgument(positionals, command), { membersOnDemand: true });
}
