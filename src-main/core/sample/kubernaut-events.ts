// Writes Kubernaut audit events as DataStorage keeps them, one JSON object a line: the core fields of
// Kubernaut's audit event structure (event_id, event_timestamp, event_type, event_category,
// event_action, event_outcome, actor_type/actor_id, resource_type/resource_id, correlation_id,
// namespace, event_data), shaped after the event types its services emit (gateway.signal.received
// through effectiveness.assessment.completed). One remediation, one correlation_id: the
// RemediationRequest's name. Pure and seeded: the same seed gives the same bytes.
import { SeededRandom } from './random';

export interface KubernautOptions {
  seed?: number;
  /** Start of the remediation, ms since the epoch. */
  startMs?: number;
  namespace?: string;
  /** The workload the signal is about. */
  deployment?: string;
  /** How the operator answers the approval request. */
  approval?: 'approved' | 'rejected';
}

interface Step {
  type: string;
  actorType: 'service' | 'user';
  actorId: string;
  resourceType: string;
  resourceId: (rr: string) => string;
  outcome: 'success' | 'failure' | 'pending';
  data: Record<string, unknown>;
}

function steps(o: Required<KubernautOptions>, random: SeededRandom): Step[] {
  const signal = `${o.deployment}-${random.suffix(5)}`;
  const workflow = random.pick(['scale-up-replicas', 'restart-deployment', 'increase-memory-limit']);
  const approved = o.approval === 'approved';
  return [
    {
      type: 'gateway.signal.received',
      actorType: 'service',
      actorId: 'gateway',
      resourceType: 'RemediationRequest',
      resourceId: (rr) => rr,
      outcome: 'success',
      data: {
        signal_name: 'KubePodCrashLooping',
        signal_fingerprint: random.hex(16),
        severity: 'critical',
        source: 'prometheus-alertmanager',
        target_resource: `Deployment/${o.deployment}`,
        message: `Pod of ${o.deployment} is crash looping`,
      },
    },
    {
      type: 'signalprocessing.enrichment.completed',
      actorType: 'service',
      actorId: 'signalprocessing',
      resourceType: 'SignalProcessing',
      resourceId: (rr) => `sp-${rr}`,
      outcome: 'success',
      data: {
        environment: 'production',
        priority: 'P1',
        business_unit: 'payments',
        owner_chain: [`Deployment/${o.deployment}`, `ReplicaSet/${o.deployment}-${random.suffix(9)}`],
      },
    },
    {
      type: 'aianalysis.analysis.completed',
      actorType: 'service',
      actorId: 'aianalysis',
      resourceType: 'AIAnalysis',
      resourceId: (rr) => `ai-${rr}`,
      outcome: 'success',
      data: {
        root_cause: `Container of ${o.deployment} exceeds its memory limit under load (OOMKilled)`,
        confidence: 0.82,
        selected_workflow: workflow,
        signal: signal,
        llm_tokens: random.int(2000, 9000),
      },
    },
    {
      type: 'aianalysis.rego.evaluation',
      actorType: 'service',
      actorId: 'aianalysis',
      resourceType: 'AIAnalysis',
      resourceId: (rr) => `ai-${rr}`,
      outcome: 'success',
      data: { policy: 'approval.rego', decision: 'requires_approval', reason: 'production environment requires manual approval' },
    },
    {
      type: 'orchestrator.lifecycle.transitioned',
      actorType: 'service',
      actorId: 'remediationorchestrator',
      resourceType: 'RemediationRequest',
      resourceId: (rr) => rr,
      outcome: 'pending',
      data: { from_phase: 'Analyzing', to_phase: 'AwaitingApproval' },
    },
    {
      type: 'webhook.remediationapprovalrequest.decided',
      actorType: 'user',
      actorId: 'alice@example.com',
      resourceType: 'RemediationApprovalRequest',
      resourceId: (rr) => `rar-${rr}`,
      outcome: 'success',
      data: {
        decision: o.approval,
        reason: approved ? 'looks right, memory bump is safe' : 'not during the freeze',
        decided_by: 'alice@example.com',
      },
    },
    {
      type: 'aianalysis.approval.decision',
      actorType: 'service',
      actorId: 'aianalysis',
      resourceType: 'AIAnalysis',
      resourceId: (rr) => `ai-${rr}`,
      outcome: approved ? 'success' : 'failure',
      data: { decision: o.approval, approver: 'alice@example.com' },
    },
    ...(approved
      ? ([
          {
            type: 'workflowexecution.execution.started',
            actorType: 'service',
            actorId: 'workflowexecution',
            resourceType: 'WorkflowExecution',
            resourceId: (rr: string) => `we-${rr}`,
            outcome: 'pending',
            data: { workflow_id: workflow, target_resource: `Deployment/${o.deployment}`, execution_engine: 'tekton' },
          },
          {
            type: 'workflowexecution.execution.completed',
            actorType: 'service',
            actorId: 'workflowexecution',
            resourceType: 'WorkflowExecution',
            resourceId: (rr: string) => `we-${rr}`,
            outcome: 'success',
            data: {
              workflow_id: workflow,
              duration_ms: random.int(4000, 60000),
              message: `${workflow} applied to Deployment/${o.deployment}`,
            },
          },
          {
            type: 'effectiveness.assessment.completed',
            actorType: 'service',
            actorId: 'effectivenessmonitor',
            resourceType: 'RemediationRequest',
            resourceId: (rr: string) => rr,
            outcome: 'success',
            data: { health_score: 0.97, alert_resolved: true },
          },
        ] as Step[])
      : []),
    {
      type: 'notification.message.sent',
      actorType: 'service',
      actorId: 'notification',
      resourceType: 'NotificationRequest',
      resourceId: (rr) => `nr-${rr}`,
      outcome: 'success',
      data: {
        channel: 'slack',
        recipient: '#sre-payments',
        message: approved ? 'Remediation completed' : 'Remediation rejected by operator',
      },
    },
  ];
}

/** One remediation's audit events, one JSON line each, in the order DataStorage would return them. */
export function generateKubernautEvents(options: KubernautOptions = {}): string[] {
  const o: Required<KubernautOptions> = {
    seed: 47,
    startMs: Date.UTC(2026, 2, 14, 3, 2, 11),
    namespace: 'payments',
    deployment: 'payment-api',
    approval: 'approved',
    ...options,
  };
  const random = new SeededRandom(o.seed);
  const rr = `rr-${o.deployment}-${random.suffix(5)}`;
  let at = o.startMs;
  return steps(o, random).map((step) => {
    at += random.int(150, 45_000);
    const [category, , action] = step.type.split('.');
    return JSON.stringify({
      event_id: random.uuid(),
      version: '1.0',
      event_timestamp: new Date(at).toISOString(),
      event_type: step.type,
      event_category: category,
      event_action: action ?? step.type,
      event_outcome: step.outcome,
      actor_type: step.actorType,
      actor_id: step.actorId,
      resource_type: step.resourceType,
      resource_id: step.resourceId(rr),
      correlation_id: rr,
      namespace: o.namespace,
      event_data: step.data,
    });
  });
}
