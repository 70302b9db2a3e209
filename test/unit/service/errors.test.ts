// One mapping from what is thrown to the contract's error codes (service/errors.ts), used by the API
// boundary and the CLI alike: the same core error reads the same over HTTP/IPC and on the command line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../../src-main/core/bundle/files';
import { SealError } from '../../../src-main/core/bundle/seal';
import { KeyError } from '../../../src-main/core/bundle/signing';
import { ZipFormatError } from '../../../src-main/core/bundle/zip-read';
import { DocumentError } from '../../../src-main/core/capture/documents';
import { LimitError } from '../../../src-main/core/limits';
import { QuerySyntaxError } from '../../../src-main/core/query/errors';
import { NotABundleError } from '../../../src-main/core/verify/bundle';
import { TrustAnchorError } from '../../../src-main/core/verify/timestamp';
import { dispatch } from '../../../src-main/host/dispatch';
import { CASE_BUSY_MESSAGE } from '../../../src-main/service/busy';
import { toServiceError } from '../../../src-main/service/errors';
import { VerifyCancelled } from '../../../src-main/service/verify-monitor';
import type { Handlers } from '../../../src-main/shared/contract';
import { ServiceError } from '../../../src-main/shared/errors';
import { CaseFileError } from '../../../src-main/store/case-store';
import { MigrationError } from '../../../src-main/store/migrate';
import { runCli } from '../../support/cli';

describe('toServiceError', () => {
  it.each([
    ['BundleError', new BundleError('b: not a bundle'), 'invalid_input'],
    ['NotABundleError (a BundleError)', new NotABundleError('b: no manifest'), 'invalid_input'],
    ['ZipFormatError', new ZipFormatError('x.zip: truncated'), 'invalid_input'],
    ['SealError', new SealError('s: cannot seal'), 'invalid_input'],
    ['KeyError', new KeyError('k.pem: not a PEM private key'), 'invalid_input'],
    ['TrustAnchorError', new TrustAnchorError('a.pem: no certificate'), 'invalid_input'],
    ['DocumentError', new DocumentError('d.json: too deep'), 'invalid_input'],
    ['LimitError', new LimitError('r: larger than 64 MiB'), 'invalid_input'],
    ['CaseFileError', new CaseFileError('c.causa: not a Causa case file'), 'io'],
    ['MigrationError', new MigrationError('c.causa: made by a newer Causa'), 'io'],
    ['VerifyCancelled', new VerifyCancelled(), 'cancelled'],
    ['a plain Error', new Error('boom'), 'internal'],
  ] as const)('gives %s its code and keeps its message', (_name, error, code) => {
    expect(toServiceError(error)).toMatchObject({ code, message: error.message });
    expect(toServiceError(error)).toBeInstanceOf(ServiceError);
  });

  it('passes a ServiceError through as it is', () => {
    const error = new ServiceError('not_found', 'no event 9');
    expect(toServiceError(error)).toBe(error);
  });

  it('names a query error as one', () => {
    expect(toServiceError(new QuerySyntaxError(3, 'unclosed quote'))).toMatchObject({
      code: 'invalid_input',
      message: 'query: column 3: unclosed quote',
    });
  });

  it('reads SQLite lock conflicts as busy, in words', () => {
    const locked = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(toServiceError(locked)).toMatchObject({ code: 'busy', message: CASE_BUSY_MESSAGE });
  });

  it('reads a system error (a file that cannot be read) as io, and a thrown string as internal', async () => {
    const missing = await readFile('/nonexistent/causa-errors-test').catch((error: unknown) => error);
    expect(toServiceError(missing)).toMatchObject({ code: 'io', message: expect.stringContaining('ENOENT') });
    expect(toServiceError('just a string')).toMatchObject({ code: 'internal', message: 'just a string' });
  });
});

describe('the API boundary and the CLI use the same mapping', () => {
  it('dispatch answers a core error thrown by a handler with its code', async () => {
    const handlers = {
      graph: () => {
        throw new KeyError('k.pem: not a PEM public key');
      },
    } as unknown as Handlers;
    expect(await dispatch(handlers, 'graph', {})).toEqual({ ok: false, code: 'invalid_input', message: 'k.pem: not a PEM public key' });
  });

  it('causa verify of a folder that is not a bundle says so, without the usage (it is not an argument error)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causa-errors-'));
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    const result = await runCli(['verify', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `causa verify: ${toServiceError(new BundleError(`${dir}: not a bundle (no manifest.json at its root)`)).message}\n`,
    );
  });

  it('causa trust add of a file that is not a key: the KeyError message, exit 2, no usage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causa-errors-'));
    const key = join(dir, 'not-a-key.pub.pem');
    writeFileSync(key, 'hello\n');
    const result = await runCli(['trust', 'add', key]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^causa trust: ${key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a PEM public key`));
    expect(result.stderr).not.toContain('Usage');
  });
});
