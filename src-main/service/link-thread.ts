// Linking in a thread of its own (issue 17): in the workbench's hosts the case worker asks a link worker
// (its own build entry, out/main/link-worker.js, started per job) to link the case over a read-only
// connection, so that the case worker keeps answering the timeline, searches and filters while a large
// case is linked; a million events take seconds to link. The link worker computes the linked case's key
// in the same read transaction as the links, so the case worker keeps the result only when it describes
// the case as it stands (docs/architecture.md, "The case worker"). It answers with the link cache's row
// (encoded, with its MAC), which the case worker decodes and keeps in the case.
import { Worker } from 'node:worker_threads';
import type { LinkCacheRow } from '../store/link-cache';

/** What the link worker posts back: the linked case as the link cache holds it (service/link-cache.ts). */
export type LinkAnswer = { ok: true; result: LinkCacheRow } | { ok: false; message: string };

/** Runs one link job in a new worker started from `workerFile`, which exits when it has answered. */
export function linkInThread(workerFile: string, casePath: string): Promise<LinkCacheRow> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: { casePath } });
    let answered = false;
    worker.once('message', (answer: LinkAnswer) => {
      answered = true;
      if (answer.ok) resolve({ ...answer.result, members: Buffer.from(answer.result.members) });
      else reject(new Error(`linking the case failed: ${answer.message}`));
    });
    worker.once('error', (error) => reject(new Error(`the link worker failed: ${error.message}`)));
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the link worker stopped without an answer (exit code ${code})`));
    });
  });
}
