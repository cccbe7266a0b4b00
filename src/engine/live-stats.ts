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
  /** The last TTFTs seen (ms), most recent last-ish: a ring copy. */
  recentTtftMs: number[];
  stopping: StopReason | null;
}

const TTFT_RING = 256;

/**
 * One thread's running counts: requests started, in flight, finished and how, users, the last TTFTs.
 * Updated per request with no allocation; read into a LiveStats (and the run's outcome) when asked.
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

  countStart(): void {
    this.started += 1;
    this.inFlight += 1;
  }

  countEnd(record: RequestRecord): void {
    this.inFlight -= 1;
    this.finished += 1;
    if (record.ok) {
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
    return {
      elapsedMs,
      totalMs,
      users: this.users,
      inFlight: this.inFlight,
      started: this.started,
      finished: this.finished,
      failed: this.failed,
      recentTtftMs: Array.from(this.ttftRing.subarray(0, count)),
      stopping,
    };
  }
}
