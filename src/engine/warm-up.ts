import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Recorder } from '../metrics/recorder.js';
import type { LoadOptions } from '../model/plan.js';
import type { ReplyPlan } from '../protocol/mock-types.js';
import { loadTokenizer } from '../protocol/tokens.js';
import type { ProtocolAdapter } from '../protocol/types.js';
import { LoadThread, type LoadRunOptions } from './load-thread.js';
import { ownedShare } from './partition.js';
import { peakUsers } from './schedule.js';

/**
 * Before the clock starts, a thread that will hold many streams runs a short load of its own against a
 * server inside this thread that answers in the target API's wire format (written by the adapter's mock
 * side). The per-read and per-request code (undici's, the users', the parser's, the recorder's) is then
 * compiled, and every lazy set-up done, before the first measured request. Cold, that code runs
 * interpreted through the first second of a run; with hundreds of streams starting at once, each slow
 * read delays the next reads' timestamps (bench/engine-ttft.bench.mjs, 500 streams started within 1 s: TTFT
 * error p90 over the first second about 3 ms cold, about 1 ms warm). Nothing reaches the target.
 */

/** Threads with fewer users skip it: a few streams do not queue behind each other's cold reads. */
export const WARM_UP_MIN_USERS = 64;
const WARM_UP_USERS = 32;
/** About 8,000 reads, enough for V8's optimizing compiler: 0.3-0.6 s on a 2-core machine, most of it cold code. */
const WARM_UP_REQUESTS = 128;
/** A bound in case our own server is slow to answer (it never waits on anything). */
const WARM_UP_MAX_S = 2;
/**
 * A run that paces arrivals (`--rate`, a trace) is warmed a second time as an open loop, so the pacer's and
 * the arrival queue's code is compiled too: 2,048 arrivals at 8,000/s, about a quarter of a second. A
 * 5,000 req/s run of short streams with no --warmup sent its first half second at about half the rate
 * (schedule lag p99 38-39 ms in three runs, verdict degraded) and caught up after; with this pass it kept
 * the rate from the start (2.0-2.7 ms, ok). 512 arrivals at 4,000/s were not enough (3.9-27 ms).
 */
const WARM_UP_RATE = 8000;
const WARM_UP_ARRIVALS = 2048;
/** Short answers for the open-loop pass: it warms the pacing, the parsing was warmed by the first pass. */
const OPEN_LOOP_EVENTS = 8;
/** An open loop of this many arrivals per second or more (per thread) is warmed even with fewer users. */
const WARM_UP_MIN_RATE = 500;
const EVENTS_PER_ANSWER = 64;
/** Words of one token each in every encoding we count with, JSON-safe as they are. */
const WORDS = [' the', ' load', ' test', ' answer', ' is', ' here', ' and', ' it', ' streams', ' a', ' token', ' at', ' once', '.'];

export interface WarmUpResult {
  requests: number;
  failed: number;
  ms: number;
}

/** Whether this thread's run is one that gains from a warm-up: streamed answers, many users or a high rate. */
export function wantsWarmUp(options: LoadRunOptions): boolean {
  if (!options.target.stream || options.adapter.capabilities.streams === false) return false;
  const partition = options.partition ?? { index: 0, count: 1 };
  const rate = options.load.rate;
  return ownedShare(peakUsers(options.load), partition) >= WARM_UP_MIN_USERS || (rate !== null && rate / partition.count >= WARM_UP_MIN_RATE);
}

/** The run paces arrivals (an open loop): a --rate, or a trace replayed at its own times. */
function pacesArrivals(load: LoadOptions): boolean {
  return (load.burst ?? null) === null && (load.rate !== null || (load.workload?.trace ?? null) !== null);
}

/**
 * Run the warm-up when the thread wants one (null when not, or when it could not run: it only makes the
 * first second more exact, so a failure of its own, such as no file descriptor left for its server, must
 * not fail the run). With the tokenizer in use (a target without usage, or usage reconciled), every other
 * answer comes without usage, so counting is warmed too.
 */
export async function warmUp(options: LoadRunOptions): Promise<WarmUpResult | null> {
  if (!wantsWarmUp(options)) return null;
  try {
    return await runWarmUp(options);
  } catch {
    return null;
  }
}

async function runWarmUp(options: LoadRunOptions): Promise<WarmUpResult> {
  const start = performance.now();
  const counting = options.preloadTokenizer === true || options.reconcileUsage === true;
  if (counting) loadTokenizer(options.target.model);
  const passes = [{ load: warmUpLoad(null, WARM_UP_REQUESTS), events: EVENTS_PER_ANSWER }];
  if (pacesArrivals(options.load)) passes.push({ load: warmUpLoad(WARM_UP_RATE, WARM_UP_ARRIVALS), events: OPEN_LOOP_EVENTS });
  const total = { requests: 0, failed: 0 };
  const url = new URL(options.target.url);
  for (const pass of passes) {
    const server = await startAnswerServer(options.adapter, options.target.model, counting, pass.events);
    try {
      const thread = new LoadThread({
        target: { ...options.target, url: `${server.origin}${url.pathname}${url.search}` },
        load: pass.load,
        adapter: options.adapter,
        prompts: options.prompts,
        secrets: options.secrets ?? [],
        requestIdPrefix: 'warm-up',
        reconcileUsage: options.reconcileUsage ?? false,
      });
      try {
        await thread.prepare();
        const runStartMs = performance.now();
        const outcome = await thread.start(runStartMs, new Recorder({ runStartMs, slo: [] }));
        total.requests += outcome.finished;
        total.failed += outcome.failed;
      } finally {
        await thread.close();
      }
    } finally {
      await server.close();
    }
  }
  return { ...total, ms: performance.now() - start };
}

/** A closed loop of `requests` (rate null), or an open loop of that many arrivals at `rate` per second. */
function warmUpLoad(rate: number | null, requests: number): LoadOptions {
  return {
    name: 'warm-up',
    concurrentUsers: WARM_UP_USERS,
    spawnRate: Number.MAX_SAFE_INTEGER,
    durationS: WARM_UP_MAX_S,
    warmupS: 0,
    loadMode: 'fixed',
    step: null,
    rate,
    arrival: 'constant',
    maxRequests: requests,
    workers: 1,
    testData: '',
    successThreshold: 0,
    slo: [],
  };
}

interface AnswerServer {
  origin: string;
  close(): Promise<void>;
}

/** An HTTP server on loopback that answers every request with the same made-up stream, an event per write. */
async function startAnswerServer(adapter: ProtocolAdapter, model: string, alternate: boolean, events: number): Promise<AnswerServer> {
  const answers = [answerParts(adapter, model, true, events)];
  if (alternate) answers.push(answerParts(adapter, model, false, events));
  const contentType = adapter.capabilities.streamContentType ?? 'text/event-stream';
  let served = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts = answers[served % answers.length] as string[];
    served += 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
      let next = 0;
      // One event per event-loop turn, so the client reads them one by one as it would a real stream.
      const write = (): void => {
        if (res.destroyed) return;
        if (next === parts.length) {
          res.end();
          return;
        }
        res.write(parts[next] as string);
        next += 1;
        setImmediate(write);
      };
      write();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** One answer's writes: head, one per event, tail (empty parts left out). */
function answerParts(adapter: ProtocolAdapter, model: string, usage: boolean, events: number): string[] {
  const plan: ReplyPlan = {
    api: adapter.apiType,
    id: 'warm-up',
    model,
    created: 0,
    inputTokens: 16,
    reasoningTokens: 0,
    answerTokens: events,
    usageOutputTokens: events,
    chunkTokens: 1,
    finishReason: 'stop',
    roleChunk: true,
    streamUsage: usage,
    jsonUsage: usage,
  };
  const texts = Array.from({ length: events }, (_, i) => WORDS[i % WORDS.length] as string);
  const parts = adapter.mock.writeStream(plan, { texts, tokens: texts.map(() => 1), reasoningEvents: 0 });
  return [parts.head, ...parts.events, parts.tail].filter((part) => part !== '');
}
