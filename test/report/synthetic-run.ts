import type { LatencyStats, RequestRecord, Summary } from '../../src/metrics/types.js';
import { loadSmallRun } from './fixtures.js';

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
  const random = seeded(o.seed);
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
  return { records, summary: summarizeForTest(records, startMs) };
}

/** A plain nearest-rank summary, enough for compare's inputs (the real one is the metrics layer's). */
function summarizeForTest(records: RequestRecord[], startMs: number): Summary {
  const base = loadSmallRun().summary;
  const endMs = Math.max(...records.map((r) => Date.parse(r.ts) + (r.e2eMs ?? 0)));
  const windowS = (endMs - startMs) / 1000;
  const output = records.reduce((a, r) => a + (r.outputTokens ?? 0), 0);
  return {
    ...base,
    config: { ...base.config, name: 'synthetic' },
    startedAt: new Date(startMs).toISOString(),
    measuredSeconds: windowS,
    requests: { total: records.length, ok: records.length, failed: 0, incomplete: 0, successRate: 1 },
    rps: records.length / windowS,
    tokens: { input: records.length * 10, output, outputPerSecond: output / windowS, totalPerSecond: (output + records.length * 10) / windowS, source: 'usage' },
    latency: {
      ttft: stats(records.map((r) => r.ttftMs ?? 0)),
      ttfo: stats(records.map((r) => r.ttfoMs ?? 0)),
      itl: stats(records.map((r) => r.itlMs ?? 0)),
      e2e: stats(records.map((r) => r.e2eMs ?? 0)),
      chunkGap: base.latency.chunkGap,
    },
    errors: { byCategory: {}, byStatus: {}, samples: {} },
    goodput: null,
  };
}

function stats(values: number[]): LatencyStats {
  const v = [...values].sort((a, b) => a - b);
  const p = (q: number): number => v[Math.min(v.length - 1, Math.ceil((q / 100) * v.length) - 1)] as number;
  return { count: v.length, mean: v.reduce((a, b) => a + b, 0) / v.length, min: v[0] ?? null, p50: p(50), p90: p(90), p95: p(95), p99: p(99), p999: p(99.9), max: v[v.length - 1] ?? null };
}

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
