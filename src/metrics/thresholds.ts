/**
 * The pass/fail checks of a run (exit 5 when any fails): the success rate against `--success-threshold`
 * (the LAMB script's rule: below 90% success is a failed test) and each `--slo` against the run's figure.
 * A check that has nothing to judge fails, and says why: a run that measured nothing has not passed.
 */
import type { SloCheck } from '../model/plan.js';
import { isWithin } from './math.js';
import type { LatencyStats, Summary, ThresholdCheck } from '../model/summary.js';

export interface ThresholdInput {
  ok: number;
  failed: number;
  successThreshold: number;
  slo: readonly SloCheck[];
  latency: Summary['latency'];
}

const LATENCY_KEY: Record<SloCheck['metric'], 'ttft' | 'ttfo' | 'itl' | 'e2e' | 'chunkGap'> = {
  ttft: 'ttft',
  ttfo: 'ttfo',
  itl: 'itl',
  e2e: 'e2e',
  chunk_gap: 'chunkGap',
};

const NO_DATA_WHY: Record<SloCheck['metric'], string> = {
  ttft: 'no successful measured request',
  ttfo: 'no successful request produced non-reasoning output',
  itl: 'no successful request had 2 or more output tokens',
  e2e: 'no successful measured request',
  chunk_gap: 'no request streamed 2 or more content chunks (or the figures were re-computed from results.jsonl, which does not keep chunk gaps)',
};

export function evaluateThresholds(input: ThresholdInput): Summary['thresholds'] {
  const checks = [checkSuccessRate(input), ...input.slo.map((slo) => checkSlo(slo, input.latency))];
  return { passed: checks.every((check) => check.passed), checks };
}

function checkSuccessRate(input: ThresholdInput): ThresholdCheck {
  const finished = input.ok + input.failed;
  const check: ThresholdCheck = {
    name: 'success_rate',
    value: finished === 0 ? null : input.ok / finished,
    limit: input.successThreshold,
    op: '>=',
    passed: finished > 0 && input.ok / finished >= input.successThreshold,
  };
  if (finished === 0) check.note = 'no measured request finished: nothing to judge, so the run fails';
  return check;
}

function checkSlo(slo: SloCheck, latency: Summary['latency']): ThresholdCheck {
  const stats: LatencyStats = latency[LATENCY_KEY[slo.metric]];
  const value = stats[slo.stat];
  const check: ThresholdCheck = {
    name: slo.raw,
    value,
    limit: slo.limit,
    op: slo.op,
    passed: value !== null && isWithin(value, slo.op, slo.limit),
  };
  if (value === null) check.note = `no ${slo.metric} values: ${NO_DATA_WHY[slo.metric]}`;
  return check;
}
