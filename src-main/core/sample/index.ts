// The built-in sample incidents as raw evidence files, one per source format, each with the evidence type a
// bundle names it by. Deterministic: the same options give the same bytes.
import { generateInc0047Agent } from './inc-0047-agent';
import { generateInc0047ClusterListing, generateInc0047Events, generateInc0047Listing } from './inc-0047-cluster';
import { generateInc0047AuditWith, type SampleOptions } from './inc-0047';
import { makeWorld } from './inc-0047-world';
import { writeTranscript } from './mcp-writer';
import { writeOtlpTrace } from './otlp-writer';
import type { AgentRecords } from './agent-session';
import { generateStagingApolloAuditWith } from './staging-apollo';
import { generateStagingApolloAgent } from './staging-apollo-agent';
import { generateStagingApolloClusterListing, generateStagingApolloEvents, generateStagingApolloListing } from './staging-apollo-cluster';
import { makeWorld as makeApolloWorld } from './staging-apollo-world';

export type { SampleOptions };

export type SourceType = 'k8s-audit' | 'k8s-events' | 'k8s-resources' | 'otlp-json' | 'mcp-jsonrpc';

export interface SampleSource {
  /** Path under the bundle's sources/. */
  path: string;
  type: SourceType;
  data: string;
}

const jsonLines = (lines: string[]): string => `${lines.join('\n')}\n`;

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

export function generateInc0047(options: SampleOptions = {}): SampleSource[] {
  const world = makeWorld(options.seed ?? 47);
  return [
    { path: 'k8s-audit/audit.jsonl', type: 'k8s-audit', data: jsonLines(generateInc0047AuditWith(world, options)) },
    { path: 'k8s-events/events.jsonl', type: 'k8s-events', data: jsonLines(generateInc0047Events(world, options.seed)) },
    { path: 'k8s-resources/production.json', type: 'k8s-resources', data: generateInc0047Listing(world) },
    { path: 'k8s-resources/cluster.json', type: 'k8s-resources', data: generateInc0047ClusterListing(world) },
    ...agentSources(generateInc0047Agent(world, options.seed), 'kubernetes-mcp-server'),
  ];
}

/** INC-0047's audit log alone, as lines (for tests and benchmarks that need only audit events). */
export function generateInc0047Audit(options: SampleOptions = {}): string[] {
  return generateInc0047AuditWith(makeWorld(options.seed ?? 47), options);
}

export function generateStagingApollo(options: SampleOptions = {}): SampleSource[] {
  const world = makeApolloWorld(options.seed ?? 2847);
  return [
    { path: 'k8s-audit/audit.jsonl', type: 'k8s-audit', data: jsonLines(generateStagingApolloAuditWith(world, options)) },
    { path: 'k8s-events/events.jsonl', type: 'k8s-events', data: jsonLines(generateStagingApolloEvents(world, options.seed)) },
    { path: 'k8s-resources/staging-apollo.json', type: 'k8s-resources', data: generateStagingApolloListing(world) },
    { path: 'k8s-resources/cluster.json', type: 'k8s-resources', data: generateStagingApolloClusterListing(world) },
    ...agentSources(generateStagingApolloAgent(world, options.seed), 'kubernetes-mcp-server'),
  ];
}
