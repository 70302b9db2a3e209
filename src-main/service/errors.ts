// The one mapping from what can be thrown inside the main process to the contract's error codes. The API
// boundary (host/dispatch.ts) and the CLI's error path (cli.ts) both report an error through it, so a
// core error (a bundle that is not one, a key that does not load, a limit passed) means the same code
// whichever layer it surfaced in, and no try/catch in between has to re-wrap it.
import { BundleError } from '../core/bundle/files';
import { SealError } from '../core/bundle/seal';
import { KeyError } from '../core/bundle/signing';
import { ZipFormatError } from '../core/bundle/zip-read';
import { DocumentError } from '../core/capture/documents';
import { JsonSyntaxError } from '../core/ingest/json-document';
import { LimitError } from '../core/limits';
import { QuerySyntaxError } from '../core/query/errors';
import { TrustAnchorError } from '../core/verify/timestamp';
import type { ErrorCode } from '../shared/contract';
import { ServiceError } from '../shared/errors';
import { CaseFileError, isBusy } from '../store/case-store';
import { MigrationError } from '../store/migrate';
import { caseBusyMessage } from './busy';
import { VerifyCancelled } from './verify-monitor';

type ErrorClass = abstract new (...args: never[]) => Error;

/** Each typed error and the code it is reported with; the first class an error is an instance of wins. */
const CODES: readonly (readonly [ErrorClass, ErrorCode])[] = [
  // The input is not what it claims to be, or breaks a limit: the caller can fix it.
  [BundleError, 'invalid_input'],
  [ZipFormatError, 'invalid_input'],
  [SealError, 'invalid_input'],
  [KeyError, 'invalid_input'],
  [TrustAnchorError, 'invalid_input'],
  [DocumentError, 'invalid_input'],
  [JsonSyntaxError, 'invalid_input'],
  [LimitError, 'invalid_input'],
  [QuerySyntaxError, 'invalid_input'],
  // The case file cannot be opened as one, or was made by a newer Causa.
  [CaseFileError, 'io'],
  [MigrationError, 'io'],
  [VerifyCancelled, 'cancelled'],
];

/** A Node system error (ENOENT, EACCES, …): a file that cannot be read or written. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const e = error as NodeJS.ErrnoException | null;
  return e instanceof Error && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) && typeof e.syscall === 'string';
}

/** Whatever was thrown, as the ServiceError the caller is told: its code, and a message in words. */
export function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (isBusy(error)) return new ServiceError('busy', caseBusyMessage(error)!);
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof QuerySyntaxError) return new ServiceError('invalid_input', `query: ${message}`);
  const code = CODES.find(([type]) => error instanceof type)?.[1] ?? (isSystemError(error) ? 'io' : 'internal');
  return new ServiceError(code, message);
}
