// `causa sample`: a built-in sample incident written as a signed bundle (service/bundles.ts makes it).
import { isSampleName, SAMPLES, writeSample } from '../service/bundles';
import { EXIT_OK } from './exit';
import type { CliIo } from './io';
import { parseOptions, usageError } from './options';

export const SAMPLE_USAGE = `  sample [NAME] -o DIR [--events N]          write a built-in sample incident as a signed bundle
                                             (${Object.keys(SAMPLES).join(', ')}); -o x.zip writes a zip`;

export async function runSample(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, { out: { type: 'string', short: 'o' }, events: { type: 'string' } });
  const name = positionals[0] ?? 'inc-0047';
  if (positionals.length > 1 || !values.out) throw usageError('sample takes at most one NAME and needs -o DIR');
  if (!isSampleName(name)) throw usageError(`sample: no sample named "${name}" (samples: ${Object.keys(SAMPLES).join(', ')})`);
  const events = values.events === undefined ? undefined : Number(values.events);
  if (events !== undefined && (!Number.isInteger(events) || events < 1))
    throw usageError(`--events: "${values.events}" is not a positive whole number`);
  await writeSample(name, values.out, events ? { events } : {});
  io.stdout.write(values.json ? `${JSON.stringify({ sample: name, out: values.out })}\n` : `Wrote sample ${name} to ${values.out}\n`);
  return EXIT_OK;
}
