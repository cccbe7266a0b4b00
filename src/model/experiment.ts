/**
 * The shapes of the experiments built on runs (docs/experiments.md): a sweep's points and answers, and a
 * heatmap's cells. Shared by the run layer that measures them and the renderers that show them.
 */

/** What a sweep varies: closed-loop users, or an open-loop rate in requests per second. */
export type SweepKind = 'users' | 'rate';

/** One measured point of a sweep, from its run's summary (the settle time left out as warmup). */
export interface SweepPoint {
  /** Users, or requests per second offered. */
  load: number;
  /**
   * How the point came to be: a rung of the ladder, a probe narrowing the knee between two points
   * (`--bisect`), or a bisection of the SLO answer.
   */
  source: 'ladder' | 'knee' | 'bisect';
  /** Successful requests per second of the measured window. */
  rps: number;
  outputTokensPerSecond: number;
  ttftMs: { p50: number | null; p95: number | null; p99: number | null };
  e2eMs: { p50: number | null; p95: number | null; p99: number | null };
  requests: { ok: number; failed: number };
  /** failed / (ok + failed), 0 with no request. */
  errorRate: number;
  /** Requests per second meeting every SLO; null without --slo. */
  goodput: number | null;
  /** Every --slo check passed (null without --slo). */
  sloPassed: boolean | null;
  /** The point's run folder (summary.json, results.jsonl, report.html). */
  outDir: string;
  settleS: number;
  durationS: number;
}

/** Why the ladder stopped climbing. */
export type SweepStopReason = 'throughput-flat' | 'latency-exploded' | 'errors' | 'slo-failed' | 'max-load' | 'ladder-done' | 'budget' | 'interrupted';

/** The knee of the throughput curve, and the method that found it. */
export interface SweepKnee {
  /** null when every point still scaled (the knee is beyond the last point) or there were too few points. */
  load: number | null;
  method: string;
  /** In words: why this point (or why none). */
  detail: string;
}

/** The answer to "how much load keeps every SLO". */
export interface SweepSloAnswer {
  slo: string[];
  /** The largest load whose point met every SLO with every lighter point meeting them too; null when none did. */
  maxLoad: number | null;
  /** The lightest load that failed an SLO (the upper bracket); null when none failed. */
  firstFailingLoad: number | null;
  /**
   * --bisect was asked and the bracket is as narrow as bisection goes (1 user; rates: 10% of the lower
   * end), whichever points narrowed it (bisection or knee probes).
   */
  bisected: boolean;
  detail: string;
}

/** summary.json of a sweep folder. */
export interface SweepSummary {
  tool: string;
  version: string;
  kind: 'sweep';
  sweepOver: SweepKind;
  target: { url: string; apiType: string; model: string };
  startedAt: string;
  endedAt: string;
  /** The points in the order measured. */
  points: SweepPoint[];
  stop: { reason: SweepStopReason; detail: string };
  knee: SweepKnee;
  /** The point with the most goodput (with --slo) or throughput (without), null with no point. */
  best: { load: number; metric: 'goodput' | 'throughput'; value: number } | null;
  answer: SweepSloAnswer | null;
  budget: { budgetS: number | null; plannedS: number; spentS: number; plan: string };
}

/** One cell of a heatmap: one input size × one output size. */
export interface HeatmapCell {
  inputTokens: number;
  outputTokens: number;
  /** What was measured: the mean prompt and answer tokens of the successful requests (null: none). */
  measuredInputTokens: number | null;
  measuredOutputTokens: number | null;
  requests: { ok: number; failed: number };
  rps: number;
  outputTokensPerSecond: number;
  ttftMs: { p50: number | null; p95: number | null };
  e2eMs: { p50: number | null; p95: number | null };
  outDir: string;
}

/** summary.json of a heatmap folder. */
export interface HeatmapSummary {
  tool: string;
  version: string;
  kind: 'heatmap';
  target: { url: string; apiType: string; model: string };
  startedAt: string;
  endedAt: string;
  inputSizes: number[];
  outputSizes: number[];
  users: number;
  /** Cells row by row: each input size, then each output size. */
  cells: HeatmapCell[];
  /** How the sizes were made. */
  method: string;
  budget: { plannedS: number; spentS: number };
}
