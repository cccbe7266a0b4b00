import type { StepPercentiles, StepResult } from '../model/summary.js';
import * as format from '../text/format.js';

/**
 * The per-step table the console and the page share: one row of cells per step, and the heads. A
 * latency cell is "p50/p95/p99" in ms, so the three metrics fit one terminal line.
 */
export interface StepsTable {
  heads: string[];
  rows: string[][];
  /** The settle time in words, for the line under the table. */
  settleNote: string;
}

const WRITTEN: format.NumberStyle = { rounding: 'written' };

export function buildStepsTable(steps: readonly StepResult[]): StepsTable {
  const withGoodput = steps.some((step) => step.goodput !== null);
  const staged = steps.some((step) => step.rate !== undefined);
  const heads = ['step', staged ? 'rate (users)' : 'users', 'from–to s', 'ok', 'failed', 'req/s', 'out tok/s', 'TTFT p50/95/99', 'ITL p50/95/99', 'E2E p50/95/99'];
  if (withGoodput) heads.push('goodput');
  const rows = steps.map((step) => {
    const cells = [
      step.sustain ? `${step.step} (sustain)` : String(step.step),
      step.rate === undefined ? format.formatCount(step.users, WRITTEN) : `@${format.formatNumber(step.rate, 2, WRITTEN)}/s (≤${format.formatCount(step.users, WRITTEN)})`,
      `${format.formatNumber(step.startS, 1, WRITTEN)}–${format.formatNumber(step.endS, 1, WRITTEN)}`,
      format.formatCount(step.requests.ok, WRITTEN),
      format.formatCount(step.requests.failed, WRITTEN),
      format.formatNumber(step.rps, 2, WRITTEN),
      format.formatNumber(step.outputTokensPerSecond, 1, WRITTEN),
      formatTriple(step.ttft),
      formatTriple(step.itl),
      formatTriple(step.e2e),
    ];
    if (withGoodput) cells.push(step.goodput === null ? '-' : format.formatNumber(step.goodput, 2, WRITTEN));
    return cells;
  });
  return { heads, rows, settleNote: describeSettle(steps) };
}

function formatTriple(p: StepPercentiles): string {
  return [p.p50, p.p95, p.p99].map((ms) => (ms === null ? '-' : format.formatMs(ms, 'brief', WRITTEN))).join('/');
}

/** "the first 2 s of each step" or, when the steps differ (a short sustain), each one's. */
function describeSettle(steps: readonly StepResult[]): string {
  const settles = [...new Set(steps.map((step) => step.settleS))];
  if (settles.length === 1 && settles[0] === 0) return 'stages count every measured request sent in them (they sum to the totals); latencies of successful requests, exact (nearest rank)';
  const which = settles.length === 1 ? `the first ${format.formatNumber(settles[0] as number, 1, WRITTEN)} s of each step` : 'the first min(2 s, 20% of the step) of each step';
  return `${which} left out while its users settle; requests counted by when they were sent; latencies of successful requests, exact (nearest rank)`;
}
