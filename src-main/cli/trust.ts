// `causa trust`: the signing keys this installation trusts (service/trust.ts keeps them in
// $CAUSA_HOME/trust.json), and this installation's own key.
import {
  addTrustedKey,
  installationKeyFingerprint,
  installationKeyPath,
  listTrustedKeys,
  removeTrustedKey,
  trustStorePath,
} from '../service/trust';
import { EXIT_OK } from './exit';
import type { CliIo } from './io';
import { parseOptions, usageError } from './options';

export const TRUST_USAGE = `  trust add KEY.pub.pem [--label L] | trust list | trust remove FINGERPRINT
                                             the signing keys you trust (in $CAUSA_HOME/trust.json)`;

export async function runTrust(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, { label: { type: 'string' } });
  const [action, argument] = positionals;
  if (action === 'list' && positionals.length === 1) {
    const keys = await listTrustedKeys();
    const installation = { path: installationKeyPath(), fingerprint: installationKeyFingerprint() ?? null };
    if (values.json) io.stdout.write(`${JSON.stringify({ store: trustStorePath(), keys, installation })}\n`);
    else if (keys.length === 0) io.stdout.write(`No trusted keys (${trustStorePath()}).\n`);
    else for (const key of keys) io.stdout.write(`${key.fingerprint}  ${key.label}  (added ${key.added_at})\n`);
    if (!values.json) {
      io.stdout.write(
        installation.fingerprint
          ? `${installation.fingerprint}  this installation's key: signs its case seals and journal heads (${installation.path}, private)\n`
          : `This installation has no key yet: one is made in ${installation.path} when a case is first sealed.\n`,
      );
    }
    return EXIT_OK;
  }
  if (action === 'add' && argument && positionals.length === 2) {
    const key = await addTrustedKey(argument, values.label);
    io.stdout.write(values.json ? `${JSON.stringify(key)}\n` : `Trusted ${key.fingerprint} (${key.label})\n`);
    return EXIT_OK;
  }
  if (action === 'remove' && argument && positionals.length === 2) {
    const key = await removeTrustedKey(argument);
    io.stdout.write(values.json ? `${JSON.stringify(key)}\n` : `No longer trusted: ${key.fingerprint} (${key.label})\n`);
    return EXIT_OK;
  }
  throw usageError('trust takes: add KEY.pub.pem [--label L] | list | remove FINGERPRINT');
}
