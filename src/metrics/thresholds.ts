/**
 * The pass/fail checks of a run (exit 5 when any fails): the success rate against `--success-threshold`
 * (the LAMB script's rule: below 90% success is a failed test) and each `--slo` against the run's figure.
 * A check that has nothing to judge fails, and says why: a run that measured nothing has not passed. A
 * check on a metric the run could not measure at all (ITL without streaming) is `not_checked`: it neither
 * passes nor fails the run, and says why.
 */
import type { SloCheck } from '../model/plan.js';
import { isWithin } from './math.js';
import { latencyMetric } from '../model/metric-catalog.js';
import type { Summary, ThresholdCheck } from '../model/summary.js';

export interface ThresholdInput {
  ok: number;
  failed: number;
  successThreshold: number;
  slo: readonly SloCheck[];
  latency: Summary['latency'];
}

export function evaluateThresholds(input: ThresholdInput): Summary['thresholds'] {
  const checks = [checkSuccessRate(input), ...input.slo.map((slo) => checkSlo(slo, input.latency))];
  return { passed: checks.every((check) => check.result !== 'failed'), checks };
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
  check.result = check.passed ? 'passed' : 'failed';
  if (finished === 0) check.note = 'no measured request finished: nothing to judge, so the run fails';
  return check;
}

function checkSlo(slo: SloCheck, latency: Summary['latency']): ThresholdCheck {
  const metric = latencyMetric(slo.metric);
  const stats = latency[metric.key];
  const value = stats?.[slo.stat] ?? null;
  const check: ThresholdCheck = {
    name: slo.raw,
    value,
    limit: slo.limit,
    op: slo.op,
    passed: value !== null && isWithin(value, slo.op, slo.limit),
  };
  if (stats?.notMeasured !== undefined) {
    check.result = 'not_checked';
    check.note = `not checked: ${slo.metric} was not measured (${stats.notMeasured})`;
    return check;
  }
  check.result = check.passed ? 'passed' : 'failed';
  if (value === null) check.note = `no ${slo.metric} values: ${metric.noValuesWhy}`;
  return check;
}
