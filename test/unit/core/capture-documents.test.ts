// Captured objects keep the server's bytes: list items cut from the page, watch objects from the line.
import { describe, expect, it } from 'vitest';
import { eventTimeOf, jsonLines, listDocument, readListPage, readWatchLine } from '../../../src-main/core/capture/documents';
import { parseDuration } from '../../../src-main/core/capture/duration';
import { assessRules } from '../../../src-main/core/capture/rules';

const PAGE = Buffer.from(
  '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"abc"},"items":[{"metadata":{"name":"a","uid":"u1","resourceVersion":"40","annotations":{"x":"\\u003cy\\u003e"}},"spec":{"n":1.50}} , {"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}},{}]}\n',
);

describe('readListPage', () => {
  it('keeps each item byte for byte, putting apiVersion and kind in front only where the server left them off', () => {
    const page = readListPage(PAGE, 'v1', 'Pod');
    expect(page.continueToken).toBe('abc');
    expect(page.resourceVersion).toBe('42');
    expect(page.objects.map((o) => o.bytes.toString())).toEqual([
      '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","uid":"u1","resourceVersion":"40","annotations":{"x":"\\u003cy\\u003e"}},"spec":{"n":1.50}}',
      '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}',
      '{"apiVersion":"v1","kind":"Pod"}',
    ]);
    expect(page.objects[0]).toMatchObject({ uid: 'u1', resourceVersion: '40' });
  });

  it('names what is wrong with a response that is not a list', () => {
    expect(() => readListPage(Buffer.from('{"kind":"Status"}'), 'v1', 'Pod')).toThrow('no items array');
    expect(() => readListPage(Buffer.from('<html>'), 'v1', 'Pod')).toThrow('not JSON');
  });

  it('re-encodes an item only when it would not fit on one line', () => {
    const pretty = Buffer.from('{"items":[{\n  "metadata": {"name": "a"}\n}]}');
    expect(readListPage(pretty, 'v1', 'Event').objects[0]!.bytes.toString()).toBe(
      '{"apiVersion":"v1","kind":"Event","metadata":{"name":"a"}}',
    );
  });
});

describe('readWatchLine', () => {
  it('keeps the object bytes of ADDED and MODIFIED, and reads ERROR and BOOKMARK', () => {
    const added = readWatchLine(
      Buffer.from(
        '{"type":"ADDED","object":{"kind":"Event","apiVersion":"v1","metadata":{"uid":"e1","resourceVersion":"7"},"message":"\\u0026"}}',
      ),
    );
    expect(added).toMatchObject({ type: 'ADDED', object: { uid: 'e1', resourceVersion: '7' } });
    expect(added.type === 'ADDED' && added.object.bytes.toString()).toBe(
      '{"kind":"Event","apiVersion":"v1","metadata":{"uid":"e1","resourceVersion":"7"},"message":"\\u0026"}',
    );
    expect(
      readWatchLine(Buffer.from('{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}')),
    ).toEqual({ type: 'ERROR', code: 410, reason: 'Expired', message: 'too old' });
    expect(readWatchLine(Buffer.from('{"type":"BOOKMARK","object":{"kind":"Event","metadata":{"resourceVersion":"99"}}}'))).toEqual({
      type: 'BOOKMARK',
      resourceVersion: '99',
    });
  });
});

describe('documents', () => {
  it('a List document parses as kubectl -o json does and is not mistaken for a record stream', () => {
    const objects = readListPage(PAGE, 'v1', 'Pod').objects;
    const doc = listDocument(objects, '42');
    expect(doc.toString().split('\n')[0]).toBe('{');
    const parsed = JSON.parse(doc.toString()) as { apiVersion: string; kind: string; items: unknown[]; metadata: unknown };
    expect(parsed).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '42' } });
    expect(parsed.items).toHaveLength(3);
    expect(JSON.parse(listDocument([]).toString())).toMatchObject({ items: [] });
  });

  it('JSON lines: one object a line, the bytes unchanged', () => {
    const objects = readListPage(PAGE, 'v1', 'Pod').objects;
    expect(jsonLines(objects).toString()).toBe(`${objects.map((o) => o.bytes.toString()).join('\n')}\n`);
  });

  it('an Event happened at its latest time, in either API', () => {
    expect(eventTimeOf(Buffer.from('{"lastTimestamp":"2025-04-03T14:30:00Z","firstTimestamp":"2025-04-03T14:00:00Z"}'))).toBe(
      Date.parse('2025-04-03T14:30:00Z'),
    );
    expect(
      eventTimeOf(Buffer.from('{"eventTime":"2025-04-03T14:30:00.123456Z","series":{"lastObservedTime":"2025-04-03T14:40:00.000000Z"}}')),
    ).toBe(Date.parse('2025-04-03T14:40:00Z'));
    expect(eventTimeOf(Buffer.from('{"metadata":{}}'))).toBeUndefined();
  });
});

describe('parseDuration and assessRules', () => {
  it('reads kubectl durations and refuses anything else', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    for (const bad of ['', '1', 'h', '1h ', '-5m', 'yesterday']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('finds every rule that grants more than get, list and watch', () => {
    const review = {
      status: {
        resourceRules: [
          { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] },
          { verbs: ['get', 'patch', 'delete'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['api-service'] },
          { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'] },
        ],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
        incomplete: false,
      },
    };
    expect(assessRules(review)).toEqual({
      known: true,
      mayMutate: true,
      mutatingRules: ['patch, delete on apps/deployments named api-service', 'create on authorization.k8s.io/selfsubjectaccessreviews'],
      incomplete: false,
    });
    expect(assessRules({ status: { resourceRules: [{ verbs: ['list'], resources: ['*'] }] } })).toMatchObject({
      mayMutate: false,
      mutatingRules: [],
    });
    expect(assessRules({})).toMatchObject({ known: false });
  });
});
