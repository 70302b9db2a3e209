// How an import is told on the command line, by `causa import` and by `causa serve PATH…`: each input
// error on stderr as FILE:LINE: REASON, one line per file on stdout, and every bundle that failed its check.
import type { ImportIntegrity, ImportReport } from '../shared/contract';
import { EXIT_EVIDENCE, EXIT_OK, EXIT_USAGE } from './exit';
import { plural, type CliIo } from './io';

export function writeImportErrors(report: ImportReport, io: CliIo, { more = true }: { more?: boolean } = {}): void {
  for (const file of report.files) {
    for (const error of file.errors) io.stderr.write(`${error.file}:${error.line}: ${error.reason}\n`);
    if (more && file.more_errors > 0) io.stderr.write(`${file.file}: … and ${plural(file.more_errors, 'more error')}\n`);
  }
}

/** The whole report of `causa import`, and its exit code. */
export function writeImportReport(report: ImportReport, io: CliIo, json: boolean): number {
  writeImportErrors(report, io);
  if (json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    for (const file of report.files) {
      const what =
        file.status === 'already_imported'
          ? `already in the case (${plural(file.events, 'event')})`
          : file.status === 'failed'
            ? 'nothing imported'
            : file.status === 'skipped'
              ? `skipped: no importer for ${file.format} yet`
              : file.status === 'cancelled'
                ? 'cancelled: nothing of it imported'
                : `imported ${plural(file.events, 'event')} (${file.format})`;
      const errors = file.errors.length + file.more_errors;
      io.stdout.write(`${file.file}: ${what}${errors > 0 ? `, ${plural(errors, 'error')}` : ''}\n`);
    }
    io.stdout.write(
      `Imported ${plural(report.events, 'event')} from ${plural(report.files.length, 'file')}; ` +
        `${report.errors === 0 ? 'no errors' : `${plural(report.errors, 'record')} could not be imported`}.\n`,
    );
    if (report.cancelled) io.stdout.write('Cancelled: the file being read was rolled back; the files after it were not read.\n');
    for (const failed of report.integrity ?? []) writeImportIntegrity(failed, io);
  }
  // A cancelled import could not run to its end.
  if (report.cancelled) return EXIT_USAGE;
  return report.errors > 0 || (report.integrity ?? []).length > 0 ? EXIT_EVIDENCE : EXIT_OK;
}

/** A bundle that failed its check on import: what is wrong, which sources, how many records the case now holds from them. */
export function writeImportIntegrity(failed: ImportIntegrity, io: CliIo): void {
  const what = {
    broken: 'BROKEN: its content differs from what was sealed',
    unsigned: 'UNSIGNED: no valid signature covers its seal, and a signature was required',
    untrusted: `UNTRUSTED: signed by a key you have not trusted (${failed.fingerprint ?? 'unknown'})`,
    intact: 'intact',
  }[failed.status];
  const sources = failed.sources.map((s) => `${s.path} (${plural(s.records, 'record')}${s.verdict === 'broken' ? ', broken' : ''})`);
  io.stdout.write(
    `${failed.bundle}: ${what}; ${plural(failed.records, 'record')} imported from ${plural(failed.sources.length, 'source')} at fault` +
      `${sources.length > 0 ? `: ${sources.join(', ')}` : ''}\n`,
  );
  for (const problem of failed.problems) io.stdout.write(`  ${problem.item}: ${problem.reason}\n`);
}
