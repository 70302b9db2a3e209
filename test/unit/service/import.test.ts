import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src-main/shared/errors';
import type { EventFilter, ImportReport } from '../../../src-main/shared/contract';
import type { EventJson } from '../../../src-main/shared/model';
import type { Workbench } from '../../../src-main/service/workbench';
import { tempWorkbenches } from '../../support/workbench';
import { rawSql } from '../../../src-main/store/raw-blocks';

const CORPUS_ROOT = fileURLToPath(new URL('../../fixtures/corpus/', import.meta.url));
const K8S_AUDIT = join(CORPUS_ROOT, 'k8s-audit');
const EXEC_FILE = join(K8S_AUDIT, 'crowdsec_k8s-audit-pod-exec-file.log');
const CONFIGMAPS_FILE = join(K8S_AUDIT, 'falco', 'create_configmap_sensitive_values.json');
const BAD_FILE = 'k8s-audit/falco/fal_01_003.json';

const cases = tempWorkbenches('causa-import-');
const openBench = (): Workbench => cases.open();

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The bytes of line `n` (1-based) of a file, without its newline. */
function lineBytes(path: string, n: number): Buffer {
  const bytes = readFileSync(path);
  let start = 0;
  for (let i = 1; i < n; i += 1) start = bytes.indexOf(0x0a, start) + 1;
  const end = bytes.indexOf(0x0a, start);
  return bytes.subarray(start, end === -1 ? bytes.length : end);
}

function eventCount(wb: Workbench): number {
  return (wb.store.db.prepare('SELECT count(*) AS n FROM event').get() as { n: number }).n;
}

async function allEvents(wb: Workbench, filter: EventFilter = {}): Promise<EventJson[]> {
  const { events, total } = await wb.handlers.listEvents({ filter, offset: 0, limit: 1000 });
  expect(events).toHaveLength(total);
  return events;
}

function fileReport(report: ImportReport, name: string) {
  const found = report.files.find((f) => f.file === name);
  if (!found) throw new Error(`${name} is not in the report: ${report.files.map((f) => f.file).join(', ')}`);
  return found;
}

function writeFixture(name: string, bytes: Buffer): string {
  const path = join(cases.dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('importing the Kubernetes audit corpus', () => {
  it('imports 53 events from 48 files and reports fal_01_003.json line 1', async () => {
    const wb = openBench();
    const report = await wb.importPaths([K8S_AUDIT]);
    expect(report.files).toHaveLength(49);
    expect(report.events).toBe(53);
    expect(report.errors).toBe(1);
    expect(eventCount(wb)).toBe(53);

    const bad = fileReport(report, BAD_FILE);
    expect(bad.status).toBe('failed');
    expect(bad.events).toBe(0);
    expect(bad.errors).toEqual([
      { file: BAD_FILE, line: 1, reason: expect.stringMatching(/no line is a record of any format Causa reads/) },
    ]);

    expect(report.files.filter((f) => f.status === 'imported')).toHaveLength(48);
    expect(fileReport(report, 'k8s-audit/falco/create_configmap_sensitive_values.json').events).toBe(6);
    expect(fileReport(report, 'k8s-audit/crowdsec_k8s-audit-pod-exec-file.log')).toMatchObject({
      status: 'imported',
      format: 'k8s-audit',
      events: 1,
      errors: [],
      more_errors: 0,
    });

    const info = await wb.handlers.caseInfo({});
    expect(info.events).toBe(53);
    expect(info.kinds).toEqual([{ kind: 'k8s_api', count: 53 }]);
    expect(info.first_time).toBe('2018-10-25T13:58:49.730588000Z');
    expect(info.last_time).toBe('2023-05-17T15:08:22.763960000Z');
    // A file with no good record leaves no source behind.
    expect(info.sources).toHaveLength(48);
    for (const source of info.sources) {
      const bytes = readFileSync(join(CORPUS_ROOT, source.name));
      expect(source.sha256).toBe(sha256Hex(bytes));
      expect(source.size).toBe(bytes.length);
      expect(source.format).toBe('k8s-audit');
      expect(source.errors).toBe(0);
    }
  });

  it('adds nothing when the same folder is imported again', async () => {
    const wb = openBench();
    await wb.importPaths([K8S_AUDIT]);
    const before = await allEvents(wb);

    const again = await wb.importPaths([K8S_AUDIT]);
    expect(again.events).toBe(0);
    const good = again.files.filter((f) => f.file !== BAD_FILE);
    expect(good).toHaveLength(48);
    expect(good.every((f) => f.status === 'already_imported')).toBe(true);
    expect(fileReport(again, 'k8s-audit/falco/create_configmap_sensitive_values.json').events).toBe(6);
    // The bad file was never recorded, so it is judged (and reported) again.
    expect(fileReport(again, BAD_FILE)).toMatchObject({ status: 'failed', errors: [{ file: BAD_FILE, line: 1 }] });

    expect(eventCount(wb)).toBe(53);
    expect(await allEvents(wb)).toEqual(before);
    expect((await wb.handlers.caseInfo({})).sources).toHaveLength(48);
  });

  it('recognizes a file by its bytes, whatever its name', async () => {
    const wb = openBench();
    await wb.importPaths([EXEC_FILE]);
    const renamed = writeFixture('renamed.log', readFileSync(EXEC_FILE));
    const report = await wb.importPaths([renamed]);
    expect(report.files).toEqual([
      { file: 'renamed.log', format: 'k8s-audit', status: 'already_imported', events: 1, errors: [], more_errors: 0 },
    ]);
    expect(eventCount(wb)).toBe(1);
  });

  it('stores each record byte for byte, with the sha256 of those bytes', async () => {
    const wb = openBench();
    await wb.importPaths([K8S_AUDIT]);
    const events = await allEvents(wb);
    expect(events).toHaveLength(53);
    for (const event of events) {
      const line = lineBytes(join(CORPUS_ROOT, event.source), event.position);
      expect(event.raw_sha256).toBe(sha256Hex(line));

      const detail = await wb.handlers.getEvent({ id: event.id });
      expect(detail.source_name).toBe(event.source);
      expect(detail.event).toEqual(event);
      expect(Buffer.from(detail.raw, 'utf8').equals(line)).toBe(true);

      const stored = wb.store.db.prepare(`SELECT ${rawSql('e')} AS raw FROM event e WHERE e.id = ?`).get(event.id) as { raw: Buffer };
      expect(Buffer.isBuffer(stored.raw)).toBe(true);
      expect(stored.raw.equals(line)).toBe(true);
    }
    // The exec record holds "µs": multi-byte UTF-8 survives the round trip.
    const exec = events.find((e) => e.source.endsWith('crowdsec_k8s-audit-pod-exec-file.log'))!;
    expect((await wb.handlers.getEvent({ id: exec.id })).raw).toContain('561.927µs');
  });

  it('imports gzip files transparently; the source hash is of the bytes as received', async () => {
    const wb = openBench();
    const gz = gzipSync(readFileSync(CONFIGMAPS_FILE));
    const report = await wb.importPaths([writeFixture('configmaps.jsonl.gz', gz)]);
    expect(report.files[0]).toMatchObject({ file: 'configmaps.jsonl.gz', status: 'imported', events: 6 });
    const [source] = (await wb.handlers.caseInfo({})).sources;
    expect(source?.sha256).toBe(sha256Hex(gz));
    for (const event of await allEvents(wb)) {
      expect(event.raw_sha256).toBe(sha256Hex(lineBytes(CONFIGMAPS_FILE, event.position)));
    }
  });
});

describe('bad files do not harm the case', () => {
  const pattern = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));

  it("keeps the good file's events after a binary file and an all-invalid file fail", async () => {
    const wb = openBench();
    await wb.importPaths([EXEC_FILE]);
    const good = await allEvents(wb);
    expect(good).toHaveLength(1);

    const png = writeFixture('screenshot.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pattern]));
    // Every line a real record cut short.
    const cut = (path: string) => lineBytes(path, 1).subarray(0, 200);
    const invalid = writeFixture(
      'invalid.jsonl',
      Buffer.concat([cut(EXEC_FILE), Buffer.from('\n'), cut(CONFIGMAPS_FILE), Buffer.from('\n'), Buffer.from('{"kind":0}\n')]),
    );
    const empty = writeFixture('empty.jsonl', Buffer.alloc(0));
    const report = await wb.importPaths([png, invalid, empty]);

    expect(fileReport(report, 'screenshot.png')).toMatchObject({
      status: 'failed',
      events: 0,
      errors: [{ file: 'screenshot.png', line: 1, reason: expect.stringMatching(/^binary file/) }],
      more_errors: 0,
    });
    const invalidReport = fileReport(report, 'invalid.jsonl');
    expect(invalidReport.status).toBe('failed');
    // Cut-off lines and a record of no known kind: nothing in it says what format it is.
    expect(invalidReport.errors.map((e) => [e.line, e.reason.split(' (')[0]])).toEqual([
      [1, 'no line is a record of any format Causa reads'],
    ]);
    expect(fileReport(report, 'empty.jsonl')).toMatchObject({
      status: 'failed',
      errors: [{ file: 'empty.jsonl', line: 1, reason: expect.stringMatching(/empty/) }],
    });
    expect(report.events).toBe(0);
    expect(report.errors).toBe(3);

    expect(await allEvents(wb)).toEqual(good);
    expect((await wb.handlers.getEvent({ id: good[0]!.id })).raw).toBe(lineBytes(EXEC_FILE, 1).toString('utf8'));
    expect(wb.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((await wb.handlers.caseInfo({})).sources.map((s) => s.name)).toEqual(['crowdsec_k8s-audit-pod-exec-file.log']);
  });

  it('keeps the records read before a gzip stream breaks, and says where it broke', async () => {
    const wb = openBench();
    const gz = gzipSync(readFileSync(CONFIGMAPS_FILE));
    const broken = writeFixture('broken.jsonl.gz', gz.subarray(0, gz.length - 8));
    const report = await wb.importPaths([broken]);
    const file = report.files[0]!;
    // Only the gzip trailer (CRC and length) is missing: all six records come out before the error.
    expect(file).toMatchObject({ status: 'imported', events: 6 });
    const last = file.errors.at(-1);
    expect(last?.reason).toMatch(/^cannot read further/);
    expect(last?.line).toBe(file.events + 1);
    expect(eventCount(wb)).toBe(file.events);
    expect(wb.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('imports the good lines of a mixed file and records the bad ones with the source', async () => {
    const wb = openBench();
    const mixed = writeFixture(
      'mixed.jsonl',
      Buffer.concat([lineBytes(CONFIGMAPS_FILE, 1), Buffer.from('\nnot json\n'), lineBytes(EXEC_FILE, 1), Buffer.from('\n')]),
    );
    const report = await wb.importPaths([mixed]);
    expect(report.files[0]).toMatchObject({
      status: 'imported',
      events: 2,
      errors: [{ file: 'mixed.jsonl', line: 2, reason: expect.stringMatching(/^invalid JSON/) }],
    });
    expect((await allEvents(wb)).map((e) => e.position).sort()).toEqual([1, 3]);
    const [source] = (await wb.handlers.caseInfo({})).sources;
    expect(source).toMatchObject({ name: 'mixed.jsonl', records: 2, errors: 1 });

    // Importing it again reports the recorded error, not a fresh parse.
    const again = await wb.importPaths([mixed]);
    expect(again.files[0]).toMatchObject({ status: 'already_imported', events: 2, errors: [{ line: 2 }] });
  });

  it('lists at most 50 errors per file and counts the rest', async () => {
    const wb = openBench();
    const lines = [lineBytes(EXEC_FILE, 1), ...Array.from({ length: 120 }, (_, i) => Buffer.from(`{"kind":${i}}`))];
    const report = await wb.importPaths([writeFixture('noisy.jsonl', Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])))]);
    expect(report.files[0]).toMatchObject({ status: 'imported', events: 1, more_errors: 70 });
    expect(report.files[0]!.errors).toHaveLength(50);
    expect(report.errors).toBe(120);
  });
});

describe('paths and names', () => {
  it('throws a ServiceError with code io naming a missing path, and imports nothing', async () => {
    const wb = openBench();
    const missing = join(cases.dir, 'no-such-audit.log');
    const attempt = wb.importPaths([EXEC_FILE, missing]);
    await expect(attempt).rejects.toBeInstanceOf(ServiceError);
    await expect(attempt).rejects.toMatchObject({ code: 'io', message: expect.stringContaining(missing) });
    expect(eventCount(wb)).toBe(0);
  });

  it('refuses an upload named "../../etc/passwd" (or any name leaving the drop), importing and writing nothing', async () => {
    const wb = openBench();
    const passwd = existsSync('/etc/passwd') ? statSync('/etc/passwd').mtimeMs : undefined;
    const escape = `../../causa-escape-${process.pid}-${Date.now()}.json`;
    const before = readdirSync(cases.dir).sort();

    for (const name of ['../../etc/passwd', escape, '/tmp/absolute.json']) {
      const attempt = wb.handlers.importFiles({
        files: [
          { name: 'fine.log', data_base64: readFileSync(CONFIGMAPS_FILE).toString('base64') },
          { name, data_base64: readFileSync(EXEC_FILE).toString('base64') },
        ],
      });
      await expect(attempt).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining(`"${name}"`) as unknown });
    }
    expect((await wb.handlers.caseInfo({})).sources).toEqual([]);
    expect(eventCount(wb)).toBe(0);

    // Only the case file (and its WAL companions) changed.
    const after = readdirSync(cases.dir).sort();
    expect(after.filter((f) => !before.includes(f)).every((f) => /^case\.causa(-wal|-shm)?$/.test(f))).toBe(true);
    for (const base of [cases.dir, process.cwd(), tmpdir()]) expect(existsSync(resolve(base, escape))).toBe(false);
    if (passwd !== undefined) expect(statSync('/etc/passwd').mtimeMs).toBe(passwd);
  });

  it('recognizes an upload already imported from a path', async () => {
    const wb = openBench();
    await wb.importPaths([EXEC_FILE]);
    const report = await wb.handlers.importFiles({
      files: [{ name: 'exec.log', data_base64: readFileSync(EXEC_FILE).toString('base64') }],
    });
    expect(report.files[0]).toMatchObject({ file: 'exec.log', status: 'already_imported', events: 1 });
    expect(eventCount(wb)).toBe(1);
  });
});

describe('listEvents filters', () => {
  /** A real corpus record acted out through impersonation, uploaded as the UI would. */
  async function importImpersonated(wb: Workbench): Promise<void> {
    const record = JSON.parse(lineBytes(EXEC_FILE, 1).toString('utf8')) as Record<string, unknown>;
    const line = JSON.stringify({
      ...record,
      auditID: 'b9f0c1d2-0000-4000-8000-000000000001',
      user: { username: 'system:serviceaccount:mcp-system:kubernetes-mcp-server' },
      impersonatedUser: { username: 'James.W@example.com' },
      requestReceivedTimestamp: '2023-05-17T16:00:00.000001Z',
      stageTimestamp: '2023-05-17T16:00:00.500000Z',
    });
    const report = await wb.handlers.importFiles({
      files: [{ name: 'impersonated.jsonl', data_base64: Buffer.from(`${line}\n`).toString('base64') }],
    });
    expect(report.events).toBe(1);
  }

  async function setUp(): Promise<{ wb: Workbench; all: EventJson[] }> {
    const wb = openBench();
    await wb.importPaths([K8S_AUDIT]);
    await importImpersonated(wb);
    const all = await allEvents(wb);
    expect(all).toHaveLength(54);
    return { wb, all };
  }

  async function pageThrough(wb: Workbench, filter: EventFilter, limit: number): Promise<{ totals: Set<number>; events: EventJson[] }> {
    const totals = new Set<number>();
    const events: EventJson[] = [];
    for (let offset = 0; ; offset += limit) {
      const page = await wb.handlers.listEvents({ filter, offset, limit });
      totals.add(page.total);
      events.push(...page.events);
      if (page.events.length < limit) break;
    }
    return { totals, events };
  }

  it('lists events in time order', async () => {
    const { all } = await setUp();
    const times = all.map((e) => e.time!);
    expect([...times].sort()).toEqual(times);
  });

  it('filters by kind', async () => {
    const { wb, all } = await setUp();
    expect(await allEvents(wb, { kind: ['k8s_api'] })).toEqual(all);
    expect(await allEvents(wb, { kind: ['prompt', 'tool_call'] })).toEqual([]);
    expect(await allEvents(wb, { kind: ['prompt', 'k8s_api'] })).toHaveLength(54);
  });

  it('filters by actor substring, case-insensitively, matching on_behalf_of too', async () => {
    const { wb, all } = await setUp();
    const minikube = all.filter((e) => e.actor?.id.toLowerCase().includes('minikube'));
    expect(minikube.length).toBeGreaterThan(30);
    expect(await allEvents(wb, { actor: 'minikube' })).toEqual(minikube);
    expect(await allEvents(wb, { actor: 'MiniKube' })).toEqual(minikube);

    const onBehalf = await allEvents(wb, { actor: 'james.w' });
    expect(onBehalf).toHaveLength(1);
    expect(onBehalf[0]?.actor).toEqual({
      type: 'service_account',
      id: 'system:serviceaccount:mcp-system:kubernetes-mcp-server',
      on_behalf_of: 'James.W@example.com',
    });
    expect(await allEvents(wb, { actor: 'mcp-system' })).toEqual(onBehalf);
    // LIKE wildcards in the filter are literal.
    expect(await allEvents(wb, { actor: 'mini%user' })).toEqual([]);
    expect(await allEvents(wb, { actor: '_' })).toEqual([]);
  });

  it('filters by since/until, inclusive, with RFC 3339 or date-only bounds', async () => {
    const { wb, all } = await setUp();
    const since2020 = all.filter((e) => e.time! >= '2020-01-01T00:00:00.000000000Z');
    expect(since2020).toHaveLength(7);
    expect(await allEvents(wb, { since: '2020-01-01' })).toEqual(since2020);
    expect(await allEvents(wb, { since: '2020-01-01T00:00:00Z' })).toEqual(since2020);
    expect(await allEvents(wb, { until: '2019-12-31T23:59:59.999999999Z' })).toEqual(all.filter((e) => !since2020.includes(e)));

    // Inclusive at the nanosecond.
    const exec = all.find((e) => e.time === '2023-05-17T15:08:22.763960000Z')!;
    expect(await allEvents(wb, { since: '2023-05-17T15:08:22.763960Z', until: '2023-05-17T17:08:22.763960+02:00' })).toEqual([exec]);
    expect(await allEvents(wb, { since: '2023-05-17T15:08:22.763960001Z', until: '2023-05-17T15:08:23Z' })).toEqual([]);

    await expect(async () => wb.handlers.listEvents({ filter: { since: 'yesterday' }, offset: 0, limit: 10 })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('since'),
    });
  });

  // Bounds are inclusive: "until 2023-05-17" keeps the events of 17 May, and `since D, until D` is day D.
  it('includes the whole day of a date-only until bound', async () => {
    const { wb, all } = await setUp();
    const may17 = all.filter((e) => e.time!.startsWith('2023-05-17'));
    expect(may17).toHaveLength(3);
    expect(await allEvents(wb, { since: '2023-05-17', until: '2023-05-17' })).toEqual(may17);
    expect(await allEvents(wb, { until: '2018-10-25' })).toEqual(all.filter((e) => e.time!.startsWith('2018-10-25')));
  });

  it('searches the raw records, case-insensitively and literally', async () => {
    const { wb, all } = await setUp();
    const raws = new Map<number, string>();
    for (const event of all) raws.set(event.id, (await wb.handlers.getEvent({ id: event.id })).raw);

    const privileged = all.filter((e) => raws.get(e.id)!.includes('"privileged":true'));
    expect(privileged.length).toBeGreaterThan(0);
    expect(await allEvents(wb, { search: '"privileged":true' })).toEqual(privileged);
    expect(await allEvents(wb, { search: '"PRIVILEGED":TRUE' })).toEqual(privileged);

    const percent = await allEvents(wb, { search: '%2Fbin%2Fbash' });
    expect(percent.map((e) => e.source)).toEqual(['k8s-audit/crowdsec_k8s-audit-pod-exec-file.log', 'impersonated.jsonl']);
    expect(await allEvents(wb, { search: 'c%e' })).toEqual([]);
    expect(await allEvents(wb, { search: 'no such text anywhere' })).toEqual([]);
  });

  it('combines filters', async () => {
    const { wb, all } = await setUp();
    const expected = all.filter((e) => e.actor?.id === 'minikube-user' && e.time!.startsWith('2018-10-26') && e.action === 'delete');
    expect(expected.length).toBeGreaterThan(0);
    const found = await allEvents(wb, {
      kind: ['k8s_api'],
      actor: 'minikube-user',
      since: '2018-10-26',
      until: '2018-10-26T23:59:59Z',
      search: '"verb":"delete"',
    });
    expect(found).toEqual(expected);
  });

  it.each<[string, EventFilter]>([
    ['no filter', {}],
    ['kind', { kind: ['k8s_api'] }],
    ['actor', { actor: 'minikube' }],
    ['since', { since: '2018-10-26' }],
    ['search', { search: 'configmap' }],
    ['nothing matches', { search: 'no such text anywhere' }],
  ])('keeps total equal to the rows when paging (%s)', async (_label, filter) => {
    const { wb } = await setUp();
    const everything = await allEvents(wb, filter);
    for (const limit of [1, 7, 54, 1000]) {
      const { totals, events } = await pageThrough(wb, filter, limit);
      expect([...totals]).toEqual([everything.length]);
      expect(events).toEqual(everything);
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    }
    const beyond = await wb.handlers.listEvents({ filter, offset: everything.length + 5, limit: 10 });
    expect(beyond).toEqual({ total: everything.length, events: [] });
  });
});

describe('records inside a JSON document', () => {
  it('imports an audit EventList element by element, each kept byte for byte with its JSON path', async () => {
    const wb = openBench();
    const lines = readFileSync(CONFIGMAPS_FILE, 'utf8').trim().split('\n');
    const text = `{\n  "kind": "EventList",\n  "apiVersion": "audit.k8s.io/v1",\n  "metadata": {},\n  "items": [\n    ${lines.join(',\n    ')}\n  ]\n}\n`;
    const list = writeFixture('audit-list.json', Buffer.from(text));
    const report = await wb.importPaths([list]);
    expect(report.files[0]).toMatchObject({ status: 'imported', format: 'k8s-audit', events: 6, errors: [] });
    const rows = wb.store.db.prepare(`SELECT e.position, e.locator, ${rawSql('e')} AS raw FROM event e ORDER BY e.position`).all() as {
      position: number;
      locator: string;
      raw: Buffer;
    }[];
    expect(rows.map((r) => [r.position, r.locator])).toEqual(lines.map((_, i) => [i + 1, `$.items[${i}]`]));
    expect(rows.map((r) => r.raw.toString('utf8'))).toEqual(lines);
  });

  it('reports an element that is not a record with its line and path, and keeps the rest; a cut-off document keeps what came before', async () => {
    const wb = openBench();
    const [first, second] = readFileSync(CONFIGMAPS_FILE, 'utf8').trim().split('\n');
    const text = `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[\n${first},\n{"kind":"Pod"},\n${second},\n{"kind":"Event","auditID":`;
    const report = await wb.importPaths([writeFixture('cut.json', Buffer.from(text))]);
    const file = report.files[0]!;
    expect(file).toMatchObject({ status: 'imported', events: 2 });
    expect(file.errors[0]).toMatchObject({
      line: 3,
      path: '$.items[1]',
      reason: expect.stringMatching(/not a Kubernetes audit event: kind is "Pod"/),
    });
    expect(file.errors[1]).toMatchObject({ line: 5, reason: expect.stringMatching(/cut off inside \$\.items\[3\]/) });
  });
});
