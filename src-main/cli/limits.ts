// The limits options of the commands that read evidence (import, verify, serve): each overrides its
// environment variable (CAUSA_MAX_RECORD_BYTES, …) for this run; docs/limits.md says what each bounds.
import { LimitError, parseSize, resolveLimits, type Limits } from '../service/limits';
import { ServiceError } from '../shared/errors';

export const LIMIT_OPTIONS = {
  'max-record-size': { type: 'string' },
  'max-inflated-size': { type: 'string' },
  'max-inflate-ratio': { type: 'string' },
} as const;

export const LIMIT_USAGE = `  limits (import, verify, serve):            --max-record-size SIZE (default 64MiB), --max-inflated-size
                                             SIZE (16GiB), --max-inflate-ratio N (200): a larger record
                                             is skipped, a gzip stream or zip entry is stopped there`;

type LimitValues = { [K in keyof typeof LIMIT_OPTIONS]?: string };

export function limitsFromOptions(values: LimitValues): Limits {
  try {
    const overrides: Partial<Limits> = {};
    if (values['max-record-size'] !== undefined) overrides.maxRecordBytes = parseSize(values['max-record-size'], '--max-record-size');
    if (values['max-inflated-size'] !== undefined)
      overrides.maxInflatedBytes = parseSize(values['max-inflated-size'], '--max-inflated-size');
    if (values['max-inflate-ratio'] !== undefined) {
      const ratio = Number(values['max-inflate-ratio']);
      if (!Number.isSafeInteger(ratio) || ratio < 1)
        throw new LimitError(`--max-inflate-ratio: "${values['max-inflate-ratio']}" is not a positive whole number`);
      overrides.maxInflateRatio = ratio;
    }
    return resolveLimits(overrides);
  } catch (error) {
    if (error instanceof LimitError) throw new ServiceError('invalid_input', error.message);
    throw error;
  }
}
