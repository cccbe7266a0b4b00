import { describe, expect, it } from 'vitest';
import { parsePromText, PromTextError } from '../../src/metrics/prometheus-text.js';

describe('parsePromText', () => {
  it('keeps each labelled histogram line as a sample (the library alone folds them)', () => {
    const text = [
      '# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.',
      '# TYPE vllm:time_to_first_token_seconds histogram',
      'vllm:time_to_first_token_seconds_bucket{model_name="m",le="0.001"} 1.0',
      'vllm:time_to_first_token_seconds_bucket{model_name="m",le="+Inf"} 4.0',
      'vllm:time_to_first_token_seconds_sum{model_name="m"} 0.5',
      'vllm:time_to_first_token_seconds_count{model_name="m"} 4.0',
      '# TYPE vllm:num_requests_running gauge',
      'vllm:num_requests_running{model_name="m",engine="0"} 3',
      'foo 1',
    ].join('\n');
    expect(parsePromText(text)).toEqual([
      { name: 'vllm:time_to_first_token_seconds_bucket', labels: { model_name: 'm', le: '0.001' }, value: 1 },
      { name: 'vllm:time_to_first_token_seconds_bucket', labels: { model_name: 'm', le: '+Inf' }, value: 4 },
      { name: 'vllm:time_to_first_token_seconds_sum', labels: { model_name: 'm' }, value: 0.5 },
      { name: 'vllm:time_to_first_token_seconds_count', labels: { model_name: 'm' }, value: 4 },
      { name: 'vllm:num_requests_running', labels: { model_name: 'm', engine: '0' }, value: 3 },
      { name: 'foo', labels: {}, value: 1 },
    ]);
  });

  it('reads special values, timestamps, escaped labels and OpenMetrics comments', () => {
    const text = 'a +Inf\nb -Inf\nc{x="q\\"uote"} 2 1700000000000\n# EOF\n';
    const samples = parsePromText(text);
    expect(samples.map((s) => [s.name, s.value])).toEqual([
      ['a', Number.POSITIVE_INFINITY],
      ['b', Number.NEGATIVE_INFINITY],
      ['c', 2],
    ]);
    expect(samples[2]?.labels).toEqual({ x: 'q"uote' });
    expect(Number.isNaN(parsePromText('d NaN')[0]?.value)).toBe(true);
    expect(parsePromText('')).toEqual([]);
  });

  it.each([
    ['a word for a value', 'garbage here', /"here" is not a number/],
    ['an unquoted label value', 'x{a=1} 2', /invalid line/],
    ['an unclosed label set', 'x{a="b" 1', /invalid line/],
    ['an HTML page', '<html><body>login</body></html>', /line 1 is not a sample/],
    ['JSON', '{"status":"ok"}', /line 1 is not a sample/],
    ['an unknown TYPE', '# TYPE x sometype\nx 1', /unknown metric type "sometype"/],
    ['a TYPE line without a type', '# TYPE x\nx 1', /invalid line/],
    ['a missing value', 'x{a="b"}', /is not a number/],
    ['a bad metric name', 'x-y 1', /"x-y" is not a metric name/],
    ['a value with a unit', 'x 12ms', /"12ms" is not a number/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parsePromText(text)).toThrow(PromTextError);
    expect(() => parsePromText(text)).toThrow(message);
  });
});
