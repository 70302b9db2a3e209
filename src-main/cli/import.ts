// `causa import`: evidence files or folders imported into a case file, with progress on a terminal and
// Ctrl+C stopping at the next record. The work is service/import.ts behind the Workbench facade.
import { existsSync } from 'node:fs';
import { formatNames } from '../service/import';
import { toServiceError } from '../service/errors';
import { EXIT_USAGE } from './exit';
import { Workbench } from '../service/workbench';
import type { ImportProgress } from '../shared/contract';
import { ServiceError } from '../shared/errors';
import { writeImportReport } from './import-report';
import type { CliIo } from './io';
import { LIMIT_OPTIONS, limitsFromOptions } from './limits';
import { parseOptions, usageError } from './options';

export const IMPORT_USAGE = `  import PATH... --case FILE [--format F] [--require-signature]
                                             import evidence files or folders into a case file; the format
                                             of each file is detected from its content unless F names it;
                                             a bundle that fails its check makes the import exit 1`;

export async function runImport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    case: { type: 'string' },
    format: { type: 'string' },
    'require-signature': { type: 'boolean' },
    ...LIMIT_OPTIONS,
  });
  const limits = limitsFromOptions(values);
  if (!values.case) throw usageError('import needs --case FILE (the case file to import into)');
  if (positionals.length === 0) throw usageError('import needs at least one PATH to import');
  if (values.format !== undefined && !formatNames().includes(values.format)) {
    throw usageError(`unknown format "${values.format}"; known formats: ${formatNames().join(', ')}`);
  }
  // Check the evidence before creating anything: a typo must not leave an empty case file behind.
  const missing = positionals.find((path) => !existsSync(path));
  if (missing) throw new ServiceError('io', `${missing}: no such file or folder`);
  const workbench = await openWaiting(values.case, io, limits);
  if (!workbench) {
    io.stdout.write('Cancelled while waiting: nothing was imported.\n');
    return EXIT_USAGE;
  }
  // Ctrl+C stops at the next record: the file being read is rolled back, the files before it stay.
  const cancel = (): void => void workbench.imports.cancel();
  process.once('SIGINT', cancel);
  const progress = io.stderr.isTTY
    ? setInterval(() => io.stderr.write(`\r${describeProgress(workbench.imports.snapshot())}\x1b[K`), 250)
    : undefined;
  // Said once, TTY or not: a second import into a case another program is writing waits for it.
  let toldWaiting = false;
  const waiting = setInterval(() => {
    if (toldWaiting || !workbench.imports.snapshot().waiting) return;
    toldWaiting = true;
    if (!io.stderr.isTTY)
      io.stderr.write(`causa import: waiting for another import to finish writing to ${values.case} (Ctrl+C to give up)\n`);
  }, 100);
  try {
    const options = {
      limits,
      ...(values.format ? { format: values.format } : {}),
      ...(values['require-signature'] ? { requireSignature: true } : {}),
      // Built while the case is linked, below (Workbench.linkAhead).
      leaveIndexes: true,
    };
    const report = await workbench.importPaths(positionals, options);
    // The import's last step: the case linked and the links kept in it, so that its first graph reads them.
    // Derived data only: Ctrl+C now stops the command as usual (the import is committed; the graph links).
    process.removeListener('SIGINT', cancel);
    if (progress) clearInterval(progress);
    if (!report.cancelled) {
      if (io.stderr.isTTY) io.stderr.write(`\rlinking the case for its graph…\x1b[K`);
      try {
        await workbench.linkAhead();
      } catch (error) {
        // The evidence is in the case whatever happens here: the graph links it when it is first asked for.
        io.stderr.write(
          `\r\x1b[Kcausa import: the case could not be linked ahead (${(error as Error).message}); its graph links it when opened\n`,
        );
      }
    }
    if (progress) io.stderr.write('\r\x1b[K');
    return writeImportReport(report, io, values.json === true);
  } finally {
    if (progress) clearInterval(progress);
    clearInterval(waiting);
    process.removeListener('SIGINT', cancel);
    // Not linked (cancelled, failed): the event indexes the import left are built here all the same. Should
    // that fail too, the case says they are pending, and the next program to open it for writing builds them.
    try {
      workbench.buildPendingIndexes();
    } catch {
      // left pending (above)
    }
    workbench.close();
  }
}

/**
 * The case opened for the import; created when it does not exist, and then written through a rollback
 * journal until the import ends (CaseStore.open's rollbackWhileNew). A case another import is creating
 * cannot be read until that import ends: this one waits for it, saying so, as it waits for any writer
 * (undefined: Ctrl+C while waiting).
 */
async function openWaiting(casePath: string, io: CliIo, limits: ReturnType<typeof limitsFromOptions>): Promise<Workbench | undefined> {
  let told = false;
  let cancelled = false;
  const cancel = (): void => void (cancelled = true);
  process.once('SIGINT', cancel);
  try {
    for (;;) {
      try {
        return Workbench.open(casePath, { create: true, limits, rollbackWhileNew: true });
      } catch (error) {
        if (toServiceError(error).code !== 'busy') throw error;
      }
      if (!told) io.stderr.write(`causa import: waiting for another import to finish writing to ${casePath} (Ctrl+C to give up)\n`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (cancelled) return undefined;
    }
  } finally {
    process.removeListener('SIGINT', cancel);
  }
}

function describeProgress(p: ImportProgress): string {
  if (!p.active) return 'importing…';
  if (p.waiting) return 'waiting for another import to finish…';
  const percent = p.bytes_total > 0 ? Math.min(100, Math.floor((p.bytes_read / p.bytes_total) * 100)) : 0;
  return `${p.cancelling ? 'cancelling' : 'importing'} ${p.file ?? ''} (file ${Math.min(p.files_done + 1, p.files_total)} of ${p.files_total}): ${percent}%, ${p.events.toLocaleString('en')} events`;
}
