import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startLoad } from '../../src/engine/run-load.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { loadOptions, memorySink, mockTarget } from '../engine/helpers.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { startSilentServer } from '../helpers/hostile-servers.js';

/**
 * A header HTTP cannot carry is refused at input; a library caller who bypasses the input layer must still
 * get a run that ends, with every request failing, never an engine that hangs and ignores the stop.
 */
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ ttftMs: 5, itlMs: 1, outputTokens: 3 });
});
afterAll(async () => {
  await mock.close();
});

describe('no state of the engine ignores the stop', () => {
  test('requests the dispatcher refuses (a CR LF header) fail, and the run ends on time', async () => {
    const sink = memorySink();
    const target = mockTarget(mock.url, { headers: { 'x-bad': 'a\r\nx-injected: 1' } });
    const started = Date.now();
    const handle = startLoad({ target, load: loadOptions({ concurrentUsers: 2, durationS: 1 }), prompts: null, sink, gracefulStopMs: 500 });
    const result = await handle.done;
    // Bounded by the duration, the grace period and the settle second, with room for a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.outcome.finished).toBeGreaterThan(0);
    expect(sink.records.every((record) => !record.ok)).toBe(true);
    expect(mock.stats().requests).toBe(0);
  }, 20_000);

  test('an interrupt with requests that never answer ends the run after the grace period', async () => {
    const sink = memorySink();
    // The mock holds each answer for a minute: only the grace abort can end these requests.
    const target = mockTarget(mock.url, { headers: { 'x-mock-ttft-ms': '60000' }, timeoutMs: 120_000 });
    const handle = startLoad({ target, load: loadOptions({ concurrentUsers: 2, durationS: 60 }), prompts: null, sink, gracefulStopMs: 300 });
    await handle.started;
    await new Promise((r) => setTimeout(r, 300));
    const stoppedAt = Date.now();
    handle.stop('interrupted');
    const result = await handle.done;
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(result.outcome.stopReason).toBe('interrupted');
    expect(sink.records.map((record) => record.errorCategory)).toEqual(['incomplete', 'incomplete']);
  }, 20_000);
});

describe('signals during the pre-check (fake io)', () => {
  test('SIGTERM ends the run with INTERRUPTED, exit 130; a second one is raised again with its default back', async () => {
    const silent = await startSilentServer();
    try {
      const io = createFakeIo();
      const done = runCli(['run', '--local', '--url', `${silent.url}/v1/chat/completions`, '--model', 'm', '--json', '--no-progress'], io);
      const until = Date.now() + 10_000;
      while (silent.hits() === 0) {
        if (Date.now() > until) throw new Error('waited 10 s for the pre-check request');
        await new Promise((r) => setTimeout(r, 10));
      }
      io.emit('SIGTERM');
      io.emit('SIGTERM');
      expect(await done).toBe(130);
      expect(io.err()).toContain('Interrupted: stopping the pre-check');
      expect(JSON.parse(io.out().trim())).toMatchObject({ code: 'INTERRUPTED', category: 'interrupted' });
      // The first one was handled; the handlers were gone for the second (no raise needed).
      expect(io.raised).toEqual([]);
    } finally {
      await silent.close();
    }
  });
});
