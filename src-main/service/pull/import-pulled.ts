// The import step of `causa pull --case`: the pulled bundle goes into a case file, created if need be,
// through the workbench's own import (seals, limits, the import lock). Kept apart from run-pull.ts, which
// the workbench itself uses for its Pull dialog, so neither depends on the other.
import type { ImportReport } from '../../shared/contract';
import { Workbench } from '../workbench';

/** A `PullRequest.importBundle` that imports the finished bundle into the case file at `casePath`. */
export function importIntoCaseFile(casePath: string): (bundle: string) => Promise<ImportReport> {
  return async (bundle) => {
    const workbench = Workbench.open(casePath, { create: true });
    try {
      return await workbench.importPaths([bundle]);
    } finally {
      workbench.close();
    }
  };
}
