// Each test file gets its own empty Causa folder: tests never read or write the user's trust store, nor
// each other's.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.CAUSA_HOME = mkdtempSync(join(tmpdir(), 'causa-test-home-'));
