// A long verification over both transports: while `verifyCase` is pending, `verifyProgress` is answered —
// over real sockets in web mode, and through the IPC handlers the Electron shell registers — so the host's
// event loop is not held for the whole run. Nothing here waits for a time: each poll follows the last.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttpHost, type HttpHost } from '../../../src-main/host/http';
import { registerIpc } from '../../../src-main/host/ipc';
import { writeSample } from '../../../src-main/service/bundles';
import { Workbench } from '../../../src-main/service/workbench';
import { ipcChannel, type ApiResult, type Handlers, type VerifyProgress } from '../../../src-main/shared/contract';
import { ServiceError } from '../../../src-main/shared/errors';

const ipc = vi.hoisted(() => ({ handlers: new Map<string, (event: unknown, input: unknown) => unknown>() }));
vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, handler: (event: unknown, input: unknown) => unknown) => void ipc.handlers.set(channel, handler) },
}));

let dir: string;
let wb: Workbench;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-long-verify-'));
  const bundle = join(dir, 'inc-0047-large');
  await writeSample('inc-0047', bundle, { events: 30_000 });
  wb = Workbench.open(join(dir, 'case.causa'), { create: true });
  await wb.importPaths([bundle]);
}, 120_000);

afterAll(() => {
  wb?.close();
  rmSync(dir, { recursive: true, force: true });
});

function handlers(transport: 'http' | 'ipc'): Handlers {
  return {
    ...wb.handlers,
    capabilities: () => ({ open_dialog: transport === 'ipc', transport }),
    openEvidence: () => {
      throw new ServiceError('unsupported', 'no Open dialog here');
    },
  };
}

/**
 * Starts `verifyCase` through `call` and polls `verifyProgress` through it, each poll sent when the last
 * one answered, until the verification answers. The polls answered before it are what the test looks at.
 */
async function verifyWhilePolling(
  call: (method: string) => Promise<ApiResult<unknown>>,
): Promise<{ verified: ApiResult<unknown>; during: VerifyProgress[] }> {
  let verified: ApiResult<unknown> | undefined;
  const running = call('verifyCase').then((result) => (verified = result));
  const during: VerifyProgress[] = [];
  while (verified === undefined) {
    const answer = await call('verifyProgress');
    if (!answer.ok) throw new Error(answer.message);
    if (verified === undefined) during.push(answer.value as VerifyProgress);
  }
  await running;
  return { verified, during };
}

function expectProgressDuringTheRun(during: VerifyProgress[]): void {
  const active = during.filter((p) => p.active);
  const midRun = active.filter((p) => p.records_done > 0 && p.records_done < p.records_total);
  expect(midRun.length).toBeGreaterThan(1);
  const done = active.map((p) => p.records_done);
  expect(done).toEqual([...done].sort((a, b) => a - b));
  expect(active.some((p) => p.source === 'sources/k8s-audit/audit.jsonl')).toBe(true);
}

describe('a poll is answered while the case is being verified', () => {
  it('in web mode, over HTTP', async () => {
    const rendererDir = join(dir, 'renderer');
    await mkdir(rendererDir, { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Causa</title>');
    const host: HttpHost = await startHttpHost({ handlers: handlers('http'), rendererDir });
    try {
      const call = async (method: string) => {
        const response = await fetch(`http://127.0.0.1:${host.port}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
          body: '{}',
        });
        return (await response.json()) as ApiResult<unknown>;
      };
      const { verified, during } = await verifyWhilePolling(call);
      expect(verified).toMatchObject({ ok: true });
      expectProgressDuringTheRun(during);
      const after = (await call('verifyProgress')) as ApiResult<VerifyProgress>;
      expect(after).toMatchObject({ ok: true, value: { active: false } });
      if (after.ok) expect(after.value.records_done).toBe(after.value.records_total);
    } finally {
      await host.close();
    }
  });

  it('in the desktop app, through its IPC handlers', async () => {
    registerIpc(handlers('ipc'), () => true);
    // As Electron delivers each message: on its own turn of the event loop, to the channel's handler.
    const call = (method: string) =>
      new Promise<ApiResult<unknown>>((resolve) =>
        setImmediate(
          () =>
            void Promise.resolve(ipc.handlers.get(ipcChannel(method as 'verifyCase'))!({ senderFrame: null }, {})).then((r) =>
              resolve(r as ApiResult<unknown>),
            ),
        ),
      );
    const { verified, during } = await verifyWhilePolling(call);
    expect(verified).toMatchObject({ ok: true });
    expectProgressDuringTheRun(during);
  });
});
