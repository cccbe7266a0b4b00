import type { RequestRecord } from '../model/summary.js';
import type { StopReason } from './stop-rules.js';

/** What the progress line shows; cheap to read once a second. */
export interface LiveStats {
  elapsedMs: number;
  totalMs: number;
  users: number;
  inFlight: number;
  started: number;
  finished: number;
  failed: number;
  /**
   * The sliding window the rates are read over: requests finished and output tokens of the successful
   * ones in the last LIVE_WINDOW_S seconds (the current, partial one included), and its length in ms.
   */
  windowFinished: number;
  windowOutputTokens: number;
  windowMs: number;
  /** The last TTFTs seen (ms), most recent last-ish: a ring copy. */
  recentTtftMs: number[];
  stopping: StopReason | null;
}

/** Seconds the live rates are averaged over: long enough not to flip with each burst of completions. */
const LIVE_WINDOW_S = 10;
const TTFT_RING = 256;

/**
 * One thread's running counts: requests started, in flight, finished and how, users, the last TTFTs, and
 * finishes and tokens per second of the last LIVE_WINDOW_S seconds (a ring of seconds). Updated per
 * request with no allocation; read into a LiveStats (and the run's outcome) when asked.
 */
export class LiveCounters {
  users = 0;
  started = 0;
  inFlight = 0;
  finished = 0;
  failed = 0;
  incomplete = 0;
  private readonly ttftRing = new Float64Array(TTFT_RING);
  private ttftCount = 0;
  /** Per second of the run (slot = second mod the ring's length): which second, finishes, tokens. */
  private readonly slotSecond = new Float64Array(LIVE_WINDOW_S).fill(-1);
  private readonly slotFinished = new Float64Array(LIVE_WINDOW_S);
  private readonly slotTokens = new Float64Array(LIVE_WINDOW_S);

  countStart(): void {
    this.started += 1;
    this.inFlight += 1;
  }

  /** A request ended `atMs` after the run's start. */
  countEnd(record: RequestRecord, atMs: number): void {
    this.inFlight -= 1;
    this.finished += 1;
    const second = Math.max(0, Math.floor(atMs / 1000));
    const slot = second % LIVE_WINDOW_S;
    if (this.slotSecond[slot] !== second) {
      this.slotSecond[slot] = second;
      this.slotFinished[slot] = 0;
      this.slotTokens[slot] = 0;
    }
    this.slotFinished[slot] = (this.slotFinished[slot] as number) + 1;
    if (record.ok) {
      this.slotTokens[slot] = (this.slotTokens[slot] as number) + (record.outputTokens ?? 0);
      if (record.ttftMs !== null) {
        this.ttftRing[this.ttftCount % TTFT_RING] = record.ttftMs;
        this.ttftCount += 1;
      }
    } else if (record.errorCategory === 'incomplete') {
      this.incomplete += 1;
    } else {
      this.failed += 1;
    }
  }

  read(elapsedMs: number, totalMs: number, stopping: StopReason | null): LiveStats {
    const count = Math.min(this.ttftCount, TTFT_RING);
    const current = Math.floor(elapsedMs / 1000);
    const first = Math.max(0, current - LIVE_WINDOW_S + 1);
    let windowFinished = 0;
    let windowOutputTokens = 0;
    for (let slot = 0; slot < LIVE_WINDOW_S; slot += 1) {
      const second = this.slotSecond[slot] as number;
      if (second < first || second > current) continue;
      windowFinished += this.slotFinished[slot] as number;
      windowOutputTokens += this.slotTokens[slot] as number;
    }
    return {
      elapsedMs,
      totalMs,
      users: this.users,
      inFlight: this.inFlight,
      started: this.started,
      finished: this.finished,
      failed: this.failed,
      windowFinished,
      windowOutputTokens,
      windowMs: Math.max(0, elapsedMs - first * 1000),
      recentTtftMs: Array.from(this.ttftRing.subarray(0, count)),
      stopping,
    };
  }
}
