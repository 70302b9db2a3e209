// The case worker's entry (a build entry of its own, out/main/case-worker.js): the thread that owns the
// case file in the workbench's hosts. host/case-worker.ts says what it does; host/case-client.ts starts it.
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { serveCaseWorker, type CaseWorkerOptions, type WorkerPort } from './case-worker';

if (!parentPort) throw new Error('the case worker runs only as a worker thread (host/case-client.ts starts it)');
// The link worker is built beside this entry (out/main/link-worker.js).
const linkWorker = fileURLToPath(new URL('./link-worker.js', import.meta.url));
serveCaseWorker(parentPort as unknown as WorkerPort, { ...(workerData as CaseWorkerOptions), linkWorker });
