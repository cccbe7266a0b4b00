/**
 * The flags of `sweep` and `heatmap` (docs/experiments.md "Sweep options", "Heatmap options"), validated: each invalid value is an
 * input error naming the flag, the value and what is allowed (nothing clamped); flags of `run` that do
 * not apply to an experiment are refused, not ignored.
 */
import { inputError } from '../failures/errors.js';
import { LOCAL_LIMITS } from '../model/local-limits.js';
import type { SweepKind } from '../model/experiment.js';
import { parseDurationS } from '../protocol/duration.js';
import type { RawRunOptions } from './options.js';

/** The largest token size a heatmap cell asks for. */
export const MAX_HEATMAP_TOKENS = 1_000_000;
/** At most this many points in a given ladder, and cells in a heatmap: each is a run of its own. */
export const MAX_EXPERIMENT_POINTS = 100;

export interface RawSweepOptions extends RawRunOptions {
  users?: string;
  rates?: string;
  start?: string;
  maxUsers?: string;
  maxRate?: string;
  pointDuration?: string;
  settle?: string;
  minGain?: string;
  latencyFactor?: string;
  maxErrorRate?: string;
  bisect?: boolean;
  budget?: string;
}

export interface SweepFlags {
  kind: SweepKind;
  given: number[] | null;
  start: number | undefined;
  maxLoad: number | undefined;
  pointDurationS: number | undefined;
  settleS: number | undefined;
  minGainPct: number | undefined;
  latencyFactor: number | undefined;
  maxErrorRate: number | undefined;
  bisect: boolean;
  budgetS: number | null;
}

export interface RawHeatmapOptions extends RawRunOptions {
  inputSizes?: string;
  outputSizes?: string;
  cellDuration?: string;
  settle?: string;
}

export interface HeatmapFlags {
  inputSizes: number[];
  outputSizes: number[];
  users: number | undefined;
  cellDurationS: number | undefined;
  settleS: number | undefined;
}

/** `run` flags that shape the load or the mode: an experiment chooses these itself. */
const NOT_FOR_EXPERIMENTS: ReadonlyArray<[keyof RawRunOptions, string]> = [
  ['platform', '--platform'],
  ['wait', '--wait'],
  ['duration', '--duration'],
  ['warmup', '--warmup'],
  ['loadMode', '--load-mode'],
  ['stepStartUsers', '--step-start-users'],
  ['stepIncrement', '--step-increment'],
  ['stepDuration', '--step-duration'],
  ['stepMaxUsers', '--step-max-users'],
  ['stepSustain', '--step-sustain'],
  ['rate', '--rate'],
  ['maxRequests', '--max-requests'],
  ['burst', '--burst'],
  ['rounds', '--rounds'],
  ['pause', '--pause'],
  ['dryRun', '--dry-run'],
  // A trace sets its own times and sizes; a profile's stages, its own load.
  ['trace', '--trace'],
  ['traceSpeedup', '--trace-speedup'],
];

/** The workload flags a heatmap sets itself: each cell sends prompts and answers of its sizes. */
const NOT_FOR_HEATMAP: ReadonlyArray<[keyof RawRunOptions, string]> = [
  ['inputTokens', '--input-tokens'],
  ['outputTokens', '--output-tokens'],
  ['preset', '--preset'],
  ['ignoreEos', '--ignore-eos'],
  ['cacheBust', '--cache-bust'],
  ['sharedPrefixTokens', '--shared-prefix-tokens'],
  ['testData', '--test-data'],
  ['profile', '--profile'],
  ['turns', '--turns'],
  ['thinkTime', '--think-time'],
  ['dataOrder', '--data-order'],
];

function refuseRunFlags(command: string, raw: RawRunOptions, durationFlag: string): void {
  for (const [key, flag] of NOT_FOR_EXPERIMENTS) {
    if (raw[key] === undefined) continue;
    throw inputError('USAGE', `${flag} does not apply to ${command}: each point is a fixed load the ${command} chooses`, `leave out ${flag}; ${durationFlag} sets how long each point lasts`);
  }
}

export function parseSweepFlags(raw: RawSweepOptions): SweepFlags {
  refuseRunFlags('sweep', raw, '--point-duration');
  if (raw.users !== undefined && raw.rates !== undefined) {
    throw inputError('USAGE', '--users and --rates cannot be used together', 'sweep over users (closed loop) or over rates (open loop), not both');
  }
  const kind: SweepKind = raw.rates !== undefined || (raw.maxRate !== undefined && raw.maxUsers === undefined) ? 'rate' : 'users';
  if (kind === 'users' && raw.concurrentUsers !== undefined) {
    throw inputError('USAGE', '--concurrent-users does not apply to a sweep over users', 'give the users to measure with --users 1,2,4,8 (or leave it out: the sweep doubles from 1)');
  }
  if (kind === 'rate' && raw.maxUsers !== undefined) {
    throw inputError('USAGE', '--max-users does not apply to a sweep over rates', 'cap its concurrency with --concurrent-users; bound the rates with --max-rate');
  }
  const users = kind === 'users';
  const given = users ? listFlag('--users', raw.users, { integer: true, max: LOCAL_LIMITS.users }) : listFlag('--rates', raw.rates, { integer: false, max: LOCAL_LIMITS.rate });
  const budgetS = raw.budget === undefined ? null : durationFlag('--budget', raw.budget, LOCAL_LIMITS.durationS);
  return {
    kind,
    given,
    start: raw.start === undefined ? undefined : numberFlag('--start', raw.start, { min: 0, max: users ? LOCAL_LIMITS.users : LOCAL_LIMITS.rate, integer: users }),
    maxLoad: users
      ? raw.maxUsers === undefined
        ? undefined
        : numberFlag('--max-users', raw.maxUsers, { min: 0, max: LOCAL_LIMITS.users, integer: true })
      : raw.maxRate === undefined
        ? undefined
        : numberFlag('--max-rate', raw.maxRate, { min: 0, max: LOCAL_LIMITS.rate, integer: false }),
    pointDurationS: raw.pointDuration === undefined ? undefined : durationFlag('--point-duration', raw.pointDuration, LOCAL_LIMITS.durationS),
    settleS: raw.settle === undefined ? undefined : durationFlag('--settle', raw.settle, LOCAL_LIMITS.warmupS, true),
    minGainPct: raw.minGain === undefined ? undefined : numberFlag('--min-gain', raw.minGain, { min: 0, max: 100, integer: false }),
    latencyFactor: raw.latencyFactor === undefined ? undefined : numberFlag('--latency-factor', raw.latencyFactor, { min: 1, max: 1000, integer: false }),
    maxErrorRate: raw.maxErrorRate === undefined ? undefined : numberFlag('--max-error-rate', raw.maxErrorRate, { min: 0, max: 1, integer: false, inclusiveMin: true }),
    bisect: raw.bisect === true,
    budgetS,
  };
}

export function parseHeatmapFlags(raw: RawHeatmapOptions): HeatmapFlags {
  refuseRunFlags('heatmap', raw, '--cell-duration');
  for (const [key, flag] of NOT_FOR_HEATMAP) {
    if (raw[key] === undefined) continue;
    throw inputError('USAGE', `${flag} does not apply to heatmap: each cell sends synthetic prompts and answers of its own sizes`, `leave out ${flag}; --input-sizes and --output-sizes set them`);
  }
  const inputSizes = listFlag('--input-sizes', raw.inputSizes, { integer: true, max: MAX_HEATMAP_TOKENS });
  const outputSizes = listFlag('--output-sizes', raw.outputSizes, { integer: true, max: MAX_HEATMAP_TOKENS });
  if (inputSizes === null || outputSizes === null) {
    throw inputError('USAGE', `heatmap needs ${inputSizes === null ? '--input-sizes' : '--output-sizes'}`, 'e.g. --input-sizes 128,512,2048 --output-sizes 64,256');
  }
  if (inputSizes.length * outputSizes.length > MAX_EXPERIMENT_POINTS) {
    throw inputError('INVALID_FLAG_VALUE', `a heatmap of ${inputSizes.length} × ${outputSizes.length} cells is more than ${MAX_EXPERIMENT_POINTS}`, 'give fewer sizes: each cell is a run of its own');
  }
  return {
    inputSizes,
    outputSizes,
    users: raw.concurrentUsers === undefined ? undefined : numberFlag('--concurrent-users', raw.concurrentUsers, { min: 0, max: LOCAL_LIMITS.users, integer: true }),
    cellDurationS: raw.cellDuration === undefined ? undefined : durationFlag('--cell-duration', raw.cellDuration, LOCAL_LIMITS.durationS),
    settleS: raw.settle === undefined ? undefined : durationFlag('--settle', raw.settle, LOCAL_LIMITS.warmupS, true),
  };
}

interface NumberRange {
  /** Exclusive unless inclusiveMin. */
  min: number;
  max: number;
  integer: boolean;
  inclusiveMin?: boolean;
}

function numberFlag(flag: string, text: string, range: NumberRange): number {
  const value = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : Number.NaN;
  const low = range.inclusiveMin === true ? value < range.min : value <= range.min;
  if (!Number.isFinite(value) || low || value > range.max || (range.integer && !Number.isInteger(value))) {
    const kind = range.integer ? 'a whole number' : 'a number';
    throw inputError('INVALID_FLAG_VALUE', `${flag} ${JSON.stringify(text)} is not ${kind} ${range.inclusiveMin === true ? '≥' : '>'} ${range.min} and ≤ ${range.max}`, `e.g. ${flag} ${range.integer ? 4 : 0.5}`);
  }
  return value;
}

function durationFlag(flag: string, text: string, maxS: number, zeroAllowed = false): number {
  const value = parseDurationS(text);
  if (value === null || value > maxS || (zeroAllowed ? value < 0 : value <= 0)) {
    throw inputError('INVALID_FLAG_VALUE', `${flag} ${JSON.stringify(text)} is not a duration ${zeroAllowed ? '≥ 0' : '> 0'} and ≤ ${maxS} s`, `e.g. ${flag} 30s, 5m or 90`);
  }
  return value;
}

/** `1,2,4,8`: positive, strictly rising, at most MAX_EXPERIMENT_POINTS; null when the flag is absent. */
function listFlag(flag: string, text: string | undefined, range: { integer: boolean; max: number }): number[] | null {
  if (text === undefined) return null;
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => part === '')) {
    throw inputError('INVALID_FLAG_VALUE', `${flag} ${JSON.stringify(text)} has an empty item`, `e.g. ${flag} ${range.integer ? '1,2,4,8' : '0.5,1,2,4'}`);
  }
  const values = parts.map((part) => numberFlag(flag, part, { min: 0, max: range.max, integer: range.integer }));
  if (values.length > MAX_EXPERIMENT_POINTS) throw inputError('INVALID_FLAG_VALUE', `${flag} has ${values.length} values, more than ${MAX_EXPERIMENT_POINTS}`, 'give fewer: each is a run of its own');
  values.forEach((value, i) => {
    if (i > 0 && value <= (values[i - 1] as number)) {
      throw inputError('INVALID_FLAG_VALUE', `${flag} ${JSON.stringify(text)} does not rise: ${value} follows ${values[i - 1]}`, 'list each value once, lightest first');
    }
  });
  return values;
}
