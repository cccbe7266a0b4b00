/**
 * A failure of our own reading code (a parser that throws) fails that one request as a generator error,
 * never the server's, and the run goes on: every other request is measured and the run ends normally.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LoadThread } from '../../src/engine/load-thread.js';
import { Recorder } from '../../src/metrics/recorder.js';
import type { RequestRecord } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { getAdapter } from '../../src/protocol/registry.js';
import type { ProtocolAdapter, StreamParser } from '../../src/protocol/types.js';
import { loadOptions, mockTarget } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ seed: 3 });
});
afterAll(async () => {
  await mock.close();
});

/** The OpenAI adapter, with parsers that throw on the first read of every third response they read. */
function failingEveryThird(): ProtocolAdapter {
  const openai = getAdapter('openai-chat');
  return {
    ...openai,
    createStreamParser: (options): StreamParser => {
      const inner = openai.createStreamParser(options);
      let responses = 1;
      return {
        push: (chunk, atMs) => {
          if (responses % 3 === 0) throw new Error('parser exploded');
          inner.push(chunk, atMs);
        },
        end: (atMs) => inner.end(atMs),
        reset: () => {
          responses += 1;
          inner.reset();
        },
        get finished() {
          return inner.finished;
        },
      };
    },
  };
}

test('a parser that throws fails its request as a generator error and the run goes on', async () => {
  const records: RequestRecord[] = [];
  let generatorErrors = 0;
  const thread = new LoadThread({
    target: mockTarget(mock.url, { headers: { 'x-mock-ttft-ms': '5', 'x-mock-itl-ms': '1', 'x-mock-output-tokens': '8' } }),
    load: loadOptions({ concurrentUsers: 2, maxRequests: 12, durationS: 30 }),
    adapter: failingEveryThird(),
    prompts: null,
    onRecord: (record) => records.push(record),
    onGeneratorError: () => {
      generatorErrors += 1;
    },
  });
  await thread.prepare();
  const runStartMs = performance.now();
  const outcome = await thread.start(runStartMs, new Recorder({ runStartMs, slo: [] }));
  await thread.close();

  expect(outcome.stopReason).toBe('max-requests');
  expect(outcome.finished).toBe(12);
  expect(records).toHaveLength(12);
  // Each user's every third response fails (users share the 12 requests as timing decides).
  for (const record of records) {
    const fails = record.seq % 3 === 0;
    expect(record.ok, `user ${record.user} request ${record.seq}`).toBe(!fails);
    if (fails) {
      expect(record.errorCategory).toBe('generator');
      expect(record.error).toBe('llm-loadtest failed to read the response: parser exploded');
    } else {
      expect(record.outputTokens).toBe(8);
    }
  }
  const failed = records.filter((r) => !r.ok).length;
  expect(failed).toBeGreaterThanOrEqual(2);
  expect(generatorErrors).toBe(failed);
  expect(outcome.failed).toBe(failed);
});
