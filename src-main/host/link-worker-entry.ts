// The link worker's entry (a build entry of its own, out/main/link-worker.js): links one case read-only
// and posts the result (service/link-thread.ts); the case worker starts one per job.
import { parentPort, workerData } from 'node:worker_threads';
import { encodeLinkedCase } from '../service/link-cache';
import type { LinkAnswer } from '../service/link-thread';
import { Workbench } from '../service/workbench';

if (!parentPort) throw new Error('the link worker runs only as a worker thread (service/link-thread.ts starts it)');
let answer: LinkAnswer;
try {
  const workbench = Workbench.open((workerData as { casePath: string }).casePath, { readOnly: true });
  try {
    const { key, linked } = workbench.linkNow();
    answer = { ok: true, result: encodeLinkedCase(key, linked) };
  } finally {
    workbench.close();
  }
} catch (error) {
  answer = { ok: false, message: (error as Error).message };
}
parentPort.postMessage(answer);
