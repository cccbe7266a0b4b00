import type { GatewayFigures } from '../model/comparison.js';
import { headerMs, parseServerTiming, REQUEST_ID_HEADERS } from '../model/gateway-headers.js';
import type { RequestRecord } from '../model/record.js';
import { percentileOfSorted, round3 } from './math.js';

/** Headers whose value is a duration in milliseconds. */
const DURATION_HEADERS = ['x-litellm-overhead-duration-ms', 'openai-processing-ms', 'x-envoy-upstream-service-time'];
/** Headers whose value is a retry count. */
const RETRY_HEADERS = ['x-litellm-attempted-retries', 'x-portkey-retry-attempt-count'];
const CACHE_STATUS_HEADER = 'x-portkey-cache-status';
const CHOSEN_OPTION_HEADER = 'x-portkey-last-used-option-index';
/** Cache statuses that mean the answer came from the gateway's cache. */
const CACHE_HITS = new Set(['hit', 'semantic hit']);
const MAX_VALUES = 3;

/**
 * What the recorded response headers of a target's measured answers say (docs/metrics.md "Gateway
 * headers"); null when no answer carried one.
 */
export function gatewayFigures(records: readonly RequestRecord[]): GatewayFigures | null {
  const durations = new Map<string, number[]>();
  const figures: GatewayFigures = {
    answersWithHeaders: 0,
    durations: [],
    retries: 0,
    retriedAnswers: 0,
    cacheHits: 0,
    cacheStatus: {},
    chosenOptions: {},
    requestIds: 0,
    sampleRequestId: null,
    headers: {},
  };
  const addDuration = (source: string, ms: number | null): void => {
    if (ms === null) return;
    const list = durations.get(source) ?? [];
    list.push(ms);
    durations.set(source, list);
  };
  for (const record of records) {
    const headers = record.headers;
    if (record.phase !== 'measure' || headers === undefined) continue;
    figures.answersWithHeaders += 1;
    for (const [name, value] of Object.entries(headers)) {
      const seen = (figures.headers[name] ??= { count: 0, values: [] });
      seen.count += 1;
      if (seen.values.length < MAX_VALUES && !seen.values.includes(value)) seen.values.push(value);
    }
    for (const name of DURATION_HEADERS) addDuration(name, headerMs(headers[name]));
    const timing = headers['server-timing'];
    if (timing !== undefined) for (const entry of parseServerTiming(timing)) addDuration(`server-timing:${entry.name}`, entry.durMs);
    let retries = 0;
    for (const name of RETRY_HEADERS) retries += headerMs(headers[name]) ?? 0;
    figures.retries += retries;
    if (retries > 0) figures.retriedAnswers += 1;
    const cache = headers[CACHE_STATUS_HEADER];
    if (cache !== undefined) {
      figures.cacheStatus[cache] = (figures.cacheStatus[cache] ?? 0) + 1;
      if (CACHE_HITS.has(cache.toLowerCase())) figures.cacheHits += 1;
    }
    const option = headers[CHOSEN_OPTION_HEADER];
    if (option !== undefined) figures.chosenOptions[option] = (figures.chosenOptions[option] ?? 0) + 1;
    const id = REQUEST_ID_HEADERS.map((name) => headers[name]).find((value) => value !== undefined);
    if (id !== undefined) {
      figures.requestIds += 1;
      figures.sampleRequestId ??= id;
    }
  }
  if (figures.answersWithHeaders === 0) return null;
  for (const [source, values] of durations) {
    values.sort((a, b) => a - b);
    figures.durations.push({
      source,
      count: values.length,
      meanMs: round3(values.reduce((sum, value) => sum + value, 0) / values.length),
      p50Ms: percentileOfSorted(values, 50) as number,
      p95Ms: percentileOfSorted(values, 95) as number,
    });
  }
  return figures;
}
