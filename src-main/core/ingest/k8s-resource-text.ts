// One readable line per Kubernetes object of a listing, so the analyst (and the linker) can read what a
// snapshot says without opening the raw record: which role a binding grants to whom, what a Deployment
// runs, whether a Pod is crash-looping. Only what the object itself states; nothing is inferred.
import { isObject, str } from './format';

type Obj = Record<string, unknown>;

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function named(kind: string, metadata: Obj): string {
  const namespace = str(metadata.namespace);
  const name = str(metadata.name) ?? '(unnamed)';
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

function subjectText(subject: Obj): string {
  const kind = str(subject.kind) ?? 'subject';
  const namespace = kind === 'ServiceAccount' ? str(subject.namespace) : undefined;
  return `${kind} ${namespace ? `${namespace}/` : ''}${str(subject.name) ?? '(unnamed)'}`;
}

/** "RoleBinding production/mcp-impersonate binds ClusterRole impersonator to ServiceAccount mcp-system/x". */
function bindingText(kind: string, object: Obj, metadata: Obj): string {
  const roleRef = isObject(object.roleRef) ? object.roleRef : {};
  const role = `${str(roleRef.kind) ?? 'role'} ${str(roleRef.name) ?? '(unnamed)'}`;
  const subjects = list(object.subjects).map(subjectText);
  return `${named(kind, metadata)} binds ${role} to ${subjects.length > 0 ? subjects.join(', ') : 'no subjects'}`;
}

function ruleText(rule: Obj): string {
  const verbs = strings(rule.verbs).join(',') || '-';
  const urls = strings(rule.nonResourceURLs);
  if (urls.length > 0) return `${verbs} on ${urls.join(',')}`;
  const groups = strings(rule.apiGroups).map((group) => group || 'core');
  const names = strings(rule.resourceNames);
  const resources = strings(rule.resources).join(',') || '-';
  return `${verbs} on ${resources}${groups.length > 0 ? ` (${groups.join(',')})` : ''}${names.length > 0 ? ` named ${names.join(',')}` : ''}`;
}

function roleText(kind: string, object: Obj, metadata: Obj): string {
  const rules = list(object.rules);
  const aggregated = isObject(object.aggregationRule) ? ' (aggregated)' : '';
  return `${named(kind, metadata)} allows ${rules.length > 0 ? rules.map(ruleText).join('; ') : 'nothing'}${aggregated}`;
}

function podTemplateImages(spec: Obj): string[] {
  const template = isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : {};
  return list(template.containers)
    .map((c) => str(c.image))
    .filter((i): i is string => i !== undefined);
}

function workloadText(kind: string, object: Obj, metadata: Obj): string {
  const spec = isObject(object.spec) ? object.spec : {};
  const status = isObject(object.status) ? object.status : {};
  const parts: string[] = [];
  if (typeof spec.replicas === 'number') {
    const ready = typeof status.readyReplicas === 'number' ? status.readyReplicas : 0;
    parts.push(`${ready}/${spec.replicas} ready`);
  }
  const images = podTemplateImages(spec);
  if (images.length > 0) parts.push(`image ${images.join(', ')}`);
  return `${named(kind, metadata)}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

function containerState(status: Obj): string | undefined {
  const state = isObject(status.state) ? status.state : {};
  const waiting = isObject(state.waiting) ? str(state.waiting.reason) : undefined;
  const terminated = isObject(state.terminated) ? str(state.terminated.reason) : undefined;
  const last = isObject(status.lastState) && isObject(status.lastState.terminated) ? str(status.lastState.terminated.reason) : undefined;
  const now = waiting ?? terminated;
  if (!now && !last) return undefined;
  return `${str(status.name) ?? 'container'}: ${now ?? 'running'}${last ? ` (last ${last})` : ''}`;
}

function podText(object: Obj, metadata: Obj): string {
  const spec = isObject(object.spec) ? object.spec : {};
  const status = isObject(object.status) ? object.status : {};
  const containers = list(status.containerStatuses);
  const parts: string[] = [];
  const phase = str(status.phase);
  if (phase) parts.push(phase);
  if (containers.length > 0) {
    parts.push(`${containers.filter((c) => c.ready === true).length}/${containers.length} ready`);
    const restarts = containers.reduce((n, c) => n + (typeof c.restartCount === 'number' ? c.restartCount : 0), 0);
    if (restarts > 0) parts.push(`${restarts} restarts`);
    parts.push(...containers.map(containerState).filter((s): s is string => s !== undefined));
  }
  const node = str(spec.nodeName);
  if (node) parts.push(`node ${node}`);
  const account = str(spec.serviceAccountName);
  if (account) parts.push(`service account ${account}`);
  return `${named('Pod', metadata)}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

function hpaText(object: Obj, metadata: Obj): string {
  const spec = isObject(object.spec) ? object.spec : {};
  const status = isObject(object.status) ? object.status : {};
  const ref = isObject(spec.scaleTargetRef) ? `${str(spec.scaleTargetRef.kind) ?? ''} ${str(spec.scaleTargetRef.name) ?? ''}`.trim() : '';
  const range = `${typeof spec.minReplicas === 'number' ? spec.minReplicas : 1}-${String(spec.maxReplicas ?? '?')} replicas`;
  const now = typeof status.currentReplicas === 'number' ? `, now ${status.currentReplicas}` : '';
  const want = typeof status.desiredReplicas === 'number' ? `, desired ${status.desiredReplicas}` : '';
  return `${named('HorizontalPodAutoscaler', metadata)} scales ${ref || '(no target)'} ${range}${now}${want}`;
}

function pdbText(object: Obj, metadata: Obj): string {
  const spec = isObject(object.spec) ? object.spec : {};
  const status = isObject(object.status) ? object.status : {};
  const parts: string[] = [];
  if (spec.minAvailable !== undefined) parts.push(`minAvailable ${String(spec.minAvailable)}`);
  if (spec.maxUnavailable !== undefined) parts.push(`maxUnavailable ${String(spec.maxUnavailable)}`);
  if (typeof status.disruptionsAllowed === 'number') parts.push(`${status.disruptionsAllowed} disruptions allowed`);
  return `${named('PodDisruptionBudget', metadata)}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/** The one-line summary of an object, or undefined for kinds with nothing more to say than their name. */
export function describeObject(kind: string, object: Obj, metadata: Obj): string | undefined {
  switch (kind) {
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return bindingText(kind, object, metadata);
    case 'Role':
    case 'ClusterRole':
      return roleText(kind, object, metadata);
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
      return workloadText(kind, object, metadata);
    case 'Pod':
      return podText(object, metadata);
    case 'HorizontalPodAutoscaler':
      return hpaText(object, metadata);
    case 'PodDisruptionBudget':
      return pdbText(object, metadata);
    case 'Namespace': {
      const phase = isObject(object.status) ? str(object.status.phase) : undefined;
      return `${named(kind, metadata)}${phase ? `: ${phase}` : ''}`;
    }
    default:
      return undefined;
  }
}
