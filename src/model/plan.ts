import type { ApiType } from './api.js';
import type { SloMetricId, StatId } from './metric-catalog.js';
import type { Stage, ScenariosPlan } from './scenarios.js';
import type { WorkloadOptions } from './workload.js';
import type { ServerMetricsPlan } from './server-metrics.js';

export interface NameValue {
  name: string;
  value: string;
}

/** A request as the user gave it (curl or flags), before classification and normalisation. */
export interface RequestSpec {
  source: 'curl' | 'flags';
  /** Absolute URL with scheme (a bare host gets http://, as curl does). */
  url: string;
  method: string;
  /** In the order given, names as given. */
  headers: NameValue[];
  cookies: NameValue[];
  /** Raw body text, undefined when none was given. */
  body: string | undefined;
  insecure: boolean;
  /** From curl -m/--max-time and --connect-timeout. */
  timeoutS?: number;
  connectTimeoutS?: number;
  /** Things we ignored or changed, said to the user (never silent). */
  warnings: string[];
}

/** The classified, normalised request that every mode sends. */
export interface TargetSpec {
  apiType: ApiType;
  /** What decided apiType, for the plan: "path /v1/chat/completions", "--api", "header anthropic-version". */
  classifiedBy?: string;
  /** Full URL with its query. */
  url: string;
  /** docs/platform.md's split: `https://h/v1` + `/chat/completions`. */
  targetHost: string;
  apiPath: string;
  method: string;
  /** Final headers to send (content-type, anthropic-version added where needed). Unmasked: mask to print. */
  headers: Record<string, string>;
  cookies: Record<string, string>;
  model: string;
  stream: boolean;
  /** The normalised body: stream made to agree, include_usage / max_tokens added (each listed in notes). */
  body: Record<string, unknown>;
  insecure: boolean;
  timeoutMs: number;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  /** What we added or changed, said to the user. */
  notes: string[];
  warnings: string[];
  /**
   * Response headers recorded per request (lower-case names; docs/metrics.md "Gateway headers"): absent or
   * empty, none are read (the hot path's default).
   */
  recordHeaders?: readonly string[];
}

export type LoadMode = 'fixed' | 'stepped';
export type Arrival = 'poisson' | 'constant';

export interface StepOptions {
  startUsers: number;
  increment: number;
  durationS: number;
  maxUsers: number;
  sustainS: number;
}

/** One `--slo` check, e.g. `ttft_p95<=2000`. */
export interface SloCheck {
  /** As the user wrote it, for messages. */
  raw: string;
  metric: SloMetricId;
  stat: StatId;
  op: '<=' | '<';
  /** Milliseconds. */
  limit: number;
}

/**
 * `--burst N`: after the pre-check, N users each send exactly one request, all started together (no spawn
 * ramp); `rounds` such bursts with `pauseS` seconds between them.
 */
export interface BurstOptions {
  users: number;
  rounds: number;
  pauseS: number;
}

export interface LoadOptions {
  name: string;
  concurrentUsers: number;
  spawnRate: number;
  durationS: number;
  warmupS: number;
  loadMode: LoadMode;
  step: StepOptions | null;
  /** Open loop when set (requests per second); users then cap concurrency. */
  rate: number | null;
  arrival: Arrival;
  maxRequests: number | null;
  workers: number;
  /** '' = the given body every time; 'default' = built-in set; otherwise a file path. */
  testData: string;
  successThreshold: number;
  slo: SloCheck[];
  /** Burst mode (local only); absent or null: the closed or open loop. */
  burst?: BurstOptions | null;
  /** Conversations, think time, data order or a profile's scenarios (docs/profiles.md); absent or null: none. */
  scenarios?: ScenariosPlan | null;
  /** A profile's stages, users or a rate for a duration each (local only); absent or null: the flags' shape. */
  stages?: Stage[] | null;
  /** Sized prompts, trace replay, cache control, request ids (model/workload.ts); absent: the body as given. */
  workload?: WorkloadOptions | null;
}

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  progress: boolean;
  color: boolean;
  /** `--out`; null = ./llm-loadtest-runs/<name>-<UTC stamp>. */
  outDir: string | null;
}

/** Everything `run` decided before any network: what to send, how, and where. */
export interface RunPlan {
  mode: 'local' | 'platform';
  /** Said on the first stderr line, e.g. "LMETERX_BASE_URL is not set: running locally". */
  modeReason: string;
  platformBaseUrl: string | null;
  target: TargetSpec;
  load: LoadOptions;
  output: OutputOptions;
  skipPrecheck: boolean;
  /** The pre-check's own deadline: `--timeout` (or curl's -m) when given, else a default shorter than a load request's. */
  precheckTimeoutMs: number;
  /** No --warmup was given: the mode's default applies (said in the plan, since the platform's is 120 s). */
  warmupIsDefault: boolean;
  /** Platform mode: follow the task to its end. */
  wait: boolean;
  /** `--server-metrics` (local runs): the server's Prometheus endpoints to scrape; absent or null: none. */
  serverMetrics?: ServerMetricsPlan | null;
  /** Several targets compared in one run (`--target`, `--targets`); absent or null: one target. */
  comparison?: ComparisonPlan | null;
}

/** One of the targets of a comparison run, by the name the user gave it. */
export interface NamedTarget {
  name: string;
  target: TargetSpec;
}

/** docs/cli.md "Several targets": the same load sent to every target at once, compared to a baseline. */
export interface ComparisonPlan {
  /** In the order given (two or more); `plan.target` is the first's. */
  targets: NamedTarget[];
  /** The name of the target the others are compared with (the first unless --baseline). */
  baseline: string;
  /** The measured window is cut into this many equal rounds: the spread of the per-round differences. */
  rounds: number;
  /** A target whose pre-check fails stops the run (`stop`) or is left out (`drop`). */
  onTargetFailure: 'stop' | 'drop';
}

/**
 * The targets a plan runs against, in order: the run layer walks them here, so a plan with a list of
 * targets needs no change below it.
 */
export function planTargets(plan: RunPlan): readonly TargetSpec[] {
  return plan.comparison === undefined || plan.comparison === null ? [plan.target] : plan.comparison.targets.map((named) => named.target);
}
