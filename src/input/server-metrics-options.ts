import { inputError } from '../failures/errors.js';
import type { ServerMetricsPlan } from '../model/server-metrics.js';
import { parseDurationS } from '../protocol/duration.js';
import { maskUrl } from '../text/mask.js';

/** docs/cli.md "Server metrics": --server-metrics-interval's default and range, and the most endpoints. */
export const SERVER_METRICS_DEFAULTS = { intervalS: 5, minIntervalS: 0.1, maxIntervalS: 3600, maxEndpoints: 16 } as const;

/**
 * `--server-metrics URL` (repeatable) and `--server-metrics-interval`: the endpoints to scrape during a run
 * (in platform mode, while --wait follows the task), or null when none was given. A URL without a scheme gets http:// (as --url does); anything but an
 * http(s) URL, a repeated one, or an interval outside its range is an input error naming the flag and value.
 */
export function parseServerMetricsOptions(
  raw: { serverMetrics?: string[]; serverMetricsInterval?: string },
  mode: { platform: boolean; wait: boolean } = { platform: false, wait: false },
): ServerMetricsPlan | null {
  const given = raw.serverMetrics ?? [];
  if (given.length > 0 && mode.platform && !mode.wait) {
    throw inputError(
      'OPTION_INVALID',
      "--server-metrics scrapes the server from this machine while the platform's task runs, which only --wait follows, but this platform run does not wait",
      'add --wait, or run locally with --local',
    );
  }
  if (given.length === 0) {
    if (raw.serverMetricsInterval !== undefined) {
      throw inputError('OPTION_INVALID', '--server-metrics-interval needs --server-metrics', 'add --server-metrics <url of the server\'s /metrics>, or drop --server-metrics-interval');
    }
    return null;
  }
  const { minIntervalS, maxIntervalS, maxEndpoints } = SERVER_METRICS_DEFAULTS;
  if (given.length > maxEndpoints) {
    throw inputError('OPTION_INVALID', `--server-metrics is given ${given.length} times: at most ${maxEndpoints} endpoints are scraped`, 'scrape fewer endpoints (one per server replica)');
  }
  const urls: string[] = [];
  for (const text of given) {
    const url = parseEndpoint(text);
    if (urls.includes(url)) throw inputError('OPTION_INVALID', `--server-metrics "${maskUrl(url)}" is given twice`, 'give each endpoint once');
    urls.push(url);
  }
  let intervalS: number = SERVER_METRICS_DEFAULTS.intervalS;
  if (raw.serverMetricsInterval !== undefined) {
    const value = parseDurationS(raw.serverMetricsInterval);
    if (value === null || !Number.isFinite(value) || value < minIntervalS || value > maxIntervalS) {
      throw inputError(
        'OPTION_INVALID',
        `--server-metrics-interval "${raw.serverMetricsInterval}" is invalid: expected a number from ${minIntervalS} to ${maxIntervalS} s; durations are seconds or 500ms, 5s, 1m`,
        `give the seconds between scrapes (default ${SERVER_METRICS_DEFAULTS.intervalS})`,
      );
    }
    intervalS = value;
  }
  return { urls, intervalS };
}

function parseEndpoint(text: string): string {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL | null = null;
  try {
    url = trimmed === '' ? null : new URL(withScheme);
  } catch {
    url = null;
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw inputError(
      'OPTION_INVALID',
      `--server-metrics "${maskUrl(text)}" is invalid: expected an http(s) URL of a Prometheus endpoint`,
      'give the server\'s metrics URL, e.g. --server-metrics http://127.0.0.1:8000/metrics',
    );
  }
  return url.href;
}
