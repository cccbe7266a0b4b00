import { z } from 'zod';
import { inputError, type AppError } from '../failures/errors.js';
import { LOCAL_LIMITS } from '../model/local-limits.js';
import { PLATFORM_LIMITS } from '../model/platform-limits.js';
import { steppedTotalS } from '../model/stepped.js';
import { parseDurationS } from '../protocol/duration.js';
import { apiTypeIds } from '../protocol/registry.js';
import type { ApiType } from '../protocol/types.js';
import type { Arrival, BurstOptions, LoadMode, LoadOptions, StepOptions } from '../model/plan.js';
import { parseSlo } from '../metrics/slo.js';
import type { RawScenarioOptions } from './scenario-options.js';
import type { RawWorkloadOptions } from './workload-options.js';

/**
 * The `run` command's options, validated with zod: each invalid value is an error naming the flag, the
 * value and the allowed range (docs/cli.md: nothing is clamped). Ranges depend on the mode: platform mode
 * enforces the platform's limits (model/platform-limits.ts, the one table of them); local mode its own
 * (model/local-limits.ts: what one machine and Node's timers can do).
 */

export type RunMode = 'local' | 'platform';

export const DEFAULTS = {
  concurrentUsers: 50,
  durationS: 300,
  spawnRate: 30,
  warmupS: { platform: 120, local: 0 },
  successThreshold: 0.9,
  timeoutS: 600,
  /** The pre-check's own default: one request should not hold an agent's tool call for 10 minutes. */
  precheckTimeoutS: 120,
  idleTimeoutS: 60,
  connectTimeoutS: 10,
  workers: 1,
  arrival: 'poisson' as Arrival,
  nameMaxChars: 80,
} as const;

/** The load options `run` takes when no flag is given (docs/cli.md's defaults), for callers that build a plan themselves. */
export function defaultLoadOptions(mode: RunMode, name: string): LoadOptions {
  return {
    name,
    concurrentUsers: DEFAULTS.concurrentUsers,
    spawnRate: DEFAULTS.spawnRate,
    durationS: DEFAULTS.durationS,
    warmupS: DEFAULTS.warmupS[mode],
    loadMode: 'fixed',
    step: null,
    rate: null,
    arrival: DEFAULTS.arrival,
    maxRequests: null,
    workers: DEFAULTS.workers,
    testData: '',
    successThreshold: DEFAULTS.successThreshold,
    slo: [],
    burst: null,
  };
}

/** Options as commander hands them over: strings, booleans and string lists, undefined when not given. */
export interface RawRunOptions extends RawScenarioOptions, RawWorkloadOptions {
  url?: string;
  curl?: string;
  local?: boolean;
  platform?: string;
  header?: string[];
  cookie?: string[];
  body?: string;
  model?: string;
  stream?: boolean;
  concurrentUsers?: string;
  duration?: string;
  spawnRate?: string;
  name?: string;
  testData?: string;
  warmup?: string;
  loadMode?: string;
  stepStartUsers?: string;
  stepIncrement?: string;
  stepDuration?: string;
  stepMaxUsers?: string;
  stepSustain?: string;
  api?: string;
  rate?: string;
  arrival?: string;
  maxRequests?: string;
  burst?: string;
  rounds?: string;
  pause?: string;
  workers?: string;
  timeout?: string;
  idleTimeout?: string;
  insecure?: boolean;
  out?: string;
  json?: boolean;
  dryRun?: boolean;
  skipPrecheck?: boolean;
  successThreshold?: string;
  slo?: string;
  progress?: boolean;
  quiet?: boolean;
  color?: boolean;
  wait?: boolean;
  serverMetrics?: string[];
  serverMetricsInterval?: string;
  /** Several targets (src/input/targets.ts): `name=URL` each, and per-target `name=value` settings. */
  target?: string[];
  targetHeader?: string[];
  targetModel?: string[];
  targetApi?: string[];
  targetKey?: string[];
  targets?: string;
  baseline?: string;
  onTargetFailure?: string;
  recordHeader?: string[];
}

/**
 * Validated load and run options (the target's own fields come from curl/flags, see plan.ts): the plan's
 * LoadOptions, except that the name may still be derived, plus what shapes the target.
 */
export interface RunOptions extends Omit<LoadOptions, 'name'> {
  api: ApiType | undefined;
  model: string | undefined;
  stream: boolean | undefined;
  /** null: derive from the target (host + path, 80 chars). */
  name: string | null;
  /** undefined: take curl's -m, else the default. */
  timeoutS: number | undefined;
  idleTimeoutS: number;
  burst: BurstOptions | null;
}

interface Range {
  min: number;
  max?: number;
  integer: boolean;
}

function describeRange(range: Range, unit: string, exclusiveMin: boolean): string {
  const kind = range.integer ? 'a whole number' : 'a number';
  if (range.max !== undefined && exclusiveMin) return `${kind} > ${range.min} and ≤ ${range.max}${unit}`;
  if (range.max !== undefined) return `${kind} from ${range.min} to ${range.max}${unit}`;
  return `${kind} ${exclusiveMin ? '>' : '≥'} ${range.min}${unit}`;
}

/** A numeric flag: validates the text and the range; `exclusiveMin` for "any positive number". */
function numberFlag(flag: string, range: Range, options: { duration?: boolean; exclusiveMin?: boolean; modeNote?: string } = {}) {
  const unit = options.duration === true ? ' s' : '';
  const expected = `${describeRange(range, unit, options.exclusiveMin === true)}${options.modeNote === undefined ? '' : ` (${options.modeNote})`}`;
  return z.string().transform((text, ctx) => {
    const value = options.duration === true ? parseDurationS(text) : /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : null;
    const tooLow = value !== null && (options.exclusiveMin === true ? value <= range.min : value < range.min);
    const bad =
      value === null ||
      !Number.isFinite(value) ||
      tooLow ||
      (range.max !== undefined && value > range.max) ||
      (range.integer && !Number.isInteger(value));
    if (bad) {
      const durationHelp = options.duration === true ? '; durations are seconds or 90s, 5m, 1h' : '';
      ctx.addIssue({ code: 'custom', message: `${flag} "${text}" is invalid: expected ${expected}${durationHelp}` });
      return z.NEVER;
    }
    return value;
  });
}

/** "a, b or c". */
function listOr(values: readonly string[]): string {
  return values.length <= 2 ? values.join(' or ') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1] ?? ''}`;
}

function enumFlag<T extends string>(flag: string, values: readonly T[]) {
  return z.string().transform((text, ctx) => {
    const found = values.find((v) => v === text);
    if (found === undefined) {
      ctx.addIssue({ code: 'custom', message: `${flag} "${text}" is invalid: expected ${listOr(values)}` });
      return z.NEVER;
    }
    return found;
  });
}

/** The zod schema of run's numeric and choice options for one mode. */
export function createRunOptionsSchema(mode: RunMode) {
  const platform = mode === 'platform';
  const L = PLATFORM_LIMITS;
  const note = platform ? 'platform mode' : undefined;
  const withNote = (extra: { duration?: boolean; exclusiveMin?: boolean }) =>
    note === undefined ? extra : { ...extra, modeNote: note };
  const M = LOCAL_LIMITS;
  const upTo = (max: number) => ({ min: 1, max, integer: true });
  const positiveUpTo = (max: number) => ({ min: 0, max, integer: false });
  return z.object({
    concurrentUsers: numberFlag('--concurrent-users', upTo(platform ? L.concurrentUsers : M.users), withNote({})).optional(),
    spawnRate: numberFlag('--spawn-rate', platform ? upTo(L.spawnRate) : positiveUpTo(M.spawnRate), withNote({ exclusiveMin: !platform })).optional(),
    duration: numberFlag('--duration', platform ? upTo(L.durationS) : positiveUpTo(M.durationS), withNote({ duration: true, exclusiveMin: !platform })).optional(),
    warmup: numberFlag('--warmup', platform ? { min: 0, max: L.warmupMaxS, integer: true } : positiveUpTo(M.warmupS), withNote({ duration: true })).optional(),
    loadMode: enumFlag('--load-mode', ['fixed', 'stepped', 'burst'] as const).optional(),
    stepStartUsers: numberFlag('--step-start-users', upTo(platform ? L.stepStartUsers : M.users)).optional(),
    stepIncrement: numberFlag('--step-increment', upTo(platform ? L.stepIncrement : M.users)).optional(),
    stepDuration: numberFlag('--step-duration', upTo(platform ? L.stepDurationS : M.stepDurationS), { duration: true }).optional(),
    stepMaxUsers: numberFlag('--step-max-users', upTo(platform ? L.stepMaxUsers : M.users)).optional(),
    stepSustain: numberFlag('--step-sustain', upTo(platform ? L.stepSustainS : M.stepSustainS), { duration: true }).optional(),
    rate: numberFlag('--rate', positiveUpTo(M.rate), { exclusiveMin: true }).optional(),
    arrival: enumFlag('--arrival', ['poisson', 'constant'] as const).optional(),
    maxRequests: numberFlag('--max-requests', upTo(M.maxRequests)).optional(),
    burst: numberFlag('--burst', upTo(M.users)).optional(),
    rounds: numberFlag('--rounds', upTo(M.burstRounds)).optional(),
    pause: numberFlag('--pause', { min: 0, max: M.burstPauseS, integer: false }, { duration: true }).optional(),
    workers: numberFlag('--workers', upTo(M.workers)).optional(),
    timeout: numberFlag('--timeout', positiveUpTo(M.timeoutS), { duration: true, exclusiveMin: true }).optional(),
    idleTimeout: numberFlag('--idle-timeout', positiveUpTo(M.timeoutS), { duration: true, exclusiveMin: true }).optional(),
    successThreshold: numberFlag('--success-threshold', { min: 0, max: 1, integer: false }).optional(),
    api: enumFlag('--api', apiTypeIds()).optional(),
  });
}

/** Validate run's options for a mode. Throws one input error listing every invalid value. */
export function parseRunOptions(raw: RawRunOptions, mode: RunMode): RunOptions {
  const result = createRunOptionsSchema(mode).safeParse(pickDefined(raw));
  if (!result.success) {
    // Each issue already names its flag: every problem on one line.
    const message = result.error.issues.map((issue) => issue.message).join('; ');
    throw inputError('OPTION_INVALID', message, 'fix the value; `llm-loadtest run --help` lists the options and their defaults');
  }
  const v = result.data;
  const platform = mode === 'platform';
  if (platform && v.warmup !== undefined && v.warmup !== 0 && v.warmup < PLATFORM_LIMITS.warmupMinS) {
    throw inputError(
      'OPTION_INVALID',
      `--warmup "${raw.warmup ?? ''}" is invalid: expected 0 (no warmup) or a whole number from ${PLATFORM_LIMITS.warmupMinS} to ${PLATFORM_LIMITS.warmupMaxS} s (platform mode)`,
      'the platform warms up for at least 10 s; use --warmup 0 to turn it off',
    );
  }
  if (platform) refuseLocalOnly(raw);
  if (platform && raw.wait !== true) {
    const checks = (['successThreshold', 'slo'] as const).filter((key) => raw[key] !== undefined).map((key) => `--${kebab(key)}`);
    if (checks.length > 0) {
      throw inputError(
        'OPTION_INVALID',
        `${checks.join(', ')} ${checks.length === 1 ? 'is' : 'are'} checked on the task's figures, which only --wait waits for, but this platform run does not wait`,
        'add --wait, or check later with `llm-loadtest results <task-id> --wait` and the same flags',
      );
    }
  }
  // A profile's rate stages are an open loop too: with --profile the plan checks once the profile is read.
  if (!platform && raw.arrival !== undefined && raw.rate === undefined && raw.profile === undefined) throw arrivalWithoutRate();
  if (platform && v.loadMode === 'burst') {
    throw inputError('OPTION_LOCAL_ONLY', "--load-mode burst works only in local mode, but this run is in platform mode: the platform's engine ramps users up at a spawn rate", 'add --local to run the bundled engine, or drop the option');
  }
  const burst = resolveBurst(raw, v);
  // A burst's plan says fixed: one request per user, which maxRequests ends (as --burst N).
  const loadMode = v.loadMode === 'burst' || v.loadMode === undefined ? 'fixed' : v.loadMode;
  const step = resolveStep(raw, v, loadMode, platform);
  let concurrentUsers = v.concurrentUsers ?? DEFAULTS.concurrentUsers;
  let spawnRate = v.spawnRate ?? DEFAULTS.spawnRate;
  let durationS = v.duration ?? DEFAULTS.durationS;
  if (step !== null) {
    const overridden = (['concurrentUsers', 'spawnRate', 'duration'] as const).filter((key) => raw[key] !== undefined);
    if (overridden.length > 0) {
      throw inputError(
        'OPTION_INVALID',
        `${overridden.map((key) => `--${kebab(key)}`).join(', ')} cannot be used with --load-mode stepped: the steps set users, spawn rate and duration`,
        'drop them; --step-max-users, --step-increment, --step-duration and --step-sustain shape a stepped load',
      );
    }
    // docs/platform.md: stepped runs send users = max, spawn rate = increment, duration = the computed total.
    concurrentUsers = step.maxUsers;
    spawnRate = step.increment;
    durationS = steppedTotalS(step);
  }
  if (burst !== null) {
    // One request per user, all at once: the closed-loop fields say so, and max-requests ends the round.
    concurrentUsers = burst.users;
    spawnRate = burst.users;
  }
  const workers = v.workers ?? DEFAULTS.workers;
  if (workers > concurrentUsers) {
    throw inputError(
      'OPTION_INVALID',
      `--workers ${workers} is more than the ${concurrentUsers} users: each worker thread runs at least one user`,
      'use at most as many --workers as users (one per CPU core is plenty)',
    );
  }
  const model = raw.model?.trim();
  if (raw.model !== undefined && model === '') {
    throw inputError('OPTION_INVALID', '--model is empty', 'give the model name, e.g. --model gpt-4o-mini');
  }
  const name = raw.name === undefined ? null : raw.name.trim();
  if (name === '') throw inputError('OPTION_INVALID', '--name is empty', 'give a short task name, e.g. --name gpt4o-smoke');
  if (name !== null && platform && name.length > PLATFORM_LIMITS.nameChars) {
    throw inputError(
      'OPTION_INVALID',
      `--name is invalid: expected 1 to ${PLATFORM_LIMITS.nameChars} characters, got ${name.length}`,
      'give a short task name, e.g. --name gpt4o-smoke',
    );
  }
  return {
    api: v.api,
    model,
    stream: raw.stream,
    name,
    concurrentUsers,
    spawnRate,
    durationS,
    warmupS: burst === null ? (v.warmup ?? DEFAULTS.warmupS[mode]) : 0,
    loadMode,
    step,
    rate: v.rate ?? null,
    arrival: v.arrival ?? DEFAULTS.arrival,
    maxRequests: burst === null ? (v.maxRequests ?? null) : burst.users,
    workers,
    testData: raw.testData ?? '',
    successThreshold: v.successThreshold ?? DEFAULTS.successThreshold,
    slo: raw.slo === undefined ? [] : parseSlo(raw.slo),
    timeoutS: v.timeout,
    idleTimeoutS: v.idleTimeout ?? DEFAULTS.idleTimeoutS,
    burst,
  };
}

/** `--arrival` in a closed loop (no --rate, no rate stages). */
export function arrivalWithoutRate(): AppError {
  return inputError('OPTION_INVALID', '--arrival shapes the arrivals of an open loop, but no --rate was given', "add --rate <requests per second> (or give the profile rate stages, \"@<rate>:<duration>\"), or drop --arrival");
}

/** Flags that shape a loop over time, which a burst (one request per user, all at once) has no use for. */
const NOT_WITH_BURST = ['concurrentUsers', 'spawnRate', 'duration', 'warmup', 'loadMode', 'rate', 'arrival', 'maxRequests', 'workers'] as const;

/** `--burst N [--rounds R] [--pause S]`, or null; --rounds and --pause need --burst. */
function resolveBurst(raw: RawRunOptions, v: ParsedSchema): BurstOptions | null {
  if (v.loadMode === 'burst') {
    // `--load-mode burst --concurrent-users N` is `--burst N`.
    if (v.burst !== undefined) throw inputError('OPTION_INVALID', '--load-mode burst and --burst both ask for a burst', 'keep one: --burst <n>, or --load-mode burst --concurrent-users <n>');
    if (v.concurrentUsers === undefined) throw inputError('OPTION_INVALID', '--load-mode burst needs --concurrent-users <n>: the requests sent at once', 'add --concurrent-users <n>, or use --burst <n>');
    return checkBurst(raw, '--load-mode burst', { users: v.concurrentUsers, rounds: v.rounds ?? 1, pauseS: v.pause ?? 0 });
  }
  if (v.burst === undefined) {
    // With several targets --rounds cuts the run into rounds for the delta table's spread.
    const comparing = raw.target !== undefined || raw.targets !== undefined;
    const orphans = (comparing ? (['pause'] as const) : (['rounds', 'pause'] as const)).filter((key) => raw[key] !== undefined).map((key) => `--${key}`);
    if (orphans.length > 0) {
      throw inputError('OPTION_INVALID', `${orphans.join(', ')} ${orphans.length === 1 ? 'needs' : 'need'} --burst`, 'add --burst <n>, or drop them');
    }
    return null;
  }
  return checkBurst(raw, '--burst', { users: v.burst, rounds: v.rounds ?? 1, pauseS: v.pause ?? 0 });
}

/** The burst, unless a flag that shapes a loop over time was given beside it. */
function checkBurst(raw: RawRunOptions, asked: '--burst' | '--load-mode burst', burst: BurstOptions): BurstOptions {
  // --load-mode burst takes its size from --concurrent-users.
  const own = asked === '--burst' ? [] : ['concurrentUsers', 'loadMode'];
  const clashes = NOT_WITH_BURST.filter((key) => raw[key] !== undefined && !own.includes(key)).map((key) => `--${kebab(key)}`);
  if (clashes.length > 0) {
    throw inputError(
      'OPTION_INVALID',
      `${clashes.join(', ')} cannot be used with ${asked}: a burst sends exactly one request per user, all at once, in one thread`,
      'drop them; --burst <n> sets the users and requests, --rounds and --pause repeat the burst',
    );
  }
  return burst;
}

/** Flags of the local engine, each with why the platform cannot take it. */
const LOCAL_ONLY: ReadonlyArray<[keyof RawRunOptions, string]> = [
  ['rate', "the platform's engine runs closed-loop users only"],
  ['arrival', "the platform's engine runs closed-loop users only"],
  ['maxRequests', 'a platform task runs for its duration'],
  ['burst', "the platform's engine ramps users up at a spawn rate and runs for a duration"],
  ['rounds', "the platform's engine ramps users up at a spawn rate and runs for a duration"],
  ['pause', "the platform's engine ramps users up at a spawn rate and runs for a duration"],
  ['workers', 'the platform scales with its own engines'],
  ['target', 'a platform task has one target'],
  ['targets', 'a platform task has one target'],
  ['targetHeader', 'a platform task has one target'],
  ['targetModel', 'a platform task has one target'],
  ['targetApi', 'a platform task has one target'],
  ['targetKey', 'a platform task has one target'],
  ['baseline', 'a platform task has one target'],
  ['onTargetFailure', 'a platform task has one target'],
  ['recordHeader', "the platform's engine records no response headers"],
  ['timeout', "the platform's engine uses its own request timeouts"],
  ['idleTimeout', "the platform's engine uses its own request timeouts"],
  ['insecure', "the platform's engine does its own TLS checks"],
  ['out', 'the platform keeps the results (see the report URL)'],
  ['turns', "the platform's engine sends single requests"],
  ['thinkTime', "the platform's engine sends single requests"],
  ['dataOrder', "the platform's engine takes the test data in its own order"],
  ['seed', "the platform's engine takes the test data in its own order"],
  ['profile', "the platform's engine runs one scenario"],
  ['inputTokens', "the platform's engine sends the body or the test data as given"],
  ['outputTokens', "the platform's engine sends the body or the test data as given"],
  ['preset', "the platform's engine sends the body or the test data as given"],
  ['ignoreEos', "the platform's engine sends the body or the test data as given"],
  ['cacheBust', "the platform's engine sends the body or the test data as given"],
  ['sharedPrefixTokens', "the platform's engine sends the body or the test data as given"],
  ['trace', "the platform's engine runs closed-loop users only"],
  ['traceSpeedup', "the platform's engine runs closed-loop users only"],
];

/** docs/platform.md: local-only flags are refused in platform mode, each with its reason. */
function refuseLocalOnly(raw: RawRunOptions): void {
  // --no-cache-bust is a choice too (false), unlike a negated default such as --no-progress.
  const given = LOCAL_ONLY.filter(([key]) => raw[key] !== undefined && (raw[key] !== false || key === 'cacheBust'));
  if (given.length === 0) return;
  const flags = given.map(([key]) => (raw[key] === false ? `--no-${kebab(key)}` : `--${kebab(key)}`)).join(', ');
  const reasons = [...new Set(given.map(([, reason]) => reason))].join('; ');
  throw inputError(
    'OPTION_LOCAL_ONLY',
    `${flags} ${given.length === 1 ? 'works' : 'work'} only in local mode, but this run is in platform mode: ${reasons}`,
    'add --local to run the bundled engine, or drop the option',
  );
}

const STEP_FLAGS = [
  ['stepStartUsers', '--step-start-users'],
  ['stepIncrement', '--step-increment'],
  ['stepDuration', '--step-duration'],
  ['stepMaxUsers', '--step-max-users'],
  ['stepSustain', '--step-sustain'],
] as const;

type ParsedSchema = z.infer<ReturnType<typeof createRunOptionsSchema>>;

function resolveStep(raw: RawRunOptions, v: ParsedSchema, loadMode: LoadMode, platform: boolean): StepOptions | null {
  const given = STEP_FLAGS.filter(([key]) => raw[key] !== undefined).map(([, flag]) => flag);
  if (loadMode === 'fixed') {
    if (given.length > 0) {
      throw inputError('OPTION_INVALID', `${given.join(', ')} ${given.length === 1 ? 'needs' : 'need'} --load-mode stepped`, 'add --load-mode stepped, or drop the step options');
    }
    return null;
  }
  const missing = STEP_FLAGS.filter(([key]) => raw[key] === undefined).map(([, flag]) => flag);
  if (missing.length > 0) {
    throw inputError('OPTION_INVALID', `--load-mode stepped requires ${missing.join(', ')}`, 'give all five: --step-start-users --step-increment --step-duration --step-max-users --step-sustain');
  }
  const step: StepOptions = {
    startUsers: v.stepStartUsers ?? 0,
    increment: v.stepIncrement ?? 0,
    durationS: v.stepDuration ?? 0,
    maxUsers: v.stepMaxUsers ?? 0,
    sustainS: v.stepSustain ?? 0,
  };
  if (step.startUsers > step.maxUsers) {
    throw inputError('OPTION_INVALID', `--step-start-users ${step.startUsers} is above --step-max-users ${step.maxUsers}`, 'start at or below the maximum');
  }
  const totalS = steppedTotalS(step);
  const limitS = platform ? PLATFORM_LIMITS.durationS : LOCAL_LIMITS.durationS;
  if (totalS > limitS) {
    throw inputError(
      'OPTION_INVALID',
      `the stepped load lasts ${totalS} s (steps × --step-duration + --step-sustain), above the ${limitS} s limit`,
      'use fewer or shorter steps (a larger --step-increment or a shorter --step-duration), or a shorter --step-sustain',
    );
  }
  return step;
}

function pickDefined(raw: RawRunOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') out[key] = value;
  return out;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
