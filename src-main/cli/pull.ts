// `causa pull`: the command's glue — options, Ctrl+C, progress on a terminal, the summary. The work is
// service/pull/run-pull.ts. Exit 0: the window pulled whole (and imported with --case); 1: a partial pull
// was sealed (the server failed or went away, or Ctrl+C), with what failed in its manifest; 2: nothing
// was pulled or the command could not run (bad profile, unreachable server, refused credentials, a
// missing column, an empty window).
import { planPull, pullToBundle, type PlanBucket, type PullPlan, type PullResult } from '../service/pull/run-pull';
import { importIntoCaseFile } from '../service/pull/import-pulled';
import { EXIT_EVIDENCE, EXIT_OK } from './exit';
import type { CliIo } from './io';
import { parseOptions, usageError } from './options';

export const PULL_USAGE = `  pull --profile P --from T --to T [--namespace NS] [--user U] [--cluster C] [--plan]
       [-o BUNDLE] [--resume] [--case FILE] [--key KEY.pem] [--page-size N]
                                             read-only: pull a time window from a ClickHouse log store
                                             into a sealed bundle (then import it into FILE); --plan
                                             shows rows per hour, identity and namespace instead (the
                                             server counts); credentials come from the environment or a
                                             file the profile names; an unfinished pull at BUNDLE
                                             (partial, or killed) continues after its last row
                                             (--resume: it must exist) (docs/pull.md)`;

const OPTIONS = {
  profile: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  namespace: { type: 'string' },
  user: { type: 'string' },
  cluster: { type: 'string' },
  plan: { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  case: { type: 'string' },
  key: { type: 'string' },
  'page-size': { type: 'string' },
  resume: { type: 'boolean' },
} as const;

function interruption(io: CliIo): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (io.untilInterrupted) {
    void io.untilInterrupted().then(abort);
    return { signal: controller.signal, dispose: () => {} };
  }
  process.once('SIGINT', abort);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', abort) };
}

function buckets(title: string, list: PlanBucket[] | undefined, io: CliIo): void {
  if (!list) return;
  io.stdout.write(`${title}:\n`);
  if (list.length === 0) io.stdout.write('  (none)\n');
  const width = Math.max(...list.map((b) => String(b.rows.toLocaleString('en')).length), 1);
  for (const b of list) io.stdout.write(`  ${b.rows.toLocaleString('en').padStart(width)}  ${b.bucket}\n`);
}

function writePlan(plan: PullPlan, io: CliIo): void {
  io.stdout.write(`${plan.table} (${plan.engine}) on ${plan.server}, ClickHouse ${plan.server_version}\n`);
  io.stdout.write(`${plan.rows.toLocaleString('en')} rows from ${plan.window.from} to ${plan.window.to}\n`);
  buckets('Rows per hour', plan.per_hour, io);
  buckets('Busiest identities', plan.per_user, io);
  buckets('Busiest namespaces', plan.per_namespace, io);
}

function writeResult(result: PullResult, io: CliIo): void {
  for (const warning of result.warnings) io.stderr.write(`causa pull: warning: ${warning}\n`);
  if (result.failed) io.stderr.write(`causa pull: ${result.failed}\n`);
  io.stdout.write(
    `${result.complete ? 'Pulled' : 'PARTIAL pull:'} ${result.rows.toLocaleString('en')} of ${result.server_rows.toLocaleString('en')} rows into ${result.out}` +
      `${result.signed_by ? `, signed by key ${result.signed_by}` : ', unsigned'}; ${result.statements.length} read-only statements\n`,
  );
  if (result.resumed_after !== undefined)
    io.stdout.write(`Resumed after the ${result.resumed_after.toLocaleString('en')} rows an earlier run had written.\n`);
  if (!result.complete) io.stdout.write('What was pulled is sealed, with what failed in its manifest; it was not imported.\n');
  if (result.imported)
    io.stdout.write(
      `Imported ${result.imported.events.toLocaleString('en')} events${result.imported.errors > 0 ? `, ${result.imported.errors} records could not be imported` : ''}.\n`,
    );
}

export async function runPull(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, OPTIONS, { positionals: false });
  if (!values.profile || !values.from || !values.to) throw usageError('pull needs --profile P, --from T and --to T');
  if (!values.plan && !values.out) throw usageError('pull needs -o BUNDLE (or --plan to look first)');
  const pageSize = values['page-size'] === undefined ? undefined : Number(values['page-size']);
  if (pageSize !== undefined && (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 10_000_000)) {
    throw usageError(`--page-size: "${values['page-size']}" is not a whole number from 1 to 10000000`);
  }
  const filters = {
    ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(values.cluster !== undefined ? { cluster: values.cluster } : {}),
  };
  const { signal, dispose } = interruption(io);
  let lastShown = 0;
  const onProgress = io.stderr.isTTY
    ? (p: { phase: string; rows: number; server_rows?: number }): void => {
        if (Date.now() - lastShown < 200) return;
        lastShown = Date.now();
        io.stderr.write(
          `\r\x1b[K${p.phase} ${p.rows.toLocaleString('en')}${p.server_rows ? ` of ${p.server_rows.toLocaleString('en')}` : ''} rows`,
        );
      }
    : undefined;
  try {
    const target = { profile: values.profile, from: values.from, to: values.to, filters, signal, ...(onProgress ? { onProgress } : {}) };
    if (values.plan) {
      const plan = await planPull(target);
      if (values.json) io.stdout.write(`${JSON.stringify(plan)}\n`);
      else writePlan(plan, io);
      return EXIT_OK;
    }
    const result = await pullToBundle({
      ...target,
      out: values.out!,
      ...(values.case ? { importBundle: importIntoCaseFile(values.case) } : {}),
      ...(values.key ? { key: values.key } : {}),
      ...(pageSize ? { pageSize } : {}),
      ...(values.resume ? { resume: true } : {}),
    });
    if (onProgress) io.stderr.write('\r\x1b[K');
    if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else writeResult(result, io);
    return result.complete && (!result.imported || result.imported.errors === 0) ? EXIT_OK : EXIT_EVIDENCE;
  } finally {
    dispose();
  }
}
