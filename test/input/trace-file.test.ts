/** Trace files (Mooncake shape): what they become, and a table of malformed ones, each error naming its line. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { parseTrace } from '../../src/input/trace-file.js';

function errorOf(text: string): AppError {
  try {
    parseTrace(text, 't.jsonl');
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an input error');
}

describe('parseTrace', () => {
  it('turns timestamps into offsets from the first request; hash_ids optional; blank lines and other fields ignored', () => {
    const text = [
      '{"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47, 48]}',
      '',
      '{"timestamp": 30535, "input_length": 6472, "output_length": 26, "hash_ids": [46, 47, 49], "extra": "kept out"}',
      '{"timestamp": 30535, "input_length": 90, "output_length": 1}',
      '{"timestamp": 31000, "input_length": 90, "output_length": 1, "hash_ids": null}',
    ].join('\n');
    expect(parseTrace(text, 't.jsonl')).toEqual([
      { atMs: 0, inputTokens: 6955, outputTokens: 52, hashIds: [46, 47, 48] },
      { atMs: 3053, inputTokens: 6472, outputTokens: 26, hashIds: [46, 47, 49] },
      { atMs: 3053, inputTokens: 90, outputTokens: 1, hashIds: [] },
      { atMs: 3518, inputTokens: 90, outputTokens: 1, hashIds: [] },
    ]);
  });

  const ok = '{"timestamp": 0, "input_length": 10, "output_length": 5}';
  it.each([
    ['not JSON', `${ok}\n{"timestamp": 1,`, 'TRACE_INVALID', /line 2: not valid JSON/],
    ['an array, not an object', '[1, 2, 3]', 'TRACE_INVALID', /line 1: expected a JSON object/],
    ['no timestamp', '{"input_length": 10, "output_length": 5}', 'TRACE_INVALID', /line 1: "timestamp" must be a number of milliseconds ≥ 0, got nothing \(the field is missing\)/],
    ['a timestamp as text', '{"timestamp": "0", "input_length": 10, "output_length": 5}', 'TRACE_INVALID', /line 1: "timestamp" must be .* got "0"/],
    ['a negative timestamp', '{"timestamp": -5, "input_length": 10, "output_length": 5}', 'TRACE_INVALID', /line 1: "timestamp" must be/],
    ['timestamps going back', `${ok}\n\n{"timestamp": 500, "input_length": 1, "output_length": 1}\n{"timestamp": 400, "input_length": 1, "output_length": 1}`, 'TRACE_INVALID', /line 4: "timestamp" 400 is before the previous line's 500/],
    ['input_length 0', '{"timestamp": 0, "input_length": 0, "output_length": 5}', 'TRACE_INVALID', /line 1: "input_length" must be a whole number from 1 to 1000000, got 0/],
    ['input_length fractional', '{"timestamp": 0, "input_length": 2.5, "output_length": 5}', 'TRACE_INVALID', /"input_length" must be a whole number/],
    ['input_length too big', '{"timestamp": 0, "input_length": 1000001, "output_length": 5}', 'TRACE_INVALID', /"input_length" must be/],
    ['no output_length', '{"timestamp": 0, "input_length": 10}', 'TRACE_INVALID', /line 1: "output_length" must be .* got nothing/],
    ['hash_ids not a list', '{"timestamp": 0, "input_length": 10, "output_length": 5, "hash_ids": 3}', 'TRACE_INVALID', /line 1: "hash_ids" must be a list of whole numbers ≥ 0/],
    ['hash_ids with text', '{"timestamp": 0, "input_length": 10, "output_length": 5, "hash_ids": [1, "2"]}', 'TRACE_INVALID', /"hash_ids" must be/],
    ['hash_ids negative', '{"timestamp": 0, "input_length": 10, "output_length": 5, "hash_ids": [-1]}', 'TRACE_INVALID', /"hash_ids" must be/],
    ['empty', '\n\n  \n', 'TRACE_EMPTY', /--trace t\.jsonl: no requests found/],
  ])('%s: %s', (_what, text, code, message) => {
    const error = errorOf(text);
    expect(error.code).toBe(code);
    expect(error.category).toBe('input');
    expect(error.message).toMatch(/^--trace t\.jsonl/);
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });
});
