import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatJsonPath,
  JsonElementScanner,
  JsonSyntaxError,
  scanJsonDocument,
  type PathPattern,
} from '../../../src-main/core/ingest/json-document';
import { detectFormat, peekContent } from '../../../src-main/core/ingest/index';
import { probeHead } from '../../../src-main/core/ingest/probe';

const CORPUS = new URL('../../fixtures/corpus/', import.meta.url);
const corpus = (path: string): Buffer => readFileSync(new URL(path, CORPUS));

function scanAll(bytes: Buffer, patterns: PathPattern[], chunkSize = bytes.length) {
  const scanner = new JsonElementScanner(patterns);
  const out = [];
  for (let i = 0; i < bytes.length; i += chunkSize) out.push(...scanner.push(bytes.subarray(i, i + chunkSize)));
  out.push(...scanner.end());
  return out;
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, part) => (node as Record<string | number, unknown>)[part], root);
}

const DOCUMENTS: [string, PathPattern[]][] = [
  ['k8s-events/openshift_insights-operator_events_openshift-machine-api.json', [['items', '*']]],
  ['agent-transcripts/compaction_002_buried_exception.conversation_history.json', [['*']]],
  ['otel/langfuse_framework_traces/claude-agent-2025-12-22.trace.json', [['trace'], ['observations', '*']]],
  ['otel/otlp-proto_examples_trace.json', [['resourceSpans', '*']]],
  ['k8s-events/k9s_render_testdata_ev.json', [[]]],
];

describe('the JSON document scanner', () => {
  it.each(DOCUMENTS)('hands back each selected value of %s byte for byte, at every chunk size', (file, patterns) => {
    const bytes = corpus(file);
    const whole = JSON.parse(bytes.toString('utf8')) as unknown;
    const expected = scanAll(bytes, patterns);
    expect(expected.length).toBeGreaterThan(0);
    for (const element of expected) {
      // The bytes are a verbatim slice of the file and parse to the value at their path.
      expect(bytes.indexOf(element.bytes)).toBeGreaterThanOrEqual(0);
      expect(JSON.parse(element.bytes.toString('utf8'))).toEqual(valueAt(whole, element.path));
      const before = bytes.subarray(0, bytes.indexOf(element.bytes));
      expect(element.line).toBe(before.toString('latin1').split('\n').length);
    }
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const again = scanAll(bytes, patterns, size);
      expect(again.map((e) => [e.path, e.line, e.bytes.toString('hex')])).toEqual(
        expected.map((e) => [e.path, e.line, e.bytes.toString('hex')]),
      );
    }
  });

  it('selects every element of a top-level array in document order', () => {
    const bytes = corpus('agent-transcripts/compaction_003_cascading_failure.conversation_history.json');
    const elements = scanAll(bytes, [['*']]);
    expect(elements).toHaveLength((JSON.parse(bytes.toString('utf8')) as unknown[]).length);
    expect(elements.map((e) => formatJsonPath(e.path)).slice(0, 3)).toEqual(['$[0]', '$[1]', '$[2]']);
  });

  it('does not mistake keys and strings inside a captured value for structure', () => {
    const doc = Buffer.from('{"items":[{"a":"]}\\"[{","items":[1,2]},"x\\\\",3.5e2,null,[{}]],"k":{"items":[9]}}');
    const elements = scanAll(doc, [['items', '*']]);
    expect(elements.map((e) => e.bytes.toString())).toEqual(['{"a":"]}\\"[{","items":[1,2]}', '"x\\\\"', '3.5e2', 'null', '[{}]']);
  });

  it.each([
    ['{"items":[{"a":1},{"a":2}', /cut off inside \$\.items/],
    ['{"items":[1,2,]}', /unexpected "]"/],
    ['{"items":[1] } {"more":1}', /more data after the end/],
    ['{"items" [1]}', /expected ":"/],
    ['{"a":1,}', /expected a key string/],
    ['{"items":[1,\n x]}', /line 2, column 2: unexpected "x"/],
    ['', /empty/],
  ])('reports a broken document %j with its line and reason', (text, reason) => {
    let error: unknown;
    try {
      scanAll(Buffer.from(text), [['items', '*']]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as JsonSyntaxError).message).toMatch(reason);
  });

  it('keeps the records before a break when streaming', async () => {
    async function* chunks() {
      yield Buffer.from('{"items":[{"a":1},\n{"a":2},\n{"a":');
    }
    const seen: string[] = [];
    await expect(async () => {
      for await (const element of scanJsonDocument(chunks(), [['items', '*']])) seen.push(element.bytes.toString());
    }).rejects.toThrow(/line 3/);
    expect(seen).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('names paths with keys that are not identifiers in bracket form', () => {
    expect(formatJsonPath(['resourceSpans', 0, 'scope spans', 2])).toBe('$.resourceSpans[0]["scope spans"][2]');
  });
});

describe('detection by content', () => {
  it('tells JSON lines from a document and reads a document head without parsing the whole', () => {
    expect(probeHead(corpus('k8s-audit/crowdsec_k8s-audit-pod-exec-file.log')).shape).toBe('lines');
    const probe = probeHead(corpus('otel/langfuse_framework_traces/claude-agent-2025-12-22.trace.json'));
    expect(probe.shape).toBe('document');
    if (probe.shape === 'document') {
      expect(probe.probe.keys).toEqual(expect.arrayContaining(['trace', 'observations']));
      expect(probe.probe.first.get('observations')).toMatchObject({ traceId: expect.any(String) });
    }
    expect(probeHead(Buffer.from('\x00\x01binary')).shape).toBe('not-json');
    expect(probeHead(Buffer.from('   ')).shape).toBe('not-json');
  });

  it('detects an audit EventList and a JSON array of audit events as documents of audit events', () => {
    const line = corpus('k8s-audit/crowdsec_k8s-audit-priv-pod-file.log').toString('utf8').trim();
    const list = Buffer.from(`{\n  "kind": "EventList",\n  "apiVersion": "audit.k8s.io/v1",\n  "items": [\n${line}\n  ]\n}\n`);
    const detected = detectFormat(list);
    expect(detected).toMatchObject({ ok: true, format: { name: 'k8s-audit' }, layout: { kind: 'document', patterns: [['items', '*']] } });
    expect(detectFormat(Buffer.from(`[\n${line}\n]`))).toMatchObject({ ok: true, layout: { kind: 'document', patterns: [['*']] } });
    expect(detectFormat(Buffer.from(`${line}\n`))).toMatchObject({ ok: true, layout: { kind: 'lines' } });
  });

  it('says why a file is of no known format', () => {
    const detected = detectFormat(Buffer.from('{"hello":"world"}\n'));
    expect(detected.ok).toBe(false);
    if (!detected.ok) expect(detected.reason).toMatch(/no line is a record of any format Causa reads/);
  });

  it('peeks at a stream and replays every byte after', async () => {
    async function* chunks() {
      for (let i = 0; i < 10; i += 1) yield Buffer.alloc(300_000, i);
    }
    const { head, content } = await peekContent(chunks(), 500_000);
    expect(head.length).toBe(600_000);
    const all: Buffer[] = [];
    for await (const chunk of content) all.push(chunk);
    const joined = Buffer.concat(all);
    expect(joined.length).toBe(3_000_000);
    expect(joined[2_999_999]).toBe(9);
  });
});
