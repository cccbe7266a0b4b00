import type { Dispatcher } from 'undici';
import { TRANSPORT_FAILURE_CATEGORIES } from '../failures/categories.js';
import type { LoadOptions, TargetSpec } from '../model/plan.js';
import type { RequestRecord } from '../model/summary.js';
import { keepsReplies, type ScenarioSet } from '../model/scenarios.js';
import { maskText } from '../text/mask.js';
import { streamContentTypeOf } from '../protocol/registry.js';
import { countPromptTokens, loadTokenizer } from '../protocol/tokens.js';
import type { PromptItem, ProtocolAdapter } from '../protocol/types.js';
import { isSynthetic } from '../model/workload.js';
import { RoundRobinBodies, type BodySource } from './body-source.js';
import { BurstExecutor } from './burst.js';
import { ClosedLoop } from './closed-loop.js';
import { ConversationSource } from './conversations.js';
import { scenarioBody } from './scenario-body.js';
import { LiveCounters, type LiveStats } from './live-stats.js';
import type { ExecutorHost, LoadExecutor, ScheduleLag } from './load-executor.js';
import { OpenLoop } from './open-loop.js';
import { ownedShare, type Partition } from './partition.js';
import { createStagedArrivalGaps, peakUsers } from './schedule.js';
import { createConnectionPool, prepareRequest, type ConnectionPool, type PreparedRequest } from './send.js';
import { StopRules, type StopReason } from './stop-rules.js';
import { SizedBodies, TraceBodies } from './synthetic-bodies.js';
import { TurnBatcher } from './turn-batcher.js';
import { User, type UserHost } from './user.js';

/** The part of the metrics Recorder (src/metrics/recorder.ts) the engine feeds. */
export interface LoadRecorder {
  startMeasuring(atMs: number): void;
  setUsers(n: number, atMs: number): void;
  recordStart(atMs: number, phase: 'warmup' | 'measure'): void;
  recordChunkGaps(gaps: Float64Array, count: number): void;
  recordRequest(record: RequestRecord, endAtMs: number, startAtMs: number): void;
  stopSending(atMs: number): void;
  recordBackoff(waitMs: number): void;
}

export interface RecordMeta {
  /** The `requestIdHeader` response header, when asked for. */
  requestId: string | null;
  /** performance.now() at send and at the end of the response (this thread's clock). */
  t0Ms: number;
  endAtMs: number;
}

export interface LoadRunOptions {
  target: TargetSpec;
  load: LoadOptions;
  adapter: ProtocolAdapter;
  prompts: readonly PromptItem[] | null;
  /** Scenarios of conversations (a profile, --turns, a conversations dataset); null: the bodies in turn. */
  scenarioSet?: ScenarioSet | null;
  /** This thread's share of the users: ids i with i % count === index (worker threads). */
  partition?: Partition;
  /** Called once per finished request, in finishing order (results.jsonl). */
  onRecord?: (record: RequestRecord, meta: RecordMeta) => void;
  /** How long in-flight requests may finish after the run stops (duration end, Ctrl-C). */
  gracefulStopMs?: number;
  /** Open one connection per user before the run starts (default true). */
  preconnect?: boolean;
  /**
   * Build the tokenizer before the run starts: the target may report no usage (or its usage is
   * reconciled), and building it inside the run would stall the event loop (and every TTFT) for half a
   * second or more.
   */
  preloadTokenizer?: boolean;
  /** Count the text of answers whose usage the server reported, to reconcile the two (needs the tokenizer). */
  reconcileUsage?: boolean;
  requestIdHeader?: string | null;
  /** What each `x-request-id` starts with (default the run id): one per target when several run at once. */
  requestIdPrefix?: string;
  /** Secret values to mask in error messages. */
  secrets?: readonly string[];
  /** A generator-side failure (EMFILE, EADDRNOTAVAIL): health counts them apart. */
  onGeneratorError?: () => void;
  /** Before each batch of sends: write the records finished so far (results.jsonl). */
  flushRecords?: () => void;
  /** Measurement starts (the warmup is over): generator health watches from here. */
  onMeasureStart?: () => void;
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
  /** Open loop: how late arrivals with a free user were sent (generator health); null otherwise. */
  scheduleLag: ScheduleLag | null;
  /** Connections opened before the start. */
  preconnected: number;
  /** performance.now() when measurement started and when the last request ended. */
  measureStartMs: number;
  endedAtMs: number;
}

const DEFAULT_GRACE_MS = 5000;
const TIMEOUT_SWEEP_MS = 200;
/**
 * After a transport-level failure (no HTTP answer: refused, reset, DNS, TLS) a user waits before it goes
 * again: BACKOFF_BASE_MS doubled per failure in a row, capped at BACKOFF_MAX_MS, with full jitter in its
 * upper half so users do not retry in step. A down target then gets a few attempts per user and second,
 * not a busy loop.
 */
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 5000;
/**
 * Counting an answer's text costs about 30 µs per 512 tokens: every answer of the first RECONCILE_ALL per
 * thread is counted, then one in RECONCILE_EVERY, so a run of thousands of requests per second pays little.
 */
const RECONCILE_ALL = 256;
const RECONCILE_EVERY = 16;
const TRANSPORT_CATEGORIES: ReadonlySet<string> = new Set(TRANSPORT_FAILURE_CATEGORIES);
/** How long aborted requests get to report back before the run ends without them. */
const ABORT_SETTLE_MS = 1000;

/** A profile's rate stages: the arrival gaps at each stage's rate; undefined for a single --rate. */
function stagedGaps(load: LoadOptions, partition: Partition): (() => number) | undefined {
  const stages = load.stages ?? null;
  if (stages === null || stages.length === 0 || stages[0]?.rate === null) return undefined;
  return createStagedArrivalGaps(stages, load.warmupS * 1000, 1 / partition.count, load.arrival, 0x9e3779b9 + partition.index);
}

/** Until start() hands over the real one; nothing is recorded before that. */
const NO_RECORDER: LoadRecorder = {
  startMeasuring: () => undefined,
  setUsers: () => undefined,
  recordStart: () => undefined,
  recordChunkGaps: () => undefined,
  recordRequest: () => undefined,
  stopSending: () => undefined,
  recordBackoff: () => undefined,
};

/**
 * One thread's share of a local load test. It owns the connections and the users, and joins the jobs
 * of a run: an executor decides when requests start (closed or open loop), the stop rules when they no
 * longer may, the turn batcher when reads are parsed and users go again, the live counters what the
 * progress line shows. It also enforces the per-request timeout and the grace period after a stop.
 * `prepare()` opens the connections; `start(runStartMs, recorder)` runs to the end.
 */
export class LoadThread implements UserHost, ExecutorHost {
  readonly request: PreparedRequest;
  readonly adapter: ProtocolAdapter;
  readonly streamContentType: string;
  readonly timeOriginMs = performance.timeOrigin;
  readonly requestIdHeader: string | null;
  readonly requestIdPrefix: string;
  readonly recordHeaders: ReadonlySet<string> | null;
  private readonly reconcileUsage: boolean;
  private nextConversation: number;
  /** Answers with usage seen, for sampling the reconciliation. */
  private usageAnswers = 0;
  private readonly options: LoadRunOptions;
  private readonly load: LoadOptions;
  private readonly partition: Partition;
  private readonly connections: ConnectionPool;
  private readonly users: User[] = [];
  private readonly secrets: readonly string[];
  private readonly bodies: BodySource;
  private readonly conversations: ConversationSource | null;
  readonly hasScenarios: boolean;
  readonly keepsReplies: boolean;
  private readonly executor: LoadExecutor;
  private readonly rules: StopRules;
  /** A trace replay: ms from the run's start to its last send (sped up); null otherwise. */
  private readonly traceSpanMs: number | null;
  private readonly batcher: TurnBatcher;
  private readonly counters = new LiveCounters();
  private recorder: LoadRecorder = NO_RECORDER;
  private runStartMs = 0;
  private measuring = false;
  private measureStartMs = 0;
  private preconnected = 0;
  /** Weak: a conversation's bodies are each sent once and must not be kept alive by their count. */
  private readonly promptCounts = new WeakMap<Buffer, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private resolveRun: ((outcome: LoadOutcome) => void) | null = null;

  constructor(options: LoadRunOptions) {
    this.options = options;
    const load = options.load;
    this.load = load;
    this.adapter = options.adapter;
    this.streamContentType = streamContentTypeOf(options.adapter);
    this.partition = options.partition ?? { index: 0, count: 1 };
    this.requestIdHeader = options.requestIdHeader ?? null;
    const recordHeaders = options.target.recordHeaders ?? [];
    this.recordHeaders = recordHeaders.length === 0 ? null : new Set(recordHeaders);
    this.reconcileUsage = options.reconcileUsage ?? false;
    this.secrets = options.secrets ?? [];
    const workload = load.workload ?? null;
    this.requestIdPrefix = options.requestIdPrefix ?? workload?.runId ?? 'run';
    this.nextConversation = this.partition.index;
    // --output-tokens on the given body or prompts: one length, set once in every body.
    const fixedOutput = workload !== null && !isSynthetic(workload) && workload.outputTokens !== null ? workload.outputTokens.mean : null;
    this.request = prepareRequest(
      options.target,
      options.adapter,
      options.prompts,
      fixedOutput === null ? null : { tokens: fixedOutput, exact: workload?.ignoreEos ?? false },
    );
    const trace = workload?.trace ?? null;
    this.traceSpanMs = trace === null ? null : (trace.requests[trace.requests.length - 1]?.atMs ?? 0) / trace.speedup;
    const traceBodies = workload !== null && trace !== null ? new TraceBodies(options.target, options.adapter, workload, this.partition, options.requestIdPrefix) : null;
    this.bodies =
      traceBodies ??
      (workload !== null && isSynthetic(workload)
        ? new SizedBodies(options.target, options.adapter, workload, this.partition, options.requestIdPrefix)
        : new RoundRobinBodies(this.request.bodies, this.partition, fixedOutput));
    const scenarioSet = options.scenarioSet ?? null;
    this.conversations =
      scenarioSet === null
        ? null
        : new ConversationSource(
            scenarioSet,
            options.adapter,
            this.partition,
            (scenario) => scenarioBody(options.target, options.adapter, scenario),
            () => this.newConversation(),
          );
    this.hasScenarios = scenarioSet !== null;
    this.keepsReplies = scenarioSet !== null && keepsReplies(scenarioSet);
    this.rules = new StopRules(load.maxRequests === null ? null : ownedShare(load.maxRequests, this.partition));
    this.batcher = new TurnBatcher(this);
    this.executor =
      load.burst !== undefined && load.burst !== null
        ? new BurstExecutor(this, load.burst.users, this.partition)
        : traceBodies !== null && trace !== null
          ? new OpenLoop(this, 1, 'constant', load.concurrentUsers, this.partition, traceBodies.arrivalGaps(trace.speedup))
          : load.rate === null
            ? new ClosedLoop(this, load, this.partition)
            : new OpenLoop(this, load.rate, load.arrival, load.concurrentUsers, this.partition, stagedGaps(load, this.partition));
    const target = options.target;
    this.connections = createConnectionPool(this.request.origin, {
      connections: ownedShare(peakUsers(load), this.partition),
      insecure: target.insecure,
      connectTimeoutMs: target.connectTimeoutMs,
      headersTimeoutMs: target.timeoutMs,
      idleTimeoutMs: target.idleTimeoutMs,
    });
  }

  get dispatcher(): Dispatcher {
    return this.connections.pool;
  }

  get stopping(): StopReason | null {
    return this.rules.reason;
  }

  /** Open the connections the users will need, before anything is measured. */
  async prepare(): Promise<number> {
    if (this.options.preloadTokenizer === true || this.reconcileUsage) loadTokenizer(this.request.model);
    if (this.options.preconnect === false) return 0;
    this.preconnected = await this.connections.preconnect(ownedShare(peakUsers(this.load), this.partition));
    return this.preconnected;
  }

  /** Run from `runStartMs` (performance.now() of this thread) until a stop rule ends it. */
  start(runStartMs: number, recorder: LoadRecorder): Promise<LoadOutcome> {
    const stoppedEarly = this.rules.arm(runStartMs, this.load);
    this.recorder = recorder;
    this.runStartMs = runStartMs;
    const warmupEndMs = this.rules.warmupEndMs;
    const done = new Promise<LoadOutcome>((resolve) => {
      this.resolveRun = resolve;
    });
    if (this.load.warmupS <= 0) this.beginMeasuring(runStartMs);
    else this.at(warmupEndMs, () => this.beginMeasuring(warmupEndMs));
    this.at(this.rules.endMs, () => {
      if (this.rules.reason === null) this.executor.finishDue();
      this.stop('duration');
    });
    this.sweepTimer = setInterval(() => this.sweepTimeouts(), TIMEOUT_SWEEP_MS);
    if (stoppedEarly !== null) this.stop(stoppedEarly);
    else this.executor.begin(runStartMs, warmupEndMs);
    return done;
  }

  /** Stop starting requests; in-flight ones get the grace period (none for max-requests: they finish). */
  stop(reason: StopReason): void {
    const effect = this.rules.request(reason);
    if (effect === 'bound-drain') this.armGrace();
    if (effect !== 'stop') return;
    // The measured window ends when sending stops; after --max-requests it ends with the last completion.
    if (reason !== 'max-requests') this.recorder.stopSending(reason === 'duration' ? this.rules.endMs : performance.now());
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.executor.halt();
    this.batcher.dropSends();
    if (this.counters.inFlight === 0) {
      this.finishRun();
      return;
    }
    if (this.rules.drainBounded) this.armGrace();
  }

  live(): LiveStats {
    const boundMs = this.rules.endMs - this.runStartMs;
    return this.counters.read(
      Math.max(0, performance.now() - this.runStartMs),
      // A trace's duration is only a bound: its last send is when the load is planned to end.
      this.traceSpanMs === null ? boundMs : Math.min(boundMs, this.traceSpanMs),
      this.rules.reason,
    );
  }

  async close(): Promise<void> {
    await this.connections.close();
  }

  // UserHost -------------------------------------------------------------------------------------

  nextBody(conversation: number): Buffer {
    return this.bodies.next(conversation);
  }

  get bodyInputTokens(): number | null {
    return this.bodies.inputTokens;
  }

  get bodyOutputTokens(): number | null {
    return this.bodies.outputTokens;
  }

  newConversation(): number {
    const conversation = this.nextConversation;
    this.nextConversation += this.partition.count;
    return conversation;
  }

  nextScenarioBody(user: User): Buffer | null {
    const conversations = this.conversations;
    return conversations === null ? null : conversations.next(user);
  }

  /** A bound field: the parsers call it once per successful answer with usage. */
  readonly shouldReconcile = (): boolean => {
    if (!this.reconcileUsage) return false;
    this.usageAnswers += 1;
    return this.usageAnswers <= RECONCILE_ALL || this.usageAnswers % RECONCILE_EVERY === 0;
  };

  promptTokens(body: Buffer): number {
    let count = this.promptCounts.get(body);
    if (count === undefined) {
      count = countPromptTokens(JSON.parse(body.toString('utf8')) as Record<string, unknown>, this.request.model);
      this.promptCounts.set(body, count);
    }
    return count;
  }

  queueParse(user: User): void {
    this.batcher.queueParse(user);
  }

  beginRequest(atMs: number, plannedAtMs: number): 'warmup' | 'measure' {
    // An open-loop arrival belongs to the phase it was planned in: a backlog from the warmup sent after it
    // would otherwise count in the window, and the window would show more requests than the rate asked.
    const phase = this.rules.phaseOf(plannedAtMs >= 0 ? plannedAtMs : atMs);
    this.counters.countStart();
    this.recorder.recordStart(atMs, phase);
    return phase;
  }

  completeRequest(user: User, record: RequestRecord, endAtMs: number): void {
    const recorder = this.recorder;
    this.counters.countEnd(record, endAtMs - this.runStartMs);
    if (record.ok && record.phase === 'measure' && user.gapCount > 0) recorder.recordChunkGaps(user.gaps, user.gapCount);
    if (record.errorCategory === 'generator') this.options.onGeneratorError?.();
    recorder.recordRequest(record, endAtMs, user.t0);
    this.options.onRecord?.(record, { requestId: user.lastRequestId, t0Ms: user.t0, endAtMs });
    let thinkMs = 0;
    if (this.conversations !== null) {
      thinkMs = this.conversations.afterReply(user, record, user.replyText);
      user.replyText = null;
    }
    if (this.rules.reason !== null) {
      if (this.counters.inFlight === 0) this.finishRun();
      return;
    }
    if (record.errorCategory !== null && TRANSPORT_CATEGORIES.has(record.errorCategory)) {
      this.backOff(user);
      return;
    }
    user.transportFailures = 0;
    if (thinkMs > 0) this.thinkThenRelease(user, thinkMs);
    else this.executor.release(user);
  }

  /** The user thinks before its conversation's next turn: it is neither sending nor free for an arrival. */
  private thinkThenRelease(user: User, thinkMs: number): void {
    const dueMs = performance.now() + thinkMs;
    // Timers run on the loop's cached clock and may fire a little early: an early one waits again.
    const release = (): void => {
      if (performance.now() < dueMs) this.at(dueMs, release);
      else if (this.rules.reason === null) this.executor.release(user);
    };
    this.at(dueMs, release);
  }

  /** The user goes again only after its backoff (see BACKOFF_BASE_MS); the timer dies with a stop. */
  private backOff(user: User): void {
    user.transportFailures += 1;
    const ceilingMs = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(user.transportFailures - 1, 16));
    const waitMs = ceilingMs * (0.5 + Math.random() * 0.5);
    this.recorder.recordBackoff(waitMs);
    this.at(performance.now() + waitMs, () => {
      if (this.rules.reason === null) this.executor.release(user);
    });
  }

  mask(text: string): string {
    return maskText(text, this.secrets);
  }

  // ExecutorHost ---------------------------------------------------------------------------------

  addUser(id: number): User {
    const user = new User(id, this);
    this.users.push(user);
    this.counters.users += 1;
    return user;
  }

  reportUsers(atMs: number): void {
    this.recorder.setUsers(this.counters.users, atMs);
  }

  restUser(atMs: number): void {
    this.counters.users -= 1;
    this.reportUsers(atMs);
  }

  wakeUser(): void {
    this.counters.users += 1;
  }

  /** The stop rules, checked before every send. */
  canSend(nowMs: number): boolean {
    if (this.rules.reason !== null) return false;
    const breach = this.rules.breach(nowMs);
    if (breach === null) return true;
    this.stop(breach);
    return false;
  }

  queueSend(user: User, scheduledAtMs?: number): void {
    this.batcher.queueSend(user, scheduledAtMs);
  }

  beforeSends(): void {
    this.options.flushRecords?.();
  }

  at(atMs: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, Math.max(0, atMs - performance.now()));
    this.timers.add(timer);
  }

  // Plumbing -------------------------------------------------------------------------------------

  private beginMeasuring(atMs: number): void {
    if (this.measuring) return;
    this.measuring = true;
    this.measureStartMs = atMs;
    this.recorder.startMeasuring(atMs);
    this.options.onMeasureStart?.();
  }

  /**
   * After the grace period, requests still running are cut short; should any of them not report back
   * (a state that ignores the abort), the run ends anyway a moment later: a stop is never ignored.
   */
  private armGrace(): void {
    const grace = this.options.gracefulStopMs ?? DEFAULT_GRACE_MS;
    const timer = setTimeout(() => {
      for (const user of this.users) if (user.busy) user.abort('stop');
      const last = setTimeout(() => this.finishRun(), ABORT_SETTLE_MS);
      this.timers.add(last);
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
    const counters = this.counters;
    resolve({
      stopReason: this.rules.reason ?? 'duration',
      started: counters.started,
      finished: counters.finished,
      failed: counters.failed,
      incomplete: counters.incomplete,
      droppedArrivals: this.executor.droppedArrivals,
      scheduleLag: this.executor.scheduleLag,
      preconnected: this.preconnected,
      measureStartMs: this.measureStartMs,
      endedAtMs: performance.now(),
    });
  }
}
