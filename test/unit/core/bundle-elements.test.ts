// Documents sealed value by value (docs/bundle-format.md, "Documents"): the example of the format document,
// the leaf that binds a value's JSON path to its bytes, and a stored context read back into its values.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contextElements, documentElements, elementLeaves } from '../../../src-main/core/bundle/elements';
import { elementLeafHash } from '../../../src-main/core/bundle/hashing';
import { contextBytes } from '../../../src-main/core/ingest/index';

const DOC = '{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"s"},"spans":[{"name":"a"},{"name":"b"}]}]}]}';
const PATTERNS = [
  ['resourceSpans', '*', 'scopeSpans', '*', 'spans', '*'],
  ['resourceSpans', '*', 'resource'],
  ['resourceSpans', '*', 'scopeSpans', '*', 'scope'],
];

describe('document values', () => {
  it('are the documented four values, in document order, each with its path and exact bytes', () => {
    expect(documentElements(Buffer.from(DOC), PATTERNS).map((e) => [e.locator, e.bytes.toString()])).toEqual([
      ['$.resourceSpans[0].resource', '{"attributes":[]}'],
      ['$.resourceSpans[0].scopeSpans[0].scope', '{"name":"s"}'],
      ['$.resourceSpans[0].scopeSpans[0].spans[0]', '{"name":"a"}'],
      ['$.resourceSpans[0].scopeSpans[0].spans[1]', '{"name":"b"}'],
    ]);
  });

  it('have leaves SHA-256(0x00 ‖ path ‖ "\\n" ‖ bytes): the same bytes at another path are another leaf', () => {
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from('$.a[0]\n{"x":1}')]))
      .digest('hex');
    expect(elementLeafHash('$.a[0]', Buffer.from('{"x":1}')).toString('hex')).toBe(expected);
    expect(elementLeafHash('$.a[1]', Buffer.from('{"x":1}')).equals(elementLeafHash('$.a[0]', Buffer.from('{"x":1}')))).toBe(false);
    const [a, b] = elementLeaves(documentElements(Buffer.from(DOC), PATTERNS)).slice(2);
    expect(a!.equals(b!)).toBe(false);
  });

  it('a stored context gives back each value with its path and its exact bytes', () => {
    const values = [
      { locator: '$.resourceSpans[0].resource', bytes: Buffer.from('{ "attributes" : [ ] }') },
      { locator: '$["odd key"].scope', bytes: Buffer.from('{"name":"s"}') },
    ];
    const stored = contextBytes(values)!;
    expect(JSON.parse(stored.toString())).toEqual({
      '$.resourceSpans[0].resource': { attributes: [] },
      '$["odd key"].scope': { name: 's' },
    });
    expect(contextElements(stored)).toEqual(values);
  });
});
