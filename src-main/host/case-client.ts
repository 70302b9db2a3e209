// The host's side of the case worker (host/case-worker.ts): starts the worker thread that owns the case
// file and hands the host the contract's handlers, each a message to the worker and its answer back. The
// host's thread keeps only transport work (HTTP, IPC, the window), so its event loop stays free while the
// case is imported, verified or linked (issue 17).
import { Worker } from 'node:worker_threads';
import {
  METHOD_NAMES,
  type ApiResult,
  type EventFilter,
  type Handlers,
  type ImportReport,
  type MethodName,
  type MethodOutput,
} from '../shared/contract';
import { ServiceError } from '../shared/errors';
import type { ExportFile, PrintPdf } from '../service/exports';
import type { ReportFormat } from '../service/report';
import type { CaseWorkerOptions, FromWorker, HostCallName, HostCalls, ToWorker } from './case-worker';

type CaseMethod = Exclude<MethodName, 'capabilities' | 'openEvidence'>;

/** The handlers every transport serves (all but the transport's own), each answering in the worker's time. */
export type CaseHandlers = { [M in CaseMethod]: (input: Parameters<Handlers[M]>[0]) => Promise<MethodOutput<M>> };

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** An export's bytes arrive as a Uint8Array (structured clone drops Buffer's class): made a Buffer again, no copy. */
function asExportFile(file: ExportFile): ExportFile {
  const data = file.data as Uint8Array;
  return { ...file, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
}

export class CaseClient {
  private next = 0;
  private readonly pending = new Map<number, Pending>();
  /** Why the worker is gone, once it is: every call after that fails with it. */
  private stopped?: ServiceError;

  private constructor(
    private readonly worker: Worker,
    private readonly print: PrintPdf | undefined,
  ) {
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.stop(`the case worker failed: ${error.message}`));
    worker.on('exit', (code) => this.stop(`the case worker stopped (exit code ${code})`));
  }

  /**
   * Starts the worker (`workerFile`, the built out/main/case-worker.js) on a case file and waits until it
   * has opened it; a case that cannot be opened rejects with the error opening it gave. `print` prints a
   * report's HTML to PDF in the host (Electron's own printer); without it the worker prints.
   */
  static start(workerFile: string | URL, options: CaseWorkerOptions, print?: PrintPdf): Promise<CaseClient> {
    const worker = new Worker(workerFile, { workerData: { ...options, hostPrints: print !== undefined } satisfies CaseWorkerOptions });
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.type === 'ready') {
          settle();
          resolve(new CaseClient(worker, print));
        } else if (message.type === 'failed') {
          settle();
          void worker.terminate();
          reject(new ServiceError(message.code, message.message));
        }
      };
      const onError = (error: Error): void => {
        settle();
        reject(new ServiceError('internal', `the case worker could not start: ${error.message}`));
      };
      const onExit = (code: number): void => {
        settle();
        reject(new ServiceError('internal', `the case worker stopped before it opened the case (exit code ${code})`));
      };
      const settle = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  /** The contract's methods, each answered by the worker's Workbench (its errors come back as they were). */
  readonly handlers: CaseHandlers = Object.fromEntries(
    METHOD_NAMES.filter((method) => method !== 'capabilities' && method !== 'openEvidence').map((method) => [
      method,
      (input: unknown) => this.request({ type: 'method', id: 0, method, input }).then((result) => unwrap(result)),
    ]),
  ) as unknown as CaseHandlers;

  importPaths(paths: string[]): Promise<ImportReport> {
    return this.host('importPaths', { paths });
  }

  async reportFile(format: ReportFormat): Promise<ExportFile> {
    return asExportFile(await this.host('reportFile', { format }));
  }

  async excerptFile(): Promise<ExportFile> {
    return asExportFile(await this.host('excerptFile', {}));
  }

  async ocsfExportFile(filter: EventFilter): Promise<ExportFile> {
    return asExportFile(await this.host('ocsfExportFile', { filter }));
  }

  exportFileName(what: ReportFormat | 'excerpt' | 'ocsf'): Promise<string> {
    return this.host('exportFileName', { what });
  }

  /** Closes the case in the worker, then ends the worker. */
  async close(): Promise<void> {
    // Calls made from now on are refused at once; the worker closes the case after what it was asked before.
    const closing = this.stopped ? undefined : this.request({ type: 'close', id: 0 }).catch(() => undefined);
    this.stopped ??= new ServiceError('internal', 'the case is closed');
    await closing;
    await this.worker.terminate();
  }

  private async host<C extends HostCallName>(call: C, input: HostCalls[C]['input']): Promise<HostCalls[C]['output']> {
    const message = { type: 'host', id: 0, call, input } as ToWorker;
    return unwrap(await this.request(message)) as HostCalls[C]['output'];
  }

  private request(message: ToWorker & { id: number }): Promise<ApiResult<unknown>> {
    if (this.stopped) return Promise.reject(this.stopped);
    this.next += 1;
    const id = this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private receive(message: FromWorker): void {
    if (message.type === 'answer') {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiting?.resolve(message.result);
    } else if (message.type === 'print') {
      void this.printFor(message.id, message.html, message.title);
    }
  }

  private async printFor(id: number, html: string, title: string): Promise<void> {
    try {
      if (!this.print) throw new Error('this host does not print');
      const data = await this.print(html, title);
      this.worker.postMessage({ type: 'printed', id, ok: true, data } satisfies ToWorker);
    } catch (error) {
      this.worker.postMessage({ type: 'printed', id, ok: false, message: (error as Error).message } satisfies ToWorker);
    }
  }

  private stop(reason: string): void {
    this.stopped ??= new ServiceError('internal', reason);
    for (const waiting of this.pending.values()) waiting.reject(this.stopped);
    this.pending.clear();
  }
}

function unwrap(result: ApiResult<unknown>): unknown {
  if (result.ok) return result.value;
  throw new ServiceError(result.code, result.message);
}
