// The case worker: in the workbench's hosts (Electron's main process, `causa serve`), one worker thread
// owns the case file's connection and runs the Workbench; the host's own thread only carries requests in
// and answers out (host/case-client.ts). SQLite's reads and writes, an import's commit, the linker over a
// whole case: none of it holds the thread that paints the window or answers HTTP (issue 17,
// docs/architecture.md "The case worker"). This file is the worker's side of the conversation; it is
// started by host/case-worker-entry.ts, a build entry of its own.
import type { ApiResult, ErrorCode, EventFilter } from '../shared/contract';
import { ServiceError } from '../shared/errors';
import { toServiceError } from '../service/errors';
import type { ExportFile } from '../service/exports';
import type { Limits } from '../service/limits';
import type { ReportFormat } from '../service/report';
import { Workbench } from '../service/workbench';
import { dispatch } from './dispatch';

/** What the host gives the worker when it starts it. */
export interface CaseWorkerOptions {
  casePath: string;
  create: boolean;
  limits?: Limits;
  /** Case files named to the host, offered for comparison (`causa serve --compare`). */
  compareWith?: string[];
  /** Whether the host prints PDFs itself (Electron): the worker then asks it to, with the report's HTML. */
  hostPrints?: boolean;
  /** The built link worker (service/link-thread.ts), set by the worker's entry: links run beside the worker. */
  linkWorker?: string;
}

/**
 * Calls the host makes besides the contract's methods: what its own dialogs and printer need (an import of
 * paths the user chose, an export as bytes to save, the name to offer).
 */
export interface HostCalls {
  importPaths: { input: { paths: string[] }; output: Awaited<ReturnType<Workbench['importPaths']>> };
  reportFile: { input: { format: ReportFormat }; output: ExportFile };
  excerptFile: { input: Record<string, never>; output: ExportFile };
  ocsfExportFile: { input: { filter: EventFilter }; output: ExportFile };
  exportFileName: { input: { what: ReportFormat | 'excerpt' | 'ocsf' }; output: string };
}
export type HostCallName = keyof HostCalls;

export type ToWorker =
  /** A method of the API contract, dispatched exactly as a transport would (host/dispatch.ts). */
  | { type: 'method'; id: number; method: string; input: unknown }
  | { [C in HostCallName]: { type: 'host'; id: number; call: C; input: HostCalls[C]['input'] } }[HostCallName]
  /** The host's answer to a `print` request. */
  | { type: 'printed'; id: number; ok: true; data: Uint8Array }
  | { type: 'printed'; id: number; ok: false; message: string }
  | { type: 'close'; id: number };

export type FromWorker =
  | { type: 'ready' }
  /** The case could not be opened: the host reports it as it would have reported the error itself. */
  | { type: 'failed'; code: ErrorCode; message: string }
  | { type: 'answer'; id: number; result: ApiResult<unknown> }
  /** The worker asks the host to print a report's HTML to PDF (Electron prints with its own Chromium). */
  | { type: 'print'; id: number; html: string; title: string };

/** The port the worker talks through (worker_threads' parentPort, or a MessageChannel's end in a test). */
export interface WorkerPort {
  postMessage(message: FromWorker): void;
  on(event: 'message', listener: (message: ToWorker) => void): unknown;
  close(): void;
}

function failure(error: unknown): ApiResult<never> {
  const { code, message } = toServiceError(error);
  return { ok: false, code, message };
}

/** Runs a Workbench on `options.casePath` and answers the host's messages until it says `close`. */
export function serveCaseWorker(port: WorkerPort, options: CaseWorkerOptions): void {
  let workbench: Workbench;
  try {
    workbench = Workbench.open(options.casePath, {
      create: options.create,
      indexInBackground: true,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.linkWorker ? { linkWorker: options.linkWorker } : {}),
    });
  } catch (error) {
    const { code, message } = toServiceError(error);
    port.postMessage({ type: 'failed', code, message });
    port.close();
    return;
  }
  workbench.compareWith = options.compareWith ?? [];

  let printed = 0;
  const printing = new Map<number, { resolve: (data: Buffer) => void; reject: (error: Error) => void }>();
  const printInHost = (html: string, title: string): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      printed += 1;
      printing.set(printed, { resolve, reject });
      port.postMessage({ type: 'print', id: printed, html, title });
    });

  const hostCalls: { [C in HostCallName]: (input: HostCalls[C]['input']) => Promise<HostCalls[C]['output']> | HostCalls[C]['output'] } = {
    importPaths: ({ paths }) => workbench.importPaths(paths),
    reportFile: ({ format }) => workbench.reportFile(format, options.hostPrints ? printInHost : undefined),
    excerptFile: () => workbench.excerptFile(),
    ocsfExportFile: ({ filter }) => workbench.ocsfExportFile(filter),
    exportFileName: ({ what }) => workbench.exportFileName(what),
  };

  const answer = (id: number, result: ApiResult<unknown>): void => port.postMessage({ type: 'answer', id, result });

  port.on('message', (message) => {
    switch (message.type) {
      case 'method':
        void dispatch(workbench.handlers as Parameters<typeof dispatch>[0], message.method, message.input).then((result) =>
          answer(message.id, result),
        );
        return;
      case 'host': {
        const run = hostCalls[message.call] as (input: unknown) => unknown;
        void (async () => {
          try {
            answer(message.id, { ok: true, value: await run(message.input) });
          } catch (error) {
            answer(message.id, failure(error));
          }
        })();
        return;
      }
      case 'printed': {
        const waiting = printing.get(message.id);
        printing.delete(message.id);
        if (!waiting) return;
        if (message.ok) waiting.resolve(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
        else waiting.reject(new ServiceError('internal', `printing the report failed: ${message.message}`));
        return;
      }
      case 'close':
        workbench.close();
        answer(message.id, { ok: true, value: null });
        port.close();
        return;
    }
  });
  port.postMessage({ type: 'ready' });
}
