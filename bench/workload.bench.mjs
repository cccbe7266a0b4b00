// Sized synthetic prompts on the hot path (issue 15): what building one body costs (a cache-bust tag and a
// slice of pre-generated words spliced into the serialised body), and the engine's requests/s with sized
// prompts against the same engine sending one fixed body (64 users, 128-token streams, zero server delay;
// client on core 0, the mock on core 1). Target: sized ≥ 80% of the fixed body.
import { runClient, startMockProcess, verdictLine } from './engine-lib.mjs';

const { SizedBodies } = await import('../dist/engine/synthetic-bodies.js');
const { getAdapter } = await import('../dist/protocol/registry.js');

const USERS = 64;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const adapter = getAdapter('openai-chat');
const target = {
  apiType: 'openai-chat', url: 'http://127.0.0.1:1/v1/chat/completions', targetHost: 'http://127.0.0.1:1/v1', apiPath: '/chat/completions',
  method: 'POST', headers: {}, cookies: {}, model: 'mock-model', stream: true,
  body: { model: 'mock-model', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } },
  insecure: false, timeoutMs: 60_000, idleTimeoutMs: 60_000, connectTimeoutMs: 10_000, notes: [], warnings: [],
};
const workload = (input, output, stddev = 0) => ({
  runId: 'bench001', preset: null, inputTokens: { mean: input, stddev }, outputTokens: { mean: output, stddev: 0 },
  ignoreEos: false, cacheBust: true, sharedPrefixTokens: 0, trace: null,
});

console.log('building one body (cache-bust tag + word slice spliced into the serialised body):');
for (const [name, work] of [['perf-128', workload(128, 128)], ['perf-550 ± 50', workload(550, 150, 50)], ['hotpath 12500', workload(12_500, 64)]]) {
  const bodies = new SizedBodies(target, adapter, work, { index: 0, count: 1 });
  for (let i = 0; i < 2000; i += 1) bodies.next(i);
  const n = 20_000;
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < n; i += 1) bytes += bodies.next(i).length;
  const us = ((performance.now() - start) * 1000) / n;
  console.log(`  ${name.padEnd(16)} ${us.toFixed(2)} µs per body (${Math.round(bytes / n)} bytes)`);
}

const mock = await startMockProcess(['--output-tokens', '128']);
console.log(`mock ${mock.url}; ${USERS} users, ${DURATION_S} s each, 128-token streams`);
try {
  const results = [];
  for (let round = 0; round < 3; round += 1) {
    const fixed = await runClient({ kind: 'engine', url: mock.url, users: USERS, durationS: DURATION_S });
    const sized = await runClient({ kind: 'engine', url: mock.url, users: USERS, durationS: DURATION_S, workload: workload(550, 128, 50) });
    const hot = await runClient({ kind: 'engine', url: mock.url, users: USERS, durationS: DURATION_S, workload: workload(12_500, 128) });
    results.push({ fixed, sized, hot });
    console.log(`  round ${round + 1}: fixed ${fixed.rps.toFixed(0)} req/s (${fixed.cpuMsPerRequest.toFixed(3)} ms CPU), perf-550±50 ${sized.rps.toFixed(0)} (${sized.cpuMsPerRequest.toFixed(3)}), hotpath ${hot.rps.toFixed(0)} (${hot.cpuMsPerRequest.toFixed(3)})`);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ratio = median(results.map((r) => r.sized.rps / r.fixed.rps));
  const hotRatio = median(results.map((r) => r.hot.rps / r.fixed.rps));
  console.log(verdictLine('sized prompts (550±50 tokens) / fixed body, requests/s', ratio.toFixed(2), '>= 0.80', ratio >= 0.8));
  console.log(`info  hotpath prompts (12500 tokens) / fixed body, requests/s  ${hotRatio.toFixed(2)} (the mock reads 50 KB bodies too)`);
} finally {
  await mock.stop();
}
