// The built-in sample incidents as raw evidence files, one per source format, each with the evidence type a
// bundle names it by. Deterministic: the same options give the same bytes.
import { generateInc0047Agent } from './inc-0047-agent';
import { generateInc0047ClusterListing, generateInc0047Events, generateInc0047Listing } from './inc-0047-cluster';
import { inc0047AuditLines, type SampleOptions } from './inc-0047';
import { makeWorld } from './inc-0047-world';
import { writeTranscript } from './mcp-writer';
import { writeOtlpTrace } from './otlp-writer';
import type { AgentRecords } from './agent-session';
import { stagingApolloAuditLines } from './staging-apollo';
import { generateStagingApolloAgent } from './staging-apollo-agent';
import { generateStagingApolloClusterListing, generateStagingApolloEvents, generateStagingApolloListing } from './staging-apollo-cluster';
import { makeWorld as makeApolloWorld } from './staging-apollo-world';

export type { SampleOptions };
import type { MergeStats } from './audit-stream';
export type { MergeStats };

export type SourceType = 'k8s-audit' | 'k8s-events' | 'k8s-resources' | 'otlp-json' | 'mcp-jsonrpc';

export interface SampleSource {
  /** Path under the bundle's sources/. */
  path: string;
  type: SourceType;
  data: string;
}

/** A record stream too large to hold: its lines, made one at a time as they are written. */
export interface StreamedSampleSource {
  path: string;
  type: SourceType;
  lines: Iterable<string>;
}

const jsonLines = (lines: Iterable<string>): string => `${[...lines].join('\n')}\n`;

/** A sample's sources with every streamed one made whole (for tests, and for samples of a modest size). */
export function materialized(sources: readonly (SampleSource | StreamedSampleSource)[]): SampleSource[] {
  return sources.map((source) => ('lines' in source ? { path: source.path, type: source.type, data: jsonLines(source.lines) } : source));
}

export const AGENT_RESOURCE = {
  'service.name': 'platform-assistant',
  'service.version': '1.4.2',
  'service.namespace': 'developer-tools',
  'deployment.environment.name': 'internal',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.language': 'python',
  'telemetry.sdk.version': '1.31.1',
};

/** The agent's two sources: its trace and the MCP server's transcript of the same session. */
export function agentSources(agent: AgentRecords, mcpServerFile: string): SampleSource[] {
  return [
    { path: 'otel/agent-trace.json', type: 'otlp-json', data: writeOtlpTrace(AGENT_RESOURCE, agent.spans) },
    { path: `mcp/${mcpServerFile}.jsonl`, type: 'mcp-jsonrpc', data: jsonLines(writeTranscript(agent.transcript)) },
  ];
}

/** INC-0047's sources, the audit log (the one `events` scales) as a stream of lines. */
export function inc0047Sources(options: SampleOptions = {}): (SampleSource | StreamedSampleSource)[] {
  const world = makeWorld(options.seed ?? 47);
  return [
    { path: 'k8s-audit/audit.jsonl', type: 'k8s-audit', lines: inc0047AuditLines(world, options) },
    { path: 'k8s-events/events.jsonl', type: 'k8s-events', data: jsonLines(generateInc0047Events(world, options.seed)) },
    { path: 'k8s-resources/production.json', type: 'k8s-resources', data: generateInc0047Listing(world) },
    { path: 'k8s-resources/cluster.json', type: 'k8s-resources', data: generateInc0047ClusterListing(world) },
    ...agentSources(generateInc0047Agent(world, options.seed), 'kubernetes-mcp-server'),
  ];
}

export function generateInc0047(options: SampleOptions = {}): SampleSource[] {
  return materialized(inc0047Sources(options));
}

/** INC-0047's audit log alone, as lines (for tests and benchmarks that need only audit events). */
export function generateInc0047Audit(options: SampleOptions = {}): string[] {
  return [...inc0047AuditLines(makeWorld(options.seed ?? 47), options)];
}

/** The same log as a stream: a million lines or ten cost no more memory than a thousand. */
export function streamInc0047Audit(options: SampleOptions = {}, stats?: MergeStats): Generator<string> {
  return inc0047AuditLines(makeWorld(options.seed ?? 47), options, stats);
}

export function stagingApolloSources(options: SampleOptions = {}): (SampleSource | StreamedSampleSource)[] {
  const world = makeApolloWorld(options.seed ?? 2847);
  return [
    { path: 'k8s-audit/audit.jsonl', type: 'k8s-audit', lines: stagingApolloAuditLines(world, options) },
    { path: 'k8s-events/events.jsonl', type: 'k8s-events', data: jsonLines(generateStagingApolloEvents(world, options.seed)) },
    { path: 'k8s-resources/staging-apollo.json', type: 'k8s-resources', data: generateStagingApolloListing(world) },
    { path: 'k8s-resources/cluster.json', type: 'k8s-resources', data: generateStagingApolloClusterListing(world) },
    ...agentSources(generateStagingApolloAgent(world, options.seed), 'kubernetes-mcp-server'),
  ];
}

export function generateStagingApollo(options: SampleOptions = {}): SampleSource[] {
  return materialized(stagingApolloSources(options));
}
