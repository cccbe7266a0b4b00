import type { StepResult, Summary } from '../model/summary.js';
import { formatBySize, formatCount } from '../text/format.js';

/**
 * Two stepped runs' steps side by side (docs/cli.md, the compare command): steps are paired by
 * their position and users, so a capacity change shows where it happens. Shown for context, never gating
 * (each step has far fewer requests than the run, so its noise is wider).
 */
export interface StepComparison {
  step: number;
  users: number;
  sustain: boolean;
  rps: [number, number];
  outputTokensPerSecond: [number, number];
  ttftP95Ms: [number | null, number | null];
  e2eP95Ms: [number | null, number | null];
  failed: [number, number];
}

/** The paired steps, or undefined unless both runs have steps; pairing stops at the first step whose users differ. */
export function compareSteps(baseline: Summary, candidate: Summary): StepComparison[] | undefined {
  const [b, c] = [baseline.steps, candidate.steps];
  if (b === undefined || c === undefined || b.length === 0 || c.length === 0) return undefined;
  const pairs: StepComparison[] = [];
  for (let i = 0; i < Math.min(b.length, c.length); i += 1) {
    const [x, y] = [b[i] as StepResult, c[i] as StepResult];
    if (x.users !== y.users || x.sustain !== y.sustain) break;
    pairs.push({
      step: x.step,
      users: x.users,
      sustain: x.sustain,
      rps: [x.rps, y.rps],
      outputTokensPerSecond: [x.outputTokensPerSecond, y.outputTokensPerSecond],
      ttftP95Ms: [x.ttft.p95, y.ttft.p95],
      e2eP95Ms: [x.e2e.p95, y.e2e.p95],
      failed: [x.requests.failed, y.requests.failed],
    });
  }
  return pairs;
}

/** The per-step lines of the comparison table: "baseline → candidate" per figure. */
export function renderStepComparison(steps: readonly StepComparison[] | undefined): string[] {
  if (steps === undefined) return [];
  if (steps.length === 0) return ['', 'Per step: the runs\' steps differ (users), not compared'];
  const pair = ([a, b]: [number | null, number | null]): string => `${formatBySize(a, { grouping: false })} → ${formatBySize(b, { grouping: false })}`;
  const header = ['step', 'users', 'req/s', 'out tok/s', 'TTFT p95 (ms)', 'E2E p95 (ms)', 'failed'];
  const rows = steps.map((s) => [s.sustain ? `${s.step} (sustain)` : String(s.step), String(s.users), pair(s.rps), pair(s.outputTokensPerSecond), pair(s.ttftP95Ms), pair(s.e2eP95Ms), `${formatCount(s.failed[0])} → ${formatCount(s.failed[1])}`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return ['', 'Per step (baseline → candidate; shown for context, does not gate)', line(header), ...rows.map(line), ''];
}
