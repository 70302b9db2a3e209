// The bytes between records, which rebuild a source's content for its seal (ContentTap): each record is
// found where it first occurs in the content not yet claimed, most often right after its line's end, which
// the tap compares in place before it searches. Whatever the gaps, the chunking, repeated records or a
// record's bytes inside the gap before it, the kept gaps must be those a plain search finds, and must
// rebuild the content byte for byte.
import { describe, expect, it } from 'vitest';
import { ContentTap, rebuildContent } from '../../../src-main/core/verify/case-seal';

/** The gaps a plain first-occurrence search finds, claiming each record in turn. */
function referenceGaps(content: Buffer, records: Buffer[]): Buffer[] | undefined {
  const gaps: Buffer[] = [];
  let rest = content;
  for (const raw of records) {
    const at = rest.indexOf(raw);
    if (at < 0) return undefined;
    gaps.push(rest.subarray(0, at));
    rest = rest.subarray(at + raw.length);
  }
  gaps.push(rest);
  return gaps;
}

function tapped(content: Buffer, records: Buffer[], chunk: number): ReturnType<ContentTap['finish']> {
  const tap = new ContentTap();
  let fed = 0;
  let next = 0;
  // Records are claimed as the importer claims them: once the content holding them has been fed.
  const claimed = referenceGaps(content, records);
  const ends: number[] = [];
  if (claimed) {
    let at = 0;
    records.forEach((raw, i) => {
      at += claimed[i]!.length + raw.length;
      ends.push(at);
    });
  }
  while (fed < content.length) {
    const piece = content.subarray(fed, fed + chunk);
    tap.feed(Buffer.from(piece));
    fed += piece.length;
    while (next < records.length && (ends[next] ?? Infinity) <= fed) tap.record(records[next++]!);
  }
  while (next < records.length) tap.record(records[next++]!);
  tap.end();
  return tap.finish();
}

function gapsOf(finished: ReturnType<ContentTap['finish']>): Buffer[] {
  const gaps: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < finished.gap_lengths!.length / 4; i += 1) {
    const n = finished.gap_lengths!.readUInt32LE(i * 4);
    gaps.push(finished.between!.subarray(offset, offset + n));
    offset += n;
  }
  return gaps;
}

/** A small pseudo-random generator, so that a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('the bytes between records', () => {
  it('are the gaps a plain search finds, and rebuild the content', () => {
    const cases: { content: string; records: string[] }[] = [
      { content: '{"a":1}\n{"a":2}\n', records: ['{"a":1}', '{"a":2}'] },
      { content: '{"a":1}\r\n{"a":2}\r\n', records: ['{"a":1}', '{"a":2}'] },
      { content: '\n\n\n\n{"a":1}\n\n\n\n{"a":1}', records: ['{"a":1}', '{"a":1}'] },
      // The record's bytes in the gap before it: the first occurrence is the one claimed, as before.
      { content: 'x{"a":1}{"a":1}', records: ['{"a":1}', '{"a":1}'] },
      { content: 'aaaa', records: ['a', 'a', 'aa'] },
      { content: '[{"a":1},\n {"a":2}]', records: ['{"a":1}', '{"a":2}'] },
      { content: 'ab', records: ['', 'a', '', 'b', ''] },
    ];
    for (const { content, records } of cases) {
      const bytes = Buffer.from(content);
      const raws = records.map((r) => Buffer.from(r));
      for (const chunk of [1, 2, 3, 7, 1024]) {
        const finished = tapped(bytes, raws, chunk);
        const gaps = gapsOf(finished);
        expect(
          gaps.map((g) => g.toString()),
          `${JSON.stringify(content)} in chunks of ${chunk}`,
        ).toEqual(referenceGaps(bytes, raws)!.map((g) => g.toString()));
        expect(Buffer.concat([...rebuildContent(raws, finished.between!, finished.gap_lengths!)]).equals(bytes)).toBe(true);
      }
    }
  });

  it('agree with a plain search over many random contents', () => {
    const next = random(17);
    for (let round = 0; round < 300; round += 1) {
      // Records and gaps from a tiny alphabet, so that records repeat and occur inside gaps.
      const word = (max: number): string =>
        Array.from({ length: Math.floor(next() * max) }, () => 'ab\n\r{}'[Math.floor(next() * 6)]).join('');
      const records = Array.from({ length: 1 + Math.floor(next() * 8) }, () => Buffer.from(word(6)));
      const content = Buffer.from(records.map((r) => word(4) + r.toString()).join('') + word(3));
      const reference = referenceGaps(content, records)!;
      const finished = tapped(content, records, 1 + Math.floor(next() * 9));
      expect(
        gapsOf(finished).map((g) => g.toString()),
        `round ${round}`,
      ).toEqual(reference.map((g) => g.toString()));
      expect(Buffer.concat([...rebuildContent(records, finished.between!, finished.gap_lengths!)]).equals(content)).toBe(true);
    }
  });
});
