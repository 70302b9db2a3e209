// `causa capture`: the command's glue — options, Ctrl+C, progress on a terminal, the summary. The work is
// service/capture/run-capture.ts. Exit 0: everything captured; 1: a partial capture was sealed (something
// missing, not visible, failed or cancelled); 2: nothing could be captured or the command could not run.
import { captureCluster, type CaptureResult } from '../service/capture/run-capture';
import { EXIT_EVIDENCE, EXIT_OK } from './exit';
import type { CliIo } from './io';
import { parseOptions, usageError } from './options';

export const CAPTURE_USAGE = `  capture --context CTX [--kubeconfig FILE] [--namespace NS] [--since DUR] [--watch DUR] [--key KEY.pem]
          [--max-response MIB] -o BUNDLE     read-only snapshot of a live cluster, sealed into a bundle; an
                                             API response over MIB (default 64) fails its type, named`;

const OPTIONS = {
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  since: { type: 'string' },
  watch: { type: 'string' },
  out: { type: 'string', short: 'o' },
  key: { type: 'string' },
  'max-response': { type: 'string' },
} as const;

/** Writes progress over one terminal line; nothing at all when stderr is not a terminal. */
function progressWriter(io: CliIo): { write: (text: string) => void; clear: () => void } {
  if (!io.stderr.isTTY) return { write: () => {}, clear: () => {} };
  let last = 0;
  let shown = false;
  return {
    write: (text) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\x1b[K${text.slice(0, 120)}`);
    },
    clear: () => {
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}

/** Aborts on the user's Ctrl+C (or the test's stand-in for it); `dispose` stops listening. */
function interruption(io: CliIo): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (io.untilInterrupted) {
    void io.untilInterrupted().then(abort);
    return { signal: controller.signal, dispose: () => {} };
  }
  process.once('SIGINT', abort);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', abort) };
}

function writeSummary(result: CaptureResult, io: CliIo): void {
  const { capture } = result;
  const who = capture.identity.username ?? 'an unknown identity';
  io.stdout.write(
    `Captured ${capture.context} (${capture.server}) as ${who} into ${result.out}${result.signed_by ? `, signed by key ${result.signed_by}` : ''}\n`,
  );
  for (const r of capture.resources) {
    const what =
      r.status === 'captured'
        ? `${r.items} captured${r.watched ? ` (${r.watched} arrived by watch)` : ''}${r.relists ? `, re-listed ${r.relists}× after an expired watch` : ''}${r.reason ? `; ${r.reason}` : ''}`
        : r.status === 'not_visible'
          ? 'not visible to this credential'
          : `${r.status.toUpperCase()}: ${r.reason ?? ''}`;
    io.stdout.write(`  ${r.name} (${r.api_version}, ${r.scope}): ${what}\n`);
  }
  io.stdout.write(
    result.complete
      ? `Complete: every type captured, ${capture.requests} read-only requests.\n`
      : `PARTIAL capture${capture.cancelled ? ' (cancelled)' : ''}: ${capture.failed.length} problem(s), listed on stderr; what was read is sealed.\n`,
  );
}

export async function runCapture(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, OPTIONS, { positionals: false });
  if (!values.context || !values.out) throw usageError('capture needs --context CTX and -o BUNDLE');
  const maxResponseMib = values['max-response'] === undefined ? undefined : Number(values['max-response']);
  if (maxResponseMib !== undefined && (!Number.isInteger(maxResponseMib) || maxResponseMib < 1 || maxResponseMib > 1024)) {
    throw usageError(`--max-response: "${values['max-response']}" is not a whole number of MiB from 1 to 1024`);
  }
  const progress = progressWriter(io);
  const { signal, dispose } = interruption(io);
  let result: CaptureResult;
  try {
    result = await captureCluster({
      context: values.context,
      out: values.out,
      signal,
      onProgress: progress.write,
      onWarning: (text) => {
        progress.clear();
        io.stderr.write(`causa capture: warning: ${text}\n`);
      },
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.namespace ? { namespace: values.namespace } : {}),
      ...(values.since ? { since: values.since } : {}),
      ...(values.watch ? { watch: values.watch } : {}),
      ...(values.key ? { key: values.key } : {}),
      ...(maxResponseMib ? { maxResponseBytes: maxResponseMib * 2 ** 20 } : {}),
    });
  } finally {
    progress.clear();
    dispose();
  }
  for (const warning of result.capture.warnings) io.stderr.write(`causa capture: warning: ${warning}\n`);
  for (const line of result.capture.failed) io.stderr.write(`${line}\n`);
  if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
  else writeSummary(result, io);
  return result.complete ? EXIT_OK : EXIT_EVIDENCE;
}
