import type { LoadOptions } from '../model/plan.js';
import { measuredDurationS } from './schedule.js';

export type StopReason = 'duration' | 'max-requests' | 'interrupted';

/** What a stop request does: stop the run, bound a max-requests drain with the grace period, or nothing. */
export type StopEffect = 'stop' | 'bound-drain' | 'none';

/**
 * When a thread stops starting requests: the end of the duration, its share of `--max-requests`
 * (measured requests only), or a stop asked for from outside (Ctrl-C). Also which phase a start is in.
 */
export class StopRules {
  /** Why the run is stopping, null while it runs. */
  private stopReason: StopReason | null = null;
  private warmupEnd = 0;
  private end = 0;
  private measuredStarted = 0;
  private readonly maxMeasured: number | null;

  /** `maxMeasured`: this thread's share of `--max-requests`, or null. */
  constructor(maxMeasured: number | null) {
    this.maxMeasured = maxMeasured;
  }

  get reason(): StopReason | null {
    return this.stopReason;
  }

  get warmupEndMs(): number {
    return this.warmupEnd;
  }

  get endMs(): number {
    return this.end;
  }

  /**
   * Set the clock for a run starting at `runStartMs`. Returns a stop asked for before the start (Ctrl-C
   * while connecting), forgotten here so the caller can apply it once the run is under way.
   */
  arm(runStartMs: number, load: LoadOptions): StopReason | null {
    const early = this.stopReason;
    this.stopReason = null;
    this.warmupEnd = runStartMs + load.warmupS * 1000;
    this.end = this.warmupEnd + measuredDurationS(load) * 1000;
    return early;
  }

  /** The phase of a request starting at `atMs`, counted toward max-requests when measured. */
  phaseOf(atMs: number): 'warmup' | 'measure' {
    if (atMs < this.warmupEnd) return 'warmup';
    this.measuredStarted += 1;
    return 'measure';
  }

  /** The rule a request starting at `nowMs` would break, or null when it may start. */
  breach(nowMs: number): StopReason | null {
    if (nowMs >= this.end) return 'duration';
    if (this.maxMeasured !== null && nowMs >= this.warmupEnd && this.measuredStarted >= this.maxMeasured) {
      return 'max-requests';
    }
    return null;
  }

  /** Take a stop request. Only the first stops the run; a Ctrl-C during a max-requests drain still bounds the wait. */
  request(reason: StopReason): StopEffect {
    if (this.stopReason === null) {
      this.stopReason = reason;
      return 'stop';
    }
    return reason === 'interrupted' && this.stopReason === 'max-requests' ? 'bound-drain' : 'none';
  }

  /** Whether requests still running get only the grace period (after max-requests they finish). */
  get drainBounded(): boolean {
    return this.stopReason !== 'max-requests';
  }
}
