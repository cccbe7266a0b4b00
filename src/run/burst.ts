import type { LoadHandle, RunLoadResult } from '../engine/run-load.js';
import type { StopReason } from '../engine/stop-rules.js';
import { summarizeBurst } from '../metrics/burst-stats.js';
import type { BurstOptions } from '../model/plan.js';
import type { BurstRound, BurstSummary, RequestRecord } from '../model/summary.js';

export interface BurstRoundsOptions {
  burst: BurstOptions;
  /** Start one round's load (rounds count from 1); `onRecord` gets each finished request of it. */
  startRound(round: number, onRecord: (record: RequestRecord) => void): LoadHandle;
  /** Called with the running round's stop, and with a stop for the pause between rounds. */
  onStoppable(stop: (reason: StopReason) => void): void;
  /** Whether the run was asked to stop (or could not write): no further round starts. */
  shouldStop(): boolean;
  onRequestDone(round: number, record: RequestRecord): void;
  onRoundDone(round: number, stats: BurstRound): void;
}

export interface BurstRoundsResult {
  /** Each round's load result, in order (at least one). */
  rounds: RunLoadResult[];
  records: RequestRecord[];
  burst: BurstSummary;
}

/** `--burst N --rounds R --pause S`: R bursts one after another, S seconds apart, unless stopped. */
export async function runBurstRounds(options: BurstRoundsOptions): Promise<BurstRoundsResult> {
  const { burst } = options;
  const rounds: RunLoadResult[] = [];
  const records: RequestRecord[] = [];
  const perRound: BurstRound[] = [];
  for (let round = 1; round <= burst.rounds; round += 1) {
    const roundRecords: RequestRecord[] = [];
    const handle = options.startRound(round, (record) => {
      roundRecords.push(record);
      options.onRequestDone(round, record);
    });
    options.onStoppable((reason) => handle.stop(reason));
    const result = await handle.done;
    rounds.push(result);
    for (const record of roundRecords) records.push(record);
    const stats = summarizeBurst(roundRecords);
    perRound.push(stats);
    options.onRoundDone(round, stats);
    if (round === burst.rounds || options.shouldStop() || result.outcome.stopReason === 'interrupted') break;
    await pause(burst.pauseS * 1000, options.onStoppable);
    if (options.shouldStop()) break;
  }
  return { rounds, records, burst: { ...burst, perRound, total: summarizeBurst(records) } };
}

/** Wait `ms`, ended early by a stop. */
function pause(ms: number, onStoppable: BurstRoundsOptions['onStoppable']): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    onStoppable(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
