// Kubernetes objects as the API server returns them (kind, apiVersion, metadata, spec, status in that
// order), shared by the audit log's request and response bodies and the resource listings, so that the
// same object reads the same wherever it appears.

import { createHash } from 'node:crypto';

export interface Named {
  name: string;
  uid: string;
}

export interface ContainerSpec {
  name: string;
  image: string;
  port: number;
  limits: { cpu: string; memory: string };
  requests: { cpu: string; memory: string };
  readinessPath?: string;
}

export function container(spec: ContainerSpec) {
  return {
    name: spec.name,
    image: spec.image,
    ports: [{ containerPort: spec.port, protocol: 'TCP' }],
    resources: { limits: spec.limits, requests: spec.requests },
    ...(spec.readinessPath
      ? {
          readinessProbe: {
            httpGet: { path: spec.readinessPath, port: spec.port, scheme: 'HTTP' },
            periodSeconds: 5,
            timeoutSeconds: 1,
            successThreshold: 1,
            failureThreshold: 3,
          },
        }
      : {}),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

export const ownedBy = (kind: string, owner: Named) => [
  { apiVersion: 'apps/v1', kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true },
];

export interface DeploymentState {
  namespace: string;
  app: string;
  uid: string;
  created: string;
  resourceVersion: string;
  generation: number;
  revision: number;
  replicas: number;
  container: ContainerSpec;
  strategy: 'Recreate' | 'RollingUpdate';
  status?: Record<string, unknown>;
}

export function deploymentObject(d: DeploymentState) {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: d.app,
      namespace: d.namespace,
      uid: d.uid,
      resourceVersion: d.resourceVersion,
      generation: d.generation,
      creationTimestamp: d.created,
      labels: { app: d.app },
      annotations: { 'deployment.kubernetes.io/revision': String(d.revision) },
    },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { app: d.app } },
      template: { metadata: { labels: { app: d.app } }, spec: { containers: [container(d.container)] } },
      strategy:
        d.strategy === 'Recreate'
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    ...(d.status ? { status: d.status } : {}),
  };
}

export interface ReplicaSetState {
  namespace: string;
  app: string;
  rs: Named;
  hash: string;
  deployment: Named;
  revision: number;
  replicas: number;
  container: ContainerSpec;
  created?: string;
  resourceVersion?: string;
  status?: Record<string, unknown>;
}

export function replicaSetObject(r: ReplicaSetState) {
  const labels = { app: r.app, 'pod-template-hash': r.hash };
  return {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    metadata: {
      name: r.rs.name,
      namespace: r.namespace,
      uid: r.rs.uid,
      ...(r.resourceVersion ? { resourceVersion: r.resourceVersion } : {}),
      ...(r.created ? { creationTimestamp: r.created } : {}),
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(r.replicas),
        'deployment.kubernetes.io/revision': String(r.revision),
      },
      ownerReferences: ownedBy('Deployment', r.deployment),
    },
    spec: {
      replicas: r.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container(r.container)] } },
    },
    ...(r.status ? { status: r.status } : {}),
  };
}

export interface PodState {
  namespace: string;
  app: string;
  pod: Named & { node: string; ip?: string };
  rs: Named;
  hash: string;
  container: ContainerSpec;
  created?: string;
  resourceVersion?: string;
  status?: Record<string, unknown>;
}

export function podObject(p: PodState) {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: p.pod.name,
      generateName: `${p.rs.name}-`,
      namespace: p.namespace,
      uid: p.pod.uid,
      ...(p.resourceVersion ? { resourceVersion: p.resourceVersion } : {}),
      ...(p.created ? { creationTimestamp: p.created } : {}),
      labels: { app: p.app, 'pod-template-hash': p.hash },
      ownerReferences: ownedBy('ReplicaSet', p.rs),
    },
    spec: {
      containers: [container(p.container)],
      restartPolicy: 'Always',
      serviceAccountName: 'default',
      ...(p.status && p.status.phase !== 'Pending' ? { nodeName: p.pod.node } : {}),
    },
    ...(p.status ? { status: p.status } : {}),
  };
}

/** A new pod's status, before the scheduler binds it. */
export const PENDING = { phase: 'Pending', qosClass: 'Burstable' };

/** A Running, Ready pod's status as the kubelet reports it. */
export function runningStatus(p: {
  ip: string;
  hostIP: string;
  started: string;
  ready: boolean;
  restarts: number;
  containerName: string;
  image: string;
  lastState?: Record<string, unknown>;
}) {
  const ready = p.ready ? 'True' : 'False';
  return {
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: p.started },
      { type: 'Ready', status: ready, lastProbeTime: null, lastTransitionTime: p.started },
      { type: 'ContainersReady', status: ready, lastProbeTime: null, lastTransitionTime: p.started },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: p.started },
    ],
    hostIP: p.hostIP,
    podIP: p.ip,
    startTime: p.started,
    containerStatuses: [
      {
        name: p.containerName,
        state: { running: { startedAt: p.started } },
        lastState: p.lastState ?? {},
        ready: p.ready,
        restartCount: p.restarts,
        image: p.image,
        imageID: `${p.image.split(':')[0]}@sha256:${createHash('sha256').update(p.image).digest('hex')}`,
        started: true,
      },
    ],
  };
}
