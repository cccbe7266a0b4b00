import type { Dispatcher } from 'undici';
import type { LoadOptions, TargetSpec } from '../model/plan.js';
import type { RequestRecord } from '../model/summary.js';
import { maskText } from '../text/mask.js';
import { loadTokenizer } from '../protocol/tokens.js';
import type { PromptItem, ProtocolAdapter } from '../protocol/types.js';
import { createArrivalGaps, measuredDurationS, nextUserChangeS, peakUsers, usersAt } from './schedule.js';
import { createConnectionPool, prepareRequest, type ConnectionPool, type PreparedRequest } from './send.js';
import { User, type UserHost } from './user.js';

/** The part of the metrics Recorder (src/metrics/recorder.ts) the engine feeds. */
export interface LoadRecorder {
  startMeasuring(atMs: number): void;
  setUsers(n: number, atMs: number): void;
  recordStart(atMs: number, phase: 'warmup' | 'measure'): void;
  recordChunkGaps(gaps: Float64Array, count: number): void;
  recordRequest(record: RequestRecord, endAtMs: number): void;
}

export interface RecordMeta {
  /** The `requestIdHeader` response header, when asked for. */
  requestId: string | null;
  /** performance.now() at send and at the end of the response (this thread's clock). */
  t0Ms: number;
  endAtMs: number;
}

export type StopReason = 'duration' | 'max-requests' | 'interrupted';

export interface LoadRunOptions {
  target: TargetSpec;
  load: LoadOptions;
  adapter: ProtocolAdapter;
  prompts: readonly PromptItem[] | null;
  /** This thread's share of the users: ids i with i % count === index (worker threads). */
  partition?: { index: number; count: number };
  /** Called once per finished request, in finishing order (results.jsonl). */
  onRecord?: (record: RequestRecord, meta: RecordMeta) => void;
  /** How long in-flight requests may finish after the run stops (duration end, Ctrl-C). */
  gracefulStopMs?: number;
  /** Open one connection per user before the run starts (default true). */
  preconnect?: boolean;
  /**
   * Build the tokenizer before the run starts: the target may report no usage, and building it inside
   * the run would stall the event loop (and every TTFT) for half a second or more.
   */
  preloadTokenizer?: boolean;
  requestIdHeader?: string | null;
  /** Secret values to mask in error messages. */
  secrets?: readonly string[];
  /** A generator-side failure (EMFILE, EADDRNOTAVAIL): health counts them apart. */
  onGeneratorError?: () => void;
}

export interface LoadOutcome {
  stopReason: StopReason;
  /** Requests started / finished (any outcome) by this thread. */
  started: number;
  finished: number;
  failed: number;
  incomplete: number;
  /** Open loop: arrivals still queued when the run stopped (never sent). */
  droppedArrivals: number;
  /** Connections opened before the start. */
  preconnected: number;
  /** performance.now() when measurement started and when the last request ended. */
  measureStartMs: number;
  endedAtMs: number;
}

/** What the progress line shows; cheap to read once a second. */
export interface LiveStats {
  elapsedMs: number;
  totalMs: number;
  users: number;
  inFlight: number;
  started: number;
  finished: number;
  failed: number;
  /** The last TTFTs seen (ms), most recent last-ish: a ring copy. */
  recentTtftMs: number[];
  stopping: StopReason | null;
}

const DEFAULT_GRACE_MS = 5000;
const TIMEOUT_SWEEP_MS = 200;
const TTFT_RING = 256;

/**
 * One thread's share of a local load test: the shape (closed loop, stepped, open loop), the users, the
 * stop rules (duration, max requests, Ctrl-C with a grace period), and the per-request timeout.
 * `prepare()` opens the connections; `start(runStartMs, recorder)` runs to the end.
 */
export class LoadThread implements UserHost {
  readonly request: PreparedRequest;
  readonly adapter: ProtocolAdapter;
  readonly timeOriginMs = performance.timeOrigin;
  readonly requestIdHeader: string | null;
  private readonly options: LoadRunOptions;
  private readonly load: LoadOptions;
  private readonly partIndex: number;
  private readonly partCount: number;
  private readonly connections: ConnectionPool;
  private readonly users: User[] = [];
  private readonly secrets: readonly string[];
  private recorder: LoadRecorder | null = null;
  private bodyIndex = 0;
  private runStartMs = 0;
  private warmupEndMs = 0;
  private endMs = 0;
  private measuring = false;
  private measureStartMs = 0;
  private maxOwned: number | null;
  private measuredStarted = 0;
  private started = 0;
  private finished = 0;
  private failed = 0;
  private incomplete = 0;
  private inFlight = 0;
  private activeUsers = 0;
  private stopping: StopReason | null = null;
  private preconnected = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private pendingSends: User[] = [];
  private parseQueue: User[] = [];
  private parseScheduled = false;
  private draining = false;
  private sendScheduled = false;
  private readonly ttftRing = new Float64Array(TTFT_RING);
  private ttftCount = 0;
  private resolveRun: ((outcome: LoadOutcome) => void) | null = null;
  // Open loop.
  private readonly idle: User[] = [];
  private queue: number[] = [];
  private queueHead = 0;
  private nextArrivalMs = 0;
  private droppedArrivals = 0;
  private arrivalGap: (() => number) | null = null;

  constructor(options: LoadRunOptions) {
    this.options = options;
    this.load = options.load;
    this.adapter = options.adapter;
    this.partIndex = options.partition?.index ?? 0;
    this.partCount = options.partition?.count ?? 1;
    this.requestIdHeader = options.requestIdHeader ?? null;
    this.secrets = options.secrets ?? [];
    this.request = prepareRequest(options.target, options.adapter, options.prompts);
    this.bodyIndex = this.partIndex;
    this.maxOwned = options.load.maxRequests === null ? null : this.ownedShare(options.load.maxRequests);
    const target = options.target;
    this.connections = createConnectionPool(this.request.origin, {
      connections: this.ownedShare(peakUsers(this.load)),
      insecure: target.insecure,
      connectTimeoutMs: target.connectTimeoutMs,
      headersTimeoutMs: target.timeoutMs,
      idleTimeoutMs: target.idleTimeoutMs,
    });
  }

  get dispatcher(): Dispatcher {
    return this.connections.pool;
  }

  /** Open the connections the users will need, before anything is measured. */
  async prepare(): Promise<number> {
    if (this.options.preloadTokenizer === true) loadTokenizer(this.request.model);
    if (this.options.preconnect === false) return 0;
    this.preconnected = await this.connections.preconnect(this.ownedShare(peakUsers(this.load)));
    return this.preconnected;
  }

  /** Run from `runStartMs` (performance.now() of this thread) until a stop rule ends it. */
  start(runStartMs: number, recorder: LoadRecorder): Promise<LoadOutcome> {
    // A stop asked for before the start (Ctrl-C while connecting) ends the run as soon as it begins.
    const stoppedEarly = this.stopping;
    this.stopping = null;
    this.recorder = recorder;
    this.runStartMs = runStartMs;
    this.warmupEndMs = runStartMs + this.load.warmupS * 1000;
    this.endMs = this.warmupEndMs + measuredDurationS(this.load) * 1000;
    const done = new Promise<LoadOutcome>((resolve) => {
      this.resolveRun = resolve;
    });
    if (this.load.warmupS <= 0) this.beginMeasuring(runStartMs);
    else this.at(this.warmupEndMs, () => this.beginMeasuring(this.warmupEndMs));
    this.at(this.endMs, () => {
      // Open loop: arrivals planned before the end are sent first, even if their timer has not run yet.
      if (this.load.rate !== null && this.stopping === null) this.tickArrivals();
      this.stop('duration');
    });
    this.sweepTimer = setInterval(() => this.sweepTimeouts(), TIMEOUT_SWEEP_MS);
    if (stoppedEarly !== null) this.stop(stoppedEarly);
    else if (this.load.rate === null) this.applyShape();
    else this.startArrivals();
    return done;
  }

  /** Stop starting requests; in-flight ones get the grace period (none for max-requests: they finish). */
  stop(reason: StopReason): void {
    if (this.stopping !== null) {
      // A Ctrl-C during a max-requests drain still bounds the wait.
      if (reason === 'interrupted' && this.stopping === 'max-requests') this.armGrace();
      return;
    }
    this.stopping = reason;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.droppedArrivals += this.queue.length - this.queueHead;
    this.queue = [];
    this.queueHead = 0;
    this.pendingSends = [];
    if (this.inFlight === 0) {
      this.finishRun();
      return;
    }
    if (reason !== 'max-requests') this.armGrace();
  }

  live(): LiveStats {
    const count = Math.min(this.ttftCount, TTFT_RING);
    return {
      elapsedMs: Math.max(0, performance.now() - this.runStartMs),
      totalMs: this.endMs - this.runStartMs,
      users: this.activeUsers,
      inFlight: this.inFlight,
      started: this.started,
      finished: this.finished,
      failed: this.failed,
      recentTtftMs: Array.from(this.ttftRing.subarray(0, count)),
      stopping: this.stopping,
    };
  }

  async close(): Promise<void> {
    await this.connections.close();
  }

  // UserHost -------------------------------------------------------------------------------------

  nextBody(): Buffer {
    const bodies = this.request.bodies;
    const body = bodies[this.bodyIndex % bodies.length] as Buffer;
    this.bodyIndex += this.partCount;
    return body;
  }

  queueParse(user: User): void {
    this.parseQueue.push(user);
    if (this.parseScheduled) return;
    this.parseScheduled = true;
    setImmediate(this.drainParseQueue);
  }

  /** A bound field, not a closure per call: runs once per event-loop turn with reads. */
  private readonly drainParseQueue = (): void => {
    this.parseScheduled = false;
    const users = this.parseQueue;
    this.parseQueue = [];
    this.draining = true;
    for (const user of users) user.parsePending();
    this.draining = false;
    // Users whose streams were settled here go again now: their connections are back in the pool.
    if (this.pendingSends.length > 0) this.flushSends();
  };

  beginRequest(atMs: number): 'warmup' | 'measure' {
    const phase = atMs < this.warmupEndMs ? 'warmup' : 'measure';
    if (phase === 'measure') this.measuredStarted += 1;
    this.started += 1;
    this.inFlight += 1;
    (this.recorder as LoadRecorder).recordStart(atMs, phase);
    return phase;
  }

  completeRequest(user: User, record: RequestRecord, endAtMs: number): void {
    const recorder = this.recorder as LoadRecorder;
    this.inFlight -= 1;
    this.finished += 1;
    if (record.ok) {
      if (record.phase === 'measure' && user.gapCount > 0) recorder.recordChunkGaps(user.gaps, user.gapCount);
      if (record.ttftMs !== null) {
        this.ttftRing[this.ttftCount % TTFT_RING] = record.ttftMs;
        this.ttftCount += 1;
      }
    } else if (record.errorCategory === 'incomplete') {
      this.incomplete += 1;
    } else {
      this.failed += 1;
      if (record.errorCategory === 'generator') this.options.onGeneratorError?.();
    }
    recorder.recordRequest(record, endAtMs);
    this.options.onRecord?.(record, { requestId: user.lastRequestId, t0Ms: user.t0, endAtMs });
    if (this.stopping !== null) {
      if (this.inFlight === 0) this.finishRun();
      return;
    }
    // Closed loop: the shapes only ever add users, so a user that finished simply goes again.
    if (this.load.rate === null) {
      this.queueSend(user);
      return;
    }
    if (this.queueHead < this.queue.length) this.sendAt(user, this.dequeue());
    else this.idle.push(user);
  }

  mask(text: string): string {
    return this.secrets.length === 0 ? text : maskText(text, this.secrets);
  }

  // Closed loop ----------------------------------------------------------------------------------

  /** Global users wanted at `nowMs` (all threads together). */
  private wantedUsers(nowMs: number): number {
    const shapeStartMs = this.load.loadMode === 'stepped' ? this.warmupEndMs : this.runStartMs;
    return usersAt((nowMs - shapeStartMs) / 1000, this.load);
  }

  /** Start the users the shape wants by now, and sleep until it wants more. */
  private applyShape(): void {
    if (this.stopping !== null) return;
    const now = performance.now();
    const wanted = this.wantedUsers(now);
    for (let id = this.partIndex + this.users.length * this.partCount; id < wanted; id += this.partCount) {
      const user = new User(id, this);
      this.users.push(user);
      this.activeUsers += 1;
      if (!this.canSend(now)) break;
      user.send();
    }
    (this.recorder as LoadRecorder).setUsers(this.activeUsers, now);
    const shapeStartMs = this.load.loadMode === 'stepped' ? this.warmupEndMs : this.runStartMs;
    const nextS = nextUserChangeS((now - shapeStartMs) / 1000, this.load);
    if (nextS !== null) this.at(shapeStartMs + nextS * 1000, () => this.applyShape());
  }

  private queueSend(user: User): void {
    this.pendingSends.push(user);
    if (this.sendScheduled || this.draining) return;
    this.sendScheduled = true;
    // Batched and after the response's callbacks: the connection is back in the pool by then.
    setImmediate(this.flushSends);
  }

  private readonly flushSends = (): void => {
    this.sendScheduled = false;
    const users = this.pendingSends;
    this.pendingSends = [];
    const now = performance.now();
    for (const next of users) {
      if (!this.canSend(now)) return;
      next.send();
    }
  };

  /** Max-requests and the end time, checked before every send. */
  private canSend(nowMs: number): boolean {
    if (this.stopping !== null) return false;
    if (nowMs >= this.endMs) {
      this.stop('duration');
      return false;
    }
    if (this.maxOwned !== null && nowMs >= this.warmupEndMs && this.measuredStarted >= this.maxOwned) {
      this.stop('max-requests');
      return false;
    }
    return true;
  }

  // Open loop ------------------------------------------------------------------------------------

  private startArrivals(): void {
    const rate = (this.load.rate as number) / this.partCount;
    this.arrivalGap = createArrivalGaps(rate, this.load.arrival, 0x9e3779b9 + this.partIndex);
    this.nextArrivalMs = this.runStartMs + this.arrivalGap();
    const cap = this.ownedShare(this.load.concurrentUsers);
    for (let k = 0; k < cap; k += 1) {
      const user = new User(this.partIndex + k * this.partCount, this);
      this.users.push(user);
      this.idle.push(user);
    }
    this.activeUsers = cap;
    (this.recorder as LoadRecorder).setUsers(cap, this.runStartMs);
    this.tickArrivals();
  }

  private tickArrivals(): void {
    const now = performance.now();
    const gap = this.arrivalGap as () => number;
    while (this.nextArrivalMs <= now) {
      // Judged at the planned time: an arrival due before the end is sent even when the timer ran late.
      if (!this.canSend(this.nextArrivalMs)) return;
      const scheduled = this.nextArrivalMs;
      this.nextArrivalMs += gap();
      const user = this.idle.pop();
      if (user === undefined) this.queue.push(scheduled);
      else this.sendAt(user, scheduled);
    }
    if (this.stopping === null) this.at(this.nextArrivalMs, () => this.tickArrivals());
  }

  private dequeue(): number {
    const scheduled = this.queue[this.queueHead] as number;
    this.queueHead += 1;
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return scheduled;
  }

  private sendAt(user: User, scheduledAtMs: number): void {
    if (!this.canSend(scheduledAtMs)) {
      this.idle.push(user);
      return;
    }
    user.send(scheduledAtMs);
  }

  // Plumbing -------------------------------------------------------------------------------------

  private beginMeasuring(atMs: number): void {
    if (this.measuring) return;
    this.measuring = true;
    this.measureStartMs = atMs;
    (this.recorder as LoadRecorder).startMeasuring(atMs);
  }

  /** Ids this thread owns among the first `total`. */
  private ownedShare(total: number): number {
    if (total <= this.partIndex) return 0;
    return Math.floor((total - 1 - this.partIndex) / this.partCount) + 1;
  }

  /** Run `fn` at `atMs` (performance.now() time). */
  private at(atMs: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, Math.max(0, atMs - performance.now()));
    this.timers.add(timer);
  }

  private armGrace(): void {
    const grace = this.options.gracefulStopMs ?? DEFAULT_GRACE_MS;
    const timer = setTimeout(() => {
      for (const user of this.users) if (user.busy) user.abort('stop');
    }, grace);
    this.timers.add(timer);
  }

  private sweepTimeouts(): void {
    const limit = performance.now() - this.options.target.timeoutMs;
    for (const user of this.users) if (user.busy && user.t0 < limit) user.abort('timeout');
  }

  private finishRun(): void {
    const resolve = this.resolveRun;
    if (resolve === null) return;
    this.resolveRun = null;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    if (!this.measuring) this.beginMeasuring(performance.now());
    resolve({
      stopReason: this.stopping ?? 'duration',
      started: this.started,
      finished: this.finished,
      failed: this.failed,
      incomplete: this.incomplete,
      droppedArrivals: this.droppedArrivals,
      preconnected: this.preconnected,
      measureStartMs: this.measureStartMs,
      endedAtMs: performance.now(),
    });
  }
}
