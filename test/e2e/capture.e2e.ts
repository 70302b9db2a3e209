// "Connect to cluster" end to end: the real `causa serve` with KUBECONFIG pointing at the HTTPS fake API
// server, the built renderer in Chromium; the dialog lists the context, captures, and shows what is
// missing — and the server saw nothing but reads.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterCollections } from '../unit/capture/cluster-fixture';
import { makeCertificates, startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../unit/capture/fake-api-server';
import { launchChromium } from './support/browser';
import { serve, type Served } from './support/serve';

let browser: Browser;
let api: FakeApiServer;
let served: Served;

beforeAll(async () => {
  const certificates = makeCertificates();
  api = await startFakeApiServer({
    certificates,
    token: 't',
    collections: clusterCollections(),
    forbidden: ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings'],
  });
  const dir = mkdtempSync(join(tmpdir(), 'causa-e2e-capture-'));
  const kubeconfig = writeKubeconfig(dir, api.url, certificates.caPem, 't', 'staging-ro');
  served = await serve(['--case', join(dir, 'case.causa')], { KUBECONFIG: kubeconfig });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await api?.close();
});

describe('Connect to cluster', () => {
  it('captures the chosen context read-only and shows each type’s status', async () => {
    const page = await browser.newPage();
    await page.goto(served.url);
    await page.getByTestId('connect-cluster').click();
    // The dialog lists the contexts once the main side has read the kubeconfig.
    await page.getByTestId('capture-context').waitFor();
    expect(await page.getByTestId('capture-context').inputValue()).toBe('staging-ro');
    await page.getByTestId('capture-start').click();
    await page.getByTestId('capture-result').waitFor();
    const result = await page.getByTestId('capture-result').innerText();
    expect(result).toContain('Partial capture as system:serviceaccount:causa:reader');
    expect(await page.locator('[data-testid=capture-resource][data-status=captured]').count()).toBe(14);
    expect(await page.locator('[data-testid=capture-resource][data-status=not_visible]').innerText()).toContain('clusterrolebindings');
    const out = /sealed into (\S+\.zip)/.exec(result)?.[1];
    expect(out && existsSync(out)).toBe(true);
    expect(api.requests.every((r) => r.method === 'GET' || r.path.endsWith('reviews'))).toBe(true);
  });
});
