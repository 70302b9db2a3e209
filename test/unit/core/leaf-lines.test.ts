// The leaves file read a byte at a time (core/bundle/leaf-lines.ts) reads what the line-by-line reading
// it replaced read: every leaf up to the first line that is not one, empty lines skipped, wherever the
// chunks are cut.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LeafLines } from '../../../src-main/core/bundle/leaf-lines';

/** The reading it replaced: lines split on "\n", each tested against the pattern and decoded. */
function byLines(text: string): { leaves: string[]; stopped: boolean } {
  const leaves: string[] = [];
  let stopped = false;
  for (const line of text.split('\n')) {
    if (stopped || line === '') continue;
    if (!/^[0-9a-f]{64}$/i.test(line)) stopped = true;
    else leaves.push(line.toLowerCase());
  }
  return { leaves, stopped };
}

function read(bytes: Buffer, cuts: number[]): { leaves: string[]; stopped: boolean } {
  const leaves: string[] = [];
  const lines = new LeafLines((leaf) => leaves.push(leaf.toString('hex')));
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    lines.feed(bytes.subarray(at, cut));
    at = cut;
  }
  lines.end();
  return { leaves, stopped: lines.stopped };
}

const leaf = (n: number): string => createHash('sha256').update(String(n)).digest('hex');

const TEXTS: Record<string, string> = {
  'leaves, each with its newline': `${leaf(1)}\n${leaf(2)}\n${leaf(3)}\n`,
  'the last leaf without a newline': `${leaf(1)}\n${leaf(2)}`,
  'upper-case digits': `${leaf(1).toUpperCase()}\n${leaf(2)}\n`,
  'empty lines between and after': `\n${leaf(1)}\n\n\n${leaf(2)}\n\n`,
  'a short line in the middle': `${leaf(1)}\n${leaf(2).slice(0, 63)}\n${leaf(3)}\n`,
  'a long line in the middle': `${leaf(1)}\n${leaf(2)}0\n${leaf(3)}\n`,
  'a carriage return (CRLF)': `${leaf(1)}\r\n${leaf(2)}\r\n`,
  'a letter past f': `${leaf(1)}\n${leaf(2).slice(0, 10)}g${leaf(2).slice(11)}\n${leaf(3)}\n`,
  'a space after a leaf': `${leaf(1)} \n${leaf(2)}\n`,
  'a byte past ASCII': `${leaf(1)}\n${leaf(2).slice(0, 20)}\u00e9${leaf(2).slice(21)}\n`,
  'a line of 10,000 digits': `${leaf(1)}\n${'a'.repeat(10_000)}\n${leaf(2)}\n`,
  'a short last line': `${leaf(1)}\n${leaf(2).slice(0, 5)}`,
  'nothing at all': '',
  'only newlines': '\n\n\n',
};

describe('a leaves file read a byte at a time', () => {
  for (const [name, text] of Object.entries(TEXTS)) {
    it(`reads what the line-by-line reading read: ${name}`, () => {
      const bytes = Buffer.from(text, 'latin1');
      const expected = byLines(text);
      expect(read(bytes, [])).toEqual(expected);
      // Cut in two at every byte, and into chunks of one byte.
      for (let cut = 0; cut <= Math.min(bytes.length, 300); cut += 1) expect(read(bytes, [cut])).toEqual(expected);
      expect(read(bytes, [...bytes.keys()].slice(1, 400))).toEqual(expected);
    });
  }

  it('reads 2,000 leaves in chunks of any size, and stops at the first line that is no leaf', () => {
    const good = Array.from({ length: 2000 }, (_, i) => leaf(i));
    const bytes = Buffer.from(`${good.join('\n')}\n`);
    for (const size of [1, 7, 65, 4096, 100_000]) {
      const cuts = [];
      for (let at = size; at < bytes.length; at += size) cuts.push(at);
      expect(read(bytes, cuts)).toEqual({ leaves: good, stopped: false });
    }
    const broken = Buffer.from(`${good.slice(0, 1000).join('\n')}\nnot a leaf\n${good.slice(1000).join('\n')}\n`);
    expect(read(broken, [12_345])).toEqual({ leaves: good.slice(0, 1000), stopped: true });
  });
});
