import { describe, expect, it } from 'vitest';
import { PieceCounts } from '../../src/protocol/piece-counts.js';

describe('PieceCounts', () => {
  it('finds a piece by its place in any text, not by identity', () => {
    const table = new PieceCounts(100, 8);
    expect(table.lookup('say hello', 3, 9)).toBe(-1);
    table.add(' hello', 1);
    expect(table.lookup('well hello there', 4, 10)).toBe(1);
    // Same length and hash bucket are not enough: the characters must match.
    expect(table.lookup('well jello there', 4, 10)).toBe(-1);
    expect(table.lookup(' hell', 0, 5)).toBe(-1);
  });

  it('keeps every piece through growth (8 slots, 1,000 pieces), each with its own count', () => {
    const table = new PieceCounts(10_000, 8);
    for (let i = 0; i < 1000; i += 1) {
      const text = `<${i}>`;
      expect(table.lookup(text, 0, text.length)).toBe(-1);
      table.add(text, i);
    }
    expect(table.pieces).toBe(1000);
    for (let i = 0; i < 1000; i += 1) expect(table.lookup(`xx<${i}>yy`, 2, 2 + `<${i}>`.length)).toBe(i);
  });

  it('starts afresh once it holds maxPieces, keeping the piece that overflowed it', () => {
    const table = new PieceCounts(3, 8);
    for (const piece of ['a', 'b', 'c', 'd']) {
      table.lookup(piece, 0, 1);
      table.add(piece, piece.charCodeAt(0));
    }
    expect(table.pieces).toBe(1);
    expect(table.lookup('a', 0, 1)).toBe(-1);
    expect(table.lookup('d', 0, 1)).toBe(100);
  });

  it('the empty piece and non-ASCII text are pieces like any other', () => {
    const table = new PieceCounts(100, 8);
    table.lookup('', 0, 0);
    table.add('', 0);
    table.lookup('你好', 0, 2);
    table.add('你好', 2);
    expect(table.lookup('说你好', 1, 3)).toBe(2);
    expect(table.lookup('说你', 0, 2)).toBe(-1);
    expect(table.lookup('x', 0, 0)).toBe(0);
  });

  it('add without a missed lookup first is a programming error', () => {
    const table = new PieceCounts(100, 8);
    expect(() => table.add('a', 1)).toThrow(/without a missed lookup/);
  });
});
