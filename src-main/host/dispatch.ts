// The boundary every transport goes through: the method must exist, the input must parse, and whatever
// happens inside comes back as data.
import { contract, isMethodName, type ApiResult, type Handlers } from '../shared/contract';
import { toServiceError } from '../service/errors';
import { z } from 'zod';

export async function dispatch(handlers: Handlers, method: string, input: unknown): Promise<ApiResult<unknown>> {
  if (!isMethodName(method)) return { ok: false, code: 'not_found', message: `no API method "${method}"` };
  const parsed = contract[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    return { ok: false, code: 'invalid_input', message: `${method}: ${z.prettifyError(parsed.error)}` };
  }
  try {
    const handler = handlers[method] as (input: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    const { code, message } = toServiceError(error);
    return { ok: false, code, message };
  }
}
