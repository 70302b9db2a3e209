// `causa whoami`: the name the analyst's journal entries are signed with, and `--set NAME` to set it once
// for every case (kept in $CAUSA_HOME/analyst.json, outside any case).
import { currentAnalyst, setAnalystName } from '../service/analyst';
import type { AnalystInfo } from '../shared/contract';
import { EXIT_OK } from './exit';
import type { CliIo } from './io';
import { parseOptions } from './options';

export const WHOAMI_USAGE = `  whoami [--set NAME]                        the name your journal entries are signed with; --set keeps it
                                             for every case (in $CAUSA_HOME/analyst.json; CAUSA_ANALYST
                                             overrides it for one run)`;

const FROM: Record<AnalystInfo['source'], string> = {
  setting: 'your setting',
  environment: 'CAUSA_ANALYST',
  account: 'the OS account; set your name with causa whoami --set NAME',
};

export async function runWhoami(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, { set: { type: 'string' } }, { positionals: false });
  const info = values.set !== undefined ? setAnalystName(values.set) : currentAnalyst();
  if (values.json) io.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    io.stdout.write(`${info.name} (from ${FROM[info.source]}${info.path ? `: ${info.path}` : ''})\n`);
    if (values.set !== undefined && info.source === 'environment') {
      io.stderr.write(`causa whoami: saved, but CAUSA_ANALYST (${info.name}) still names this run's analyst\n`);
    }
  }
  return EXIT_OK;
}
