// `causa export`: the case's events as OCSF JSON lines for a SIEM, written to a new file. The work is
// service/exports.ts.
import { emptyOcsfCounts, ocsfSummary } from '../service/exports';
import { timeBounds } from '../service/filter-bounds';
import { openCase } from './case-file';
import { EXIT_OK } from './exit';
import { FILTER_OPTIONS, filterFromOptions } from './filter';
import type { CliIo } from './io';
import { outPath, writeNew } from './new-file';
import { parseOptions, usageError } from './options';

export const EXPORT_USAGE = `  export CASE --format ocsf -o FILE [filters]
                                             OCSF JSON lines (API Activity: Kubernetes API calls and MCP
                                             tool calls, with authorization decisions) for a SIEM`;

export async function runExport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    out: { type: 'string', short: 'o' },
    format: { type: 'string' },
    ...FILTER_OPTIONS,
  });
  if (values.format !== 'ocsf') throw usageError('export needs --format ocsf (the one SIEM format so far)');
  const filter = filterFromOptions(values);
  timeBounds(filter); // a malformed --since or --until is refused before the file is created
  const out = outPath(values.out, 'export');
  const workbench = openCase(positionals, 'export');
  try {
    const counts = emptyOcsfCounts();
    const lines = workbench.ocsfLines(filter, counts);
    await writeNew(
      out,
      (function* () {
        for (const line of lines) yield `${line}\n`;
      })(),
    );
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ out, written: counts.written, kubernetes: counts.kubernetes, mcp: counts.mcp, folded: Object.fromEntries(counts.folded), skipped: Object.fromEntries(counts.skipped) })}\n`
        : `Wrote ${out}: ${ocsfSummary(counts)}\n`,
    );
    return EXIT_OK;
  } finally {
    workbench.close();
  }
}
