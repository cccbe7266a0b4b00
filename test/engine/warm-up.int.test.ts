import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLoad } from '../../src/engine/run-load.js';
import { WARM_UP_MIN_USERS, wantsWarmUp, warmUp } from '../../src/engine/warm-up.js';
import type { LoadRunOptions } from '../../src/engine/load-thread.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { adapters, getAdapter } from '../../src/protocol/registry.js';
import type { ApiType } from '../../src/protocol/types.js';
import { loadOptions, memorySink, mockTarget } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ seed: 1 });
});
afterAll(async () => {
  await mock.close();
});

/** A thread's options against the bundled mock (which the warm-up must never reach). */
function threadOptions(
  overrides: { apiType?: ApiType; users?: number; rate?: number; stream?: boolean; partition?: { index: number; count: number }; tokenizer?: boolean } = {},
): LoadRunOptions {
  const apiType = overrides.apiType ?? 'openai-chat';
  const target = mockTarget(mock.url, { apiType, stream: overrides.stream ?? true });
  return {
    target,
    load: loadOptions({ concurrentUsers: overrides.users ?? WARM_UP_MIN_USERS, durationS: 30, rate: overrides.rate ?? null, arrival: 'constant' }),
    adapter: getAdapter(apiType),
    prompts: null,
    ...(overrides.partition === undefined ? {} : { partition: overrides.partition }),
    preloadTokenizer: overrides.tokenizer ?? false,
  };
}

describe('wantsWarmUp', () => {
  test.each([
    ['64 users, streamed', {}, true],
    ['63 users', { users: WARM_UP_MIN_USERS - 1 }, false],
    ['not streamed', { stream: false }, false],
    ['200 users over 4 threads (50 each)', { users: 200, partition: { index: 1, count: 4 } }, false],
    ['200 users over 2 threads (100 each)', { users: 200, partition: { index: 1, count: 2 } }, true],
    ['an open loop of 500/s with 8 users', { users: 8, rate: 500 }, true],
    ['an open loop of 499/s with 8 users', { users: 8, rate: 499 }, false],
    ['an open loop of 800/s over 2 threads (400 each) with 8 users', { users: 8, rate: 800, partition: { index: 0, count: 2 } }, false],
  ] as const)('%s: %s', (_name, overrides, expected) => {
    expect(wantsWarmUp(threadOptions(overrides))).toBe(expected);
  });

  test('an API that never streams (embeddings) gets none', () => {
    const options = threadOptions();
    expect(wantsWarmUp({ ...options, adapter: getAdapter('openai-embeddings') })).toBe(false);
  });
});

describe('warmUp against its own in-thread server', () => {
  const streaming = adapters.filter((adapter) => adapter.capabilities.streams !== false).map((adapter) => adapter.apiType);

  test.each(streaming)('%s: 128 answers read as written, none failed, nothing sent to the target', async (apiType) => {
    mock.reset();
    const result = await warmUp(threadOptions({ apiType }));
    expect(result).toMatchObject({ requests: 128, failed: 0 });
    expect(mock.stats().requests).toBe(0);
  });

  test('with the tokenizer in use, answers without usage are counted too: none failed', async () => {
    const result = await warmUp(threadOptions({ tokenizer: true }));
    expect(result).toMatchObject({ requests: 128, failed: 0 });
  });

  test('a run that paces arrivals is warmed a second time as an open loop: 128 + 2,048 answers, none failed, none at the target', async () => {
    mock.reset();
    const result = await warmUp(threadOptions({ users: 8, rate: 1000 }));
    expect(result).toMatchObject({ requests: 128 + 2048, failed: 0 });
    expect(mock.stats().requests).toBe(0);
  });

  test('a warm-up that fails on its own side gives null, never an error for the run', async () => {
    const options = threadOptions();
    const broken = {
      ...options.adapter,
      mock: {
        ...options.adapter.mock,
        writeStream: () => {
          throw new Error('no stream today');
        },
      },
    };
    await expect(warmUp({ ...options, adapter: broken })).resolves.toBeNull();
  });

  test('a thread below the threshold is not warmed', async () => {
    expect(await warmUp(threadOptions({ users: 2 }))).toBeNull();
  });
});

describe('a run that is warmed', () => {
  test('the target sees exactly the run’s requests, with the run’s own request ids', async () => {
    mock.reset();
    const sink = memorySink();
    const handle = startLoad({
      target: mockTarget(mock.url, { headers: { 'x-mock-ttft-ms': '0', 'x-mock-itl-ms': '0', 'x-mock-output-tokens': '4' } }),
      load: loadOptions({ concurrentUsers: WARM_UP_MIN_USERS, maxRequests: 100, durationS: 60 }),
      prompts: null,
      sink,
      requestIdPrefix: 'run1',
      gracefulStopMs: 5000,
    });
    const result = await handle.done;
    expect(result.outcome.stopReason).toBe('max-requests');
    expect(sink.records).toHaveLength(100);
    expect(mock.stats().requests).toBe(100);
    expect(sink.records.every((record) => record.requestId?.startsWith('run1-c') === true)).toBe(true);
    // Conversation numbers start at 0 for the run: the warm-up's own thread numbered its own.
    expect(sink.records.map((record) => record.requestId)).toContain('run1-c0-t1');
  });
});
