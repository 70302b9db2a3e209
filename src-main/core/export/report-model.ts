// What a postmortem says, decided once from the case (graph, analyst journal, verifications) so that the
// Markdown, HTML and PDF forms cannot disagree: the renderers only lay out a ReportModel.
import type { Attribution, FindingsReport } from '../../shared/attribution';
import { ROLES, ROLE_TITLES, type AnalysisState, type Role } from '../../shared/analysis';
import type { Graph, GraphEdge, GraphNode } from '../../shared/graph';
import type { GuardrailsReport, TaintReport } from '../../shared/contract';
import type { EventJson } from '../../shared/model';
import { parseRfc3339Nanos } from '../../shared/time';
import { resolveViewReferences, type EmbeddedView } from './sections/views';

export interface ReportBundle {
  location: string;
  manifest_sha256: string;
  incident_id?: string;
  title?: string;
  cluster?: string;
  signature: { status: 'absent' | 'valid' | 'invalid'; fingerprint?: string; trusted?: boolean };
  sources: { path: string; type: string; sha256: string; records?: number; head?: string; merkle_root?: string }[];
}

/** A source's seal as the case keeps it: what the installation that imported it signed. */
export interface ReportCaseSeal {
  source: string;
  format: string;
  records: number;
  merkle_root: string;
  /** SHA-256 of the seal's canonical text (what the next seal chains to). */
  seal_sha256: string;
  sealed_at: string;
  signature: { status: 'valid' | 'invalid'; fingerprint: string; trusted: boolean };
}

export interface ReportVerification {
  at: string;
  subject: string;
  location: string;
  intact: boolean;
  /** Worst first; a ledger's own chain is intact or broken. Trust is read as it stands when the report is made. */
  status: 'broken' | 'unsigned' | 'untrusted' | 'intact';
  signature?: string;
  problems: string[];
}

/** What a verification found, in words that say exactly what was checked. */
export function verificationWords(v: Pick<ReportVerification, 'status' | 'subject'>): { word: string; sentence: string } {
  if (v.subject === 'ledger') {
    return v.status === 'broken'
      ? { word: 'PROBLEMS', sentence: "the ledger's own hash chain does not hold" }
      : { word: 'intact', sentence: "the ledger's own hash chain holds" };
  }
  switch (v.status) {
    case 'intact':
      return { word: 'intact', sentence: 'every file and record as sealed, and the seal signed by a trusted key' };
    case 'untrusted':
      return {
        word: 'signed by a key you have not trusted',
        sentence: 'every file and record as sealed; the seal is signed by a key the analyst has not trusted',
      };
    case 'unsigned':
      return {
        word: 'UNSIGNED',
        sentence: 'every file and record as sealed, but no signature covers the seal: anyone could have re-sealed it',
      };
    default:
      return { word: 'PROBLEMS', sentence: 'content differs from what was sealed' };
  }
}

export interface ReportInput {
  case_name: string;
  case_file: string;
  generated_at: string;
  events: number;
  first_time?: string;
  last_time?: string;
  graph: Graph;
  /** The case events of the nodes the report cites, by id (for prompt text and raw hashes). */
  cited: Map<number, EventJson>;
  analysis: AnalysisState;
  /** The journal's verdict, and the names its entries are signed with (in order of first appearance). */
  journal: { intact: boolean; entries: number; head?: string; reason?: string; analysts: string[] };
  bundles: ReportBundle[];
  /** The case's own seals, one per source imported since sealing began. */
  case_seals: ReportCaseSeal[];
  verifications: ReportVerification[];
  /** Issue 20: why nothing stopped it (guardrail gap) and the taint chains, when computed. */
  gap?: { guardrails: GuardrailsReport; taint: TaintReport };
  /** Issue 21: the saved views the story embeds ([[view:NAME]]), each run on the case. */
  views?: EmbeddedView[];
}

export interface TimelineRow {
  node: string;
  time?: string;
  lane: string;
  kind: string;
  what: string;
  who?: string;
  on_behalf_of?: string;
  outcome: string;
  decision?: string;
  text?: string;
  verdict?: string;
  notable: boolean;
  roles: Role[];
  event_ids: number[];
}

export interface Finding {
  node: string;
  time?: string;
  what: string;
  detail?: string;
  source: 'analyst' | 'graph';
  label?: string;
}

export interface Deadline {
  name: string;
  hours: number;
  due?: string;
}

export interface ReportModel {
  title: string;
  summary?: string;
  case_name: string;
  generated_at: string;
  window: { first?: string; last?: string; events: number };
  incident_id?: string;
  cluster?: string;
  /** Who asked, which agents acted, for whom: from the chains' prompts and actors. */
  attribution: { prompts: { who: string; text: string; time?: string }[]; agents: string[]; identities: string[]; on_behalf_of: string[] };
  chains: { id: number; label: string; nodes: GraphNode[]; edges: GraphEdge[] }[];
  timeline: TimelineRow[];
  roles: Record<Role, Finding[]>;
  /** Policy decisions not enforced and denied authorizations, wherever they are in the graph. */
  graph_findings: Finding[];
  recommendations: string[];
  narrative: string;
  notes: { node: string; what: string; text: string; analyst: string; at: string }[];
  starred: { node: string; what: string; tags: string[] }[];
  clock: { first_anomaly?: { time?: string; what: string; basis: string }; awareness?: string; deadlines: Deadline[] };
  integrity: {
    bundles: ReportBundle[];
    case_seals: ReportCaseSeal[];
    verifications: ReportVerification[];
    journal: ReportInput['journal'];
    case_file: string;
  };
  /** Sentences for what the analyst has not yet done, so a reader knows it is missing, not absent. */
  missing: string[];
  /** Issue 19: chains of responsibility and anomaly findings (sections/actors.ts, sections/anomalies.ts). */
  actors?: Attribution;
  anomalies?: FindingsReport;
  gap?: ReportInput['gap'];
  /** The saved views the story embeds, shown after the narrative. */
  views: EmbeddedView[];
}

const MAX_CHAINS = 3;

/** The chains a report tells: those holding a node the analyst gave a role, else the leading ones with notable nodes. */
export function chooseChains(graph: Graph, analysis: AnalysisState): number[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const withRoles = new Set(analysis.roles.map((r) => byId.get(r.node)?.chain).filter((c): c is number => c !== undefined));
  const ordered = graph.chains.map((c) => c.id);
  if (withRoles.size > 0) return ordered.filter((id) => withRoles.has(id));
  const notable = graph.chains.filter((c) => c.notable > 0).map((c) => c.id);
  return (notable.length > 0 ? notable : ordered).slice(0, MAX_CHAINS);
}

function timeOrder(a: { time?: string }, b: { time?: string }): number {
  return (a.time ?? '').localeCompare(b.time ?? '');
}

function describeNode(node: GraphNode | undefined, id: string): string {
  return node ? node.label : `node ${id} (not in the graph any more)`;
}

/** How the story embeds an event (the workbench's StoryPreview reads the same syntax). */
const REFERENCE = /\[\[([A-Za-z0-9:_-]{1,200})\]\]/g;

/**
 * The story's [[e123]] written as the event it names, so a reader without the workbench knows what was
 * meant: “patch deployments production/api-service” (2025-04-03T14:31:06.884Z, node e340).
 */
export function resolveReferences(text: string, byId: ReadonlyMap<string, GraphNode>): string {
  return text.replace(REFERENCE, (_, id: string) => {
    const node = byId.get(id);
    if (!node) return `[node ${id}, not in the graph any more]`;
    const time = node.time ? `${node.time.replace(/(\.\d{3})\d*Z$/, '$1Z')}, ` : '';
    return `“${node.label}” (${time}node ${id})`;
  });
}

function isNotEnforced(node: GraphNode): boolean {
  return node.kind === 'policy_decision' && /not enforced|audit|warn|dry.?run/i.test(node.authz?.decision ?? '');
}

function isDenied(node: GraphNode): boolean {
  return node.kind === 'authz_decision' && (node.outcome === 'denied' || /deny|forbid/i.test(node.authz?.decision ?? ''));
}

function promptText(node: GraphNode, cited: Map<number, EventJson>): string {
  for (const id of node.event_ids) {
    const text = cited.get(id)?.text;
    if (text) return text;
  }
  return node.label.replace(/^“|”$/g, '');
}

function addHours(at: string, hours: number): string | undefined {
  const ns = parseRfc3339Nanos(at);
  if (ns === null) return undefined;
  return new Date(Number(ns / 1_000_000n) + hours * 3_600_000).toISOString();
}

function firstAnomaly(
  graph: Graph,
  analysis: AnalysisState,
  chains: number[],
  byId: Map<string, GraphNode>,
): ReportModel['clock']['first_anomaly'] {
  const triggers = analysis.roles
    .filter((r) => r.role === 'trigger')
    .map((r) => byId.get(r.node))
    .filter((n): n is GraphNode => n !== undefined);
  if (triggers.length > 0) {
    const first = [...triggers].sort(timeOrder)[0]!;
    return { time: first.time, what: first.label, basis: 'the earliest event the analyst marked as a trigger' };
  }
  const leading = chains[0];
  const notable = graph.nodes.filter((n) => n.chain === leading && n.notable).sort(timeOrder)[0];
  if (!notable) return undefined;
  return {
    time: notable.time,
    what: notable.label,
    basis: 'the first notable event (failure, denial, error, Warning, policy not enforced) of the leading chain',
  };
}

export function buildReportModel(input: ReportInput): ReportModel {
  const { graph, analysis } = input;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const chainIds = chooseChains(graph, analysis);
  const rolesOf = new Map<string, Role[]>();
  for (const r of analysis.roles) rolesOf.set(r.node, [...(rolesOf.get(r.node) ?? []), r.role]);

  const chains = chainIds.map((id) => {
    const nodes = graph.nodes.filter((n) => n.chain === id).sort(timeOrder);
    const ids = new Set(nodes.map((n) => n.id));
    const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.status !== 'rejected');
    return { id, label: graph.chains.find((c) => c.id === id)?.label ?? `chain ${id}`, nodes, edges };
  });
  const inChains = chains.flatMap((c) => c.nodes);
  // Assigned nodes outside the chosen chains (an unlinked event) still belong in the timeline.
  const extra = analysis.roles.map((r) => byId.get(r.node)).filter((n): n is GraphNode => n !== undefined && !inChains.includes(n));
  const timelineNodes = [...new Set([...inChains, ...extra])].sort(timeOrder);

  const timeline: TimelineRow[] = timelineNodes.map((n) => ({
    node: n.id,
    time: n.time,
    lane: n.lane,
    kind: n.kind,
    what: n.kind === 'prompt' ? 'prompt' : n.kind === 'authz_decision' ? `authorization: ${n.authz?.decision ?? n.label}` : n.label,
    who: n.actor?.id,
    on_behalf_of: n.actor?.on_behalf_of,
    outcome: n.outcome,
    decision:
      n.kind === 'authz_decision' ? n.authz?.reason : n.authz ? [n.authz.decision, n.authz.reason].filter(Boolean).join(': ') : undefined,
    text: n.kind === 'prompt' ? promptText(n, input.cited) : undefined,
    verdict: n.verdict,
    notable: n.notable,
    roles: rolesOf.get(n.id) ?? [],
    event_ids: n.event_ids,
  }));

  const prompts = timelineNodes
    .filter((n) => n.kind === 'prompt')
    .map((n) => ({ who: n.actor?.id ?? 'unknown', text: promptText(n, input.cited), time: n.time }));
  const uniq = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))].sort();
  const attribution = {
    prompts,
    agents: uniq(timelineNodes.filter((n) => n.actor?.type === 'agent').map((n) => n.actor?.id)),
    identities: uniq(
      timelineNodes
        .filter((n) => n.actor?.type === 'service_account' || (n.lane === 'api' && n.actor?.type === 'human'))
        .map((n) => n.actor?.id),
    ),
    on_behalf_of: uniq(timelineNodes.map((n) => n.actor?.on_behalf_of)),
  };

  const roles = Object.fromEntries(ROLES.map((role) => [role, [] as Finding[]])) as Record<Role, Finding[]>;
  for (const r of analysis.roles) {
    const node = byId.get(r.node);
    const what = describeNode(node, r.node);
    // A finding dragged onto its role carries the node's own label; said once is enough.
    roles[r.role].push({
      node: r.node,
      time: node?.time,
      what,
      detail: node?.authz?.reason,
      source: 'analyst',
      ...(r.label && r.label !== what ? { label: r.label } : {}),
    });
  }
  for (const list of Object.values(roles)) list.sort(timeOrder);

  const graph_findings: Finding[] = graph.nodes
    .filter((n) => isNotEnforced(n) || isDenied(n))
    .sort(timeOrder)
    .map((n) => ({
      node: n.id,
      time: n.time,
      what: isNotEnforced(n)
        ? `Policy not enforced: ${n.label}`
        : `Authorization denied: ${n.actor?.id ?? 'unknown'}${n.actor?.on_behalf_of ? ` for ${n.actor.on_behalf_of}` : ''} — ${n.label}`,
      detail: n.authz?.reason,
      source: 'graph',
    }));

  const label = (id: string) => describeNode(byId.get(id), id);
  const deadlines = analysis.deadlines.map((d) => ({
    name: d.name,
    hours: d.hours,
    ...(analysis.awareness ? { due: addHours(analysis.awareness, d.hours) } : {}),
  }));
  const bundle = input.bundles[0];
  const missing: string[] = [];
  if (!analysis.title) missing.push('No title has been set; the report is named after the case.');
  if (!analysis.summary) missing.push('No summary has been written.');
  for (const role of ROLES) if (roles[role].length === 0) missing.push(`No ${ROLE_TITLES[role].toLowerCase()} has been assigned.`);
  if (!analysis.awareness) missing.push('No awareness time has been set, so no disclosure deadline can be computed.');
  if (analysis.recommendations.length === 0) missing.push('No recommendations have been recorded.');
  if (!analysis.narrative) missing.push('No narrative has been written.');

  return {
    ...(input.gap ? { gap: input.gap } : {}),
    title: analysis.title || bundle?.title || `Incident report: ${input.case_name}`,
    summary: analysis.summary,
    case_name: input.case_name,
    generated_at: input.generated_at,
    window: { first: input.first_time, last: input.last_time, events: input.events },
    incident_id: bundle?.incident_id,
    cluster: bundle?.cluster,
    attribution,
    chains,
    timeline,
    roles,
    graph_findings,
    recommendations: analysis.recommendations.map((r) => r.text),
    narrative: resolveReferences(resolveViewReferences(analysis.narrative), byId),
    views: input.views ?? [],
    notes: analysis.comments.map((c) => ({ node: c.node, what: label(c.node), text: c.text, analyst: c.analyst, at: c.at })),
    starred: analysis.starred.map((node) => ({ node, what: label(node), tags: analysis.tags.find((t) => t.node === node)?.tags ?? [] })),
    clock: { first_anomaly: firstAnomaly(graph, analysis, chainIds, byId), awareness: analysis.awareness, deadlines },
    integrity: {
      bundles: input.bundles,
      case_seals: input.case_seals,
      verifications: input.verifications,
      journal: input.journal,
      case_file: input.case_file,
    },
    missing,
  };
}

/** The events a report cites: every event of the timeline's nodes, in time order (what `excerpt --cited` proves). */
export function citedEventIds(model: ReportModel): number[] {
  return [...new Set(model.timeline.flatMap((row) => row.event_ids))];
}

/** The commands a reader runs to re-check the report's claims, one per bundle, plus the case and the journal. */
export function recheckCommands(model: ReportModel): string[] {
  return [
    ...model.integrity.bundles.map((b) => `causa verify ${shellQuote(b.location)} --trust SIGNER.pub.pem`),
    ...model.integrity.bundles.map((b) =>
      b.location.endsWith('.zip')
        ? `unzip -p ${shellQuote(b.location)} manifest.json | sha256sum   # expect ${b.manifest_sha256}`
        : `sha256sum ${shellQuote(`${b.location}/manifest.json`)}   # expect ${b.manifest_sha256}`,
    ),
    `causa verify ${shellQuote(model.integrity.case_file)}`,
    `causa excerpt ${shellQuote(model.integrity.case_file)} --cited -o excerpt.json && causa verify excerpt.json`,
  ];
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}
