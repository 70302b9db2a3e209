// `causa report`: the postmortem of a case written to a new file. The work is service/report.ts.
import { REPORT_FORMATS, type ReportFormat } from '../service/report';
import { openCase } from './case-file';
import { EXIT_OK } from './exit';
import type { CliIo } from './io';
import { outPath, writeNew } from './new-file';
import { parseOptions, usageError } from './options';

export const REPORT_USAGE = `  report CASE --format md|html|pdf -o FILE   write the postmortem (PDF is printed by Chromium)`;

export async function runReport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, { out: { type: 'string', short: 'o' }, format: { type: 'string' } });
  const format = values.format as ReportFormat | undefined;
  if (!format || !(REPORT_FORMATS as readonly string[]).includes(format))
    throw usageError(`report needs --format ${REPORT_FORMATS.join('|')}`);
  const out = outPath(values.out, 'report');
  const workbench = openCase(positionals, 'report');
  try {
    const bytes = await writeNew(out, [await workbench.renderReport(format)]);
    io.stdout.write(
      values.json ? `${JSON.stringify({ out, format, bytes })}\n` : `Wrote the ${format} postmortem to ${out} (${bytes} bytes)\n`,
    );
    return EXIT_OK;
  } finally {
    workbench.close();
  }
}
