// The gate in the real client, against the HTTPS fake API server: a mutating request is refused inside
// Causa and nothing at all arrives at the server; an allowed read does arrive.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeRequestError, ReadOnlyKubeClient } from '../../../src-main/service/capture/kube-client';
import { loadKubeTarget } from '../../../src-main/service/capture/kubeconfig';
import { clusterCollections } from '../capture/cluster-fixture';
import { makeCertificates, startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../capture/fake-api-server';

let server: FakeApiServer;
let client: ReadOnlyKubeClient;

beforeAll(async () => {
  const certificates = makeCertificates();
  server = await startFakeApiServer({ certificates, token: 't', collections: clusterCollections() });
  const dir = mkdtempSync(join(tmpdir(), 'causa-gate-'));
  const target = await loadKubeTarget('test-cluster', writeKubeconfig(dir, server.url, certificates.caPem, 't'));
  client = new ReadOnlyKubeClient(target.config, target.server);
});
afterAll(async () => {
  client.close();
  await server.close();
});

async function refusal(promise: Promise<unknown>): Promise<KubeRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeRequestError);
  return error as KubeRequestError;
}

describe('the read-only gate in ReadOnlyKubeClient', () => {
  it('refuses mutating requests before anything reaches the server', async () => {
    const attempts = [
      { method: 'DELETE', path: '/api/v1/namespaces/prod/pods/api-service-0' },
      { method: 'PATCH', path: '/apis/apps/v1/namespaces/prod/deployments/api-service', body: { spec: { replicas: 0 } } },
      { method: 'PUT', path: '/api/v1/namespaces/prod/configmaps/x', body: { kind: 'ConfigMap' } },
      { method: 'POST', path: '/api/v1/namespaces/prod/pods', body: { apiVersion: 'v1', kind: 'Pod' } },
      {
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/tokenreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      },
      { method: 'GET', path: '/api/v1/namespaces/prod/pods/api-service-0/exec?command=rm&command=-rf' },
    ];
    for (const attempt of attempts) {
      const error = await refusal(client.send(attempt));
      expect(error.kind).toBe('refused');
      expect(error.message).toMatch(/^refused by Causa's read-only gate: /);
    }
    const watch = client.watchLines('/api/v1/namespaces/prod/pods/api-service-0/attach', 'attach', new AbortController().signal);
    expect((await refusal(watch.next())).kind).toBe('refused');
    expect(server.requests).toEqual([]);
    expect(client.sent).toBe(0);
  });

  it('lets a list and a self-review through, and those do arrive', async () => {
    const body = await client.send({ method: 'GET', path: '/api/v1/namespaces?limit=1' });
    expect(JSON.parse(body.toString()) as unknown).toMatchObject({ kind: 'NamespaceList', metadata: { continue: expect.any(String) } });
    await client.send({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/namespaces',
      'POST /apis/authentication.k8s.io/v1/selfsubjectreviews',
    ]);
    expect(server.requests.every((r) => r.authorized)).toBe(true);
  });
});
