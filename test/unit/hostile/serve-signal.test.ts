// `causa serve` must listen for SIGTERM before it prints where it listens: a supervisor (or a test) that
// reads the URL may stop it at once, and a signal arriving before the listener would kill it outright,
// with no clean close of the case file and a signal instead of exit status 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { main as Main } from '../../../src-main/cli';
import { ensureBuilt, ROOT } from './watchdog';

const SAMPLE = join(ROOT, 'resources', 'samples', 'inc-0047');
const dir = mkdtempSync(join(tmpdir(), 'causa-serve-signal-'));
// The built command (serve needs the built workbench and case worker beside it), run in this process so
// that the signal can be sent between its printing the URL and its next statement.
let main: typeof Main;
beforeAll(async () => {
  ensureBuilt();
  ({ main } = (await import(pathToFileURL(join(ROOT, 'out', 'main', 'cli.js')).href)) as { main: typeof Main });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('stops cleanly on a SIGTERM that arrives the moment the URL is printed', async () => {
  let listening = -1;
  let stdout = '';
  let stderr = '';
  const code = await main(['serve', SAMPLE, '--case', join(dir, 'c.causa'), '--json', '--port', '0'], {
    stdout: {
      write: (text: string) => {
        stdout += text;
        if (stdout.includes('"url"') && listening < 0) {
          listening = process.listenerCount('SIGTERM');
          process.emit('SIGTERM');
        }
        return true;
      },
    },
    stderr: { write: (text: string) => ((stderr += text), true) },
  });
  expect(stderr).toBe('');
  expect(JSON.parse(stdout)).toHaveProperty('url');
  expect(listening).toBeGreaterThan(0);
  expect(code).toBe(0);
  expect(process.listenerCount('SIGTERM')).toBe(listening - 1);
}, 30_000);
