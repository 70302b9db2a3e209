// `causa whoami`: the name the analyst's journal entries are signed with, and `--set NAME` to set it once
// for every case (kept in $CAUSA_HOME/analyst.json, outside any case).
import { parseArgs } from 'node:util';
import type { CliIo } from '../cli';
import { currentAnalyst, setAnalystName } from '../service/analyst';
import type { AnalystInfo } from '../shared/contract';
import { ServiceError } from '../shared/errors';

export const WHOAMI_USAGE = `  whoami [--set NAME]                        the name your journal entries are signed with; --set keeps it
                                             for every case (in $CAUSA_HOME/analyst.json; CAUSA_ANALYST
                                             overrides it for one run)`;

const OPTIONS = { set: { type: 'string' }, json: { type: 'boolean' } } as const;

const FROM: Record<AnalystInfo['source'], string> = {
  setting: 'your setting',
  environment: 'CAUSA_ANALYST',
  account: 'the OS account; set your name with causa whoami --set NAME',
};

export async function runWhoami(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (error) {
    throw new ServiceError('invalid_input', (error as Error).message);
  }
  const { values } = parsed;
  const info = values.set !== undefined ? setAnalystName(values.set) : currentAnalyst();
  if (values.json) io.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    io.stdout.write(`${info.name} (from ${FROM[info.source]}${info.path ? `: ${info.path}` : ''})\n`);
    if (values.set !== undefined && info.source === 'environment') {
      io.stderr.write(`causa whoami: saved, but CAUSA_ANALYST (${info.name}) still names this run's analyst\n`);
    }
  }
  return 0;
}
