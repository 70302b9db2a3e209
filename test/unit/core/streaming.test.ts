// Memory stays flat as input grows: a JSON-lines log and a JSON document far larger than any buffer
// stream through detection and parsing while only a record or so is held at a time. The input is made
// on the fly from real corpus records, never held whole, so what is measured is the importer alone.
// What is measured is what the parser keeps alive: the collector runs before each sample, so garbage
// waiting for it (which depends on the machine's load, not on the parser) is not counted.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseSource, parseSourceBatches, peekContent } from '../../../src-main/core/ingest/index';

const CORPUS = new URL('../../fixtures/corpus/', import.meta.url);
const AUDIT_LINE = readFileSync(new URL('k8s-audit/crowdsec_k8s-audit-priv-pod-file.log', CORPUS), 'utf8').trim();
const EVENT = JSON.stringify(JSON.parse(readFileSync(new URL('k8s-events/k9s_render_testdata_ev.json', CORPUS), 'utf8')));

const TARGET_BYTES = 64 * 2 ** 20;

/** Yields about TARGET_BYTES of content in 256 KiB chunks: a head, `count` records, a tail. */
async function* generate(head: string, record: string, separator: string, tail: string): AsyncGenerator<Buffer> {
  const count = Math.ceil(TARGET_BYTES / (record.length + separator.length));
  const perChunk = Math.max(1, Math.floor((256 * 1024) / (record.length + separator.length)));
  yield Buffer.from(head);
  for (let i = 0; i < count; i += perChunk) {
    const n = Math.min(perChunk, count - i);
    const parts: string[] = [];
    for (let j = 0; j < n; j += 1) parts.push(i + j === 0 ? record : separator + record);
    yield Buffer.from(parts.join(''));
  }
  yield Buffer.from(tail);
}

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Memory still reachable: heap and array buffers after a full collection. */
const held = (): number => {
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

async function streamAll(
  content: AsyncIterable<Buffer>,
  { objects = false } = {},
): Promise<{ records: number; bad: number; peakGrowth: number; format: string; objects: number }> {
  const peeked = await peekContent(content);
  const detected = detectFormat(peeked.head);
  if (!detected.ok) throw new Error(detected.reason);
  const baseline = held();
  let peak = 0;
  let records = 0;
  let bad = 0;
  let named = 0;
  // As the import reads a source: batches, with each record's objects found by the reader when asked.
  const found = detected;
  async function* each() {
    if (!objects) return yield* parseSource(peeked.content, found);
    for await (const batch of parseSourceBatches(peeked.content, found, undefined, { objects })) yield* batch;
  }
  for await (const record of each()) {
    if (record.ok && record.objects) named += 1;
    if (record.ok) records += 1;
    else bad += 1;
    if (records % 4000 === 0) peak = Math.max(peak, held() - baseline);
  }
  return { records, bad, peakGrowth: peak, format: detected.format.name, objects: named };
}

describe('streaming import', () => {
  it('reads 64 MiB of audit JSON lines holding a few MiB at a time', async () => {
    const result = await streamAll(generate('', AUDIT_LINE, '\n', '\n'));
    expect(result.format).toBe('k8s-audit');
    expect(result.bad).toBe(0);
    expect(result.records).toBe(Math.ceil(TARGET_BYTES / (AUDIT_LINE.length + 1)));
    // Holding the input would be 64 MiB and more; a record or a chunk at a time is well under 8 MiB.
    expect(result.peakGrowth).toBeLessThan(TARGET_BYTES / 8);
  });

  it('reads 64 MiB of audit JSON lines finding the objects they name, holding a few MiB at a time', async () => {
    const result = await streamAll(generate('', AUDIT_LINE, '\n', '\n'), { objects: true });
    expect(result.bad).toBe(0);
    expect(result.objects).toBe(result.records);
    expect(result.peakGrowth).toBeLessThan(TARGET_BYTES / 8);
  });

  it('reads a 64 MiB `kubectl get events -o json` list element by element', async () => {
    const result = await streamAll(generate('{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n', EVENT, ',\n', '\n  ]\n}\n'));
    expect(result.format).toBe('k8s-events');
    expect(result.bad).toBe(0);
    expect(result.records).toBe(Math.ceil(TARGET_BYTES / (EVENT.length + 2)));
    expect(result.peakGrowth).toBeLessThan(TARGET_BYTES / 8);
  });
});
