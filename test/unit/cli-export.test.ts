// `causa report`, `causa excerpt` (and `causa verify` on an excerpt) and `causa export --format ocsf`,
// through the command's entry point, as a user scripts them.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../support/cli';
import { verifyInclusion } from '../../src-main/core/bundle/hashing';
import type { Excerpt } from '../../src-main/core/export/excerpt';

const SAMPLE = fileURLToPath(new URL('../../resources/samples/staging-apollo', import.meta.url));
const SAMPLE_KEY = fileURLToPath(new URL('../../resources/keys/sample-ed25519.pub.pem', import.meta.url));
const VECTORS = fileURLToPath(new URL('../fixtures/corpus/integrity/rfc6962_merkle_vectors/inclusion_1/', import.meta.url));

/** The fields the test reads; OCSF records carry more. */
interface OcsfRecord {
  activity_id: number;
  type_uid: number;
  time: number;
  status_id: number;
  raw_data: string;
  actor: { user?: { name: string }; app_name?: string; authorizations?: { decision: string }[] };
  api: { operation: string; request: { uid: string } };
  resources: { type?: string; namespace?: string }[];
  src_endpoint: { ip: string };
}

let dir: string;
let casePath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causa-cli-export-'));
  casePath = join(dir, 'apollo.causa');
  // Exit 1: imported whole, but the sample's signer is not trusted in this test's home.
  const imported = await run('import', SAMPLE, '--case', casePath);
  expect(imported.code, imported.stderr).toBe(1);
  expect(imported.stdout).toContain('UNTRUSTED');
});

describe('causa report', () => {
  it('writes the postmortem, refuses an existing -o and a missing case with exit 2', async () => {
    const out = join(dir, 'r.md');
    expect((await run('report', casePath, '--format', 'md', '-o', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('No root cause has been assigned');
    const again = await run('report', casePath, '--format', 'md', '-o', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect((await run('report', join(dir, 'nope.causa'), '--format', 'html', '-o', join(dir, 'x.html'))).code).toBe(2);
    expect((await run('report', casePath, '--format', 'docx', '-o', join(dir, 'x.docx'))).code).toBe(2);
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });
});

describe('causa excerpt and causa verify EXCERPT', () => {
  let excerptPath: string;
  beforeAll(async () => {
    excerptPath = join(dir, 'excerpt.json');
    const made = await run('excerpt', casePath, '--cited', '-o', excerptPath, '--json');
    expect(made.code).toBe(0);
  });

  it('proves the cited records against the signed manifest on its own', async () => {
    const excerpt = JSON.parse(readFileSync(excerptPath, 'utf8')) as Excerpt;
    expect(excerpt.events.length).toBeGreaterThan(10);
    expect(excerpt.omitted.every((o) => /hashed whole|loose/.test(o.reason))).toBe(true);
    const verified = await run('verify', excerptPath, '--trust', SAMPLE_KEY);
    expect(verified.stdout).toContain('INTACT');
    expect(verified.code).toBe(0);
    // Without trusting the signer the proofs hold but the verdict says whose key it is.
    const untrusted = await run('verify', excerptPath);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain('not in the trust store');
  });

  it('fails naming the event whose raw record, proof or manifest was altered', async () => {
    const original = JSON.parse(readFileSync(excerptPath, 'utf8')) as Excerpt;
    const tamper = async (name: string, change: (e: Excerpt) => void) => {
      const copy = structuredClone(original);
      change(copy);
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(copy));
      return run('verify', path, '--trust', SAMPLE_KEY);
    };
    const target = original.events[3]!;
    const raw = await tamper('raw', (e) => {
      const bytes = Buffer.from(e.events[3]!.raw_base64, 'base64');
      bytes[10] = bytes[10]! ^ 1;
      e.events[3]!.raw_base64 = bytes.toString('base64');
    });
    expect(raw.code).toBe(1);
    expect(raw.stdout).toContain(`event ${target.id} (${target.source} record ${target.position}): raw record modified`);
    const proof = await tamper('proof', (e) => {
      const p = e.events[3]!.proof!;
      p[0] = `${p[0]!.slice(0, 63)}${p[0]!.endsWith('0') ? '1' : '0'}`;
    });
    expect(proof.code).toBe(1);
    expect(proof.stdout).toContain(`event ${target.id}`);
    expect(proof.stdout).toContain('inclusion proof does not lead to');
    const manifest = await tamper('manifest', (e) => {
      (e.bundles[0]!.manifest as { created_at: string }).created_at = '2030-01-01T00:00:00Z';
    });
    expect(manifest.code).toBe(1);
    expect(manifest.stdout).toContain('manifest signature invalid');
    const root = await tamper('root', (e) => {
      const m = e.bundles[0]!.manifest as { sources: { path: string; chain?: { merkle_root: string } }[] };
      m.sources.find((s) => s.path === target.source)!.chain!.merkle_root = '0'.repeat(64);
    });
    expect(root.code).toBe(1);
    expect(root.stdout).toContain('manifest signature invalid');
    expect(root.stdout).toContain(`event ${target.id}`);
  });

  it('takes --events and refuses an unknown id with exit 2', async () => {
    const excerpt = JSON.parse(readFileSync(excerptPath, 'utf8')) as Excerpt;
    const ids = excerpt.events.slice(0, 2).map((e) => e.id);
    const out = join(dir, 'two.json');
    expect((await run('excerpt', casePath, '--events', ids.join(','), '-o', out)).code).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as Excerpt).events.map((e) => e.id)).toEqual(ids);
    expect((await run('excerpt', casePath, '--events', '99999999', '-o', join(dir, 'none.json'))).code).toBe(2);
  });
});

describe('the inclusion-proof verifier the excerpt uses, on the RFC 6962 vectors', () => {
  it('accepts the happy path and rejects every mutation', () => {
    const files = readdirSync(VECTORS).filter((f) => f.endsWith('.json'));
    expect(files).toContain('happy-path.json');
    for (const file of files) {
      let v: { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean };
      try {
        v = JSON.parse(readFileSync(join(VECTORS, file), 'utf8')) as typeof v;
      } catch {
        continue; // a vector that is not JSON cannot reach the verifier
      }
      const b64 = (s: string | null) => Buffer.from(s ?? '', 'base64');
      const ok = verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
      expect(ok, file).toBe(!v.wantErr);
    }
  });
});

describe('causa export --format ocsf', () => {
  it('writes API Activity records for API calls, with the decision, and honours --kind and --since', async () => {
    const out = join(dir, 'o.jsonl');
    const result = await run('export', casePath, '--format', 'ocsf', '-o', out, '--since', '2025-04-17T14:03:00Z');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/skipped \(no OCSF mapping\)/);
    const records = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OcsfRecord);
    expect(records.length).toBeGreaterThan(10);
    for (const r of records) {
      expect(r).toMatchObject({ category_uid: 6, class_uid: 6003, metadata: { product: { name: 'Causa' } } });
      expect(r.type_uid).toBe(600300 + r.activity_id);
      expect(r.time).toBeGreaterThanOrEqual(Date.parse('2025-04-17T14:03:00Z'));
      expect(typeof r.raw_data).toBe('string');
      expect([0, 1, 2]).toContain(r.status_id);
      // The authenticated identity of a Kubernetes call; the client application of an MCP tool call.
      expect(r.actor.user?.name ?? r.actor.app_name).toBeTruthy();
      expect(r.api.operation).toBeTruthy();
    }
    const del = records.find((r) => r.api.operation === 'delete' && r.resources[0]?.type === 'autoscaling/horizontalpodautoscalers')!;
    expect(del).toMatchObject({ activity_id: 4, status_id: 1, unmapped: { causa: { on_behalf_of: 'priya.s@example.com' } } });
    expect(del.api.request.uid).toBe(JSON.parse(del.raw_data).auditID);
    const denied = records.find((r) => r.actor.authorizations?.[0]?.decision === 'denied')!;
    expect(denied).toMatchObject({ status_id: 2, activity_id: 2 });
    expect(denied.src_endpoint.ip).toBeTruthy();
    const none = await run('export', casePath, '--format', 'ocsf', '-o', join(dir, 'p.jsonl'), '--kind', 'prompt');
    expect(none.stdout).toContain(': 0 OCSF API Activity records');
  });

  it('takes --namespace, counts what it folded and skipped with --json, and refuses a bad --since before writing', async () => {
    const out = join(dir, 'ns.jsonl');
    const result = await run('export', casePath, '--format', 'ocsf', '-o', out, '--namespace', 'staging-apollo', '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      written: number;
      kubernetes: number;
      mcp: number;
      folded: Record<string, number>;
      skipped: Record<string, number>;
    };
    expect(summary.written).toBe(summary.kubernetes + summary.mcp);
    expect(summary.mcp).toBeGreaterThan(0);
    expect(summary.folded).toMatchObject({ policy_decision: 1 });
    const records = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OcsfRecord);
    expect(records).toHaveLength(summary.written);
    expect(records.every((r) => r.resources[0]?.namespace === 'staging-apollo')).toBe(true);
    const bad = await run('export', casePath, '--format', 'ocsf', '-o', join(dir, 'bad.jsonl'), '--since', 'yesterday');
    expect(bad.code).toBe(2);
    expect(existsSync(join(dir, 'bad.jsonl'))).toBe(false);
  });
});
