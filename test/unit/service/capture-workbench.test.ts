// The workbench's capture methods (what the "Connect to cluster" dialog calls): contexts come from
// KUBECONFIG, and the bundle is sealed beside the case file under a name the main side chooses.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundleAt } from '../../../src-main/service/bundles';
import { Workbench } from '../../../src-main/service/workbench';
import { clusterCollections } from '../capture/cluster-fixture';
import { makeCertificates, startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../capture/fake-api-server';

let server: FakeApiServer;
let workbench: Workbench;
const previous = process.env.KUBECONFIG;

beforeAll(async () => {
  const certificates = makeCertificates();
  server = await startFakeApiServer({
    certificates,
    token: 't',
    collections: clusterCollections(),
    forbidden: ['/apis/rbac.authorization.k8s.io/v1/clusterroles'],
  });
  const dir = mkdtempSync(join(tmpdir(), 'causa-capture-workbench-'));
  process.env.KUBECONFIG = writeKubeconfig(dir, server.url, certificates.caPem, 't');
  workbench = Workbench.open(join(dir, 'case.causa'), { create: true });
});
afterAll(async () => {
  workbench.close();
  await server.close();
  if (previous === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = previous;
});

describe('the workbench capture methods', () => {
  it('lists the kubeconfig contexts with their servers', async () => {
    const found = await workbench.handlers.kubeContexts({});
    expect(found).toMatchObject({
      current: 'test-cluster',
      contexts: [{ name: 'test-cluster', cluster: 'fake', user: 'reader', server: server.url }],
    });
  });

  it('captures into captures/ beside the case file and says what is missing', async () => {
    const summary = await workbench.handlers.captureCluster({ context: 'test-cluster', namespace: 'prod' });
    expect(dirname(summary.out)).toBe(join(dirname(workbench.store.path), 'captures'));
    expect(summary.out).toMatch(/test-cluster-\d{4}-\d{2}-\d{2}T.*\.zip$/);
    expect(summary).toMatchObject({ complete: false, identity: 'system:serviceaccount:causa:reader', may_mutate: false });
    expect(summary.resources.find((r) => r.name === 'clusterroles')).toMatchObject({ status: 'not_visible' });
    expect(summary.resources.find((r) => r.name === 'pods')).toMatchObject({ status: 'captured', scope: 'namespace prod' });
    expect((await verifyBundleAt(summary.out, [])).status).toBe('unsigned');
    expect(server.requests.every((r) => r.method === 'GET' || r.path.endsWith('reviews'))).toBe(true);
  });

  it('an unknown context is an error naming the contexts there are', async () => {
    await expect(workbench.handlers.captureCluster({ context: 'prod' })).rejects.toThrow(
      'no context named "prod" (contexts: test-cluster)',
    );
  });
});
