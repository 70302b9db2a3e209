// The text of the pull's statements (core/pull/query.ts) and its profile (core/pull/profile.ts).
import { describe, expect, it } from 'vitest';
import { parseProfile, PullProfile } from '../../../src-main/core/pull/profile';
import { countQuery, pageQuery, parseWindow, planQueries, timeLiteral, windowCondition } from '../../../src-main/core/pull/query';

const base = {
  url: 'http://127.0.0.1:8123',
  database: 'logs',
  table: 'audit',
  time_column: 'ts',
  tiebreak_column: 'audit_id',
  raw_column: 'raw',
  format: 'k8s-audit',
};
const profile = PullProfile.parse({ ...base, columns: { namespace: 'ns' } });

describe('windows', () => {
  it('reads RFC 3339 times with a zone and refuses the rest', () => {
    expect(parseWindow('2025-04-03T14:25:00Z', '2025-04-03T17:25:00+02:00')).toEqual({
      from: new Date('2025-04-03T14:25:00Z'),
      to: new Date('2025-04-03T15:25:00Z'),
    });
    expect(() => parseWindow('2025-04-03 14:25', '2025-04-03T15:00:00Z')).toThrow(
      '--from: "2025-04-03 14:25" is not an RFC 3339 time with a zone, like 2025-04-03T14:25:00Z',
    );
    expect(() => parseWindow('2025-04-03T14:25:00', '2025-04-03T15:00:00Z')).toThrow(/--from/);
    expect(() => parseWindow('2025-04-03T15:00:00Z', '2025-04-03T15:00:00Z')).toThrow(
      '--to (2025-04-03T15:00:00Z) must be after --from (2025-04-03T15:00:00Z)',
    );
    expect(() => parseWindow('2025-04-03T15:00:00Z', '2025-02-30T15:00:00Z')).toThrow();
  });

  it('rounds a DateTime window up to the second, never widening it', () => {
    const w = parseWindow('2025-04-03T14:25:00.250Z', '2025-04-03T14:26:00Z');
    expect(windowCondition(profile, w)).toBe(
      "`ts` >= toDateTime('2025-04-03 14:25:01', 'UTC') AND `ts` < toDateTime('2025-04-03 14:26:00', 'UTC')",
    );
  });

  it('binds DateTime64 with its precision (servers from 20.1)', () => {
    const p64 = PullProfile.parse({ ...base, time_precision: 9 });
    expect(timeLiteral(p64, new Date('2025-04-03T14:25:00.250Z'))).toBe("toDateTime64('2025-04-03 14:25:00.250', 9, 'UTC')");
  });

  it('filters only by columns the profile names', () => {
    const w = parseWindow('2025-04-03T14:00:00Z', '2025-04-03T15:00:00Z');
    expect(countQuery(profile, w, { namespace: 'prod' })).toBe(
      "SELECT count() AS row_count FROM `logs`.`audit` WHERE `ts` >= toDateTime('2025-04-03 14:00:00', 'UTC') AND `ts` < toDateTime('2025-04-03 15:00:00', 'UTC') AND `ns` = 'prod'",
    );
    expect(() => countQuery(profile, w, { user: 'alice' })).toThrow('--user: the profile names no user column (columns.user)');
  });
});

describe('pages', () => {
  const w = parseWindow('2025-04-03T14:00:00Z', '2025-04-03T15:00:00Z');
  it('orders by time and tiebreak and resumes strictly after the cursor', () => {
    const first = pageQuery(profile, w, {}, undefined, 500);
    expect(first).toBe(
      "SELECT toString(`ts`, 'UTC') AS causa_time, length(`raw`) AS causa_bytes, hex(toString(`audit_id`)) AS causa_key_hex, `raw` AS causa_raw FROM `logs`.`audit` " +
        "WHERE `ts` >= toDateTime('2025-04-03 14:00:00', 'UTC') AND `ts` < toDateTime('2025-04-03 15:00:00', 'UTC') ORDER BY `ts`, toString(`audit_id`) LIMIT 500",
    );
    const next = pageQuery(profile, w, {}, { time: '2025-04-03 14:10:00', key: "ev-'9" }, 500);
    expect(next).toContain(
      "AND (`ts` > toDateTime('2025-04-03 14:10:00', 'UTC') OR (`ts` = toDateTime('2025-04-03 14:10:00', 'UTC') AND toString(`audit_id`) > 'ev-\\'9'))",
    );
  });

  it('refuses a cursor time the server could not have written, and a bad page size', () => {
    expect(() => pageQuery(profile, w, {}, { time: "2025-04-03' OR 1", key: 'x' }, 10)).toThrow(/not YYYY-MM-DD hh:mm:ss/);
    expect(() => pageQuery(profile, w, {}, undefined, 0)).toThrow(/page size 0/);
  });

  it('plans only the parts the profile has columns for', () => {
    expect(planQueries(profile, w).map((p) => p.part)).toEqual(['hour', 'namespace']);
  });
});

describe('profiles', () => {
  it('parses a profile and fills the defaults', () => {
    const parsed = parseProfile(JSON.stringify(base), 'p.json');
    expect(parsed).toMatchObject({ time_precision: 0, columns: {}, credentials: {} });
  });

  it.each([
    [{ ...base, password: 'x' }, 'p.json: a profile never holds a password; name an environment variable or a file under "credentials"'],
    [
      { ...base, url: 'http://user:pw@host:8123' },
      'p.json: url: an http:// or https:// URL of the server, without credentials, path or query',
    ],
    [{ ...base, url: 'file:///etc/passwd' }, /url: an http/],
    [{ ...base, table: 'audit; DROP' }, 'p.json: table: a plain identifier (letters, digits and _, not starting with a digit)'],
    [{ ...base, columns: { namespace: 'a`b' } }, /columns\.namespace: a plain identifier/],
    [{ ...base, columns: { pod: 'pod' } }, /columns/],
    [{ ...base, credentials: { password: 'x' } }, /credentials/],
    [{ ...base, time_precision: 12 }, /time_precision/],
    [{ ...base, raw_column: undefined }, /raw_column/],
  ])('refuses %j', (json, message) => {
    expect(() => parseProfile(JSON.stringify(json), 'p.json')).toThrow(message);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseProfile('url: x', 'p.yaml')).toThrow(/^p\.yaml: not JSON/);
  });
});
