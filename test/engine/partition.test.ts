import { expect, test } from 'vitest';
import { ownedShare } from '../../src/engine/partition.js';

test.each([
  [10, 0, 1, 10],
  [10, 0, 3, 4],
  [10, 1, 3, 3],
  [10, 2, 3, 3],
  [2, 2, 3, 0],
  [0, 0, 1, 0],
])('of the first %s ids, thread %s of %s owns %s', (total, index, count, owned) => {
  expect(ownedShare(total, { index, count })).toBe(owned);
});
