// `causa keygen`: an Ed25519 signing key pair for `causa seal --key` and `causa capture --key`.
import { makeKey } from '../service/bundles';
import { EXIT_OK } from './exit';
import type { CliIo } from './io';
import { parseOptions, usageError } from './options';

export const KEYGEN_USAGE = `  keygen -o KEY.pem                          make an Ed25519 signing key pair (KEY.pem, KEY.pub.pem)`;

export async function runKeygen(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, { out: { type: 'string', short: 'o' } });
  if (!values.out || positionals.length > 0) throw usageError('keygen needs -o KEY.pem and nothing else');
  const made = await makeKey(values.out);
  io.stdout.write(
    values.json
      ? `${JSON.stringify(made)}\n`
      : `Wrote ${made.private_key} (private, keep it secret) and ${made.public_key}\nKey fingerprint (SHA-256 of the public key): ${made.fingerprint}\n`,
  );
  return EXIT_OK;
}
