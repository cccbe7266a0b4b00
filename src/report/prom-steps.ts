import type { StepPercentiles, StepResult } from '../model/summary.js';

/**
 * metrics.prom's per-step series of a stepped run (docs/metrics.md "Per-step results"): gauges labelled
 * with the step and its users, latencies as summaries of the step's exact percentiles (seconds). Empty for
 * any other run, so its file keeps the same series as before.
 */
export function renderStepSeries(steps: readonly StepResult[] | undefined): string[] {
  if (steps === undefined || steps.length === 0) return [];
  const out: string[] = [];
  const family = (name: string, type: string, help: string): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const labelsOf = (step: StepResult): string => `step="${step.step}",users="${step.users}"`;
  const gauges: Array<[string, string, (step: StepResult) => number | null]> = [
    ['llm_loadtest_step_requests_per_second', 'Per step: successful requests per second of its counted span.', (s) => s.rps],
    ['llm_loadtest_step_output_tokens_per_second', 'Per step: output tokens per second of its counted span.', (s) => s.outputTokensPerSecond],
    ['llm_loadtest_step_goodput_requests_per_second', 'Per step: requests meeting every SLO per second (NaN without --slo).', (s) => s.goodput],
    ['llm_loadtest_step_failed_requests', 'Per step: failed requests sent in its counted span.', (s) => s.requests.failed],
    ['llm_loadtest_step_settle_seconds', 'Per step: seconds left out at its start while its users settle.', (s) => s.settleS],
  ];
  for (const [name, help, value] of gauges) {
    family(name, 'gauge', help);
    for (const step of steps) out.push(`${name}{${labelsOf(step)}} ${formatValue(value(step))}`);
  }
  const latencies: Array<['ttft' | 'itl' | 'e2e', string]> = [
    ['ttft', 'time to first token'],
    ['itl', 'inter-token latency'],
    ['e2e', 'end-to-end latency'],
  ];
  for (const [key, words] of latencies) {
    const name = `llm_loadtest_step_${key}_seconds`;
    family(name, 'gauge', `Per step: exact percentiles (nearest rank) of the ${words} of its successful requests.`);
    for (const step of steps) out.push(...quantileLines(name, labelsOf(step), step[key]));
  }
  return out;
}

function quantileLines(name: string, labels: string, p: StepPercentiles): string[] {
  const toS = (ms: number | null): string => formatValue(ms === null ? null : ms / 1000);
  return [`${name}{${labels},quantile="0.5"} ${toS(p.p50)}`, `${name}{${labels},quantile="0.95"} ${toS(p.p95)}`, `${name}{${labels},quantile="0.99"} ${toS(p.p99)}`];
}

function formatValue(v: number | null): string {
  return v === null || Number.isNaN(v) ? 'NaN' : String(v);
}
