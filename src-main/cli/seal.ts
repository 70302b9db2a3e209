// `causa seal`: raw evidence chained, hashed and optionally signed into a bundle (service/bundles.ts).
import { sealFolder } from '../service/bundles';
import { EXIT_OK } from './exit';
import { plural, type CliIo } from './io';
import { parseOptions, usageError } from './options';

export const SEAL_USAGE = `  seal SRC_DIR -o BUNDLE [--key KEY.pem] [--title T] [--incident ID]
                                             chain, hash and optionally sign raw evidence into a bundle`;

export async function runSeal(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    out: { type: 'string', short: 'o' },
    key: { type: 'string' },
    title: { type: 'string' },
    incident: { type: 'string' },
  });
  if (positionals.length !== 1 || !values.out) throw usageError('seal needs one SRC_DIR and -o BUNDLE');
  const sealed = await sealFolder({
    source: positionals[0]!,
    out: values.out,
    ...(values.key ? { key: values.key } : {}),
    ...(values.title ? { title: values.title } : {}),
    ...(values.incident ? { incident: values.incident } : {}),
  });
  io.stdout.write(
    values.json
      ? `${JSON.stringify(sealed)}\n`
      : `Sealed ${plural(sealed.sources, 'file')} into ${sealed.out}${sealed.signed_by ? `, signed by key ${sealed.signed_by}` : ' (unsigned)'}\n`,
  );
  return EXIT_OK;
}
