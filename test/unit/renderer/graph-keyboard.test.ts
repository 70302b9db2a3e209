// The arrow keys in the graph: along edges first, else to the nearest node on that side.
import { describe, expect, it } from 'vitest';
import { nextNode } from '../../../src-renderer/src/features/graph/keyboard';

const positions = { p: { x: 0, y: 0 }, a: { x: 40, y: 80 }, t: { x: 300, y: 160 }, far: { x: 900, y: 160 }, below: { x: 0, y: 400 } };
const edges = [
  { from: 'p', to: 'a' },
  { from: 'a', to: 't' },
  { from: 'a', to: 'far' },
];

describe('nextNode', () => {
  it('follows edges: right to what a node led to (the nearest), left to its cause', () => {
    expect(nextNode('a', 'ArrowRight', positions, edges)).toBe('t');
    expect(nextNode('t', 'ArrowLeft', positions, edges)).toBe('a');
    expect(nextNode('p', 'ArrowRight', positions, edges)).toBe('a');
    expect(nextNode('p', 'ArrowDown', positions, edges)).toBe('a');
  });

  it('with no edge that way, goes to the nearest node on that side, and nowhere past the edge of the graph', () => {
    expect(nextNode('t', 'ArrowRight', positions, edges)).toBe('far');
    expect(nextNode('t', 'ArrowDown', positions, edges)).toBe('below');
    expect(nextNode('p', 'ArrowLeft', positions, edges)).toBeUndefined();
    expect(nextNode('p', 'ArrowUp', positions, edges)).toBeUndefined();
    expect(nextNode('missing', 'ArrowUp', positions, edges)).toBeUndefined();
  });
});
