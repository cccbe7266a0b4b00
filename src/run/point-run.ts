import type { StopReason } from '../engine/stop-rules.js';
import type { CapabilityReport } from '../model/capability.js';
import type { RunPlan, TargetSpec } from '../model/plan.js';
import type { Summary } from '../model/summary.js';
import type { WorkloadOptions } from '../model/workload.js';
import { inputError } from '../failures/errors.js';
import { newRunId } from '../input/workload-options.js';
import { planTargets } from '../model/plan.js';
import { runLocal, type LocalRun } from './local.js';

/** One measured point of an experiment: a fixed load for a while, after a settle time left out as warmup. */
export interface PointLoad {
  users: number;
  /** Open loop (requests per second), users then cap concurrency; null: closed loop. */
  rate: number | null;
  settleS: number;
  durationS: number;
  outDir: string;
  name: string;
  /** The request to send instead of the plan's. */
  target?: TargetSpec;
  /** The workload instead of the plan's (a heatmap cell's prompt and answer sizes). */
  workload?: WorkloadOptions;
}

/**
 * An experiment measures one target: several (`--target`, `--targets`, a profile's targets) would each get
 * every point's load while the ladder, knee and answer read the baseline's figures alone, so they are refused.
 */
export function refuseSeveralTargets(plan: RunPlan, command: 'sweep' | 'heatmap'): void {
  if (planTargets(plan).length <= 1) return;
  throw inputError('USAGE', `${command} measures one target: --target/--targets (or a profile's targets) cannot be used with ${command}`, `run one ${command} per target with --url, or compare the targets at one load with \`llm-loadtest run --target …\``);
}

/**
 * The plan of one point: the experiment's target, SLOs and timeouts, with the load replaced by a fixed
 * one; every user starts at once (the settle time absorbs the start) and the pre-check is the experiment's.
 */
export function pointPlan(base: RunPlan, point: PointLoad): RunPlan {
  return {
    ...base,
    mode: 'local',
    target: point.target ?? base.target,
    load: {
      ...base.load,
      name: point.name,
      concurrentUsers: point.users,
      spawnRate: point.users,
      durationS: point.durationS,
      warmupS: point.settleS,
      loadMode: 'fixed',
      step: null,
      rate: point.rate,
      maxRequests: null,
      burst: null,
      // A profile's scenarios go to every point; its stages would be a load of their own.
      stages: null,
      // Each point a run id of its own: conversations restart from 0 in every point, and cache-bust tags and
      // request ids must not repeat across points.
      workload: point.workload ?? (base.load.workload ? { ...base.load.workload, runId: newRunId() } : null),
    },
    output: { ...base.output, outDir: point.outDir },
    skipPrecheck: true,
    warmupIsDefault: false,
  };
}

/** A point under way: its summary when done; stop() ends it early (what it measured is still written). */
export interface PointRun {
  done: Promise<Summary>;
  stop(reason?: StopReason): void;
}

/** `precheck`: the experiment's one pre-check (undefined when skipped), told to every point. */
export function startPoint(base: RunPlan, point: PointLoad, cwd: string, precheck: CapabilityReport | undefined): PointRun {
  const run: LocalRun = runLocal({ plan: pointPlan(base, point), cwd, tickMs: null, ...(precheck === undefined ? {} : { precheck }) });
  return { done: run.done.then((result) => result.summary), stop: (reason) => run.stop(reason ?? 'interrupted') };
}
