// The desktop app's app:// protocol, as Electron would call it (protocol.handle hands the handler a
// fetch Request): it serves the renderer build and nothing else, whatever the URL tries.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_INDEX_URL, appProtocolHandler, appUrlToFile, isAppUrl } from '../../../src-main/host/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/shared/security';

const INDEX_HTML = '<!doctype html><title>Causa</title>';
const APP_JS = 'console.log("bundle");';
const SECRET = 'PRIVATE KEY next to the renderer';

let dir: string;
let rendererDir: string;
let handle: (request: Request) => Promise<Response>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causa-app-protocol-'));
  rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), INDEX_HTML);
  await writeFile(join(rendererDir, 'assets', 'app.js'), APP_JS);
  await writeFile(join(dir, 'secret.pem'), SECRET);
  // A link inside the folder that points out of it.
  await symlink(join(dir, 'secret.pem'), join(rendererDir, 'assets', 'linked.js'));
  handle = appProtocolHandler(rendererDir);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('app:// URLs', () => {
  it.each([
    ['app://causa/index.html', true],
    ['app://causa/assets/app.js?x=1#frag', true],
    ['app://CAUSA/index.html', true],
    ['app://evil/index.html', false],
    ['app://causa.evil/index.html', false],
    ['app://user@causa/index.html', false],
    ['file:///app/renderer/index.html', false],
    ['https://causa/index.html', false],
    ['not a url', false],
  ])('isAppUrl(%s) is %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });

  it('maps a path to the file inside the renderer folder', () => {
    expect(appUrlToFile(APP_INDEX_URL, rendererDir)).toEqual({ ok: true, file: join(rendererDir, 'index.html') });
    expect(appUrlToFile('app://causa/', rendererDir)).toEqual({ ok: true, file: join(rendererDir, 'index.html') });
    expect(appUrlToFile('app://causa/assets/app.js', rendererDir)).toEqual({ ok: true, file: join(rendererDir, 'assets', 'app.js') });
  });

  it('resolves dot segments, escaped or not, as a URL does: inside the folder', () => {
    for (const url of ['app://causa/%2e%2e/secret.pem', 'app://causa/../../secret.pem', 'app://causa/assets/.%2E/.%2e/secret.pem']) {
      expect(appUrlToFile(url, rendererDir), url).toEqual({ ok: true, file: join(rendererDir, 'secret.pem') });
    }
  });

  it.each([
    'app://causa/..%2fsecret.pem',
    'app://causa/assets/..%2f..%2fsecret.pem',
    'app://causa/%2e%2e%2fsecret.pem',
    'app://causa/..%5csecret.pem',
    'app://causa/%2fetc%2fpasswd',
    'app://causa/assets%00/app.js',
    'app://evil/index.html',
  ])('refuses %s', (url) => {
    const target = appUrlToFile(url, rendererDir);
    expect(target.ok).toBe(false);
  });
});

describe('the protocol handler', () => {
  it('serves index.html and an asset with their types, the CSP and nosniff', async () => {
    const page = await handle(new Request(APP_INDEX_URL));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe(INDEX_HTML);
    const asset = await handle(new Request('app://causa/assets/app.js'));
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await asset.text()).toBe(APP_JS);
  });

  it.each([
    ['a traversal', 'app://causa/%2e%2e/secret.pem', 404],
    ['an encoded slash', 'app://causa/assets/..%2f..%2fsecret.pem', 404],
    ['a symbolic link out of the folder', 'app://causa/assets/linked.js', 404],
    ['a folder', 'app://causa/assets', 404],
    ['a missing file', 'app://causa/nope.js', 404],
    ['another host', 'app://evil/index.html', 404],
    ['a malformed escape', 'app://causa/%E0%A4%A', 400],
  ])('refuses %s with %s', async (_label, url, status) => {
    const res = await handle(new Request(url));
    expect(res.status).toBe(status);
    expect(await res.text()).not.toContain(SECRET);
  });

  it.each(['POST', 'PUT', 'DELETE'])('refuses %s', async (method) => {
    const res = await handle(new Request(APP_INDEX_URL, { method, body: method === 'DELETE' ? null : 'x' }));
    expect(res.status).toBe(405);
  });
});
