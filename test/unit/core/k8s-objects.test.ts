// What each Kubernetes record says about the objects it names, for the case's identity table: only what
// the record carries (a Metadata-level event with no objectRef.uid names no uid), with the kind a body
// pairs with its objectRef.resource, and the owners its ownerReferences name.
import { describe, expect, it } from 'vitest';
import { objectsOfRecord } from '../../../src-main/core/ingest/k8s-objects';

const T = 1_743_690_665_000_000_000n;
const ref = { resource: 'deployments', namespace: 'production', name: 'api-service', apiGroup: 'apps', apiVersion: 'v1' };
const auditEvent = (extra: Record<string, unknown>) => ({
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: 'a1', stage: 'ResponseComplete', verb: 'patch', objectRef: ref,
  responseStatus: { metadata: {}, code: 200 }, ...extra,
});

describe('objectsOfRecord', () => {
  it('reads nothing from a Metadata-level event without a uid, and a name deletion from its delete', () => {
    expect(objectsOfRecord('k8s-audit', auditEvent({ level: 'Metadata' }), T)).toEqual({ objects: [], kinds: [] });
    expect(objectsOfRecord('k8s-audit', auditEvent({ level: 'Metadata', verb: 'delete' }), T)).toEqual({
      objects: [], kinds: [], deletions: [{ resource: 'deployments', namespace: 'production', name: 'api-service', at_ns: T }],
    });
    // A failed delete frees nothing.
    expect(objectsOfRecord('k8s-audit', auditEvent({ verb: 'delete', responseStatus: { metadata: {}, code: 404 } }), T).deletions).toBeUndefined();
  });

  it('reads the uid the API server copied from an update’s body into objectRef', () => {
    const found = objectsOfRecord('k8s-audit', auditEvent({ level: 'Metadata', verb: 'update', objectRef: { ...ref, uid: 'u-1' } }), T);
    expect(found.objects).toEqual([{ uid: 'u-1', name: 'api-service', namespace: 'production', resource: 'deployments', api_group: 'apps', seen_ns: T }]);
  });

  it('reads a response body: its kind under the objectRef’s resource, its creation, its owners', () => {
    const body = {
      kind: 'ReplicaSet', apiVersion: 'apps/v1',
      metadata: { name: 'api-service-7d4b8c6f5', namespace: 'production', uid: 'rs-1', creationTimestamp: '2025-04-03T14:31:08Z',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api-service', uid: 'd-1', controller: true }] },
    };
    const found = objectsOfRecord('k8s-audit', auditEvent({ level: 'RequestResponse', verb: 'create', objectRef: { ...ref, resource: 'replicasets', name: undefined }, responseObject: body }), T);
    expect(found.kinds).toEqual([{ api_group: 'apps', kind: 'ReplicaSet', resource: 'replicasets' }]);
    expect(found.objects).toContainEqual({ uid: 'd-1', name: 'api-service', kind: 'Deployment', api_group: 'apps', namespace: 'production', seen_ns: T });
    expect(found.objects).toContainEqual(expect.objectContaining({ uid: 'rs-1', kind: 'ReplicaSet', resource: 'replicasets', name: 'api-service-7d4b8c6f5', created_ns: 1_743_690_668_000_000_000n, owner_uids: ['d-1'] }));
  });

  it('reads a Scale body as its parent (same name and uid), and never pairs Scale with the resource', () => {
    const scale = { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'api-service', namespace: 'production', uid: 'd-1' }, spec: { replicas: 1 } };
    const found = objectsOfRecord('k8s-audit', auditEvent({ level: 'RequestResponse', objectRef: { ...ref, subresource: 'scale' }, responseObject: scale }), T);
    expect(found.kinds).toEqual([]);
    expect(found.objects).toEqual([{ uid: 'd-1', name: 'api-service', namespace: 'production', resource: 'deployments', api_group: 'apps', seen_ns: T }]);
  });

  it('reads an Event’s involvedObject (core/v1) and regarding (events.k8s.io/v1)', () => {
    const core = { kind: 'Event', apiVersion: 'v1', metadata: { namespace: 'production' }, involvedObject: { kind: 'Pod', name: 'p', uid: 'p-1', apiVersion: 'v1' }, reason: 'Killing' };
    expect(objectsOfRecord('k8s-events', core, T).objects).toEqual([{ uid: 'p-1', name: 'p', kind: 'Pod', api_group: '', namespace: 'production', seen_ns: T }]);
    const v1 = { kind: 'Event', apiVersion: 'events.k8s.io/v1', regarding: { kind: 'Deployment', namespace: 'production', name: 'web', uid: 'd-9', apiVersion: 'apps/v1' }, reason: 'ScalingReplicaSet' };
    expect(objectsOfRecord('k8s-events', { type: 'ADDED', object: v1 }, T).objects).toEqual([{ uid: 'd-9', name: 'web', kind: 'Deployment', api_group: 'apps', namespace: 'production', seen_ns: T }]);
  });

  it('reads a CustomResourceDefinition’s kind and plural from a listing', () => {
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'rollouts.argoproj.io', uid: 'crd-1' }, spec: { group: 'argoproj.io', names: { kind: 'Rollout', plural: 'rollouts' } } };
    expect(objectsOfRecord('k8s-resources', crd, null).kinds).toEqual([{ api_group: 'argoproj.io', kind: 'Rollout', resource: 'rollouts' }]);
  });
});
