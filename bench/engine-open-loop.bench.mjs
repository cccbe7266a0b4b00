// Open-loop pacing at 5,000 req/s of short streams (8 tokens, no delay) on one client core, the bundled
// mock in another process on the other core. Schedule lag: a request's planned send time to the moment it
// is handed to undici, for arrivals that had a free user (the engine's generator.scheduleLagP99Ms); the
// records' queueMs adds the wait for a user, which is the server's doing (a mock held up by other processes
// on a shared machine keeps every user busy), shown beside it.
// First the two pacing designs side by side in a bare undici open loop (src/engine/pacer.ts): a timer per
// arrival against the dispatcher (a timer that wakes 1.5 ms early, then a poll per event-loop turn, a spin
// for the last 20 µs). Then the engine, which keeps the dispatcher, for ROUNDS rounds.
// Targets (issue 23): achieved send rate within 1% of the asked rate; p99 schedule lag under 1 ms; where
// the core cannot keep up, the generator verdict says so with the lag figures, and --workers restores it.
import { percentile, runClient, startMockProcess, verdictLine } from './engine-lib.mjs';

const RATE = Number(process.env.BENCH_RATE ?? 5000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// In flight at 5,000 req/s of ~1 ms answers: a few dozen; 400 users leave room for a slow moment of the mock
// (a run with 2,000 here, at load 3.5, gave a schedule lag p99 of 37-151 ms against 4 ms with 400 at load 3).
const USERS = 400;
const HIGH_RATE = Number(process.env.BENCH_HIGH_RATE ?? 2200);
const mock = await startMockProcess(['--output-tokens', '8']);
console.log(`mock ${mock.url}: 8-token streams, no delay; ${RATE} req/s constant, ${DURATION_S} s measured after 1 s, ${USERS} users`);

const lagLine = (lag) =>
  `p50 ${percentile(lag, 50).toFixed(3)} p90 ${percentile(lag, 90).toFixed(3)} p99 ${percentile(lag, 99).toFixed(3)} p99.9 ${percentile(lag, 99.9).toFixed(3)} max ${Math.max(...lag).toFixed(3)} ms`;

try {
  console.log('pacing designs, bare undici open loop (lag = dispatch - planned):');
  const designs = {};
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const pacing of ['timer', 'poll', 'sleep']) {
      const r = await runClient({ kind: 'open-bare', pacing, url: mock.url, users: USERS, durationS: DURATION_S, rate: RATE, outputTokens: 8 });
      (designs[pacing] ??= []).push(r);
      console.log(`  round ${round + 1} ${pacing.padEnd(6)} sent ${r.sendRate.toFixed(1)}/s, ${r.failed} failed, lag ${lagLine(r.lag)}, CPU ${r.cpuMsPerRequest.toFixed(3)} ms/request`);
    }
  }
  const pooledP99 = (runs) => percentile(runs.flatMap((r) => r.lag), 99);
  console.log(`  pooled p99: timer per arrival ${pooledP99(designs.timer).toFixed(3)} ms, poll ${pooledP99(designs.poll).toFixed(3)} ms, sleep ${pooledP99(designs.sleep).toFixed(3)} ms`);

  console.log('engine (the kept dispatcher): queueMs of the measured requests, and the generator\'s own schedule lag:');
  const engine = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const r = await runClient({ kind: 'engine', url: mock.url, users: USERS, durationS: DURATION_S, warmupS: 1, rate: RATE, arrival: 'constant', outputTokens: 8 });
    engine.push(r);
    const g = r.generator;
    console.log(
      `  round ${round + 1} sent ${r.sendRate.toFixed(1)}/s, ok ${r.ok}, failed ${r.failed}, dropped ${r.droppedArrivals}, queueMs ${lagLine(r.lag)}; ` +
        `generator ${g.verdict}: schedule lag p99 ${g.scheduleLagP99Ms} max ${g.scheduleLagMaxMs} ms, loop p99 ${g.eventLoopDelayP99Ms} ms, CPU ${g.cpuPct}%`,
    );
  }
  // The median round by p99: one stall of another process on this shared machine weighs on one round.
  const byP99 = engine.map((r) => ({ r, p99: r.generator.scheduleLagP99Ms ?? Infinity })).sort((a, b) => a.p99 - b.p99);
  const median = byP99[Math.floor(byP99.length / 2)];
  const rateError = Math.abs(median.r.sendRate - RATE) / RATE;
  console.log(verdictLine(`open loop ${RATE}/s: send rate error`, `${(rateError * 100).toFixed(2)}%`, '< 1%', rateError < 0.01 && median.r.failed === 0));
  console.log(verdictLine(`open loop ${RATE}/s: p99 schedule lag`, median.p99.toFixed(3), '< 1 ms', median.p99 < 1, ' ms'));
  console.log(`info  ${'same round, queueMs p99 (+ wait for a user)'.padEnd(44)} ${percentile(median.r.lag, 99).toFixed(3).padStart(10)} ms`);
  console.log(`info  ${'p99 lag, bare loop: timer per arrival'.padEnd(44)} ${pooledP99(designs.timer).toFixed(3).padStart(10)} ms   poll ${pooledP99(designs.poll).toFixed(3)} ms, sleep ${pooledP99(designs.sleep).toFixed(3)} ms`);

  // A rate one client core cannot hold: the generator's verdict says so, and two worker threads hold it.
  // The client's work per request is made heavy (answers without usage, 4,096 tokens each that it counts
  // with its tokenizer), so that one core carries about 1,900 req/s while two workers and the mock still
  // fit in a 2-core machine at the rate asked. Nothing is pinned: two workers need both cores.
  const heavy = await startMockProcess(['--no-usage', '--output-tokens', '4096', '--chunk-tokens', '512'], null);
  console.log(`a rate one core cannot hold: ${HIGH_RATE} req/s of 4,096-token answers counted by the client, 1 worker then 2 (achieved = answers per second measured):`);
  const high = { 1: [], 2: [] };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const workers of [1, 2]) {
        const config = { kind: 'engine', url: heavy.url, users: 256, durationS: DURATION_S, warmupS: 2, rate: HIGH_RATE, arrival: 'constant', preloadTokenizer: true, outputTokens: 4096, workers };
        const r = await runClient(config, null);
        high[workers].push(r);
        const g = r.generator;
        console.log(
          `  round ${round + 1}, ${workers} worker${workers === 1 ? ' ' : 's'}: achieved ${r.rps.toFixed(0)}/s, failed ${r.failed}, dropped ${r.droppedArrivals}; ` +
            `generator ${g.verdict}: schedule lag p99 ${g.scheduleLagP99Ms} ms, loop p99 ${g.eventLoopDelayP99Ms} ms, CPU ${g.cpuPct}%`,
        );
      }
    }
  } finally {
    await heavy.stop();
  }
  // The median round of each side by its achieved rate.
  const medianRound = (runs) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)];
  const one = medianRound(high[1]);
  const two = medianRound(high[2]);
  const oneError = Math.abs(one.rps - HIGH_RATE) / HIGH_RATE;
  const oneSaysSo = oneError > 0.01 && one.generator.verdict !== 'ok' && one.generator.reasons.some((reason) => reason.includes('--workers'));
  console.log(
    verdictLine(`${HIGH_RATE}/s on 1 worker: verdict says so`, `${one.generator.verdict}, ${one.rps.toFixed(0)}/s`, 'not ok, naming --workers', oneSaysSo),
  );
  const twoError = Math.abs(two.rps - HIGH_RATE) / HIGH_RATE;
  const twoHolds = twoError < 0.01 && two.failed === 0 && two.droppedArrivals === 0;
  console.log(
    verdictLine(`${HIGH_RATE}/s on 2 workers: held`, `${two.rps.toFixed(0)}/s`, `within 1%, none dropped (verdict ${two.generator.verdict})`, twoHolds),
  );
} finally {
  await mock.stop();
}
