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
const EVENTS_PER_ANSWER = 64;
/** Words of one token each in every encoding we count with, JSON-safe as they are. */
const WORDS = [' the', ' load', ' test', ' answer', ' is', ' here', ' and', ' it', ' streams', ' a', ' token', ' at', ' once', '.'];

export interface WarmUpResult {
  requests: number;
  failed: number;
  ms: number;
}

/** Whether this thread's run is one that gains from a warm-up: streamed answers, many users. */
export function wantsWarmUp(options: LoadRunOptions): boolean {
  if (!options.target.stream || options.adapter.capabilities.streams === false) return false;
  const partition = options.partition ?? { index: 0, count: 1 };
  return ownedShare(peakUsers(options.load), partition) >= WARM_UP_MIN_USERS;
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
  const server = await startAnswerServer(options.adapter, options.target.model, counting);
  try {
    const url = new URL(options.target.url);
    const thread = new LoadThread({
      target: { ...options.target, url: `${server.origin}${url.pathname}${url.search}` },
      load: warmUpLoad(options.load),
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
      return { requests: outcome.finished, failed: outcome.failed, ms: performance.now() - start };
    } finally {
      await thread.close();
    }
  } finally {
    await server.close();
  }
}

function warmUpLoad(load: LoadOptions): LoadOptions {
  return {
    name: 'warm-up',
    concurrentUsers: WARM_UP_USERS,
    spawnRate: Number.MAX_SAFE_INTEGER,
    durationS: WARM_UP_MAX_S,
    warmupS: 0,
    loadMode: 'fixed',
    step: null,
    rate: null,
    arrival: load.arrival,
    maxRequests: WARM_UP_REQUESTS,
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
async function startAnswerServer(adapter: ProtocolAdapter, model: string, alternate: boolean): Promise<AnswerServer> {
  const answers = [answerParts(adapter, model, true)];
  if (alternate) answers.push(answerParts(adapter, model, false));
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
function answerParts(adapter: ProtocolAdapter, model: string, usage: boolean): string[] {
  const plan: ReplyPlan = {
    api: adapter.apiType,
    id: 'warm-up',
    model,
    created: 0,
    inputTokens: 16,
    reasoningTokens: 0,
    answerTokens: EVENTS_PER_ANSWER,
    usageOutputTokens: EVENTS_PER_ANSWER,
    chunkTokens: 1,
    finishReason: 'stop',
    roleChunk: true,
    streamUsage: usage,
    jsonUsage: usage,
  };
  const texts = Array.from({ length: EVENTS_PER_ANSWER }, (_, i) => WORDS[i % WORDS.length] as string);
  const parts = adapter.mock.writeStream(plan, { texts, tokens: texts.map(() => 1), reasoningEvents: 0 });
  return [parts.head, ...parts.events, parts.tail].filter((part) => part !== '');
}
