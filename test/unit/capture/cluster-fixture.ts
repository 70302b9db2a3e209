// The objects the fake API server holds: every type `causa capture` reads, with enough Pods to need
// three pages, and Events in both APIs' shapes.
import { CAPTURED_RESOURCES, apiVersionOf, collectionPath } from '../../../src-main/core/capture/resources';
import type { FakeApiOptions } from './fake-api-server';

let serial = 0;
function meta(name: string, namespace?: string): Record<string, unknown> {
  serial += 1;
  return {
    name,
    ...(namespace ? { namespace } : {}),
    uid: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    resourceVersion: String(500 + serial),
    creationTimestamp: '2025-04-03T14:00:00Z',
  };
}

export function coreEvent(name: string, lastTimestamp: string, message = 'Back-off restarting failed container'): Record<string, unknown> {
  return {
    metadata: meta(name, 'prod'),
    involvedObject: { kind: 'Pod', namespace: 'prod', name: 'api-service-7d9f-x1', uid: 'pod-uid-1', apiVersion: 'v1' },
    reason: 'BackOff',
    message,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: lastTimestamp,
    lastTimestamp,
    count: 1,
    type: 'Warning',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
  };
}

function eventsV1(name: string, time: string): Record<string, unknown> {
  return {
    metadata: meta(name, 'prod'),
    eventTime: null,
    reportingController: 'kubelet',
    reportingInstance: 'node-1',
    reason: 'BackOff',
    regarding: { kind: 'Pod', namespace: 'prod', name: 'api-service-7d9f-x1', uid: 'pod-uid-1', apiVersion: 'v1' },
    note: 'Back-off restarting failed container',
    type: 'Warning',
    deprecatedFirstTimestamp: time,
    deprecatedLastTimestamp: time,
    deprecatedCount: 1,
  };
}

export const PODS = 1200;

/** A fresh copy each call: the server mutates collections as watch arrivals join them. */
export function clusterCollections(now = new Date()): FakeApiOptions['collections'] {
  const recent = new Date(now.getTime() - 5 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const old = new Date(now.getTime() - 3 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const items: Record<string, Record<string, unknown>[]> = {
    events: [coreEvent('api.1', old), coreEvent('api.2', recent, 'limit <256Mi> & OOMKilled'), coreEvent('api.3', recent)],
    'events.k8s.io': [eventsV1('api.1', old), eventsV1('api.2', recent)],
    namespaces: [
      { metadata: meta('prod'), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
      { metadata: meta('kube-system'), status: { phase: 'Active' } },
    ],
    pods: Array.from({ length: PODS }, (_, i) => ({
      metadata: { ...meta(`api-service-${i}`, 'prod'), annotations: { 'causa.test/note': 'a <b> & c' } },
      spec: { containers: [{ name: 'api', image: 'registry.example/api:1.4.2', resources: { limits: { memory: '256Mi' } } }] },
      status: { phase: 'Running' },
    })),
    serviceaccounts: [{ metadata: meta('agent', 'prod') }],
    replicasets: [{ metadata: meta('api-service-7d9f', 'prod'), spec: { replicas: 3 } }],
    deployments: [{ metadata: meta('api-service', 'prod'), spec: { replicas: 3 } }],
    statefulsets: [],
    daemonsets: [{ metadata: meta('node-exporter', 'kube-system') }],
    horizontalpodautoscalers: [{ metadata: meta('api-service', 'prod'), spec: { minReplicas: 2, maxReplicas: 6 } }],
    poddisruptionbudgets: [{ metadata: meta('api-service', 'prod'), spec: { minAvailable: 2 } }],
    roles: [
      { metadata: meta('agent-deployer', 'prod'), rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] }] },
    ],
    rolebindings: [
      {
        metadata: meta('agent-deployer', 'prod'),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'agent-deployer' },
        subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: 'prod' }],
      },
    ],
    clusterroles: [{ metadata: meta('view'), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] }],
    clusterrolebindings: [
      {
        metadata: meta('causa-reader'),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [],
      },
    ],
  };
  return Object.fromEntries(
    CAPTURED_RESOURCES.map((type) => [
      collectionPath(type),
      { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), items: items[type.name] ?? [] },
    ]),
  );
}
