// The pull's read-only gate (core/pull/gate.ts): attacks first — every way a statement could write, read
// elsewhere, reach out, or change its own settings is refused — then what Causa itself builds passes.
import { describe, expect, it } from 'vitest';
import { checkStatement } from '../../../src-main/core/pull/gate';
import {
  columnsQuery,
  countQuery,
  pageQuery,
  planQueries,
  stringLiteral,
  tableQuery,
  VERSION_QUERY,
} from '../../../src-main/core/pull/query';
import { PullProfile } from '../../../src-main/core/pull/profile';

const TABLES = ['causa.audit'];
const check = (sql: string) => checkStatement(sql, TABLES);

describe('the gate refuses', () => {
  it.each([
    ["INSERT INTO causa.audit (raw) VALUES ('x')", /only SELECT/],
    ['insert into causa.audit select * from causa.audit', /only SELECT/],
    ['DROP TABLE causa.audit', /only SELECT/],
    ['ALTER TABLE causa.audit DELETE WHERE 1', /only SELECT/],
    ['SYSTEM SHUTDOWN', /only SELECT/],
    ['KILL QUERY WHERE 1', /only SELECT/],
    ['SET readonly = 0', /only SELECT/],
    ['WITH 1 AS x SELECT x', /only SELECT/],
    ['', /empty statement/],
    ['SELECT 1; DROP TABLE causa.audit', /one statement at a time/],
    ['SELECT 1 -- \nFROM causa.audit', /a comment/],
    ['SELECT 1 /* */ FROM causa.audit', /a comment/],
    ['SELECT 1 # x', /a comment/],
    ["SELECT * FROM url('http://evil/', CSV, 'x String')", /table function url\(\)/],
    ["SELECT * FROM remote('10.0.0.1:9000', system.users)", /table function remote\(\)/],
    ["SELECT * FROM file('/etc/passwd', CSV, 'x String')", /table function file\(\)/],
    ['SELECT * FROM causa.secrets', /FROM causa\.secrets: only the profile's table/],
    ['SELECT * FROM system.users', /FROM system\.users/],
    ['SELECT * FROM audit', /name the database too/],
    ['SELECT * FROM (SELECT * FROM causa.audit)', /FROM must name a table/],
    ['SELECT * FROM causa.audit JOIN system.processes USING (x)', /JOIN system\.processes/],
    ['SELECT * FROM causa.audit UNION ALL SELECT * FROM system.users', /a second SELECT/],
    ["SELECT * FROM causa.audit INTO OUTFILE '/tmp/x'", /"INTO"/],
    ['SELECT * FROM causa.audit SETTINGS readonly = 0', /"SETTINGS"/],
    ['SELECT * FROM causa.audit FORMAT Native', /"FORMAT"/],
    ["SELECT 'unterminated", /unterminated string/],
    ['SELECT `unterminated', /unterminated quoted name/],
    // A string that ends with an escaped backslash is over: what follows is a statement again.
    ["SELECT 'a\\\\'; DROP TABLE causa.audit", /one statement at a time/],
  ])('%s', (sql, reason) => {
    const decision = check(sql);
    expect(decision.ok).toBe(false);
    if (!decision.ok) {
      expect(decision.reason).toMatch(/^refused by Causa's read-only gate: /);
      expect(decision.reason).toMatch(reason);
    }
  });
});

describe('the gate lets through', () => {
  it.each([
    'SELECT version() AS version',
    "SELECT 'DROP TABLE x; -- INSERT' AS s FROM causa.audit",
    "SELECT 'it\\'s; SETTINGS readonly=0' FROM causa.audit",
    'SELECT count() FROM `causa`.`audit`',
    "SELECT name FROM system.tables WHERE database = 'causa'",
    "SELECT name, type FROM system.columns WHERE table = 'audit'",
  ])('%s', (sql) => {
    expect(check(sql)).toEqual({ ok: true });
  });

  const profile = PullProfile.parse({
    url: 'http://127.0.0.1:8123',
    database: 'causa',
    table: 'audit',
    time_column: 'ts',
    tiebreak_column: 'audit_id',
    raw_column: 'raw',
    format: 'k8s-audit',
    columns: { namespace: 'namespace', user: 'username' },
  });
  const window = { from: new Date('2025-04-01T00:00:00Z'), to: new Date('2025-04-01T01:00:00Z') };
  const hostile = ["x' OR '1'='1", "'; DROP TABLE causa.audit; --", "a\\'; SELECT * FROM system.users", 'line\nbreak', '/* c */', '\u0000'];

  it('every statement Causa builds, with hostile filter values and cursors', () => {
    for (const value of hostile) {
      const filters = { namespace: value, user: value };
      const statements = [
        VERSION_QUERY,
        tableQuery(profile),
        columnsQuery(profile),
        countQuery(profile, window, filters),
        pageQuery(profile, window, filters, undefined, 1000),
        pageQuery(profile, window, filters, { time: '2025-04-01 00:10:00', key: value }, 1000),
        ...planQueries(profile, window, filters).map((p) => p.query),
      ];
      for (const sql of statements) expect(check(sql), sql).toEqual({ ok: true });
    }
  });

  it('binds a value as one string literal that reads back as the value', () => {
    for (const value of hostile) {
      const literal = stringLiteral(value);
      expect(literal).not.toMatch(/[\n\r\0]/);
      // Undo ClickHouse's escapes: the literal stands for exactly the value.
      const body = literal
        .slice(1, -1)
        .replace(/\\x([0-9a-f]{2})|\\(.)/g, (_, hex: string | undefined, ch: string | undefined) =>
          hex ? String.fromCharCode(parseInt(hex, 16)) : ch!,
        );
      expect(body).toBe(value);
    }
  });
});
