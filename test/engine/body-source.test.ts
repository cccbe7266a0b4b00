import { expect, test } from 'vitest';
import { RoundRobinBodies } from '../../src/engine/body-source.js';

const bodies = ['a', 'b', 'c', 'd', 'e'].map((text) => Buffer.from(text));

test.each([
  [0, 1, 'abcdeab'],
  [0, 2, 'aceb'],
  [1, 2, 'bdac'],
])('thread %s of %s takes its turn of the test data: %s', (index, count, taken) => {
  const source = new RoundRobinBodies(bodies, { index, count });
  const got = Array.from({ length: taken.length }, () => source.next().toString()).join('');
  expect(got).toBe(taken);
});
