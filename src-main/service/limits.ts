// The evidence limits (core/limits.ts) as the commands and hosts set them: options over environment over defaults.
export { DEFAULT_LIMITS, formatBytes, LimitError, LIMIT_ENV, parseSize, resolveLimits, type Limits } from '../core/limits';
