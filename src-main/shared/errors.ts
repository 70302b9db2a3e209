import type { ErrorCode } from './contract';

/** A failure the main side reports to its caller as data ({ok:false, code, message}). */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
