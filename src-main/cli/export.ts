// `causa report`, `causa excerpt`, `causa export` and the excerpt side of `causa verify`: the commands'
// glue (options, refusing to overwrite, the summary line). The work is service/report.ts and
// service/evidence-export.ts. An existing -o is refused (exit 2): a report is evidence of what the
// analyst concluded, and silently replacing one is how the wrong version gets sent.
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from '../cli';
import { emptyOcsfCounts, excerptCase, ocsfLines, ocsfSummary, readJsonFile, verifyExcerptAt } from '../service/evidence-export';
import { REPORT_FORMATS, renderReport, reportCitedEvents, type ReportFormat } from '../service/report';
import { timeBounds, Workbench } from '../service/workbench';
import { ServiceError } from '../shared/errors';
import { FILTER_OPTIONS, filterFromOptions } from './filter';

export const EXPORT_USAGE = `  report CASE --format md|html|pdf -o FILE   write the postmortem (PDF is printed by Chromium)
  excerpt CASE (--events ID,ID… | --cited) -o FILE
                                             the events with their raw records and inclusion proofs
                                             against the signed manifest; causa verify FILE checks it
  export CASE --format ocsf -o FILE [filters]
                                             OCSF JSON lines (API Activity: Kubernetes API calls and MCP
                                             tool calls, with authorization decisions) for a SIEM`;

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { json: { type: 'boolean' }, out: { type: 'string', short: 'o' }, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ServiceError('invalid_input', (error as Error).message);
  }
}

function openCase(positionals: string[], command: string): Workbench {
  if (positionals.length !== 1) throw new ServiceError('invalid_input', `${command} needs exactly one CASE file`);
  const path = positionals[0]!;
  if (!existsSync(path)) throw new ServiceError('io', `${path}: no such case file`);
  return Workbench.open(path);
}

function outPath(out: string | undefined, command: string): string {
  if (!out) throw new ServiceError('invalid_input', `${command} needs -o FILE`);
  if (existsSync(out)) throw new ServiceError('io', `${out}: already exists; choose another -o (a report is never overwritten)`);
  return out;
}

/** Writes with O_EXCL, so a file created between the check and the write is not clobbered either. */
async function writeNew(path: string, chunks: Iterable<string | Buffer>): Promise<number> {
  const handle = await open(path, 'wx');
  let bytes = 0;
  try {
    for (const chunk of chunks) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      await handle.write(data);
      bytes += data.length;
    }
  } finally {
    await handle.close();
  }
  return bytes;
}

export async function runReport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' } });
  const format = values.format as ReportFormat | undefined;
  if (!format || !(REPORT_FORMATS as readonly string[]).includes(format)) throw new ServiceError('invalid_input', `report needs --format ${REPORT_FORMATS.join('|')}`);
  const out = outPath(values.out, 'report');
  const workbench = openCase(positionals, 'report');
  try {
    const bytes = await writeNew(out, [await renderReport(workbench.store, format)]);
    io.stdout.write(values.json ? `${JSON.stringify({ out, format, bytes })}\n` : `Wrote the ${format} postmortem to ${out} (${bytes} bytes)\n`);
    return 0;
  } finally {
    workbench.close();
  }
}

function eventIds(text: string): number[] {
  const ids = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0 || ids.some((id) => !/^[1-9]\d*$/.test(id))) throw new ServiceError('invalid_input', `--events: "${text}" is not a list of event ids (e.g. 12,340)`);
  return ids.map(Number);
}

export async function runExcerpt(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { events: { type: 'string' }, cited: { type: 'boolean' } });
  if (!values.events === !values.cited) throw new ServiceError('invalid_input', 'excerpt needs either --events ID,ID… or --cited');
  const out = outPath(values.out, 'excerpt');
  const workbench = openCase(positionals, 'excerpt');
  try {
    const ids = values.events ? eventIds(values.events) : reportCitedEvents(workbench.store);
    const excerpt = excerptCase(workbench.store, ids);
    await writeNew(out, [`${JSON.stringify(excerpt, null, 1)}\n`]);
    for (const o of excerpt.omitted) io.stderr.write(`event ${o.id}: not in the excerpt: ${o.reason}\n`);
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ out, events: excerpt.events.length, omitted: excerpt.omitted })}\n`
        : `Wrote ${excerpt.events.length} proven events to ${out}${excerpt.omitted.length ? ` (${excerpt.omitted.length} omitted: no per-record proof)` : ''}\n`,
    );
    return 0;
  } finally {
    workbench.close();
  }
}

export async function runExport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' }, ...FILTER_OPTIONS });
  if (values.format !== 'ocsf') throw new ServiceError('invalid_input', 'export needs --format ocsf (the one SIEM format so far)');
  const filter = filterFromOptions(values);
  timeBounds(filter); // a malformed --since or --until is refused before the file is created
  const out = outPath(values.out, 'export');
  const workbench = openCase(positionals, 'export');
  try {
    const counts = emptyOcsfCounts();
    const lines = ocsfLines(workbench.store, filter, counts);
    await writeNew(out, (function* () {
      for (const line of lines) yield `${line}\n`;
    })());
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ out, written: counts.written, kubernetes: counts.kubernetes, mcp: counts.mcp, folded: Object.fromEntries(counts.folded), skipped: Object.fromEntries(counts.skipped) })}\n`
        : `Wrote ${out}: ${ocsfSummary(counts)}\n`,
    );
    return 0;
  } finally {
    workbench.close();
  }
}

/** `causa verify FILE` for an excerpt; undefined when FILE is not one (then it is a bundle). */
export async function verifyExcerptFile(path: string, trust: string[], json: boolean, io: CliIo): Promise<number | undefined> {
  if (!path.endsWith('.json') || !existsSync(path)) return undefined;
  const value = await readJsonFile(path);
  if (value === undefined || (value as { format?: unknown }).format !== 'causa-evidence-excerpt') return undefined;
  const verdict = await verifyExcerptAt(path, value, trust);
  if (json) io.stdout.write(`${JSON.stringify(verdict)}\n`);
  else {
    for (const p of verdict.problems) io.stdout.write(`${p.item}: ${p.reason}\n`);
    io.stdout.write(`Results for excerpt ${path}:\n  ${verdict.proven}/${verdict.events} events proven against their manifest's or case seal's Merkle root\n`);
    const words = (s: Awaited<ReturnType<typeof verifyExcerptAt>>['bundles'][number]['signature']): string =>
      s.status === 'valid' ? `valid, key ${s.fingerprint} (${s.trusted ? 'trusted' : 'NOT in the trust store'})` : s.status;
    for (const b of verdict.bundles) io.stdout.write(`  ${b.id} ${b.location}: signature ${words(b.signature)}\n`);
    for (const c of verdict.case_seals) {
      io.stdout.write(`  case seal of ${c.source} (${c.records} records, Merkle root ${c.merkle_root.slice(0, 16)}…): signature ${words(c.signature)}\n`);
    }
    io.stdout.write(`  ${verdict.intact ? 'INTACT: nothing invalid found' : `${verdict.problems.length} problem${verdict.problems.length === 1 ? '' : 's'} found`}\n`);
  }
  return verdict.intact ? 0 : 1;
}
