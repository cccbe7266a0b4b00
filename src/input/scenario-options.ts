import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { inputError } from '../failures/errors.js';
import type { LoadOptions } from '../model/plan.js';
import { DEFAULT_WORKLOAD_SEED, type DataOrder, type Stage, type ScenariosPlan } from '../model/scenarios.js';
import { parseProfile, type Profile } from './profile.js';
import type { RawWorkloadOptions } from './workload-options.js';
import { parseThinkTime, THINK_TIME_HELP } from './think-time.js';

/** The scenario flags as commander hands them over (docs/cli.md "Scenarios and conversations"). */
export interface RawScenarioOptions {
  turns?: string;
  thinkTime?: string;
  dataOrder?: string;
  seed?: string;
  profile?: string;
}

const HINT = 'fix the value; `llm-loadtest run --help` lists the options (docs/profiles.md for --profile)';
const MAX_TURNS = 1000;

/** The load's shape as a profile's stages set it, or null when the profile has none (the flags shape it). */
export interface StagedShape {
  stages: Stage[];
  concurrentUsers: number;
  durationS: number;
  rate: number | null;
}

/** The synthetic-prompt and trace flags, which make every request's prompt themselves. */
const SYNTHETIC_FLAGS = [
  ['inputTokens', '--input-tokens'],
  ['outputTokens', '--output-tokens'],
  ['preset', '--preset'],
  ['trace', '--trace'],
  ['cacheBust', '--cache-bust'],
  ['sharedPrefixTokens', '--shared-prefix-tokens'],
] as const;

/** Flags that shape the load, which a profile's stages replace. */
const SHAPE_FLAGS = [
  ['concurrentUsers', '--concurrent-users'],
  ['duration', '--duration'],
  ['spawnRate', '--spawn-rate'],
  ['rate', '--rate'],
  ['loadMode', '--load-mode'],
] as const;

/**
 * `--turns`, `--think-time`, `--data-order`, `--seed` and `--profile` as a plan's scenarios (null when none
 * was given) and the stages of the profile. Reads the profile file; its datasets are read by the run.
 */
export async function resolveScenarioOptions(
  raw: RawScenarioOptions & RawWorkloadOptions & { burst?: string; loadMode?: string; testData?: string } & Partial<Record<(typeof SHAPE_FLAGS)[number][0], string>>,
  cwd: string,
): Promise<{ scenarios: ScenariosPlan | null; profile: Profile | null }> {
  const given = (['turns', 'thinkTime', 'dataOrder', 'seed', 'profile'] as const).filter((key) => raw[key] !== undefined);
  if (given.length === 0) return { scenarios: null, profile: null };
  if (raw.burst !== undefined || raw.loadMode === 'burst') {
    const burst = raw.burst !== undefined ? '--burst' : '--load-mode burst';
    throw inputError('OPTION_INVALID', `${given.map(flagOf).join(', ')} cannot be used with ${burst}: a burst sends one request per user`, `drop them, or drop ${burst}`);
  }
  // Synthetic prompts and a trace pick each request's prompt themselves; a profile's scenarios say theirs.
  const synthetic = SYNTHETIC_FLAGS.filter(([key]) => raw[key] !== undefined && raw[key] !== false).map(([, flag]) => flag);
  if (synthetic.length > 0 && (raw.profile !== undefined || raw.turns !== undefined)) {
    const ours = raw.profile !== undefined ? '--profile' : '--turns';
    throw inputError(
      'OPTION_INVALID',
      `${synthetic.join(', ')} cannot be used with ${ours}: ${raw.profile !== undefined ? "the profile's scenarios say their own content and output tokens" : 'conversations grow from their own prompts'}`,
      'use a profile scenario with `sized: {input_tokens: N}` and `max_output_tokens` (docs/profiles.md), or drop one of them',
    );
  }
  const problems: string[] = [];
  let turns: number | null = null;
  if (raw.turns !== undefined) {
    const value = /^\s*\d+\s*$/.test(raw.turns) ? Number(raw.turns) : Number.NaN;
    if (!(Number.isInteger(value) && value >= 1 && value <= MAX_TURNS)) problems.push(`--turns "${raw.turns}" is invalid: expected a whole number from 1 to ${MAX_TURNS}`);
    else turns = value;
  }
  let thinkTime = null;
  if (raw.thinkTime !== undefined) {
    const parsed = parseThinkTime(raw.thinkTime);
    if (typeof parsed === 'string') problems.push(`--think-time ${parsed}`);
    else thinkTime = parsed;
  }
  let order: DataOrder | null = null;
  if (raw.dataOrder !== undefined) {
    if (raw.dataOrder === 'round-robin' || raw.dataOrder === 'random') order = raw.dataOrder;
    else problems.push(`--data-order "${raw.dataOrder}" is invalid: expected round-robin or random`);
  }
  let seed: number | null = null;
  if (raw.seed !== undefined) {
    const value = /^\s*\d+\s*$/.test(raw.seed) ? Number(raw.seed) : Number.NaN;
    if (!(Number.isInteger(value) && value >= 0 && value <= 4_294_967_295)) problems.push(`--seed "${raw.seed}" is invalid: expected a whole number from 0 to 4294967295`);
    else seed = value;
  }
  if (problems.length > 0) throw inputError('OPTION_INVALID', problems.join('; '), HINT);
  if (raw.profile !== undefined) {
    const clashes = [raw.turns === undefined ? null : '--turns', raw.thinkTime === undefined ? null : '--think-time'].filter((flag) => flag !== null);
    if (clashes.length > 0) {
      throw inputError('OPTION_INVALID', `${clashes.join(', ')} cannot be used with --profile: each scenario of the profile says its own turns and think time`, 'set `turns` and `think_time` per scenario in the profile, or drop --profile');
    }
  } else if (thinkTime !== null && turns === null && (raw.testData === undefined || raw.testData === '')) {
    throw inputError('OPTION_INVALID', `--think-time is the pause between the turns of a conversation, but this run has none (${THINK_TIME_HELP.split(',')[0]})`, 'add --turns <n> (or conversations in --test-data, or a --profile)');
  }
  const profile = raw.profile === undefined ? null : await readProfile(raw.profile, cwd);
  if (profile !== null && profile.stages !== null) {
    // An open loop's users cap its concurrency: --concurrent-users still says how many.
    const rateStages = profile.stages[0]?.rate !== null;
    const clashes = SHAPE_FLAGS.filter(([key]) => raw[key] !== undefined && !(rateStages && key === 'concurrentUsers')).map(([, flag]) => flag);
    if (clashes.length > 0) {
      throw inputError('OPTION_INVALID', `${clashes.join(', ')} cannot be used with a profile that has stages: its stages set the users or rate and the duration`, 'drop them, or remove `stages` from the profile');
    }
  }
  return {
    scenarios: {
      turns,
      thinkTime,
      order: order ?? profile?.order ?? 'round-robin',
      seed: seed ?? profile?.seed ?? DEFAULT_WORKLOAD_SEED,
      profile: profile === null ? null : { path: profile.path, scenarios: profile.scenarios },
    },
    profile,
  };
}

/** The load's users, rate and duration as the stages set them; `users` caps an open loop's concurrency. */
export function stagedShape(stages: readonly Stage[], openLoopUsers: number): Pick<LoadOptions, 'concurrentUsers' | 'durationS' | 'rate' | 'loadMode' | 'step'> {
  const durationS = stages.reduce((sum, stage) => sum + stage.durationS, 0);
  const first = stages[0];
  if (first !== undefined && first.rate !== null) return { concurrentUsers: openLoopUsers, durationS, rate: first.rate, loadMode: 'fixed', step: null };
  return { concurrentUsers: Math.max(...stages.map((stage) => stage.users ?? 0)), durationS, rate: null, loadMode: 'fixed', step: null };
}

async function readProfile(given: string, cwd: string): Promise<Profile> {
  const path = isAbsolute(given) ? given : resolve(cwd, given);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw inputError('PROFILE_UNREADABLE', `--profile ${given}: cannot read ${path} (${code})`, 'give the path of a YAML or JSON profile (docs/profiles.md; examples in examples/profiles/)');
  }
  return parseProfile(text, path);
}

function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
