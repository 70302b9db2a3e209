// The small rules under attribution and findings: what counts as destructive, working hours, the baseline.
import { describe, expect, it } from 'vitest';
import { destructiveClass } from '../../../src-main/core/analysis/attribution';
import { baselineOf, describeHours, isWorkingTime, parseHours } from '../../../src-main/core/analysis/findings';

describe('destructive calls', () => {
  it.each([
    [{ verb: 'delete', resource: 'deployments' }, 'delete'],
    [{ verb: 'deletecollection', resource: 'pods' }, 'delete'],
    [{ verb: 'patch', resource: 'deployments/scale', replicas: 0 }, 'scale_down'],
    [{ verb: 'update', resource: 'statefulsets', replicas: 1 }, 'scale_down'],
    [{ verb: 'patch', resource: 'deployments/scale', replicas: 6 }, undefined],
    [{ verb: 'patch', resource: 'deployments' }, undefined],
    [{ verb: 'create', resource: 'clusterrolebindings' }, 'rbac_write'],
    [{ verb: 'delete', resource: 'rolebindings' }, 'rbac_write'],
    [{ verb: 'get', resource: 'roles' }, undefined],
    [{ verb: 'get', resource: 'secrets' }, 'secret_read'],
    [{ verb: 'list', resource: 'secrets' }, 'secret_read'],
    [{ verb: 'create', resource: 'secrets' }, undefined],
    [{ verb: 'create', resource: 'pods/exec' }, 'exec'],
    [{ verb: 'get', resource: 'pods/portforward' }, 'exec'],
    [{ verb: 'create', resource: 'pods/attach' }, 'exec'],
    [{ verb: 'get', resource: 'pods/log' }, undefined],
    [{ verb: 'patch', resource: 'validatingadmissionpolicies' }, 'admission_change'],
    [{ verb: 'delete', resource: 'validatingwebhookconfigurations' }, 'admission_change'],
  ])('%o is %s', (call, expected) => {
    expect(destructiveClass(call)).toBe(expected);
  });
});

describe('working hours', () => {
  it('parses hours, an offset and days, and refuses what is not', () => {
    expect(parseHours('8-18')).toEqual({ days: [1, 2, 3, 4, 5], start: 8, end: 18, utcOffsetMinutes: 0 });
    expect(parseHours('9-17@+01:00/1-6')).toEqual({ days: [1, 2, 3, 4, 5, 6], start: 9, end: 17, utcOffsetMinutes: 60 });
    expect(describeHours(parseHours('9-17@-05:30'))).toBe('Mon–Fri 09:00–17:00 UTC−05:30');
    expect(() => parseHours('18-8')).toThrow(/start must be before the end/);
    expect(() => parseHours('nine to five')).toThrow(/HH-HH/);
    expect(() => parseHours('8-18/5-1')).toThrow(/days run/);
  });

  it('reads a time in the stated zone', () => {
    const cet = parseHours('8-18@+01:00');
    // Monday 07:30 UTC is 08:30 in CET: working; Friday 17:30 UTC is 18:30 CET: not; Saturday: not.
    expect(isWorkingTime(Date.UTC(2026, 10, 30, 7, 30), cet)).toBe(true);
    expect(isWorkingTime(Date.UTC(2026, 11, 4, 17, 30), cet)).toBe(false);
    expect(isWorkingTime(Date.UTC(2026, 11, 5, 10), cet)).toBe(false);
    expect(isWorkingTime(Date.UTC(2026, 10, 30, 7, 30), parseHours('8-18'))).toBe(false);
  });
});

describe('the baseline', () => {
  it('ends at the first prompt, else after the first quarter of the calls', () => {
    expect(baselineOf({ firstPrompt: 5000, start: 1000, end: 9000 })).toEqual({ until: 5000, reason: 'before the first prompt' });
    expect(baselineOf({ start: 1000, end: 9000 })).toEqual({ until: 3000, reason: 'the first quarter of the case' });
    // A prompt before every call leaves no baseline before it: the first quarter stands.
    expect(baselineOf({ firstPrompt: 500, start: 1000, end: 9000 })).toEqual({ until: 3000, reason: 'the first quarter of the case' });
    expect(baselineOf({})).toEqual({ reason: 'no timed API calls' });
  });
});
