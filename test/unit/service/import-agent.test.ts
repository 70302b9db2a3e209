import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workbench } from '../../../src-main/service/workbench';

const CORPUS_ROOT = fileURLToPath(new URL('../../fixtures/corpus/', import.meta.url));

let dir: string;
let bench: Workbench | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causa-import-agent-'));
});

afterEach(() => {
  bench?.close();
  bench = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('importing the agent-side corpus (OTLP, Langfuse, chat transcripts)', () => {
  it('imports every trace and transcript without a record error', async () => {
    bench = Workbench.open(join(dir, 'case.causa'), { create: true });
    const report = await bench.importPaths([join(CORPUS_ROOT, 'otel'), join(CORPUS_ROOT, 'agent-transcripts')]);

    // The one file that is not evidence is the upstream README beside the Langfuse traces.
    const failed = report.files.filter((f) => f.status !== 'imported');
    expect(failed.map((f) => f.file)).toEqual(['otel/langfuse_framework_traces/README.upstream.md']);
    expect(failed[0]!.errors[0]!.reason).toMatch(/not JSON/);
    const imported = report.files.filter((f) => f.status === 'imported');
    expect(imported).toHaveLength(12);
    expect(imported.every((f) => f.errors.length === 0 && f.more_errors === 0)).toBe(true);
    const formats = Object.fromEntries(imported.map((f) => [f.file.slice(f.file.lastIndexOf('/') + 1), f.format]));
    expect(formats['otlp-proto_examples_trace.json']).toBe('otlp-json');
    expect(Object.values(formats).filter((f) => f === 'langfuse-trace')).toHaveLength(8);
    expect(Object.values(formats).filter((f) => f === 'openai-chat')).toHaveLength(3);

    // Events: OTLP 1 span; Langfuse 50 records (8 traces, 42 observations) + 9 prompts (langgraph has
    // two); transcripts 95 messages + the 49 tool calls they request.
    expect(report.events).toBe(1 + 50 + 9 + 95 + 49);
    expect(report.errors).toBe(1);
    const info = await bench.handlers.caseInfo({});
    const kinds = Object.fromEntries(info.kinds.map((k) => [k.kind, k.count]));
    expect(kinds).toEqual({
      prompt: 9 + 4,
      model_call: 15 + 39,
      tool_call: 7 + 49,
      tool_result: 49,
      // OTLP's span, the 8 Langfuse trace records, 20 observations that are neither model nor tool
      // calls, and the 3 system prompts.
      other: 1 + 8 + 20 + 3,
    });

    // Search matches the raw message, which may hold other calls too; each `kubectl logs` call reads pods/log.
    const { events } = await bench.handlers.listEvents({ filter: { kind: ['tool_call'], search: 'kubectl logs' }, offset: 0, limit: 100 });
    const logs = events.filter((e) => e.text?.includes('kubectl logs'));
    expect(logs).toHaveLength(15); // grep -o "kubectl logs" agent-transcripts/*.json | wc -l
    expect(logs.every((e) => e.target?.resource === 'pods/log' && e.target.namespace === 'production')).toBe(true);
  });
});
