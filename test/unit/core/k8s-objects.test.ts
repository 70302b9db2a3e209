// What each Kubernetes record says about the objects it names, for the case's identity table: only what
// the record carries (a Metadata-level event with no objectRef.uid names no uid), with the kind a body
// pairs with its objectRef.resource, and the owners its ownerReferences name.
import { describe, expect, it } from 'vitest';
import { mayNameObjects, objectsOfRecord, recordValue } from '../../../src-main/core/ingest/k8s-objects';

const T = 1_743_690_665_000_000_000n;
const ref = { resource: 'deployments', namespace: 'production', name: 'api-service', apiGroup: 'apps', apiVersion: 'v1' };
const auditEvent = (extra: Record<string, unknown>) => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  auditID: 'a1',
  stage: 'ResponseComplete',
  verb: 'patch',
  objectRef: ref,
  responseStatus: { metadata: {}, code: 200 },
  ...extra,
});

describe('objectsOfRecord', () => {
  it('reads nothing from a Metadata-level event without a uid, and a name deletion from its delete', () => {
    expect(objectsOfRecord('k8s-audit', auditEvent({ level: 'Metadata' }), T)).toEqual({ objects: [], kinds: [] });
    expect(objectsOfRecord('k8s-audit', auditEvent({ level: 'Metadata', verb: 'delete' }), T)).toEqual({
      objects: [],
      kinds: [],
      deletions: [{ resource: 'deployments', namespace: 'production', name: 'api-service', at_ns: T }],
    });
    // A failed delete frees nothing.
    expect(
      objectsOfRecord('k8s-audit', auditEvent({ verb: 'delete', responseStatus: { metadata: {}, code: 404 } }), T).deletions,
    ).toBeUndefined();
  });

  it('reads the uid the API server copied from an update’s body into objectRef', () => {
    const found = objectsOfRecord('k8s-audit', auditEvent({ level: 'Metadata', verb: 'update', objectRef: { ...ref, uid: 'u-1' } }), T);
    expect(found.objects).toEqual([
      { uid: 'u-1', name: 'api-service', namespace: 'production', resource: 'deployments', api_group: 'apps', seen_ns: T },
    ]);
  });

  it('reads a response body: its kind under the objectRef’s resource, its creation, its owners', () => {
    const body = {
      kind: 'ReplicaSet',
      apiVersion: 'apps/v1',
      metadata: {
        name: 'api-service-7d4b8c6f5',
        namespace: 'production',
        uid: 'rs-1',
        creationTimestamp: '2025-04-03T14:31:08Z',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api-service', uid: 'd-1', controller: true }],
      },
    };
    const found = objectsOfRecord(
      'k8s-audit',
      auditEvent({
        level: 'RequestResponse',
        verb: 'create',
        objectRef: { ...ref, resource: 'replicasets', name: undefined },
        responseObject: body,
      }),
      T,
    );
    expect(found.kinds).toEqual([{ api_group: 'apps', kind: 'ReplicaSet', resource: 'replicasets' }]);
    expect(found.objects).toContainEqual({
      uid: 'd-1',
      name: 'api-service',
      kind: 'Deployment',
      api_group: 'apps',
      namespace: 'production',
      seen_ns: T,
    });
    expect(found.objects).toContainEqual(
      expect.objectContaining({
        uid: 'rs-1',
        kind: 'ReplicaSet',
        resource: 'replicasets',
        name: 'api-service-7d4b8c6f5',
        created_ns: 1_743_690_668_000_000_000n,
        owner_uids: ['d-1'],
      }),
    );
  });

  it('reads a Scale body as its parent (same name and uid), and never pairs Scale with the resource', () => {
    const scale = {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'api-service', namespace: 'production', uid: 'd-1' },
      spec: { replicas: 1 },
    };
    const found = objectsOfRecord(
      'k8s-audit',
      auditEvent({ level: 'RequestResponse', objectRef: { ...ref, subresource: 'scale' }, responseObject: scale }),
      T,
    );
    expect(found.kinds).toEqual([]);
    expect(found.objects).toEqual([
      { uid: 'd-1', name: 'api-service', namespace: 'production', resource: 'deployments', api_group: 'apps', seen_ns: T },
    ]);
  });

  it('reads an Event’s involvedObject (core/v1) and regarding (events.k8s.io/v1)', () => {
    const core = {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { namespace: 'production' },
      involvedObject: { kind: 'Pod', name: 'p', uid: 'p-1', apiVersion: 'v1' },
      reason: 'Killing',
    };
    expect(objectsOfRecord('k8s-events', core, T).objects).toEqual([
      { uid: 'p-1', name: 'p', kind: 'Pod', api_group: '', namespace: 'production', seen_ns: T },
    ]);
    const v1 = {
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      regarding: { kind: 'Deployment', namespace: 'production', name: 'web', uid: 'd-9', apiVersion: 'apps/v1' },
      reason: 'ScalingReplicaSet',
    };
    expect(objectsOfRecord('k8s-events', { type: 'ADDED', object: v1 }, T).objects).toEqual([
      { uid: 'd-9', name: 'web', kind: 'Deployment', api_group: 'apps', namespace: 'production', seen_ns: T },
    ]);
  });

  it('reads a CustomResourceDefinition’s kind and plural from a listing', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'rollouts.argoproj.io', uid: 'crd-1' },
      spec: { group: 'argoproj.io', names: { kind: 'Rollout', plural: 'rollouts' } },
    };
    expect(objectsOfRecord('k8s-resources', crd, null).kinds).toEqual([
      { api_group: 'argoproj.io', kind: 'Rollout', resource: 'rollouts' },
    ]);
  });
});

describe('objectsOfRecord for an audit event in a provider’s wrapper', () => {
  const body = {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    metadata: {
      name: 'api-service-7d4b8c6f5',
      namespace: 'production',
      uid: 'rs-1',
      creationTimestamp: '2025-04-03T14:31:08Z',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api-service', uid: 'd-1', controller: true }],
    },
  };
  const scale = {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: 'api-service', namespace: 'production', uid: 'd-1' },
    spec: { replicas: 1 },
  };
  const events = {
    create: auditEvent({
      level: 'RequestResponse',
      verb: 'create',
      objectRef: { ...ref, resource: 'replicasets', name: undefined },
      responseObject: body,
    }),
    scale: auditEvent({ level: 'RequestResponse', objectRef: { ...ref, subresource: 'scale' }, responseObject: scale }),
    update: auditEvent({ level: 'Metadata', verb: 'update', objectRef: { ...ref, uid: 'u-1' } }),
    delete: auditEvent({ level: 'Metadata', verb: 'delete' }),
    failedDelete: auditEvent({ verb: 'delete', responseStatus: { metadata: {}, code: 404 } }),
  };
  const wrappers: [string, (event: object) => string][] = [
    [
      'eks-cloudwatch',
      (e) =>
        JSON.stringify({
          logStreamName: 'kube-apiserver-audit-1f2e',
          timestamp: 1743690665000,
          message: JSON.stringify(e),
          ingestionTime: 1743690666000,
          eventId: '1',
        }),
    ],
    [
      'eks-cloudwatch',
      (e) =>
        JSON.stringify([
          { field: '@timestamp', value: '2025-04-03 14:31:05.000' },
          { field: '@message', value: JSON.stringify(e) },
        ]),
    ],
    [
      'aks-diagnostics',
      (e) =>
        JSON.stringify({
          time: '2025-04-03T14:31:05Z',
          resourceId: '/SUBSCRIPTIONS/X',
          category: 'kube-audit',
          properties: { log: JSON.stringify(e), stream: 'stdout' },
        }),
    ],
    ['aks-diagnostics', (e) => JSON.stringify({ TimeGenerated: '2025-04-03T14:31:05Z', Category: 'kube-audit', log_s: JSON.stringify(e) })],
    ['openshift-node-logs', (e) => `master-0.prod.example.com ${JSON.stringify(e)}`],
  ];

  it.each(wrappers)('reads from %s what the bare event says, through the bytes the importer keeps', (format, wrap) => {
    for (const [what, event] of Object.entries(events)) {
      const raw = Buffer.from(wrap(event));
      const bare = objectsOfRecord('k8s-audit', event, T);
      const action = event.verb;
      // The quick test before a second parse must not skip a wrapped record whose uid is escaped text.
      if (bare.objects.length > 0 || bare.deletions !== undefined) expect(mayNameObjects(raw, action), what).toBe(true);
      expect(objectsOfRecord(format, recordValue(format, raw), T), `${format} ${what}`).toEqual(bare);
    }
  });

  it('reads nothing from a wrapper that holds no audit event, or one that is not JSON', () => {
    expect(objectsOfRecord('eks-cloudwatch', { message: 'I0403 14:31:05 kube-apiserver started', timestamp: 1 }, T)).toEqual({
      objects: [],
      kinds: [],
    });
    expect(objectsOfRecord('aks-diagnostics', { category: 'kube-audit', properties: { log: '{"kind":"Event",' } }, T)).toEqual({
      objects: [],
      kinds: [],
    });
    expect(() => recordValue('openshift-node-logs', Buffer.from('master-0 not json'))).toThrow();
  });

  /** A GKE LogEntry: the AuditLog names the object by resourceName and carries request and response bodies. */
  const gke = (methodName: string, resourceName: string, extra: Record<string, unknown> = {}) => ({
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      serviceName: 'k8s.io',
      methodName,
      resourceName,
      status: {},
      ...extra,
    },
    insertId: 'i-1',
    resource: { type: 'k8s_cluster' },
    timestamp: '2025-04-03T14:31:05Z',
    operation: { id: 'a1' },
  });

  it('reads a GKE entry’s response body, its scale subresource and its delete as the audit event’s', () => {
    const created = objectsOfRecord(
      'gke-cloud-logging',
      gke('io.k8s.apps.v1.replicasets.create', 'apps/v1/namespaces/production/replicasets', {
        response: { '@type': 'apps.k8s.io/v1.ReplicaSet', ...body },
      }),
      T,
    );
    expect(created).toEqual(objectsOfRecord('k8s-audit', events.create, T));
    const scaled = objectsOfRecord(
      'gke-cloud-logging',
      gke('io.k8s.apps.v1.deployments.scale.patch', 'apps/v1/namespaces/production/deployments/api-service/scale', {
        response: { '@type': 'autoscaling.k8s.io/v1.Scale', ...scale },
      }),
      T,
    );
    expect(scaled).toEqual(objectsOfRecord('k8s-audit', events.scale, T));
    const deleted = objectsOfRecord(
      'gke-cloud-logging',
      gke('io.k8s.apps.v1.deployments.delete', 'apps/v1/namespaces/production/deployments/api-service'),
      T,
    );
    expect(deleted).toEqual({
      objects: [],
      kinds: [],
      deletions: [{ resource: 'deployments', namespace: 'production', name: 'api-service', at_ns: T }],
    });
    // A refused delete (PERMISSION_DENIED, the Status body's 403) frees nothing.
    const refused = gke('io.k8s.apps.v1.deployments.delete', 'apps/v1/namespaces/production/deployments/api-service', {
      status: { code: 7, message: 'Forbidden' },
      response: { '@type': 'core.k8s.io/v1.Status', kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403 },
    });
    expect(objectsOfRecord('gke-cloud-logging', refused, T).deletions).toBeUndefined();
    // A cluster operation is not a Kubernetes request: it names no object.
    expect(
      objectsOfRecord(
        'gke-cloud-logging',
        {
          ...gke('google.container.v1.ClusterManager.DeleteCluster', 'projects/p/zones/z/clusters/c'),
          protoPayload: {
            '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
            serviceName: 'container.googleapis.com',
            methodName: 'google.container.v1.ClusterManager.DeleteCluster',
            resourceName: 'projects/p/zones/z/clusters/c',
          },
        },
        T,
      ),
    ).toEqual({ objects: [], kinds: [] });
  });
});
