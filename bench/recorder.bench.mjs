// The recorder's hot path: recordRequest per finished request and recordChunkGaps per request (one value per
// content chunk), in ns per call / per gap, plus the end-of-run snapshot and summarize. Imports dist/.
import { performance } from 'node:perf_hooks';
import { Recorder } from '../dist/metrics/recorder.js';
import { summarize } from '../dist/metrics/summarize.js';

const REQUESTS = 500_000;
const GAPS_PER_REQUEST = 256;

function makeRecord(i) {
  return {
    ts: '2026-01-01T00:00:00.000Z', phase: 'measure', user: i % 100, seq: i, ok: true, status: 200,
    errorCategory: null, error: null, ttftMs: 80 + (i % 500), ttfoMs: 80 + (i % 500), e2eMs: 2000 + (i % 3000),
    itlMs: 8 + (i % 40) / 10, chunks: 256, inputTokens: 200, outputTokens: 256, reasoningTokens: null,
    tokenSource: 'usage', queueMs: null, scenario: null, turn: null,
  };
}

// One record object per request, as the engine does; built ahead so the loop times the recorder only.
const records = Array.from({ length: 1000 }, (_, i) => makeRecord(i));
const slo = [{ raw: 'ttft_p95<=500', metric: 'ttft', stat: 'p95', op: '<=', limit: 500 }];

function benchRecordRequest() {
  const recorder = new Recorder({ runStartMs: 0, slo });
  recorder.startMeasuring(0);
  const start = performance.now();
  // 2,000 requests a second of run time: 250 s of timeline.
  for (let i = 0; i < REQUESTS; i++) recorder.recordRequest(records[i % 1000], i / 2);
  const ns = ((performance.now() - start) * 1e6) / REQUESTS;
  return { ns, recorder };
}

function benchChunkGaps() {
  const recorder = new Recorder({ runStartMs: 0 });
  const gaps = new Float64Array(GAPS_PER_REQUEST);
  for (let i = 0; i < GAPS_PER_REQUEST; i++) gaps[i] = 5 + ((i * 7919) % 4000) / 100;
  const calls = 20_000;
  const start = performance.now();
  for (let i = 0; i < calls; i++) recorder.recordChunkGaps(gaps, GAPS_PER_REQUEST);
  return ((performance.now() - start) * 1e6) / (calls * GAPS_PER_REQUEST);
}

for (let round = 1; round <= 3; round++) {
  const { ns, recorder } = benchRecordRequest();
  const gapNs = benchChunkGaps();
  const t0 = performance.now();
  const snapshot = recorder.snapshot();
  const snapshotMs = performance.now() - t0;
  const json = JSON.stringify(snapshot);
  const t1 = performance.now();
  summarize(JSON.parse(json), {
    target: { url: 'http://127.0.0.1/v1/chat/completions', apiType: 'openai-chat', model: 'm', stream: true, headers: {} },
    config: {}, startedAt: '', endedAt: '', successThreshold: 0.9, slo,
    generator: { eventLoopDelayP99Ms: null, maxMs: null, cpuPct: null, openFileLimit: null, generatorErrors: 0, verdict: 'ok', reasons: [] },
  });
  const summarizeMs = performance.now() - t1;
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  console.log(
    `round ${round}: recordRequest ${ns.toFixed(0)} ns/op · recordChunkGaps ${gapNs.toFixed(1)} ns/gap · ` +
      `snapshot ${snapshotMs.toFixed(0)} ms (${(json.length / 1024).toFixed(0)} KiB JSON, ${snapshot.timeline.length} s) · ` +
      `summarize ${summarizeMs.toFixed(0)} ms · heap ${heapMb.toFixed(0)} MB`,
  );
  globalThis.gc?.();
}
