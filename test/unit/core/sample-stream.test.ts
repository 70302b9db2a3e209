// The sample generator streams (issue 17): a scaled audit log is made a line at a time in stage order with
// only a handful of lines pending, and `causa sample` writes and seals it as it is made, giving the same
// bundle, byte for byte, as the in-memory sealer.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { streamInc0047Audit, type MergeStats } from '../../../src-main/core/sample';
import { mergeAuditLines } from '../../../src-main/core/sample/audit-stream';
import type { AuditCall, AuditLine } from '../../../src-main/core/sample/audit-writer';
import { SeededRandom } from '../../../src-main/core/sample/random';
import { sampleBundleFiles, verdictPasses, verifyBundleAt, writeSample } from '../../../src-main/service/bundles';

const dir = mkdtempSync(join(tmpdir(), 'causa-sample-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SAMPLE_PUBLIC_KEY = fileURLToPath(new URL('../../../resources/keys/sample-ed25519.pub.pem', import.meta.url));

const stageTime = (line: string): string => /"stageTimestamp":"([^"]+)"/.exec(line)![1]!;

function call(atUs: number, latencyUs: number, withRequestReceived = false): AuditCall {
  return {
    atUs,
    latencyUs,
    withRequestReceived,
    verb: 'get',
    requestURI: `/api/v1/pods?at=${atUs}`,
    user: { username: 'reader', groups: [] },
    sourceIP: '10.0.0.1',
    userAgent: 'test',
    code: 200,
    decision: 'allow',
    authzReason: '',
  };
}

describe('the audit line merger', () => {
  it('puts lines in stage order, fixed lines first on a tie, holding no more than the requests in flight', () => {
    // 1,000 requests a microsecond apart, each taking 50 µs and half with a RequestReceived line: at most
    // the last 50 requests' lines can be pending.
    const noise = Array.from({ length: 1000 }, (_, i) => call(1_000 + i, 50, i % 2 === 0));
    const fixed: AuditLine[] = [1_000, 1_050, 1_500, 5_000].map((stageUs) => ({ stageUs, line: `fixed@${stageUs}` }));
    const stats: MergeStats = { maxPending: 0 };
    const out = [...mergeAuditLines(fixed, noise, new SeededRandom(1), stats)];
    expect(out).toHaveLength(4 + 1000 + 500);
    const micros = out.map((line) =>
      line.startsWith('fixed@') ? Number(line.slice(6)) : Number(/at=(\d+)/.exec(line)![1]) + (line.includes('"RequestReceived"') ? 0 : 50),
    );
    expect(micros).toEqual([...micros].sort((a, b) => a - b));
    // On a tie the fixed line comes first: fixed@1050 before the noise line finishing at 1050.
    expect(out.indexOf('fixed@1050')).toBeLessThan(out.findIndex((line) => line.includes('at=1000"') && line.includes('ResponseComplete')));
    expect(stats.maxPending).toBeGreaterThan(1);
    expect(stats.maxPending).toBeLessThanOrEqual(2 * 51);
  });
});

describe('a scaled INC-0047 audit log', () => {
  it('streams 200,000 lines in stage order with a bounded number pending', () => {
    const stats: MergeStats = { maxPending: 0 };
    let count = 0;
    let previous = '';
    let agentPatches = 0;
    for (const line of streamInc0047Audit({ events: 200_000 }, stats)) {
      const at = stageTime(line);
      expect(at >= previous, `line ${count + 1} at ${at} after ${previous}`).toBe(true);
      previous = at;
      if (line.includes('"impersonatedUser"') && line.includes('"verb":"patch"')) agentPatches += 1;
      count += 1;
    }
    expect(count).toBeGreaterThanOrEqual(200_000);
    expect(count).toBeLessThan(200_100);
    expect(agentPatches).toBe(4);
    // A read takes at most 6 ms and arrives in its own 10 ms slot of the 35-minute window.
    expect(stats.maxPending).toBeLessThanOrEqual(4);
  });
});

describe('causa sample writes as it generates', () => {
  it('writes the same bundle, byte for byte, as the in-memory sealer', async () => {
    const out = join(dir, 'inc-0047');
    await writeSample('inc-0047', out, { events: 3000 });
    const files = await sampleBundleFiles('inc-0047', { events: 3000 });
    const written = readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(out.length + 1));
    expect(written.sort()).toEqual([...files.keys()].sort());
    for (const [path, data] of files) expect(readFileSync(join(out, path)).equals(data), path).toBe(true);
  });

  it('writes a streamed zip that verifies against the sample key', async () => {
    const out = join(dir, 'apollo.zip');
    await writeSample('staging-apollo', out, { events: 20_000 });
    const verdict = await verifyBundleAt(out, [SAMPLE_PUBLIC_KEY]);
    expect(verdictPasses(verdict)).toBe(true);
    const audit = verdict.sources.find((source) => source.path === 'sources/k8s-audit/audit.jsonl');
    expect(audit?.records).toBeGreaterThanOrEqual(20_000);
  });

  it('refuses an output that exists and leaves no partial bundle behind', async () => {
    const out = join(dir, 'inc-0047');
    await expect(writeSample('inc-0047', out)).rejects.toThrow(/already exists/);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});
