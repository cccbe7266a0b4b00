import { describe, expect, test } from 'vitest';
import type { ExecutorHost } from '../../src/engine/load-executor.js';
import { OpenLoop } from '../../src/engine/open-loop.js';
import type { User } from '../../src/engine/user.js';

/** A thread whose users never free up: every arrival after the first ones must wait in the queue. */
function busyHost(): ExecutorHost & { sent: number; flushes: number } {
  const host = {
    stopping: null,
    sent: 0,
    flushes: 0,
    addUser: (id: number) => ({ id, send: () => (host.sent += 1) }) as unknown as User,
    reportUsers: () => undefined,
    canSend: () => true,
    queueSend: () => undefined,
    beforeSends: () => {
      host.flushes += 1;
    },
    at: () => undefined,
    restUser: () => undefined,
    wakeUser: () => undefined,
  };
  return host;
}

describe('open loop under a rate far above what the users serve', () => {
  test('the queue of waiting arrivals is bounded: past 1,000,000 they are dropped and counted', () => {
    const host = busyHost();
    const loop = new OpenLoop(host, 1_000_000, 'constant', 2, { index: 0, count: 1 });
    // Started 3 s ago at a million requests per second: 3,000,000 arrivals are due at once.
    loop.begin(performance.now() - 3000, 0);
    expect(host.sent).toBe(2);
    // Past the 1,000,000 that wait, arrivals are dropped at once (counted): the queue never grows further.
    const overflow = loop.droppedArrivals;
    expect(overflow).toBeGreaterThanOrEqual(3_000_000 - 1_000_000 - 2);
    expect(overflow).toBeLessThan(2_100_000);
    // At the stop the million still waiting are counted too.
    loop.halt();
    expect(loop.droppedArrivals).toBe(overflow + 1_000_000);
    // Records were flushed before the batch of sends.
    expect(host.flushes).toBeGreaterThanOrEqual(1);
  });
});
