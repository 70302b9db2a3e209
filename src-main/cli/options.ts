// The one options parser of every command: node:util's parseArgs, strict, with --json and --help known to
// all, and every parse error turned into a usage error (ServiceError 'invalid_input'), which the
// dispatcher (cli.ts) reports with the command's usage and exit 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ServiceError } from '../shared/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export function parseOptions<T extends Options>(args: string[], options: T, { positionals = true }: { positionals?: boolean } = {}) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: positionals, strict: true });
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

/** A command given the wrong arguments: exit 2, the message, then the command's usage. */
export function usageError(message: string): ServiceError {
  return new ServiceError('invalid_input', message);
}
