// A temporary folder per test, with the workbenches opened in it closed and the folder removed after the
// test: the fixture the service tests share. Call once at the top of a file (or describe block).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Workbench } from '../../src-main/service/workbench';

export interface TempWorkbenches {
  /** This test's folder. */
  readonly dir: string;
  /** A new case NAME.causa in this test's folder (created), closed after the test. */
  open(name?: string, options?: Parameters<typeof Workbench.open>[1]): Workbench;
}

export function tempWorkbenches(prefix = 'causa-test-'): TempWorkbenches {
  let dir: string | undefined;
  const opened: Workbench[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    for (const workbench of opened.splice(0)) workbench.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    get dir() {
      if (!dir) throw new Error('tempWorkbenches: used outside a test');
      return dir;
    },
    open(name = 'case', options = {}) {
      const workbench = Workbench.open(join(this.dir, `${name}.causa`), { create: true, ...options });
      opened.push(workbench);
      return workbench;
    },
  };
}
