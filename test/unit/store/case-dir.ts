// A fresh folder and case path for each test of a file, and the handles a test opened closed after it
// (the last opened first), whatever the test did with them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

export interface CaseDir {
  dir: string;
  casePath: string;
  /** Closes `handle` after the test (a test may close it first). */
  track<T extends { close(): void }>(handle: T): T;
}

export function useCaseDir(prefix: string, fileName = 'case.causa'): CaseDir {
  const opened: { close(): void }[] = [];
  const cases: CaseDir = {
    dir: '',
    casePath: '',
    track(handle) {
      opened.push(handle);
      return handle;
    },
  };
  beforeEach(() => {
    cases.dir = mkdtempSync(join(tmpdir(), prefix));
    cases.casePath = join(cases.dir, fileName);
  });
  afterEach(() => {
    for (const handle of opened.splice(0).reverse()) {
      try {
        handle.close();
      } catch {
        // already closed by the test
      }
    }
    rmSync(cases.dir, { recursive: true, force: true });
  });
  return cases;
}
