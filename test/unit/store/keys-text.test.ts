// An event's keys read without V8 internalizing their short strings (store/keys-text.ts): the same value
// as JSON.parse for every text, the forger's included, and the string table left as it was.
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { parseKeys } from '../../../src-main/store/keys-text';

/** parseKeys and JSON.parse agree: same value, same key order, same prototype, or the same error. */
function expectSameAsJson(text: string): void {
  let expected: unknown;
  try {
    expected = JSON.parse(text);
  } catch (error) {
    expect(() => parseKeys(text), text).toThrow((error as Error).constructor as ErrorConstructor);
    return;
  }
  const got = parseKeys(text);
  expect(got, text).toStrictEqual(expected);
  if (typeof expected !== 'object' || expected === null) return;
  expect(Object.keys(got), text).toEqual(Object.keys(expected as object));
  expect(Object.getPrototypeOf(got), text).toBe(Object.getPrototypeOf(expected));
  for (const key of Object.keys(got))
    expect(Object.getOwnPropertyDescriptor(got, key), text).toStrictEqual(Object.getOwnPropertyDescriptor(expected, key));
}

describe('parseKeys', () => {
  it('reads the keys the importer writes as JSON.parse does', () => {
    for (const keys of [
      {},
      { audit_id: 'w-1' },
      { audit_id: '6c1a5c2e-3f0b-4f8e-9a51-0c3b2f1d7e44', object_uid: 'u-1' },
      { audit_id: 'a', owner_uids: ['o-1', 'o-2'] },
      { trace_id: 't', span_id: 's', tool_call_id: '' },
      { audit_id: 'quote " and backslash \\ and newline \n', emoji: '🚀', lone: '\ud800' },
      { n: 1, b: true, z: null, nested: { a: 'b' } },
      { 2: 'two', 1: 'one', b: 'x', a: 'y' },
    ])
      expectSameAsJson(JSON.stringify(keys));
  });

  it('reads what a forger may write in the column as JSON.parse does, errors included', () => {
    for (const text of [
      '',
      '{',
      '}',
      '{}',
      '{ }',
      ' {}',
      '{"a":"b",}',
      '{"a":"b" }',
      '{"a" :"b"}',
      '{"a":"b"',
      '{"a":"b"}}',
      '{"a":"b"}x',
      '{"a""b"}',
      '{"a":"b","a":"c"}',
      '{"b":"1","a":"2","b":"3"}',
      '{"__proto__":"x"}',
      '{"__proto__":"x","a":"b"}',
      '{"constructor":"x","toString":"y","hasOwnProperty":"z"}',
      '{"a":"tab\there"}',
      '{"a":"\u0000"}',
      '{"a":"\u001f"}',
      '{"a":"\u007f"}',
      '{"a":"\\u0041"}',
      '{"a":"b\\"c"}',
      '{"":""}',
      '{"a":""}',
      '{"a":"b",""}',
      '{"a":b}',
      '{"a":"b":"c"}',
      "{'a':'b'}",
      '["a","b"]',
      '"a"',
      'null',
      '{"a":"\ud83d"}',
      '{"\ud83d\ude80":"x"}',
      '{"a":"b","c":1}',
      '{"a":"b","c":["d"]}',
    ])
      expectSameAsJson(text);
  });

  it('reads a column that holds no text (a forger may store a number or bytes) as JSON.parse does', () => {
    for (const value of [7, 7n, Buffer.from('{"a":"b"}'), null])
      expect(parseKeys(value as never)).toStrictEqual(JSON.parse(value as never));
  });

  it('agrees with JSON.parse on random objects of strings', () => {
    // Deterministic: a small linear congruential generator, over characters that matter to the reader.
    let seed = 17;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const alphabet = ['a', 'Z', '0', '"', '\\', ':', ',', '{', '}', ' ', '\n', '\u0001', 'é', '\ud83d', '\ude80', '_'];
    const text = (): string => Array.from({ length: random(12) }, () => alphabet[random(alphabet.length)]).join('');
    for (let round = 0; round < 3000; round += 1) {
      const keys: Record<string, string> = {};
      for (let k = random(5); k > 0; k -= 1) keys[text()] = text();
      const json = JSON.stringify(keys);
      expectSameAsJson(json);
      // And the text cut or changed at one place: what a forger's edit of the column makes of it.
      const at = random(json.length + 1);
      expectSameAsJson(json.slice(0, at));
      expectSameAsJson(json.slice(0, at) + alphabet[random(alphabet.length)]! + json.slice(at + 1));
    }
  });

  it("leaves V8's string table as it was, where JSON.parse grows it with every short value", () => {
    // JSON.parse internalizes string values shorter than ten characters; the string table that holds them
    // is allocated outside the heap, and V8 counts it in malloced_memory. Unique values, each used once:
    // a linker's audit IDs.
    const texts = (tag: string): string[] => Array.from({ length: 300_000 }, (_, i) => `{"audit_id":"${tag}${i.toString(36)}"}`);
    const grown = (read: (text: string) => unknown, tag: string): number => {
      const all = texts(tag);
      const before = getHeapStatistics().malloced_memory;
      let length = 0;
      for (const text of all) length += String((read(text) as { audit_id: string }).audit_id).length;
      expect(length).toBeGreaterThan(300_000);
      return getHeapStatistics().malloced_memory - before;
    };
    // The measure can see it: JSON.parse of the same shape grows the table by megabytes.
    expect(grown((text) => JSON.parse(text), 'j')).toBeGreaterThan(2 * 1024 * 1024);
    expect(grown(parseKeys, 'p')).toBeLessThan(512 * 1024);
  });
});
