// SQLite's "database is locked" means another program holds the case file's write lock. Nobody should
// have to decode that: every boundary (the CLI, the API) says it in these words instead.
import { isBusy } from '../store/case-store';

export const CASE_BUSY_MESSAGE =
  'another program is writing to this case file (another causa import, or the workbench importing): try again when it has finished';

/** The clear message for a lock conflict, or undefined when the error is something else. */
export function caseBusyMessage(error: unknown): string | undefined {
  return isBusy(error) ? CASE_BUSY_MESSAGE : undefined;
}
