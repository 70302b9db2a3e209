// Each span of an OTLP document is a record of its own: its own bytes at its JSON path, its own SHA-256,
// its resource and scope kept beside it as context; the bundle seals every such value (format 1.1), so
// the case re-checks each record and an excerpt of one span proves that span and its context alone.
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTrustedKey, trustStorePath } from '../../../src-main/service/trust';
import { contextElements } from '../../../src-main/core/bundle/elements';
import { verifyExcerpt } from '../../../src-main/core/export/excerpt';
import { detectRecordType, writeSample, verifyBundleAt } from '../../../src-main/service/bundles';
import { excerptCase } from '../../../src-main/service/exports';
import { verifyCaseRecords } from '../../../src-main/service/verification';
import { Workbench } from '../../../src-main/service/workbench';
import { keyFingerprint } from '../../../src-main/core/bundle/signing';
import { createPublicKey } from 'node:crypto';
import { rawSql } from '../../../src-main/store/raw-blocks';

const SAMPLE_KEY = join(__dirname, '..', '..', '..', 'resources', 'keys', 'sample-ed25519.pub.pem');
const TRUSTED = new Set([keyFingerprint(createPublicKey(readFileSync(SAMPLE_KEY, 'utf8')))]);

let root: string;
let dir: string;
let bench: Workbench;

interface Row {
  id: number;
  kind: string;
  source: string;
  locator: string | null;
  raw: Buffer;
  raw_sha256: string;
  context: Buffer | null;
  context_sha256: string | null;
}

function rows(wb: Workbench, where = '1 = 1', ...args: unknown[]): Row[] {
  return wb.store.db
    .prepare(
      `SELECT e.id, e.kind, s.name AS source, e.locator, ${rawSql('e')} AS raw, e.raw_sha256, c.bytes AS context, ec.context_sha256
      FROM event e JOIN source s ON s.id = e.source_id LEFT JOIN event_context ec ON ec.event_id = e.id
      LEFT JOIN record_context c ON c.sha256 = ec.context_sha256 WHERE ${where} ORDER BY e.id`,
    )
    .all(...args) as Row[];
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  // The analyst of these tests trusts the sample's signing key, so its sealed records read intact.
  await addTrustedKey(
    fileURLToPath(new URL('../../../resources/keys/sample-ed25519.pub.pem', import.meta.url)),
    'samples',
    trustStorePath(),
  );
  root = mkdtempSync(join(tmpdir(), 'causa-doc-records-sample-'));
  await writeSample('inc-0047', join(root, 'inc-0047'));
  return () => rmSync(root, { recursive: true, force: true });
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-doc-records-'));
  bench = Workbench.open(join(dir, 'case.causa'), { create: true });
  await bench.importPaths([join(root, 'inc-0047')]);
});

afterEach(() => {
  bench.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the spans of an OTLP document on INC-0047', () => {
  it('are records of their own: own bytes at own JSON path, own sha256, resource and scope as context', () => {
    const spans = rows(bench, "s.format = 'otlp-json'");
    expect(spans.length).toBeGreaterThan(10);
    const document = readFileSync(join(root, 'inc-0047', 'sources', 'otel', 'agent-trace.json'), 'utf8');
    const parsed = JSON.parse(document) as { resourceSpans: { resource: unknown; scopeSpans: { scope: unknown; spans: unknown[] }[] }[] };
    const records = new Map(spans.map((span) => [span.locator, span]));
    for (const span of spans) {
      expect(span.locator).toMatch(/^\$\.resourceSpans\[\d+\]\.scopeSpans\[\d+\]\.spans\[\d+\]$/);
      expect(span.raw_sha256).toBe(sha256(span.raw));
      const [, r, s, i] = /resourceSpans\[(\d+)\]\.scopeSpans\[(\d+)\]\.spans\[(\d+)\]/.exec(span.locator!)!.map(Number);
      expect(JSON.parse(span.raw.toString('utf8'))).toEqual(parsed.resourceSpans[r!]!.scopeSpans[s!]!.spans[i!]);
      expect(document).toContain(span.raw.toString('utf8'));
      expect(span.context_sha256).toBe(sha256(span.context!));
      expect(contextElements(span.context!).map((c) => c.locator)).toEqual([
        `$.resourceSpans[${r}].resource`,
        `$.resourceSpans[${r}].scopeSpans[${s}].scope`,
      ]);
      for (const value of contextElements(span.context!)) expect(document).toContain(value.bytes.toString('utf8'));
    }
    // Distinct spans have distinct bytes and hashes (the document is no longer every span's record).
    const distinct = new Set(spans.map((span) => span.raw_sha256));
    expect(distinct.size).toBe(records.size);
  });

  it('a raw-text search for "OOMKilled" finds the pods\' records and only records that contain the word', async () => {
    const listed = await bench.handlers.listEvents({ filter: { search: 'OOMKilled' }, offset: 0, limit: 500 });
    expect(listed.events.length).toBeGreaterThan(0);
    const found = rows(bench, `e.id IN (${listed.events.map((e) => e.id).join(',')})`);
    for (const row of found) expect(row.raw.toString('utf8').toLowerCase()).toContain('oomkilled');
    // The kubelet's pod status writes (lastState.terminated.reason: OOMKilled), which the search once drowned.
    const pods = rows(bench, `e.id IN (${listed.events.map((e) => e.id).join(',')}) AND e.target_resource LIKE 'pods%'`);
    expect(pods.length).toBeGreaterThan(0);
    const spansFound = found.filter((row) => row.source.endsWith('agent-trace.json'));
    const spansWithWord = rows(bench, `s.format = 'otlp-json' AND CAST(${rawSql('e')} AS TEXT) LIKE '%OOMKilled%'`);
    expect(spansFound.map((row) => row.id)).toEqual(spansWithWord.map((row) => row.id));
    expect(spansWithWord.length).toBeLessThan(rows(bench, "s.format = 'otlp-json'").length);
  });

  it('the bundle seals each span and context value: the document is intact value by value', async () => {
    const verdict = await verifyBundleAt(join(root, 'inc-0047'), [SAMPLE_KEY]);
    const trace = verdict.sources.find((s) => s.path === 'sources/otel/agent-trace.json')!;
    expect(trace).toMatchObject({ verdict: 'intact' });
    expect(trace.records).toBeGreaterThan(rows(bench, "s.format = 'otlp-json' AND e.ordinal = 0").length);
    expect(verdict.sources.find((s) => s.path === 'sources/k8s-resources/production.json')?.verdict).toBe('intact');
  });

  it('a span altered in the bundle is named: broken at that value', async () => {
    const altered = join(dir, 'altered');
    await writeSample('inc-0047', altered);
    const path = join(altered, 'sources', 'otel', 'agent-trace.json');
    const text = readFileSync(path, 'utf8');
    const span = rows(bench, "s.format = 'otlp-json'")[3]!.raw.toString('utf8');
    const changed = span.replace(/"name":\s*"([^"]*)"/, (_m, name: string) => `"name": "${name.slice(0, -1)}X"`);
    expect(changed).not.toBe(span);
    writeFileSync(path, text.replace(span, changed));
    const verdict = await verifyBundleAt(altered, [SAMPLE_KEY]);
    const trace = verdict.sources.find((s) => s.path === 'sources/otel/agent-trace.json')!;
    expect(trace.verdict).toBe('broken');
    const at = rows(bench, "s.format = 'otlp-json'")[3]!.locator!;
    expect(verdict.problems.find((p) => p.item === 'sources/otel/agent-trace.json')?.reason).toMatch(
      new RegExp(`value \\d+ of the document \\(${at.replace(/[[\].$]/g, '\\$&')}\\) differs from the sealed one: record modified`),
    );
  });

  it('re-checking the case finds every span and context value among the sealed values', async () => {
    const [checked] = await verifyCaseRecords(bench.store);
    const trace = checked!.verdict.sources.find((s) => s.path === 'sources/otel/agent-trace.json')!;
    expect(trace.verdict).toBe('intact');
    expect(trace.records).toBe(rows(bench, "s.format = 'otlp-json' AND e.ordinal = 0").length);
  });

  it("an excerpt of one span carries that span's bytes and context with proofs, and verifies alone", () => {
    const span = rows(bench, "s.format = 'otlp-json' AND e.kind = 'tool_call'")[0]!;
    const excerpt = excerptCase(bench.store, [span.id]);
    expect(excerpt.omitted).toEqual([]);
    const [event] = excerpt.events;
    expect(Buffer.from(event!.raw_base64, 'base64')).toEqual(span.raw);
    expect(event!.locator).toBe(span.locator);
    expect(event!.context?.map((c) => c.locator)).toEqual(contextElements(span.context!).map((c) => c.locator));
    expect(verifyExcerpt(JSON.parse(JSON.stringify(excerpt)), 'x.json', TRUSTED)).toMatchObject({ intact: true, proven: 1 });

    // Another span's bytes under this span's proof, or an altered resource, do not verify.
    const other = rows(bench, "s.format = 'otlp-json'").find((row) => row.raw_sha256 !== span.raw_sha256)!;
    const swapped = JSON.parse(JSON.stringify(excerpt)) as typeof excerpt;
    swapped.events[0]!.raw_base64 = other.raw.toString('base64');
    expect(verifyExcerpt(swapped, 'x.json', TRUSTED).intact).toBe(false);
    const moved = JSON.parse(JSON.stringify(excerpt)) as typeof excerpt;
    moved.events[0]!.locator = other.locator!;
    expect(verifyExcerpt(moved, 'x.json', TRUSTED).intact).toBe(false);
    const resource = JSON.parse(JSON.stringify(excerpt)) as typeof excerpt;
    const value = resource.events[0]!.context![0]!;
    value.raw_base64 = Buffer.from(
      Buffer.from(value.raw_base64, 'base64').toString('utf8').replace('"service.name"', '"service.nam3"'),
    ).toString('base64');
    const verdict = verifyExcerpt(resource, 'x.json', TRUSTED);
    expect(verdict.intact).toBe(false);
    expect(verdict.problems[0]?.reason).toMatch(/context \$\.resourceSpans\[0\]\.resource/);
  });
});

describe('a bundle sealed before revision 1.1 (documents hashed whole)', () => {
  it('still verifies, imports and re-checks: its documents are sealed whole, its streams intact', async () => {
    const { sealSources } = await import('../../../src-main/core/bundle/seal');
    const { generateInc0047 } = await import('../../../src-main/core/sample');
    const { loadPrivateKey } = await import('../../../src-main/core/bundle/signing');
    const { writeBundleFiles } = await import('../../../src-main/core/bundle/files');
    const key = loadPrivateKey(
      readFileSync(join(__dirname, '..', '..', '..', 'resources', 'keys', 'sample-ed25519.pem'), 'utf8'),
      'sample key',
    );
    const sources = generateInc0047({}).map((s) => ({ path: s.path, type: s.type, data: Buffer.from(s.data, 'utf8') }));
    // What a 1.0 sealer wrote: documents named as documents, with no values sealed.
    const files = sealSources(sources, {
      createdAt: '2025-04-03T15:00:00Z',
      creator: { tool: 'causa 1.0', version: '0.1.0' },
      key,
      // The same detection, without the patterns that revision 1.1 seals values by.
      detectType: (content) => {
        const detected = detectRecordType(content);
        return typeof detected === 'object' ? { type: detected.type, layout: detected.layout } : detected;
      },
    });
    expect([...files.values()].some((data) => data.toString('utf8').includes('"elements"'))).toBe(false);
    const old = join(dir, 'old-bundle');
    await writeBundleFiles(old, files);
    const verdict = await verifyBundleAt(old, [SAMPLE_KEY]);
    expect(verdict.intact).toBe(true);
    expect(verdict.sources.find((s) => s.path === 'sources/otel/agent-trace.json')?.verdict).toBe('sealed_whole');
    expect(verdict.sources.find((s) => s.path === 'sources/k8s-audit/audit.jsonl')?.verdict).toBe('intact');
    const wb = Workbench.open(join(dir, 'old.causa'), { create: true });
    try {
      const report = await wb.importPaths([old]);
      expect(report.files.find((f) => f.file.endsWith('agent-trace.json'))).toMatchObject({ status: 'imported' });
      const [checked] = await verifyCaseRecords(wb.store);
      expect(checked!.verdict.sources.find((s) => s.path === 'sources/otel/agent-trace.json')?.verdict).toBe('sealed_whole');
      const span = rows(wb, "s.format = 'otlp-json'")[0]!;
      // The bundle hashed the document whole, so no manifest proves one span; the case's own seal does.
      const excerpt = excerptCase(wb.store, [span.id]);
      expect(excerpt.omitted).toHaveLength(0);
      expect(excerpt.events[0]).toMatchObject({ id: span.id, source: expect.stringContaining('agent-trace.json') });
      expect(excerpt.events[0]!.bundle).toBeUndefined();
      expect(excerpt.events[0]!.case_proof).toBeDefined();
    } finally {
      wb.close();
    }
  });
});

describe("the inspector's view of a span", () => {
  it("getEvent gives the span's own bytes and its context with the context's sha256", async () => {
    const dirHere = mkdtempSync(join(tmpdir(), 'causa-doc-records-inspect-'));
    const wb = Workbench.open(join(dirHere, 'case.causa'), { create: true });
    try {
      await wb.importPaths([join(root, 'inc-0047')]);
      const span = rows(wb, "s.format = 'otlp-json' AND e.kind = 'prompt'")[0]!;
      const detail = await wb.handlers.getEvent({ id: span.id });
      expect(detail.raw).toBe(span.raw.toString('utf8'));
      expect(detail.context).toEqual({ text: span.context!.toString('utf8'), sha256: sha256(span.context!) });
      const loose = rows(wb, "s.format = 'k8s-audit'")[0]!;
      expect((await wb.handlers.getEvent({ id: loose.id })).context).toBeUndefined();
    } finally {
      wb.close();
      rmSync(dirHere, { recursive: true, force: true });
    }
  });
});
