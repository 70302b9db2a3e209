// `causa excerpt`: chosen events with their raw records and inclusion proofs, written to a new file;
// `causa verify FILE` checks it (cli/verify.ts). The work is service/exports.ts.
import { openCase } from './case-file';
import { EXIT_OK } from './exit';
import type { CliIo } from './io';
import { outPath, writeNew } from './new-file';
import { parseOptions, usageError } from './options';

export const EXCERPT_USAGE = `  excerpt CASE (--events ID,ID… | --cited) -o FILE
                                             the events with their raw records and inclusion proofs
                                             against the signed manifest; causa verify FILE checks it`;

function eventIds(text: string): number[] {
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0 || ids.some((id) => !/^[1-9]\d*$/.test(id)))
    throw usageError(`--events: "${text}" is not a list of event ids (e.g. 12,340)`);
  return ids.map(Number);
}

export async function runExcerpt(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    out: { type: 'string', short: 'o' },
    events: { type: 'string' },
    cited: { type: 'boolean' },
  });
  if (!values.events === !values.cited) throw usageError('excerpt needs either --events ID,ID… or --cited');
  const out = outPath(values.out, 'excerpt');
  const workbench = openCase(positionals, 'excerpt');
  try {
    const ids = values.events ? eventIds(values.events) : workbench.reportCitedEvents();
    const excerpt = workbench.excerpt(ids);
    await writeNew(out, [`${JSON.stringify(excerpt, null, 1)}\n`]);
    for (const o of excerpt.omitted) io.stderr.write(`event ${o.id}: not in the excerpt: ${o.reason}\n`);
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ out, events: excerpt.events.length, omitted: excerpt.omitted })}\n`
        : `Wrote ${excerpt.events.length} proven events to ${out}${excerpt.omitted.length ? ` (${excerpt.omitted.length} omitted: no per-record proof)` : ''}\n`,
    );
    return EXIT_OK;
  } finally {
    workbench.close();
  }
}
