// The evidence limits in the core, one reader at a time (the hostile suite runs them end to end): sizes
// and the environment, the line reader and the document scanner over the record limit, the inflate
// guard, detection of a file whose first record is larger than the head, and the streaming zip reader.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZipDirectory, streamZipEntry } from '../../../src-main/core/bundle/zip-read';
import { bufferContent, detectContent, findFormat } from '../../../src-main/core/ingest/index';
import { JsonElementScanner, JsonSyntaxError } from '../../../src-main/core/ingest/json-document';
import { readLineBatches } from '../../../src-main/core/ingest/lines';
import { DEFAULT_LIMITS, InflateGuard, LimitError, parseSize, resolveLimits } from '../../../src-main/core/limits';

async function* pieces(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

async function collect<T>(items: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of items) out.push(...batch);
  return out;
}

describe('limits', () => {
  it('reads sizes in binary units and refuses what is not one', () => {
    expect(parseSize('64MiB', 'x')).toBe(64 * 2 ** 20);
    expect(parseSize('512k', 'x')).toBe(512 * 1024);
    expect(parseSize('1048576', 'x')).toBe(2 ** 20);
    expect(() => parseSize('lots', '--max-record-size')).toThrow(/--max-record-size: "lots" is not a size/);
    expect(() => parseSize('0', 'x')).toThrow(LimitError);
  });

  it('takes the environment over the defaults, and the caller over both', () => {
    expect(resolveLimits({}, {})).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({}, { CAUSA_MAX_RECORD_BYTES: '1MiB', CAUSA_MAX_INFLATE_RATIO: '50' })).toMatchObject({
      maxRecordBytes: 2 ** 20,
      maxInflateRatio: 50,
    });
    expect(resolveLimits({ maxRecordBytes: 10 }, { CAUSA_MAX_RECORD_BYTES: '1MiB' }).maxRecordBytes).toBe(10);
    expect(() => resolveLimits({}, { CAUSA_MAX_NESTING_DEPTH: 'deep' })).toThrow(/CAUSA_MAX_NESTING_DEPTH/);
  });

  it('the inflate guard stops at the size and at the ratio past the floor, not before', () => {
    const size = new InflateGuard({ ...DEFAULT_LIMITS, maxInflatedBytes: 100 }, 'a.gz');
    size.consumed(10);
    size.produced(100);
    expect(() => size.produced(1)).toThrow(/a\.gz inflates past the maximum inflated size \(100 bytes\)/);
    const ratio = new InflateGuard({ ...DEFAULT_LIMITS, maxInflateRatio: 10 }, 'b.gz');
    ratio.consumed(1024);
    ratio.produced(8 * 2 ** 20); // 8192:1 but under the floor: small files of spaces are harmless
    expect(() => ratio.produced(9 * 2 ** 20)).toThrow(/b\.gz inflates more than 10 times its compressed size/);
  });
});

describe('the line reader over the record limit', () => {
  it('hands on an oversized line as its length only, across chunks, and the lines around it whole', async () => {
    const lines = await collect(readLineBatches(pieces('a\nxxxx', 'xxxx', 'xx\nb\n', 'yyyyyyyyyyyy'), 8));
    expect(lines.map((l) => [l.number, l.bytes.toString(), l.oversized, l.terminated])).toEqual([
      [1, 'a', undefined, true],
      [2, '', 10, true],
      [3, 'b', undefined, true],
      [4, '', 12, false],
    ]);
  });
});

describe('the document scanner over the limits', () => {
  it('drops a selected value past the record limit, keeping its path, line and size', () => {
    const scanner = new JsonElementScanner([['items', '*']], [], { maxRecordBytes: 10 });
    const out = [
      ...scanner.push(Buffer.from('{"items":[1,\n"a long string value",')),
      ...scanner.push(Buffer.from('[2]]}')),
      ...scanner.end(),
    ];
    expect(out.map((e) => [e.path, e.line, e.bytes.toString(), e.oversized])).toEqual([
      [['items', 0], 1, '1', undefined],
      [['items', 1], 2, '', 21],
      [['items', 2], 2, '[2]', undefined],
    ]);
  });

  it('ends a document nested past the depth limit, with the values completed before it', () => {
    const scanner = new JsonElementScanner([['items', '*']], [], { maxNestingDepth: 4 });
    try {
      scanner.push(Buffer.from('{"items":[1,[[[[[[]]]]]]]}'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JsonSyntaxError);
      expect((error as JsonSyntaxError).message).toMatch(/nested deeper than 4 levels/);
      expect((error as JsonSyntaxError).elements.map((e) => e.bytes.toString())).toEqual(['1']);
    }
  });
});

describe('detection of large first records', () => {
  const event = (name: string, pad: number): string =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'default', uid: name },
      involvedObject: { kind: 'Pod', name: 'p' },
      reason: 'Started',
      message: 'm'.repeat(pad),
      type: 'Normal',
    });

  it('a kubectl list whose first item is 3 MiB is still a document of Events', async () => {
    const data = Buffer.from(`{"apiVersion":"v1","kind":"List","items":[\n${event('big', 3 * 2 ** 20)},\n${event('small', 0)}\n]}\n`);
    const detected = await detectContent(async () => bufferContent(data));
    expect(detected).toMatchObject({ ok: true, format: { name: 'k8s-events' }, layout: { kind: 'document' } });
  });

  it('JSON lines whose first line is over the record limit are judged by the lines after it', async () => {
    const data = Buffer.from(`${event('big', 3 * 2 ** 20)}\n${event('small', 0)}\n`);
    const limits = { ...DEFAULT_LIMITS, maxRecordBytes: 2 ** 20 };
    expect(await detectContent(async () => bufferContent(data), undefined, limits)).toMatchObject({
      ok: true,
      format: { name: 'k8s-events' },
      layout: { kind: 'lines' },
    });
    expect(await detectContent(async () => bufferContent(data), findFormat('k8s-events'), limits)).toMatchObject({
      ok: true,
      layout: { kind: 'lines' },
    });
  });

  it('a gzip stream that passes the inflated size ends with the limit, after the bytes before it', async () => {
    const data = gzipSync(Buffer.alloc(4 * 2 ** 20, 'a'));
    const seen: number[] = [];
    const read = async (): Promise<void> => {
      for await (const chunk of bufferContent(data, { ...DEFAULT_LIMITS, maxInflatedBytes: 2 ** 20 }, 'x.gz')) seen.push(chunk.length);
    };
    await expect(read()).rejects.toThrow(/x\.gz: the gzip stream inflates past the maximum inflated size \(1 MiB\)/);
    expect(seen.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 ** 20);
  });
});

describe('the streaming zip reader', () => {
  it('reads the entries fflate writes, stored or deflated, and stops a deflated one at the limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causa-zip-'));
    const path = join(dir, 'b.zip');
    writeFileSync(
      path,
      zipSync({ 'manifest.json': new TextEncoder().encode('{}'), 'sources/a.log': [Buffer.alloc(3 * 2 ** 20, 'z'), { level: 9 }] }),
    );
    const entries = await readZipDirectory(path);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['manifest.json', 2],
      ['sources/a.log', 3 * 2 ** 20],
    ]);
    const whole: Buffer[] = [];
    for await (const chunk of streamZipEntry(path, entries[1]!, DEFAULT_LIMITS, 'a')) whole.push(chunk);
    expect(Buffer.concat(whole).equals(Buffer.alloc(3 * 2 ** 20, 'z'))).toBe(true);
    const capped = async (): Promise<void> => {
      for await (const chunk of streamZipEntry(
        path,
        entries[1]!,
        { ...DEFAULT_LIMITS, maxInflatedBytes: 2 ** 20 },
        'zip entry sources/a.log',
      ))
        void chunk;
    };
    await expect(capped()).rejects.toThrow(/zip entry sources\/a\.log inflates past the maximum inflated size/);
  });

  it('refuses what is not a zip, naming why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causa-zip-'));
    const path = join(dir, 'not.zip');
    writeFileSync(path, 'PK\u0003\u0004 and then nothing of a zip');
    await expect(readZipDirectory(path)).rejects.toThrow(/no end of central directory record/);
  });
});
