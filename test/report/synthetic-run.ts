import { summarizeRecords } from '../../src/metrics/from-records.js';
import type { RequestRecord, Summary } from '../../src/model/summary.js';
import { loadSmallRun } from './fixtures.js';
import { createRandom } from '../../src/random.js';

export interface SyntheticRunOptions {
  requests: number;
  seed: number;
  /** Requests started per second. */
  rate: number;
  ttftMedianMs: number;
  e2eMedianMs: number;
  /** Log-normal spread: 0.2 is a steady server, 0.6 a noisy one. */
  sigma: number;
}

/** A deterministic run: records with log-normal latencies, and the summary those records give. */
export function makeSyntheticRun(o: SyntheticRunOptions): { summary: Summary; records: RequestRecord[] } {
  const random = createRandom(o.seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const startMs = Date.parse('2026-11-22T12:00:00.000Z');
  const records: RequestRecord[] = [];
  for (let i = 0; i < o.requests; i++) {
    const ttft = o.ttftMedianMs * Math.exp(o.sigma * gauss());
    const e2e = ttft + (o.e2eMedianMs - o.ttftMedianMs) * Math.exp(o.sigma * gauss());
    const out = 50;
    records.push({
      ts: new Date(startMs + (i * 1000) / o.rate).toISOString(),
      phase: 'measure',
      user: i % 8,
      seq: Math.floor(i / 8),
      ok: true,
      status: 200,
      errorCategory: null,
      error: null,
      ttftMs: ttft,
      ttfoMs: ttft,
      e2eMs: e2e,
      itlMs: (e2e - ttft) / (out - 1),
      chunks: out,
      inputTokens: 10,
      outputTokens: out,
      reasoningTokens: null,
      tokenSource: 'usage',
      queueMs: null,
      scenario: null,
      turn: null,
    });
  }
  return { records, summary: summarizeForTest(records) };
}

/** The summary the metrics layer makes of these records, with the small run's target and settings. */
function summarizeForTest(records: RequestRecord[]): Summary {
  const base = loadSmallRun().summary;
  return summarizeRecords(records, {
    target: base.target,
    config: { ...base.config, name: 'synthetic' },
    successThreshold: 0.9,
    slo: [],
    generator: base.generator,
  });
}
