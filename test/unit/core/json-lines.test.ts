import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bufferContent, openContent, parseSource, parseSourceBatches, type ParsedRecord } from '../../../src-main/core/ingest/index';
import { readLineBatches, type Line } from '../../../src-main/core/ingest/lines';

const CORPUS = new URL('../../fixtures/corpus/', import.meta.url);
const corpus = (path: string): Buffer => readFileSync(new URL(path, CORPUS));

/** Real records from the corpus, as the bytes of one line without its newline. */
function firstLine(path: string): Buffer {
  const bytes = corpus(path);
  const nl = bytes.indexOf(0x0a);
  return nl === -1 ? bytes : bytes.subarray(0, nl);
}
const EXEC = firstLine('k8s-audit/crowdsec_k8s-audit-pod-exec-file.log'); // holds "µs": multi-byte UTF-8
const PRIV_POD = firstLine('k8s-audit/crowdsec_k8s-audit-priv-pod-file.log');
const NAMESPACE = firstLine('k8s-audit/falco/minikube_creates_namespace_foo.json');
const CONFIGMAPS = corpus('k8s-audit/falco/create_configmap_sensitive_values.json');
/** A core/v1 Event (kind "Event" too, but not an audit event), compacted onto one line. */
const CORE_EVENT = Buffer.from(JSON.stringify(JSON.parse(corpus('k8s-events/k9s_render_testdata_ev.json').toString('utf8'))));

const NL = Buffer.from('\n');

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-jsonl-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeFixture(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function parsePath(path: string): Promise<ParsedRecord[]> {
  return collect(parseSource(await openContent(path)));
}

async function* chunked(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk;
}

function good(records: ParsedRecord[]) {
  return records.flatMap((r) => (r.ok ? [r] : []));
}

function bad(records: ParsedRecord[]) {
  return records.flatMap((r) => (r.ok ? [] : [r]));
}

describe('a file mixing good and bad lines', () => {
  const truncated = PRIV_POD.subarray(0, Math.floor(PRIV_POD.length / 2));
  const lines = [EXEC, Buffer.from('{"kind":"Event","auditID":'), CORE_EVENT, NAMESPACE, truncated];
  const file = Buffer.concat([EXEC, NL, lines[1]!, NL, CORE_EVENT, NL, NAMESPACE, NL, truncated]);

  it('yields exactly the good records, with their line numbers and their bytes as in the file', async () => {
    const records = await parsePath(writeFixture('mixed.jsonl', file));
    expect(records.map((r) => [r.position, r.ok])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, true],
      [5, false],
    ]);
    for (const record of good(records)) {
      // Byte for byte, at the offset where the line starts in the file.
      const start = lines.slice(0, record.position - 1).reduce((n, l) => n + l.length + 1, 0);
      expect(record.raw.equals(file.subarray(start, start + lines[record.position - 1]!.length))).toBe(true);
    }
    expect(good(records).map((r) => r.events[0]!.keys?.audit_id)).toEqual([
      '57a794de-44d3-40ee-a0ad-c0eb096eef6c',
      JSON.parse(NAMESPACE.toString()).auditID,
    ]);
  });

  it('reports one error per bad line with its line number and reason', async () => {
    const errors = bad(await parsePath(writeFixture('mixed.jsonl', file)));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatchObject({ position: 2, reason: expect.stringMatching(/^invalid JSON/) });
    expect(errors[1]).toMatchObject({ position: 3, reason: expect.stringMatching(/^not a Kubernetes audit event/) });
    expect(errors[1]!.reason).toContain('apiVersion "v1"');
    expect(errors[2]).toMatchObject({ position: 5, reason: expect.stringMatching(/^truncated record at end of file/) });
    expect(errors.every((e) => !e.fatal)).toBe(true);
  });

  it('accepts a complete last record without a final newline (as the crowdsec file is written)', async () => {
    const records = await parsePath(writeFixture('no-final-newline.jsonl', Buffer.concat([NAMESPACE, NL, EXEC])));
    expect(records.map((r) => [r.position, r.ok])).toEqual([
      [1, true],
      [2, true],
    ]);
  });
});

describe('binary input', () => {
  const pattern = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));

  it.each([
    ['bytes with NULs', Buffer.concat([Buffer.from('\0\0\0\x01ELF'), NL, pattern])],
    [
      'a PNG header',
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR'), pattern]),
    ],
    ['a gzip of bytes that are not text', gzipSync(pattern)],
    ['UTF-16 JSON', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${EXEC.toString('utf8')}\n`, 'utf16le')])],
  ])('%s gives a single fatal error at line 1', async (_label, bytes) => {
    const records = await parsePath(writeFixture('evidence.bin', bytes));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ ok: false, position: 1, fatal: true });
    expect((records[0] as { reason: string }).reason).toMatch(/^binary file, not JSON lines/);
  });

  it('judges a gzip file by its decompressed bytes', async () => {
    // The compressed bytes hold NULs; the content holds none, only bytes that are not UTF-8.
    const notText = Buffer.from(Array.from({ length: 2048 }, (_, i) => 0x80 + (i % 0x40)));
    const gz = gzipSync(notText);
    expect(gz.includes(0)).toBe(true);
    const records = await parsePath(writeFixture('evidence.gz', gz));
    expect(records).toEqual([{ ok: false, position: 1, fatal: true, reason: 'binary file, not JSON lines: not valid UTF-8 text' }]);
  });

  it('reports a line of invalid UTF-8 in the middle and keeps the others', async () => {
    const latin1 = Buffer.concat([Buffer.from('{"kind":"Event","note":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const records = await parsePath(writeFixture('mid.jsonl', Buffer.concat([EXEC, NL, latin1, NL, NAMESPACE, NL])));
    expect(records.map((r) => [r.position, r.ok])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    expect(records[1]).toMatchObject({ reason: 'not valid UTF-8 text' });
    expect(records[1]).not.toHaveProperty('fatal', true);
  });

  it('reports NUL bytes in the middle as one bad line, not as a binary file', async () => {
    const records = await parsePath(writeFixture('nul.jsonl', Buffer.concat([EXEC, NL, Buffer.from('{"a":"\0"}'), NL, NAMESPACE])));
    expect(records.map((r) => [r.position, r.ok])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    expect((records[1] as { reason: string }).reason).toMatch(/NUL/);
  });
});

describe('encodings and line endings', () => {
  it('reads gzip transparently, giving the same records as the plain file', async () => {
    const plain = await parsePath(writeFixture('configmaps.jsonl', CONFIGMAPS));
    const gzipped = await parsePath(writeFixture('configmaps.jsonl.gz', gzipSync(CONFIGMAPS)));
    const fromBuffer = await collect(parseSource(bufferContent(gzipSync(CONFIGMAPS))));
    expect(good(plain)).toHaveLength(6);
    expect(gzipped).toEqual(plain);
    expect(fromBuffer).toEqual(plain);
    const fileLines = CONFIGMAPS.toString('latin1').split('\n');
    for (const record of good(gzipped)) {
      expect(record.raw.equals(Buffer.from(fileLines[record.position - 1]!, 'latin1'))).toBe(true);
    }
  });

  it('accepts CRLF line endings; the raw record is the bytes up to the LF', async () => {
    const file = Buffer.concat([EXEC, Buffer.from('\r\n'), NAMESPACE, Buffer.from('\r\n')]);
    const records = await parsePath(writeFixture('crlf.jsonl', file));
    const lf = await parsePath(writeFixture('lf.jsonl', Buffer.concat([EXEC, NL, NAMESPACE, NL])));
    expect(records.map((r) => r.position)).toEqual([1, 2]);
    expect(good(records).map((r) => r.events)).toEqual(good(lf).map((r) => r.events));
    expect(good(records)[0]!.raw.equals(Buffer.concat([EXEC, Buffer.from('\r')]))).toBe(true);
  });

  it('skips blank lines without shifting line numbers', async () => {
    const file = Buffer.concat([NL, Buffer.from(' \t\r\n'), EXEC, NL, NL, Buffer.from('   \n'), NAMESPACE, NL, Buffer.from('\n\n')]);
    const records = await parsePath(writeFixture('blanks.jsonl', file));
    expect(records.map((r) => [r.position, r.ok])).toEqual([
      [3, true],
      [6, true],
    ]);
  });

  it('gives nothing for an empty file', async () => {
    expect(await parsePath(writeFixture('empty.jsonl', Buffer.alloc(0)))).toEqual([]);
  });
});

describe('readLineBatches', () => {
  const content = Buffer.concat([EXEC, NL, NL, CONFIGMAPS, Buffer.from('{"tail":"naïve ✓ 𝄞"}')]);

  async function linesOf(chunks: Buffer[]): Promise<Line[]> {
    return (await collect(readLineBatches(chunked(chunks)))).flat();
  }

  function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
    const points = [0, ...cuts, bytes.length];
    return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
  }

  function summary(lines: Line[]) {
    return lines.map((l) => ({ number: l.number, hex: l.bytes.toString('hex'), terminated: l.terminated }));
  }

  it('splits on LF only, numbering from 1, and marks an unterminated last line', async () => {
    const lines = await linesOf([content]);
    const expected = content.toString('latin1').split('\n');
    expect(lines.map((l) => l.bytes.toString('latin1'))).toEqual(expected);
    expect(lines.map((l) => l.number)).toEqual(expected.map((_, i) => i + 1));
    expect(lines.map((l) => l.terminated)).toEqual(expected.map((_, i) => i < expected.length - 1));
  });

  it('gives the same lines whatever the chunk boundaries, even inside a UTF-8 character', async () => {
    const whole = summary(await linesOf([content]));
    const micro = content.indexOf(Buffer.from('µ'));
    const clef = content.indexOf(Buffer.from('𝄞'));
    expect(micro).toBeGreaterThan(0);
    const cutSets = [
      [micro + 1],
      [clef + 1, clef + 2, clef + 3],
      [EXEC.length, EXEC.length + 1],
      Array.from({ length: 40 }, (_, i) => Math.floor(((i + 1) * content.length) / 41) + (i % 3)),
    ];
    for (const cuts of cutSets) {
      expect(summary(await linesOf(splitAt(content, cuts)))).toEqual(whole);
    }
    expect(summary(await linesOf([...content].map((b) => Buffer.from([b]))))).toEqual(whole);
    let seed = 7;
    for (let round = 0; round < 20; round += 1) {
      const cuts: number[] = [];
      for (let at = 0; ;) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        at += 1 + (seed % 300);
        if (at >= content.length) break;
        cuts.push(at);
      }
      expect(summary(await linesOf(splitAt(content, cuts)))).toEqual(whole);
    }
  });

  it('ends with a terminated line when the input ends with LF', async () => {
    const lines = await linesOf([Buffer.from('a\n'), Buffer.from('b\n')]);
    expect(summary(lines)).toEqual([
      { number: 1, hex: '61', terminated: true },
      { number: 2, hex: '62', terminated: true },
    ]);
  });
});

describe('batches of lines and records, as the importer reads them', () => {
  it('gives a chunk’s complete lines as one batch, a line cut by a chunk boundary in the batch that ends it', async () => {
    const chunks = [
      Buffer.concat([EXEC, NL, PRIV_POD, NL, NAMESPACE.subarray(0, 10)]),
      Buffer.concat([NAMESPACE.subarray(10), NL]),
      Buffer.from('{"no":'),
    ];
    const batches = await collect(readLineBatches(chunked(chunks)));
    expect(batches.map((batch) => batch.map((line) => [line.number, line.terminated]))).toEqual([
      [
        [1, true],
        [2, true],
      ],
      [[3, true]],
      [[4, false]],
    ]);
    expect(batches[1]![0]!.bytes.equals(NAMESPACE)).toBe(true);
  });

  it('yields the same records in batches as one by one, whatever the chunking', async () => {
    const content = Buffer.concat([EXEC, NL, Buffer.from('{oops\n'), NL, NAMESPACE, NL, CORE_EVENT, NL, PRIV_POD]);
    const single = await collect(parseSource(bufferContent(content)));
    const halves = [content.subarray(0, 700), content.subarray(700)];
    const batches = await collect(parseSourceBatches(chunked(halves)));
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(single);
    expect(single.map((record) => [record.position, record.ok])).toEqual([
      [1, true],
      [2, false],
      [4, true],
      [5, false],
      [6, true],
    ]);
  });

  it('stops a binary file at its first line, in its first batch', async () => {
    const batches = await collect(parseSourceBatches(chunked([Buffer.from([0x1f, 0x00, 0x0a, 0x41, 0x0a]), Buffer.from('{"a":1}\n')])));
    expect(batches).toEqual([[{ ok: false, position: 1, reason: expect.stringMatching(/^binary file, not JSON lines/), fatal: true }]]);
  });
});
