/** The workload flags: what they put in the plan, and a table of bad combinations, each a clear input error. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import type { RawRunOptions } from '../../src/input/options.js';
import { buildRunPlan } from '../../src/input/plan.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-loadtest-workload-'));
writeFileSync(join(dir, 'trace.jsonl'), '{"timestamp": 1000, "input_length": 600, "output_length": 20}\n{"timestamp": 31000, "input_length": 60, "output_length": 2, "hash_ids": [1]}\n');
const context = { env: {}, cwd: dir, readStdin: async () => '' };
const target = { url: 'http://127.0.0.1:8000/v1/chat/completions', model: 'gpt-4o-mini' };

async function plan(raw: RawRunOptions) {
  return buildRunPlan({ ...target, ...raw }, context);
}

async function errorOf(raw: RawRunOptions): Promise<AppError> {
  try {
    await plan(raw);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an input error');
}

describe('workload flags in the plan', () => {
  it('no flag: the body as given, cache-bust off, a fresh 8-hex run id for request ids', async () => {
    const { load } = await plan({});
    expect(load.workload).toMatchObject({ preset: null, inputTokens: null, outputTokens: null, cacheBust: false, sharedPrefixTokens: 0, trace: null, ignoreEos: false });
    expect(load.workload?.runId).toMatch(/^[0-9a-f]{8}$/);
    expect((await plan({})).load.workload?.runId).not.toBe(load.workload?.runId);
  });

  it.each([
    [{ preset: 'perf-128' }, { mean: 128, stddev: 0 }, { mean: 128, stddev: 0 }],
    [{ preset: 'perf-550' }, { mean: 550, stddev: 0 }, { mean: 150, stddev: 0 }],
    [{ preset: 'hotpath' }, { mean: 12_500, stddev: 0 }, { mean: 64, stddev: 0 }],
    [{ inputTokens: '1000:100', outputTokens: '200' }, { mean: 1000, stddev: 100 }, { mean: 200, stddev: 0 }],
    [{ inputTokens: '8' }, { mean: 8, stddev: 0 }, null],
  ])('%o: sizes %o / %o, cache-bust on by default', async (raw, input, output) => {
    const { load } = await plan(raw);
    expect(load.workload).toMatchObject({ inputTokens: input, outputTokens: output, cacheBust: true });
  });

  it('--no-cache-bust, --shared-prefix-tokens, --ignore-eos', async () => {
    const { load } = await plan({ inputTokens: '100', outputTokens: '10', cacheBust: false, sharedPrefixTokens: '2000', ignoreEos: true });
    expect(load.workload).toMatchObject({ cacheBust: false, sharedPrefixTokens: 2000, ignoreEos: true });
  });

  it('--trace: its requests, a run bounded by its requests, no warmup, a duration of its span plus the timeout', async () => {
    const { load } = await plan({ trace: 'trace.jsonl', traceSpeedup: '2', timeout: '30' });
    expect(load.workload?.trace).toEqual({
      path: 'trace.jsonl',
      speedup: 2,
      requests: [
        { atMs: 0, inputTokens: 600, outputTokens: 20, hashIds: [] },
        { atMs: 30_000, inputTokens: 60, outputTokens: 2, hashIds: [1] },
      ],
    });
    expect(load.workload?.cacheBust).toBe(true);
    expect(load).toMatchObject({ maxRequests: 2, warmupS: 0, durationS: 15 + 30 });
    expect((await plan({ trace: 'trace.jsonl', duration: '5' })).load.durationS).toBe(5);
  });

  it('--output-tokens alone applies to the given body', async () => {
    const { load } = await plan({ outputTokens: '64' });
    expect(load.workload).toMatchObject({ inputTokens: null, outputTokens: { mean: 64, stddev: 0 }, cacheBust: false });
  });
});

describe('bad workload flags', () => {
  it.each<[string, RawRunOptions, RegExp]>([
    ['a size that is not a number', { inputTokens: 'lots' }, /--input-tokens "lots" is invalid: expected N or N:stddev/],
    ['a size of 0', { inputTokens: '0' }, /--input-tokens "0" is invalid/],
    ['a negative spread', { inputTokens: '100:-5' }, /--input-tokens "100:-5" is invalid/],
    ['a spread above the mean', { outputTokens: '10:20', inputTokens: '100' }, /--output-tokens "10:20" is invalid/],
    ['a size past a million', { inputTokens: '1000001' }, /from 1 to 1000000/],
    ['an unknown preset', { preset: 'perf-9' }, /--preset "perf-9" is invalid: expected perf-128, perf-550, hotpath/],
    ['a preset with sizes', { preset: 'perf-128', inputTokens: '10' }, /--preset perf-128 sets the input and output tokens/],
    ['sizes with test data', { inputTokens: '100', testData: 'default' }, /--input-tokens and --test-data both give the prompts/],
    ['a prompt no longer than the cache-bust tag', { inputTokens: '7' }, /asks 7 tokens, but the cache-bust tag alone is 7/],
    ['--cache-bust without synthetic prompts', { cacheBust: true }, /--cache-bust starts each synthetic prompt/],
    ['--shared-prefix-tokens without synthetic prompts', { sharedPrefixTokens: '100' }, /--shared-prefix-tokens puts a fixed system prompt/],
    ['--shared-prefix-tokens not a number', { inputTokens: '100', sharedPrefixTokens: 'x' }, /--shared-prefix-tokens "x" is invalid/],
    ['an output spread on the given body', { outputTokens: '100:10' }, /--output-tokens with a spread needs synthetic prompts/],
    ['--ignore-eos without an output length', { inputTokens: '100', ignoreEos: true }, /--ignore-eos asks the server for exactly the output length/],
    ['--trace with sizes', { trace: 'trace.jsonl', inputTokens: '100' }, /--trace gives each request its input and output length/],
    ['--trace with --rate', { trace: 'trace.jsonl', rate: '5' }, /--rate\/--arrival cannot be used with --trace/],
    ['--trace with --warmup and --max-requests', { trace: 'trace.jsonl', warmup: '5', maxRequests: '3' }, /--warmup, --max-requests cannot be used with --trace/],
    ['--trace with --burst', { trace: 'trace.jsonl', burst: '3' }, /--trace and --burst both decide/],
    ['--trace-speedup without --trace', { traceSpeedup: '2' }, /--trace-speedup needs --trace/],
    ['--trace-speedup 0', { trace: 'trace.jsonl', traceSpeedup: '0' }, /--trace-speedup "0" is invalid: expected a number > 0 and ≤ 1000/],
    ['a missing trace file', { trace: 'nope.jsonl' }, /--trace: file .*nope\.jsonl does not exist/],
  ])('%s', async (_what, raw, message) => {
    const error = await errorOf(raw);
    expect(error.category).toBe('input');
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });

  it('platform mode refuses the workload flags: its engine sends the body as given', async () => {
    const error = await errorOf({ inputTokens: '100', platform: 'http://127.0.0.1:5001' });
    expect(error.code).toBe('OPTION_LOCAL_ONLY');
    expect(error.message).toMatch(/--input-tokens works only in local mode/);
  });
});
