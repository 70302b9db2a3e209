// Reads a generated sample's sources back into objects, for the story, consistency and shape tests.
import type { SampleSource } from '../../../src-main/core/sample';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ParsedSample {
  audit: Json[];
  events: Json[];
  listings: Map<string, Json[]>;
  spans: Json[];
  trace: Json;
  mcp: Json[];
}

const lines = (data: string): Json[] =>
  data
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Json);

export function parseSample(sources: SampleSource[]): ParsedSample {
  const byType = (type: SampleSource['type']) => sources.filter((s) => s.type === type);
  const trace = JSON.parse(byType('otlp-json')[0]!.data) as Json;
  return {
    audit: lines(byType('k8s-audit')[0]!.data),
    events: lines(byType('k8s-events')[0]!.data),
    listings: new Map(byType('k8s-resources').map((s) => [s.path, (JSON.parse(s.data) as Json).items as Json[]])),
    trace,
    spans: (trace.resourceSpans as Json[]).flatMap((rs) => (rs.scopeSpans as Json[]).flatMap((ss) => ss.spans as Json[])),
    mcp: lines(byType('mcp-jsonrpc')[0]!.data),
  };
}

/** A span attribute's value, whatever its OTLP type. */
export function attr(span: Json, key: string): unknown {
  const found = (span.attributes as Json[]).find((a) => a.key === key);
  if (!found) return undefined;
  const value = found.value as Json;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('boolValue' in value) return value.boolValue;
  return (value.arrayValue.values as Json[]).map((v) => v.stringValue);
}

export const keysOf = (value: unknown): string[] => Object.keys(value as object).sort();
