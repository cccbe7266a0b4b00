import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { parseRunOptions } from '../../src/input/options.js';
import { parseServerMetricsOptions } from '../../src/input/server-metrics-options.js';

function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('--server-metrics and --server-metrics-interval', () => {
  it.each([
    [{}, null],
    [{ serverMetrics: ['http://127.0.0.1:8000/metrics'] }, { urls: ['http://127.0.0.1:8000/metrics'], intervalS: 5 }],
    [{ serverMetrics: ['gpu-box:8000/metrics'], serverMetricsInterval: '500ms' }, { urls: ['http://gpu-box:8000/metrics'], intervalS: 0.5 }],
    [{ serverMetrics: ['https://a/metrics', 'https://b/metrics'], serverMetricsInterval: '1m' }, { urls: ['https://a/metrics', 'https://b/metrics'], intervalS: 60 }],
    [{ serverMetrics: ['http://h/metrics'], serverMetricsInterval: '0.1' }, { urls: ['http://h/metrics'], intervalS: 0.1 }],
  ])('%j → %j', (raw, expected) => {
    expect(parseServerMetricsOptions(raw)).toEqual(expected);
  });

  it.each([
    [{ serverMetrics: ['ftp://h/metrics'] }, '--server-metrics "ftp://h/metrics" is invalid: expected an http(s) URL of a Prometheus endpoint'],
    [{ serverMetrics: [''] }, '--server-metrics "" is invalid: expected an http(s) URL of a Prometheus endpoint'],
    [{ serverMetrics: ['http://'] }, '--server-metrics "http://" is invalid'],
    [{ serverMetrics: ['http://h/metrics', 'http://h/metrics'] }, '--server-metrics "http://h/metrics" is given twice'],
    [{ serverMetrics: Array.from({ length: 17 }, (_v, i) => `http://h${i}/metrics`) }, '--server-metrics is given 17 times: at most 16 endpoints are scraped'],
    [{ serverMetricsInterval: '5' }, '--server-metrics-interval needs --server-metrics'],
    [{ serverMetrics: ['http://h/metrics'], serverMetricsInterval: '0' }, '--server-metrics-interval "0" is invalid: expected a number from 0.1 to 3600 s'],
    [{ serverMetrics: ['http://h/metrics'], serverMetricsInterval: '0.05' }, '--server-metrics-interval "0.05" is invalid'],
    [{ serverMetrics: ['http://h/metrics'], serverMetricsInterval: '2h' }, '--server-metrics-interval "2h" is invalid'],
    [{ serverMetrics: ['http://h/metrics'], serverMetricsInterval: 'often' }, '--server-metrics-interval "often" is invalid'],
    [{ serverMetrics: ['http://h/metrics'], serverMetricsInterval: '-1' }, '--server-metrics-interval "-1" is invalid'],
    [{ serverMetrics: ['http://h/metrics'], serverMetricsInterval: 'NaN' }, '--server-metrics-interval "NaN" is invalid'],
  ])('refuses %j', (raw, message) => {
    const error = errorOf(() => parseServerMetricsOptions(raw));
    expect(error.code).toBe('OPTION_INVALID');
    expect(error.category).toBe('input');
    expect(error.message).toContain(message);
  });

  it('masks a key in a refused URL', () => {
    expect(errorOf(() => parseServerMetricsOptions({ serverMetrics: ['ftp://u:sk-secret0123456789abcd@h/metrics'] })).message).not.toContain('sk-secret0123456789abcd');
  });

  it('platform mode: scraped while --wait follows the task, refused without it', () => {
    expect(parseServerMetricsOptions({ serverMetrics: ['http://h/metrics'] }, { platform: true, wait: true })).toEqual({ urls: ['http://h/metrics'], intervalS: 5 });
    const error = errorOf(() => parseServerMetricsOptions({ serverMetrics: ['http://h/metrics'] }, { platform: true, wait: false }));
    expect(error.code).toBe('OPTION_INVALID');
    expect(error.message).toContain('which only --wait follows');
    expect(error.hint).toBe('add --wait, or run locally with --local');
    expect(() => parseRunOptions({ serverMetrics: ['http://h/metrics'], wait: true }, 'platform')).not.toThrow();
  });
});
