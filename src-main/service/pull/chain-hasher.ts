// The hash chain, the leaf hashes and the Merkle root of a pull's records (docs/bundle-format.md), computed on
// a second core. Three SHA-256 a record (the chain step, the leaf, a Merkle node on average), each a call
// into OpenSSL for a few hundred bytes, were a third of a pull's thread: a pull of 1,000,000 rows took 15 s
// with them there and 11 s without (pull.bench.ts, 2026-12-07). The records are copied into batches of
// about 1 MiB and handed to a worker thread in order; it steps the chain over them, hashes each leaf and
// adds it to the Merkle tree, and sends back the batch's leaves file lines (64 hex digits and a newline
// each), which the writer appends to the leaves file in order. At most MAX_IN_FLIGHT batches are out at
// once (the pull waits for the worker beyond that: memory stays bounded). `finish` gives the chain head
// and the Merkle root over every record.
//
// The worker is a script given as text, as store/seal-leaves.ts's is (it runs the same from the bundle,
// the Electron main process and the tests). What it computes is core/bundle/hashing.ts's chainStep,
// leafHashHex and MerkleRootBuilder, which test/unit/pull/chain-hasher.test.ts compares it with.
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { hash, createHash } = require('node:crypto');
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);
let scratch = Buffer.allocUnsafe(65536);
// SHA-256 of the parts one after the other, as raw bytes (hashing.ts's sha256).
function sha(a, b, c) {
  const size = a.length + b.length + (c ? c.length : 0);
  if (size > scratch.length) {
    const digest = createHash('sha256').update(a).update(b);
    if (c) digest.update(c);
    return digest.digest();
  }
  a.copy(scratch, 0);
  b.copy(scratch, a.length);
  if (c) c.copy(scratch, a.length + b.length);
  return Buffer.from(hash('sha256', scratch.subarray(0, size), 'hex'), 'hex');
}
let head = Buffer.from(workerData.head);
const stack = workerData.stack.map((node) => ({ hash: Buffer.from(node.hash), size: node.size }));
function addLeaf(leaf) {
  let node = { hash: leaf, size: 1 };
  while (stack.length > 0 && stack[stack.length - 1].size === node.size) {
    const left = stack.pop();
    node = { hash: sha(NODE, left.hash, node.hash), size: left.size * 2 };
  }
  stack.push(node);
}
function root() {
  if (stack.length === 0) return Buffer.from(hash('sha256', Buffer.alloc(0), 'hex'), 'hex');
  let top = stack[stack.length - 1].hash;
  for (let i = stack.length - 2; i >= 0; i -= 1) top = sha(NODE, stack[i].hash, top);
  return top;
}
parentPort.on('message', (message) => {
  if (message.end) {
    parentPort.postMessage({ head, root: root() });
    return;
  }
  const bytes = Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength);
  const { lengths } = message;
  const lines = Buffer.allocUnsafeSlow(65 * lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i += 1) {
    const record = bytes.subarray(at, at + lengths[i]);
    at += lengths[i];
    head = sha(head, record);
    const leaf = sha(LEAF, record);
    addLeaf(leaf);
    lines.write(leaf.toString('hex'), 65 * i, 'latin1');
    lines[65 * i + 64] = 0x0a;
  }
  parentPort.postMessage({ lines, bytes: message.bytes }, [lines.buffer, message.bytes.buffer]);
});
`;

/** Records' bytes gathered into one batch for the worker: about this many bytes, or this many records. */
const BATCH_BYTES = 1024 * 1024;
const BATCH_RECORDS = 8192;
/** Batches the worker has not answered yet, at most, before `add` asks the pull to wait. */
const MAX_IN_FLIGHT = 4;

/** A Merkle tree being built, as MerkleRootBuilder keeps it: its complete subtrees, largest first. */
export type MerkleStack = readonly { hash: Buffer; size: number }[];

export class ChainHasher {
  private readonly worker: Worker;
  private batch: Buffer = Buffer.allocUnsafeSlow(BATCH_BYTES);
  private used = 0;
  private lengths: number[] = [];
  /** Batches given back by the worker, to be filled again. */
  private readonly free: Buffer[] = [];
  private inFlight = 0;
  private failure: Error | undefined;
  /** Called when the worker has caught up enough for the pull to go on. */
  private resume: (() => void) | undefined;
  private finished: { resolve: (result: { head: Buffer; root: Buffer }) => void; reject: (error: Error) => void } | undefined;

  /**
   * A hasher that goes on from `head` and the Merkle tree `stack` (a new chain: CHAIN_START and none), and
   * hands each batch's leaves file lines to `onLines`, in order.
   */
  constructor(head: Buffer, stack: MerkleStack, onLines: (lines: Buffer) => void) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { head, stack: stack.map((node) => ({ hash: node.hash, size: node.size })) },
    });
    // A pull that fails past its writer leaves nothing waiting on this thread; while the pull waits for it
    // (`add` when it is behind, `finish`), it keeps the process alive (`waitFor`).
    this.worker.unref();
    this.worker.on('message', (message: { lines?: Uint8Array; bytes?: Uint8Array; head?: Uint8Array; root?: Uint8Array }) => {
      if (message.lines && message.bytes) {
        this.inFlight -= 1;
        const returned = Buffer.from(message.bytes.buffer);
        if (returned.length === BATCH_BYTES) this.free.push(returned);
        onLines(Buffer.from(message.lines.buffer, message.lines.byteOffset, message.lines.byteLength));
        this.wake();
        return;
      }
      this.finished?.resolve({ head: Buffer.from(message.head!), root: Buffer.from(message.root!) });
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the hashing thread stopped (exit code ${code})`)));
  }

  /** Adds a record (copied): a promise when the pull should wait for the worker before the next. */
  add(record: Buffer): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    if (this.used + record.length > this.batch.length && this.lengths.length > 0) this.send();
    if (record.length > this.batch.length) this.batch = Buffer.allocUnsafeSlow(record.length);
    record.copy(this.batch, this.used);
    this.used += record.length;
    this.lengths.push(record.length);
    if (this.lengths.length >= BATCH_RECORDS) this.send();
    if (this.inFlight < MAX_IN_FLIGHT) return undefined;
    return this.waitFor(new Promise<void>((resolve) => (this.resume = resolve))).then(() => this.check());
  }

  /** The chain head and the Merkle root over every record added, once the worker has hashed them all (and handed on their lines). */
  async finish(): Promise<{ head: Buffer; root: Buffer }> {
    this.check();
    if (this.lengths.length > 0) this.send();
    const result = new Promise<{ head: Buffer; root: Buffer }>((resolve, reject) => (this.finished = { resolve, reject }));
    this.worker.postMessage({ end: true });
    try {
      return await this.waitFor(result);
    } finally {
      this.finished = undefined;
    }
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  /** `promise`, the worker holding the process alive until it settles (nothing else may: the pull awaits it). */
  private async waitFor<T>(promise: Promise<T>): Promise<T> {
    this.worker.ref();
    try {
      return await promise;
    } finally {
      this.worker.unref();
    }
  }

  private send(): void {
    const bytes = new Uint8Array(this.batch.buffer, this.batch.byteOffset, this.used);
    const lengths = Uint32Array.from(this.lengths);
    this.worker.postMessage({ bytes, lengths }, [this.batch.buffer as ArrayBuffer]);
    this.inFlight += 1;
    this.batch = this.free.pop() ?? Buffer.allocUnsafeSlow(BATCH_BYTES);
    this.used = 0;
    this.lengths = [];
  }

  private wake(): void {
    if (this.inFlight < MAX_IN_FLIGHT || this.failure) {
      const resume = this.resume;
      this.resume = undefined;
      resume?.();
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
    this.finished?.reject(this.failure);
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
