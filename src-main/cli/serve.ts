// `causa serve`: the workbench in web mode on 127.0.0.1 (host/http.ts), on a case file or on evidence
// imported into a new case, until Ctrl+C.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_BODY_BYTES, startHttpHost } from '../host/http';
import { CaseClient } from '../host/case-client';
import { readPublicKeyFile } from '../service/trust';
import type { ImportReport } from '../shared/contract';
import { ServiceError } from '../shared/errors';
import { EXIT_OK } from './exit';
import { writeImportErrors, writeImportIntegrity } from './import-report';
import { plural, type CliIo } from './io';
import { LIMIT_OPTIONS, limitsFromOptions } from './limits';
import { parseOptions, usageError } from './options';

export const SERVE_USAGE = `  serve [PATH...] [--case FILE] [--port N] [--max-body MIB] [--trust KEY.pub.pem]... [--compare B.causa]...
                                             open the workbench in web mode on 127.0.0.1; PATH is a case
                                             file (.causa) or evidence to import into a new case; a
                                             request body (files dropped at once) may hold up to MIB
                                             (default 256); --trust trusts a signing key for this case
                                             only (a journal entry); --compare offers a case file to the
                                             Compare tab besides those in the case's folder`;

/** A new case is named after the evidence it was opened on ("inc-0047"), or "untitled". */
function caseNameFor(paths: string[]): string {
  const first = paths[0] ? basename(paths[0].replace(/[\\/]+$/, '')) : '';
  return first.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'untitled';
}

function rendererDir(): string {
  return fileURLToPath(new URL('../renderer', import.meta.url));
}

/** The case worker's build entry, beside this command's (out/main/case-worker.js). */
function caseWorkerFile(): string {
  return fileURLToPath(new URL('./case-worker.js', import.meta.url));
}

export async function runServe(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    case: { type: 'string' },
    port: { type: 'string' },
    'max-body': { type: 'string' },
    trust: { type: 'string', multiple: true },
    compare: { type: 'string', multiple: true },
    ...LIMIT_OPTIONS,
  });
  const limits = limitsFromOptions(values);
  // Read before anything is created: a key that cannot be read must not leave a half-made case behind.
  const caseKeys = await Promise.all((values.trust ?? []).map(async (file) => ({ file, ...(await readPublicKeyFile(file)) })));
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port: "${values.port}" is not a port number`);
  const maxBodyMib = values['max-body'] === undefined ? DEFAULT_MAX_BODY_BYTES / 2 ** 20 : Number(values['max-body']);
  if (!Number.isInteger(maxBodyMib) || maxBodyMib < 1 || maxBodyMib > 2048) {
    throw usageError(`--max-body: "${values['max-body']}" is not a whole number of MiB from 1 to 2048`);
  }
  const dir = rendererDir();
  if (!existsSync(join(dir, 'index.html'))) {
    throw new ServiceError('io', `the workbench is not built (${dir} is missing): run npm run build first`);
  }
  const opensCase = positionals.length === 1 && positionals[0]!.endsWith('.causa') && !values.case;
  const casePath = opensCase
    ? positionals[0]!
    : (values.case ?? join(await mkdtemp(join(tmpdir(), 'causa-')), `${caseNameFor(positionals)}.causa`));
  if (opensCase && !existsSync(casePath)) throw new ServiceError('io', `${casePath}: no such case file`);
  // The case lives in a worker thread (host/case-worker.ts): this thread only serves HTTP.
  const workbench = await CaseClient.start(caseWorkerFile(), {
    casePath,
    create: !opensCase,
    limits,
    compareWith: (values.compare ?? []).map((path) => resolve(path)),
  });
  // Whatever fails from here on, the worker is closed: a thread left running would keep this command alive.
  try {
    // Trusted for this case only, as a journal entry (who, when), before anything is imported so that the
    // import's own verification already counts it; the trust store is left as it was.
    const trusted: string[] = [];
    for (const key of caseKeys) {
      if (!(await workbench.handlers.analysis({})).trusted_signers.includes(key.fingerprint)) {
        await workbench.handlers.record({ action: { type: 'trust_signer', fingerprint: key.fingerprint, trusted: true } });
      }
      trusted.push(`Trusted key ${key.fingerprint} (${key.file}) for this case only.`);
    }
    let report: ImportReport | undefined;
    if (!opensCase && positionals.length > 0) {
      report = await workbench.importPaths(positionals);
      writeImportErrors(report, io, { more: false });
    }
    const host = await startHttpHost({
      handlers: {
        ...workbench.handlers,
        capabilities: () => ({ open_dialog: false, transport: 'http' as const }),
        openEvidence: () => {
          throw new ServiceError('unsupported', 'web mode has no Open dialog: drop files on the window instead');
        },
      },
      rendererDir: dir,
      port,
      maxBodyBytes: maxBodyMib * 2 ** 20,
    });
    // Listen for the signal before saying where the workbench is: whoever reads that line may stop it at once.
    const interrupted = (io.untilInterrupted ?? untilSignal)();
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ url: host.url, port: host.port, case: casePath, import: report, trusted_for_case: caseKeys.map((k) => k.fingerprint) })}\n`,
      );
    } else {
      io.stdout.write(`Causa workbench on ${casePath}\n`);
      if (report) io.stdout.write(`Imported ${plural(report.events, 'event')}, ${plural(report.errors, 'error')}.\n`);
      for (const line of trusted) io.stdout.write(`${line}\n`);
      for (const failed of report?.integrity ?? []) writeImportIntegrity(failed, io);
      io.stdout.write(`Open ${host.url}\n(press Ctrl+C to stop)\n`);
    }
    await interrupted;
    await host.close();
  } finally {
    await workbench.close();
  }
  return EXIT_OK;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
