import type { Arrival } from '../model/plan.js';
import { Histogram } from '../metrics/histogram.js';
import type { ExecutorHost, LoadExecutor, ScheduleLag } from './load-executor.js';
import { ownedShare, type Partition } from './partition.js';
import { DISPATCHER, nextPaceStep } from './pacer.js';
import { createArrivalGaps } from './schedule.js';
import type { User } from './user.js';

/** Nothing ever wakes it: Atomics.wait on it is a sleep of a sub-millisecond timeout (src/engine/pacer.ts). */
const FUTEX = new Int32Array(new SharedArrayBuffer(4));

/** Queued arrivals past this many are compacted away once they are more than half the queue. */
const QUEUE_COMPACT_AFTER = 1024;
/**
 * Arrivals waiting for a user, at most (8 MB): past it an arrival is dropped and counted with those still
 * queued at the stop, so a rate far above what the target serves runs in bounded memory.
 */
const QUEUE_MAX = 1_000_000;

/**
 * Open loop: requests arrive at a rate (this thread's share of it), whatever the server's speed; the
 * users cap how many run at once, and arrivals with no free user wait in a queue (their wait is the
 * record's queueMs).
 */
export class OpenLoop implements LoadExecutor {
  private readonly host: ExecutorHost;
  private readonly partition: Partition;
  private readonly users: number;
  private readonly arrivalGapMs: () => number;
  private readonly idle: User[] = [];
  /** Planned send times of arrivals waiting for a user; those before `queueHead` are taken. */
  private queue: number[] = [];
  private queueHead = 0;
  private nextArrivalMs = 0;
  private dropped = 0;
  /** How late arrivals with a free user were sent (ms), from the measured window on: generator health. */
  private readonly lag = new Histogram();
  private measureFromMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  /** performance.now() when the tick last handed over to the event loop for one turn (-1: it did not). */
  private polledAtMs = -1;

  /**
   * `gaps`: the arrival gaps themselves (a replayed trace), instead of a rate; Infinity once there are no
   * more, and the run then ends when its max-requests are sent and answered.
   */
  constructor(host: ExecutorHost, rate: number, arrival: Arrival, users: number, partition: Partition, gaps?: () => number) {
    this.host = host;
    this.partition = partition;
    this.users = users;
    this.arrivalGapMs = gaps ?? createArrivalGaps(rate / partition.count, arrival, 0x9e3779b9 + partition.index);
  }

  get droppedArrivals(): number {
    return this.dropped;
  }

  /** The schedule lag over the measured window (p99 and max, ms), for the generator's verdict. */
  get scheduleLag(): ScheduleLag {
    return { p99Ms: this.lag.percentileMs(99), maxMs: this.lag.percentileMs(100) };
  }

  begin(runStartMs: number, warmupEndMs: number): void {
    this.measureFromMs = warmupEndMs;
    const { index, count } = this.partition;
    this.nextArrivalMs = runStartMs + this.arrivalGapMs();
    const cap = ownedShare(this.users, this.partition);
    for (let k = 0; k < cap; k += 1) this.idle.push(this.host.addUser(index + k * count));
    this.host.reportUsers(runStartMs);
    this.tick();
  }

  release(user: User): void {
    // Through the batcher: the turn's finished records are flushed once, not once per released user.
    if (this.queueHead < this.queue.length) this.host.queueSend(user, this.dequeue());
    else {
      this.idle.push(user);
      // No arrival is left (a trace ran out): the stop rules end the run once the last one is sent.
      if (this.nextArrivalMs === Number.POSITIVE_INFINITY) this.host.canSend(performance.now());
    }
  }

  finishDue(): void {
    this.cancelWake();
    this.tick();
  }

  halt(): void {
    this.cancelWake();
    this.dropped += this.queue.length - this.queueHead;
    this.queue = [];
    this.queueHead = 0;
  }

  /**
   * A bound field, not a closure per arrival: sends what is due, then waits for the next arrival as the
   * pacer says (a timer while it is far, short blocking sleeps between event-loop turns when it is near, a
   * spin for the last tens of microseconds; src/engine/pacer.ts says why).
   */
  private readonly tick = (): void => {
    this.timer = null;
    this.immediate = null;
    const host = this.host;
    let now = performance.now();
    // After a polled turn: how long the loop's other callbacks ran since (its reads, its answers).
    const busyMs = this.polledAtMs < 0 ? 0 : now - this.polledAtMs;
    this.polledAtMs = -1;
    let flushed = false;
    let slept = false;
    for (;;) {
      while (this.nextArrivalMs <= now) {
        if (!flushed) {
          host.beforeSends();
          flushed = true;
        }
        // Judged at the planned time: an arrival due before the end is sent even when the timer ran late.
        if (!host.canSend(this.nextArrivalMs)) return;
        const scheduled = this.nextArrivalMs;
        this.nextArrivalMs += this.arrivalGapMs();
        const user = this.idle.pop();
        if (user !== undefined) this.sendAt(user, scheduled);
        else if (this.queue.length - this.queueHead < QUEUE_MAX) this.queue.push(scheduled);
        else this.dropped += 1;
      }
      if (host.stopping !== null) return;
      if (this.nextArrivalMs === Number.POSITIVE_INFINITY) {
        // Nothing left to arrive: ask the stop rules now (max-requests ends a trace that is all sent).
        host.canSend(now);
        return;
      }
      const step = nextPaceStep(this.nextArrivalMs, performance.now(), DISPATCHER, busyMs);
      if (step.kind === 'timer') {
        this.timer = setTimeout(this.tick, step.delayMs);
        return;
      }
      // One sleep per turn at most: the reads that came in meanwhile are handled (and stamped) before the next.
      if (step.kind === 'poll' || (step.kind === 'sleep' && slept)) {
        this.polledAtMs = performance.now();
        this.immediate = setImmediate(this.tick);
        return;
      }
      if (step.kind === 'sleep') {
        Atomics.wait(FUTEX, 0, 0, step.ms);
        slept = true;
        now = performance.now();
        continue;
      }
      // The last 0.07 ms at most: a futex sleep would overshoot it (it wakes ~0.055 ms late).
      while ((now = performance.now()) < this.nextArrivalMs);
    }
  };

  private cancelWake(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /** The oldest queued arrival's planned time; only called with the queue not empty. */
  private dequeue(): number {
    const scheduled = this.queue[this.queueHead];
    this.queueHead += 1;
    if (this.queueHead > QUEUE_COMPACT_AFTER && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    // In range: release() checks queueHead < queue.length first.
    return scheduled as number;
  }

  private sendAt(user: User, scheduledAtMs: number): void {
    if (!this.host.canSend(scheduledAtMs)) {
      this.idle.push(user);
      return;
    }
    if (scheduledAtMs >= this.measureFromMs) this.lag.record(performance.now() - scheduledAtMs);
    user.send(scheduledAtMs);
  }
}
