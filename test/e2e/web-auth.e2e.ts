// Web mode's access token against a second local origin, in Chromium: the analyst opens the printed URL,
// then (same browser, same profile) visits a page another server on 127.0.0.1 serves. Cookies ignore
// ports, so a token kept in a cookie would ride along to that server; the token travels only in the URL's
// fragment and as a bearer header, so that server receives nothing, and its page cannot call the API.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import { serve, ROOT, type Served } from './support/serve';
import { WorkbenchPage } from './pages/workbench';

const EVIDENCE = join(ROOT, 'test', 'fixtures', 'corpus', 'k8s-audit', 'crowdsec_k8s-audit-pod-exec-file.log');

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the other origin's page found out, posted back to its own server. */
interface Findings {
  /** The outcome of calling the API with the browser's ambient credentials (cookies), as a page sees it. */
  credentialed: string;
  /** The same as a "simple" request (text/plain, no preflight). */
  simple: string;
  /** document.cookie on the other origin. */
  cookies: string;
  /** Everything in the other origin's sessionStorage and localStorage. */
  storage: string;
}

/** The other local origin: a page that tries what it can against the workbench, and a log of what it got. */
function otherOriginPage(workbenchOrigin: string): string {
  const script = `
    const target = ${JSON.stringify(workbenchOrigin)} + '/api/caseInfo';
    const outcome = (p) => p.then((r) => 'answered ' + r.status + ' ' + r.type, (e) => 'failed: ' + e.name);
    (async () => {
      const credentialed = await outcome(fetch(target, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: '{}' }));
      const simple = await outcome(fetch(target, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '{}' }));
      const storage = JSON.stringify({ session: { ...sessionStorage }, local: { ...localStorage } });
      await fetch('/findings', { method: 'POST', body: JSON.stringify({ credentialed, simple, cookies: document.cookie, storage }) });
    })();`;
  return `<!doctype html><title>another local server</title><script>${script}</script>`;
}

let browser: Browser;
let served: Served;
let other: Server;
let otherOrigin: string;
const received: Received[] = [];
let findings: Promise<Findings>;

beforeAll(async () => {
  browser = await launchChromium();
  served = await serve([EVIDENCE]);
  let report: (value: Findings) => void = () => undefined;
  findings = new Promise((resolve) => (report = resolve));
  other = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/findings') report(JSON.parse(body) as Findings);
      res.writeHead(200, { 'Content-Type': req.url === '/' ? 'text/html; charset=utf-8' : 'text/plain' });
      res.end(req.url === '/' ? otherOriginPage(served.origin) : 'ok');
    });
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
});

describe('the web-mode token and a second local origin', () => {
  let context: BrowserContext;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(() => context?.close());

  it('opens the printed URL, takes the token out of the address bar, and keeps no cookie', async () => {
    expect(served.url).toBe(`${served.origin}/#token=${served.token}`);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const apiCalls: { authorization: string | undefined; cookie: string | undefined }[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) {
        const headers = request.headers();
        apiCalls.push({ authorization: headers.authorization, cookie: headers.cookie });
      }
    });
    const workbench = new WorkbenchPage(page);
    await workbench.open(served.url);
    expect(await workbench.total()).toBe(1);
    expect(page.url()).toBe(`${served.origin}/`);
    expect(page.url()).not.toContain(served.token);
    expect(await context.cookies()).toEqual([]);
    // Every API call the workbench made carried the token as a bearer header, and no cookie.
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const call of apiCalls) expect(call).toEqual({ authorization: `Bearer ${served.token}`, cookie: undefined });
    // A reload of the same tab still works (the token is kept in this origin's sessionStorage).
    await page.reload();
    expect(await workbench.total()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sends the other origin no token and no cookie, and its page cannot call the API', async () => {
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('requestfailed', (request) => {
      if (request.url().startsWith(`${served.origin}/api/`)) refused.push(request.failure()?.errorText ?? '');
    });
    await page.goto(`${otherOrigin}/`);
    const found = await findings;
    await page.close();

    // What the other server received: the page load and the findings, with no credential of ours.
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(['GET /', 'POST /findings']));
    for (const request of received) {
      expect(request.headers.cookie, `${request.method} ${request.url}`).toBeUndefined();
      expect(request.headers.authorization, `${request.method} ${request.url}`).toBeUndefined();
      expect(JSON.stringify(request), `${request.method} ${request.url}`).not.toContain(served.token);
    }
    // Its page gets no answer (no CORS grant; and Cross-Origin-Resource-Policy withholds even an opaque
    // one), and what reached the workbench was answered 401: the browser's own credentials count for nothing.
    expect(found.credentialed).toBe('failed: TypeError');
    expect(found.simple).toBe('failed: TypeError');
    expect(found.cookies).toBe('');
    expect(found.storage).not.toContain(served.token);
    // Both calls died in the browser: the preflight got no CORS grant, the simple one no same-origin answer.
    expect(refused.sort()).toEqual(['net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin', 'net::ERR_FAILED']);
  });

  it('gives a cookie of the old scheme nothing: the page itself is refused without the bearer header', async () => {
    const port = new URL(served.origin).port;
    await context.addCookies([{ name: `causa_token_${port}`, value: served.token, domain: '127.0.0.1', path: '/' }]);
    const page = await context.newPage();
    await page.goto(`${served.origin}/`);
    const answer = await page.evaluate(async () => {
      const res = await fetch('/api/caseInfo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return { status: res.status, body: await res.text() };
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, code: 'unauthorized' });
    await page.close();
  });
});
