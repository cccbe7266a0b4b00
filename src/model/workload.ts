/**
 * What a run sends beside the user's body (docs/cli.md "Workload"): synthetic prompts of a size in tokens,
 * a replayed trace, cache control, and the run's id that every request's `x-request-id` starts with.
 */

/** `--input-tokens N[:stddev]`: a size in tokens, varied per request by a normal distribution. */
export interface TokenLength {
  mean: number;
  /** 0: every request the same size. */
  stddev: number;
}

/** One request of a trace file (the Mooncake shape): when it is sent and its sizes. */
export interface TraceRequest {
  /** Milliseconds from the trace's first request (the file's timestamps minus the first one). */
  atMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Blocks of TRACE_BLOCK_TOKENS tokens shared wherever an id repeats; empty: none. */
  hashIds: number[];
}

export interface TraceOptions {
  /** As given. */
  path: string;
  /** `--trace-speedup`: 2 sends twice as fast (timestamps halved). */
  speedup: number;
  requests: TraceRequest[];
}

/** Tokens of one trace hash-id block (Mooncake's block size). */
export const TRACE_BLOCK_TOKENS = 512;

/** Tokens of the cache-bust tag a synthetic prompt starts with (3 words for the run, 4 for the conversation). */
export const CACHE_BUST_TAG_TOKENS = 7;

/** Sizes of synthetic prompts and outputs, at most (a million tokens is past every model's context). */
export const MAX_SYNTHETIC_TOKENS = 1_000_000;

export interface WorkloadOptions {
  /** A short id of this run: requests carry `x-request-id: <runId>-c<conversation>-t<turn>`. */
  runId: string;
  /** `--preset`, as given; null when none. */
  preset: string | null;
  /** Synthetic prompts of this size (null: the body's or the test data's prompt). */
  inputTokens: TokenLength | null;
  /** Output asked through the API's max-tokens field (null: the body's own). */
  outputTokens: TokenLength | null;
  /** Ask the server for exactly the output length too: `min_tokens` and `ignore_eos` where the API has them. */
  ignoreEos: boolean;
  /** A unique prefix per conversation, so no request reuses another's prompt cache. */
  cacheBust: boolean;
  /** A fixed system prompt of this many tokens, identical across requests (0: none). */
  sharedPrefixTokens: number;
  trace: TraceOptions | null;
}

/** The run sends synthetic prompts (sized, or a trace's). */
export function isSynthetic(workload: WorkloadOptions | null | undefined): boolean {
  return workload !== null && workload !== undefined && (workload.inputTokens !== null || workload.trace !== null);
}

/** The workload as summary.json keeps it: the trace as its path, speed-up and length (not its requests). */
export type WorkloadConfig = Omit<WorkloadOptions, 'trace'> & {
  trace: { path: string; speedup: number; requests: number } | null;
  /** The tokenizer encoding synthetic prompts are exact for (the model's, else o200k_base). */
  encoding: string;
};

export function describeWorkload(workload: WorkloadOptions, encoding: string): WorkloadConfig {
  const trace = workload.trace;
  return { ...workload, trace: trace === null ? null : { path: trace.path, speedup: trace.speedup, requests: trace.requests.length }, encoding };
}
