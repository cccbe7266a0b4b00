import { randomBytes } from 'node:crypto';
import { inputError } from '../failures/errors.js';
import { LOCAL_LIMITS } from '../model/local-limits.js';
import type { LoadOptions } from '../model/plan.js';
import { CACHE_BUST_TAG_TOKENS, MAX_SYNTHETIC_TOKENS, type TokenLength, type WorkloadOptions } from '../model/workload.js';
import { readInputFile } from './body.js';
import { parseTrace } from './trace-file.js';

/** The workload flags as commander hands them over (see RawRunOptions). */
export interface RawWorkloadOptions {
  inputTokens?: string;
  outputTokens?: string;
  preset?: string;
  ignoreEos?: boolean;
  cacheBust?: boolean;
  sharedPrefixTokens?: string;
  trace?: string;
  traceSpeedup?: string;
}

/** `--preset`: input and output sizes of the common benchmark shapes (docs/cli.md "Workload"). */
export const PRESETS: Readonly<Record<string, { input: number; output: number; about: string }>> = {
  'perf-128': { input: 128, output: 128, about: 'short prompt, short answer' },
  'perf-550': { input: 550, output: 150, about: 'the common chat headline' },
  hotpath: { input: 12_500, output: 64, about: 'long context, short answer' },
};

const SIZE_HINT = 'give tokens as N or N:stddev, e.g. --input-tokens 550 or --input-tokens 550:50';

/** A run id for request ids: 8 hex characters, new per run. */
export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

/** The workload of a run without any workload flag: only its run id (request ids are always sent). */
export function defaultWorkload(runId = newRunId()): WorkloadOptions {
  return { runId, preset: null, inputTokens: null, outputTokens: null, ignoreEos: false, cacheBust: false, sharedPrefixTokens: 0, trace: null };
}

/** What the workload flags decide, and what they change in the load (a trace sets its own length). */
export interface ResolvedWorkload {
  workload: WorkloadOptions;
  load: Pick<LoadOptions, 'durationS' | 'maxRequests' | 'warmupS'>;
}

/**
 * Validate the workload flags against each other and the load (docs/cli.md "Workload"), reading the
 * trace file when one is given. `load` is the validated load; `given` says which load flags were typed.
 */
export async function resolveWorkload(
  raw: RawWorkloadOptions,
  load: LoadOptions,
  given: { duration: boolean; warmup: boolean; maxRequests: boolean; rate: boolean; arrival: boolean; timeoutS: number },
  cwd: string,
): Promise<ResolvedWorkload> {
  const base = defaultWorkload();
  const same = { durationS: load.durationS, maxRequests: load.maxRequests, warmupS: load.warmupS };
  const preset = raw.preset === undefined ? null : PRESETS[raw.preset];
  if (preset === undefined) {
    throw inputError('OPTION_INVALID', `--preset "${raw.preset ?? ''}" is invalid: expected ${Object.keys(PRESETS).join(', ')}`, describePresets());
  }
  if (preset !== null && (raw.inputTokens !== undefined || raw.outputTokens !== undefined)) {
    throw inputError('OPTION_INVALID', `--preset ${raw.preset ?? ''} sets the input and output tokens; --input-tokens and --output-tokens cannot be added`, 'drop --preset, or the token flags');
  }
  const inputTokens = preset !== null ? { mean: preset.input, stddev: 0 } : raw.inputTokens === undefined ? null : parseTokenLength(raw.inputTokens, '--input-tokens');
  const outputTokens = preset !== null ? { mean: preset.output, stddev: 0 } : raw.outputTokens === undefined ? null : parseTokenLength(raw.outputTokens, '--output-tokens');
  const sharedPrefixTokens = raw.sharedPrefixTokens === undefined ? 0 : parseCount(raw.sharedPrefixTokens, '--shared-prefix-tokens', 0);
  const traceSpeedup = raw.traceSpeedup === undefined ? 1 : parseSpeedup(raw.traceSpeedup);
  const synthetic = inputTokens !== null || raw.trace !== undefined;
  const sizeFlag = preset !== null ? `--preset ${raw.preset ?? ''}` : '--input-tokens';

  if (synthetic && load.testData !== '') {
    throw inputError('OPTION_INVALID', `${raw.trace !== undefined ? '--trace' : sizeFlag} and --test-data both give the prompts`, 'keep one of them');
  }
  if (raw.trace !== undefined && (inputTokens !== null || outputTokens !== null)) {
    throw inputError('OPTION_INVALID', '--trace gives each request its input and output length; --input-tokens, --output-tokens and --preset cannot be added', 'drop them, or --trace');
  }
  if (raw.traceSpeedup !== undefined && raw.trace === undefined) throw inputError('OPTION_INVALID', '--trace-speedup needs --trace', 'add --trace <file>, or drop --trace-speedup');
  if (!synthetic && raw.cacheBust === true) {
    throw inputError('OPTION_INVALID', '--cache-bust starts each synthetic prompt with a tag unique to its conversation, but this run sends no synthetic prompt', 'add --input-tokens, --preset or --trace, or drop --cache-bust');
  }
  if (!synthetic && sharedPrefixTokens > 0) {
    throw inputError('OPTION_INVALID', '--shared-prefix-tokens puts a fixed system prompt before synthetic prompts, but this run sends none', 'add --input-tokens, --preset or --trace');
  }
  if (!synthetic && outputTokens !== null && outputTokens.stddev > 0) {
    throw inputError('OPTION_INVALID', '--output-tokens with a spread needs synthetic prompts (each body is built per request)', 'add --input-tokens or --preset, or give --output-tokens without :stddev');
  }
  if (raw.ignoreEos === true && outputTokens === null && raw.trace === undefined) {
    throw inputError('OPTION_INVALID', '--ignore-eos asks the server for exactly the output length, but no output length was given', 'add --output-tokens, --preset or --trace');
  }
  if (load.burst !== null && load.burst !== undefined && raw.trace !== undefined) {
    throw inputError('OPTION_INVALID', '--trace and --burst both decide when requests are sent', 'keep one of them');
  }
  const cacheBust = synthetic && raw.cacheBust !== false;
  if (inputTokens !== null && cacheBust && inputTokens.mean <= CACHE_BUST_TAG_TOKENS) {
    throw inputError(
      'OPTION_INVALID',
      `${sizeFlag} asks ${inputTokens.mean} tokens, but the cache-bust tag alone is ${CACHE_BUST_TAG_TOKENS}`,
      `ask more than ${CACHE_BUST_TAG_TOKENS} tokens, or add --no-cache-bust`,
    );
  }
  const workload: WorkloadOptions = {
    ...base,
    preset: raw.preset ?? null,
    inputTokens,
    outputTokens,
    ignoreEos: raw.ignoreEos === true,
    cacheBust,
    sharedPrefixTokens,
  };
  if (raw.trace === undefined) return { workload, load: same };

  const clashes = [
    given.rate || given.arrival ? '--rate/--arrival' : null,
    load.loadMode === 'stepped' ? '--load-mode stepped' : null,
    given.warmup ? '--warmup' : null,
    given.maxRequests ? '--max-requests' : null,
  ].filter((flag): flag is string => flag !== null);
  if (clashes.length > 0) {
    throw inputError('OPTION_INVALID', `${clashes.join(', ')} cannot be used with --trace: the trace's timestamps decide when each request is sent`, 'drop them (--duration may cut a long trace short)');
  }
  const requests = parseTrace(await readInputFile(raw.trace, cwd, '--trace'), raw.trace);
  const spanS = (requests[requests.length - 1]?.atMs ?? 0) / traceSpeedup / 1000;
  // The trace ends the run once every request is answered; the duration is only a bound, after the last send.
  const durationS = given.duration ? load.durationS : Math.min(LOCAL_LIMITS.durationS, Math.ceil(spanS) + given.timeoutS);
  return {
    workload: { ...workload, trace: { path: raw.trace, speedup: traceSpeedup, requests } },
    load: { durationS, maxRequests: requests.length, warmupS: 0 },
  };
}

/** `N` or `N:stddev`: a whole number of tokens ≥ 1 and a spread ≥ 0. */
export function parseTokenLength(text: string, flag: string): TokenLength {
  const match = /^\s*(\d+)\s*(?::\s*(\d+(?:\.\d+)?)\s*)?$/.exec(text);
  const mean = match === null ? NaN : Number(match[1]);
  const stddev = match?.[2] === undefined ? 0 : Number(match[2]);
  if (!Number.isSafeInteger(mean) || mean < 1 || mean > MAX_SYNTHETIC_TOKENS || !Number.isFinite(stddev) || stddev > mean) {
    throw inputError(
      'OPTION_INVALID',
      `${flag} "${text}" is invalid: expected N or N:stddev, N a whole number from 1 to ${MAX_SYNTHETIC_TOKENS} and stddev from 0 to N`,
      SIZE_HINT,
    );
  }
  return { mean, stddev };
}

function parseCount(text: string, flag: string, min: number): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > MAX_SYNTHETIC_TOKENS) {
    throw inputError('OPTION_INVALID', `${flag} "${text}" is invalid: expected a whole number from ${min} to ${MAX_SYNTHETIC_TOKENS}`, 'give a number of tokens, e.g. 1000');
  }
  return value;
}

function parseSpeedup(text: string): number {
  const value = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0 || value > 1000) {
    throw inputError('OPTION_INVALID', `--trace-speedup "${text}" is invalid: expected a number > 0 and ≤ 1000`, 'e.g. --trace-speedup 2 replays twice as fast, 0.5 at half speed');
  }
  return value;
}

function describePresets(): string {
  return Object.entries(PRESETS)
    .map(([name, preset]) => `${name} = ${preset.input}:${preset.output} (${preset.about})`)
    .join('; ');
}

/**
 * What the plan says about the workload (docs/cli.md "Workload"): the prompts' sizes and the tokenizer
 * they are exact for, the output asked, cache-busting; a warning when every request is the same body.
 */
export function describeWorkloadPlan(workload: WorkloadOptions, load: Pick<LoadOptions, 'testData'>, encoding: string, model: string): { notes: string[]; warnings: string[] } {
  const notes: string[] = [];
  const warnings: string[] = [];
  const size = (length: TokenLength): string => (length.stddev === 0 ? `${length.mean}` : `${length.mean} ± ${length.stddev}`);
  const preset = workload.preset === null ? '' : ` (--preset ${workload.preset})`;
  if (workload.trace !== null) {
    const { trace } = workload;
    notes.push(
      `trace replay: ${trace.requests.length} requests from ${trace.path} at their timestamps${trace.speedup === 1 ? '' : ` sped up ${trace.speedup}x`}, prompts exact to the token in ${encoding} (the tokenizer for ${model})`,
    );
  } else if (workload.inputTokens !== null) {
    notes.push(`synthetic prompts of ${size(workload.inputTokens)} tokens${preset}, exact to the token in ${encoding} (the tokenizer for ${model})`);
  }
  if (workload.outputTokens !== null) {
    notes.push(`output of ${size(workload.outputTokens)} tokens asked through the API's max-tokens field${workload.ignoreEos ? ', with min_tokens and ignore_eos' : ''}`);
  }
  if (workload.sharedPrefixTokens > 0) notes.push(`a shared system prompt of ${workload.sharedPrefixTokens} tokens, identical in every request`);
  if (workload.cacheBust) {
    notes.push(`cache-bust on: each prompt starts with a ${CACHE_BUST_TAG_TOKENS}-token tag unique to its conversation, so no request reuses another's prompt cache (--no-cache-bust to turn off)`);
  }
  const identical = identicalRequests(workload, load);
  // The given body is the quick start's default: said as a note; sized prompts made identical on purpose are warned.
  if (identical !== null) (workload.inputTokens === null ? notes : warnings).push(identical);
  return { notes, warnings };
}

/** Why every request of the run is the same body (no cache-bust, one prompt, one size), or null. */
export function identicalRequests(workload: WorkloadOptions, load: Pick<LoadOptions, 'testData'>): string | null {
  const synthetic = workload.inputTokens !== null || workload.trace !== null;
  const sameSize = workload.inputTokens !== null && workload.inputTokens.stddev === 0 && (workload.outputTokens === null || workload.outputTokens.stddev === 0);
  if ((synthetic || load.testData !== '') && !(sameSize && !workload.cacheBust)) return null;
  const fix = workload.inputTokens === null ? '--input-tokens or --preset send sized prompts with a unique prefix each' : 'drop --no-cache-bust, or give the sizes a spread (N:stddev)';
  return `every request sends the same body: a server's prefix cache can answer all but the first from cache, which flatters TTFT; ${fix}`;
}
