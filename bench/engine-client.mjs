// One load client of the engine benchmarks, run in its own process (pinned to a core by the caller):
// `node bench/engine-client.mjs '<json config>'` prints one JSON result line. Kinds:
//   bare       a bare undici loop that only scans bytes (request + body 'data', indexOf `[DONE]`)
//   bare-json  the same, splitting SSE events and JSON.parse on every one
//   engine     our engine (dist/engine/run-load.js), closed loop
//   autocannon autocannon against the same endpoint (reads bodies, parses nothing)
//   open-bare  a bare undici open loop at config.rate (constant arrivals), paced by src/engine/pacer.ts as
//              config.pacing says: 'timer' (a timer per arrival), 'poll' or 'sleep'; reads bodies
// Options: url, users, durationS, warmupS, rampPerS, collectTtft (engine, bare), workers, sampleRss,
// scenarios (engine: [[name, weight, turns, inputTokens, followUpTokens], ...], weighted scenarios of
// conversations of sized prompts, built here: a prompt set is too large for a command line).
// workload (engine: sized prompts).
// features (engine): 'off' sends the user's own x-request-id (ours is then neither built nor sent) and
// records no headers; 'all' records the gateway headers a run with several targets records, and reads the
// mock's request id per answer; absent: the defaults (our x-request-id per request, serverRequestId read).
import { Pool } from 'undici';

const config = JSON.parse(process.argv[2]);
const url = new URL('/v1/chat/completions', config.url);
const body = JSON.stringify({
  model: 'mock-model',
  messages: [{ role: 'user', content: 'Say something.' }],
  stream: true,
  stream_options: { include_usage: true },
  max_tokens: config.outputTokens ?? 128,
});
const headers = { 'content-type': 'application/json' };
const DONE = Buffer.from('[DONE]');
const CONTENT = Buffer.from('"content":"');

const cpuStart = process.cpuUsage();
const result = await ({ bare: runBare, 'bare-json': runBare, engine: runEngine, autocannon: runAutocannon, 'open-bare': runOpenBare })[config.kind]();
const cpu = process.cpuUsage(cpuStart);
// CPU per request over the whole run (warmup included): steadier than requests/s on a loaded machine.
if (result.all) result.cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / result.all;
// Exit once the line is written: a large result (every request's lag) outlives one pipe buffer.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));

/** Shared by the bare loops: N users, each sending its next request when the last one ends. */
async function runBare() {
  const pool = new Pool(url.origin, { connections: config.users, pipelining: 1 });
  const json = config.kind === 'bare-json';
  const warmupMs = (config.warmupS ?? 1) * 1000;
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const endAt = measureFrom + config.durationS * 1000;
  let completed = 0;
  let all = 0;
  const ttft = [];
  const rampPerS = config.rampPerS ?? 0;

  async function user(index) {
    if (rampPerS > 0) await sleep((index / rampPerS) * 1000);
    while (performance.now() < endAt) {
      const t0 = performance.now();
      const res = await pool.request({ path: url.pathname, method: 'POST', headers, body });
      let first = -1;
      let done = false;
      let pending = '';
      await new Promise((resolve, reject) => {
        res.body.on('data', (chunk) => {
          const at = performance.now();
          if (first < 0 && config.collectTtft) {
            // First read carrying non-empty content (the role chunk's content is "").
            const i = chunk.indexOf(CONTENT);
            if (i >= 0 && chunk[i + CONTENT.length] !== 0x22) first = at;
          }
          if (json) {
            pending += chunk.toString('utf8');
            let cut;
            while ((cut = pending.indexOf('\n\n')) >= 0) {
              const event = pending.slice(0, cut);
              pending = pending.slice(cut + 2);
              const data = event.startsWith('data: ') ? event.slice(6) : '';
              if (data === '[DONE]') done = true;
              else if (data !== '') JSON.parse(data);
            }
          } else if (chunk.indexOf(DONE) >= 0) done = true;
        });
        res.body.on('end', resolve);
        res.body.on('error', reject);
      });
      if (!done) throw new Error('stream without [DONE]');
      all += 1;
      if (t0 >= measureFrom && performance.now() <= endAt) completed += 1;
      if (config.collectTtft && first >= 0 && t0 >= measureFrom) {
        ttft.push({ id: res.headers['x-mock-request-id'], firstEpochMs: performance.timeOrigin + first, t0 });
      }
    }
  }
  await Promise.all(Array.from({ length: config.users }, (_, i) => user(i)));
  await pool.close();
  return { kind: config.kind, rps: completed / config.durationS, completed, all, ttft: config.collectTtft ? ttft : undefined };
}

/** Open loop without the engine: each arrival's lag (dispatch time - planned time) under one pacing. */
async function runOpenBare() {
  const { nextPaceStep, TIMER_PER_ARRIVAL, POLLING, SLEEPING } = await import('../dist/engine/pacer.js');
  const pacing = { timer: TIMER_PER_ARRIVAL, poll: POLLING, sleep: SLEEPING }[config.pacing];
  const futex = new Int32Array(new SharedArrayBuffer(4));
  const pool = new Pool(url.origin, { connections: config.users, pipelining: 1 });
  const gapMs = 1000 / config.rate;
  const start = performance.now();
  const measureFrom = start + (config.warmupS ?? 1) * 1000;
  const endAt = measureFrom + config.durationS * 1000;
  const lag = [];
  let next = start + gapMs;
  let inFlight = 0;
  let all = 0;
  let failed = 0;
  let firstSendMs = Infinity;
  let lastSendMs = -Infinity;
  const finished = () => {
    inFlight -= 1;
    all += 1;
  };
  const failedOne = () => {
    failed += 1;
    finished();
  };
  function send(planned) {
    const now = performance.now();
    if (planned >= measureFrom) {
      lag.push(now - planned);
      if (now < firstSendMs) firstSendMs = now;
      lastSendMs = now;
    }
    inFlight += 1;
    pool.request({ path: url.pathname, method: 'POST', headers, body }).then((res) => res.body.text()).then(finished, failedOne);
  }
  await new Promise((resolve) => {
    function tick() {
      let now = performance.now();
      let slept = false;
      for (;;) {
        while (next <= now) {
          if (next >= endAt) return resolve();
          send(next);
          next += gapMs;
        }
        const step = nextPaceStep(next, performance.now(), pacing);
        if (step.kind === 'timer') return void setTimeout(tick, step.delayMs);
        if (step.kind === 'poll' || (step.kind === 'sleep' && slept)) return void setImmediate(tick);
        if (step.kind === 'sleep') {
          Atomics.wait(futex, 0, 0, step.ms);
          slept = true;
          now = performance.now();
          continue;
        }
        while ((now = performance.now()) < next);
      }
    }
    tick();
  });
  while (inFlight > 0) await sleep(5);
  await pool.close();
  return { kind: config.kind, pacing: config.pacing, sendRate: (lag.length - 1) / ((lastSendMs - firstSendMs) / 1000), lag, all, failed };
}

async function runEngine() {
  const { startLoad } = await import('../dist/engine/run-load.js');
  const { getAdapter } = await import('../dist/protocol/registry.js');
  const adapter = getAdapter('openai-chat');
  const normalized = adapter.normalizeRequest(JSON.parse(body), { model: 'mock-model', stream: true, headers: {} });
  const { recordedHeaderNames } = await import('../dist/model/gateway-headers.js');
  const target = {
    apiType: 'openai-chat', url: url.href, targetHost: `${url.origin}/v1`, apiPath: '/chat/completions', method: 'POST',
    headers: config.features === 'off' ? { ...headers, 'x-request-id': 'bench' } : headers,
    cookies: {}, model: 'mock-model', stream: true, body: normalized.body, insecure: false,
    timeoutMs: 120_000, idleTimeoutMs: 60_000, connectTimeoutMs: 10_000, notes: [], warnings: [],
    ...(config.features === 'all' ? { recordHeaders: recordedHeaderNames([]) } : {}),
  };
  const load = {
    name: 'bench', concurrentUsers: config.users, spawnRate: config.rampPerS ?? 1e9, durationS: config.durationS,
    warmupS: config.warmupS ?? 1, loadMode: 'fixed', step: null, rate: config.rate ?? null, arrival: config.arrival ?? 'poisson', maxRequests: null,
    workers: config.workers ?? 1, testData: '', successThreshold: 0.9, slo: [],
    // Sized prompts (bench/workload.bench.mjs): a WorkloadOptions object, or none for the fixed body.
    ...(config.workload === undefined ? {} : { workload: config.workload }),
  };
  const ttft = [];
  const rss = [];
  // Open loop (config.rate): each measured send's lag behind its planned time (queueMs) and when it went.
  const lag = [];
  let firstSendMs = Infinity;
  let lastSendMs = -Infinity;
  // Built before the baseline: the prompts (and the tokenizer that sized them) are not the run's memory.
  const scenarioSet = config.scenarios ? await buildScenarioSet(config.scenarios) : null;
  if (globalThis.gc) globalThis.gc();
  const rssBeforeMb = process.memoryUsage().rss / 1048576;
  const heapBeforeMb = process.memoryUsage().heapUsed / 1048576;
  const cpuRunStart = process.cpuUsage();
  const handle = startLoad({
    // TTFT runs follow in-flight streams to their end, as the bare loop does, so both measure the same requests.
    target, load, prompts: null, scenarioSet, gracefulStopMs: config.collectTtft ? 10_000 : 0, preloadTokenizer: config.preloadTokenizer ?? false,
    ...(config.rate !== undefined
      ? {
          onRecord: (record, meta) => {
            if (record.phase !== 'measure' || record.queueMs === null) return;
            lag.push(record.queueMs);
            if (meta.t0Ms < firstSendMs) firstSendMs = meta.t0Ms;
            if (meta.t0Ms > lastSendMs) lastSendMs = meta.t0Ms;
          },
        }
      : {}),
    ...(config.features === 'all' ? { requestIdHeader: 'x-mock-request-id' } : {}),
    ...(config.collectTtft
      ? {
          requestIdHeader: 'x-mock-request-id',
          onRecord: (record, meta) => {
            if (record.ok && record.phase === 'measure') {
              ttft.push({ id: meta.requestId, firstEpochMs: performance.timeOrigin + meta.t0Ms + record.ttftMs });
            }
          },
        }
      : {}),
  });
  let sampler = null;
  if (config.sampleRss) {
    sampler = setInterval(() => {
      // gcSamples: the live heap after a full collection, steadier than RSS for comparing two runs.
      if (config.gcSamples && globalThis.gc) globalThis.gc();
      const memory = process.memoryUsage();
      rss.push({ inFlight: handle.live().inFlight, rssMb: memory.rss / 1048576, heapMb: memory.heapUsed / 1048576 });
    }, 250);
  }
  const result = await handle.done;
  const cpuRun = process.cpuUsage(cpuRunStart);
  if (sampler) clearInterval(sampler);
  const snapshot = result.snapshot;
  const measuredS = (snapshot.lastMeasuredEndMs - snapshot.measureStartMs) / 1000;
  return {
    kind: 'engine',
    workers: load.workers,
    rps: snapshot.requests.ok / measuredS,
    ok: snapshot.requests.ok,
    all: result.outcome.finished,
    failed: snapshot.requests.failed,
    // CPU per request of the load alone (setup such as sizing prompts left out).
    runCpuMsPerRequest: (cpuRun.user + cpuRun.system) / 1000 / result.outcome.finished,
    generator: result.generator,
    preconnected: result.outcome.preconnected,
    ttft: config.collectTtft ? ttft : undefined,
    // Open loop: measured sends per second between the first and the last one, and their lags (ms).
    sendRate: config.rate === undefined ? undefined : (lag.length - 1) / ((lastSendMs - firstSendMs) / 1000),
    lag: config.rate === undefined ? undefined : lag,
    droppedArrivals: result.outcome.droppedArrivals,
    rssBeforeMb,
    heapBeforeMb,
    rss: config.sampleRss ? rss : undefined,
  };
}

async function runAutocannon() {
  const { default: autocannon } = await import('autocannon');
  const out = await autocannon({
    url: url.href, method: 'POST', headers, body, connections: config.users, pipelining: 1,
    duration: config.durationS,
  });
  return { kind: 'autocannon', rps: out.requests.average, non2xx: out.non2xx, errors: out.errors };
}

/** Weighted scenarios of sized prompts (16 distinct per scenario), as a profile's `sized` content makes them. */
async function buildScenarioSet(specs) {
  const { sizedPrompt } = await import('../dist/protocol/sized-prompt.js');
  const scenarios = specs.map(([name, weight, turns, inputTokens, followUpTokens]) => ({
    name,
    weight,
    turns,
    stream: null,
    maxOutputTokens: null,
    thinkTime: null,
    scripts: Array.from({ length: 16 }, (_, i) => ({
      first: { prompt: sizedPrompt(inputTokens, { seed: i + 1 }) },
      next: turns > 1 ? [sizedPrompt(followUpTokens, { seed: 1000 + i })] : [],
    })),
  }));
  return { scenarios, order: 'round-robin', seed: 1, replyCapChars: 16384 };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
