import type { TargetSpec } from '../model/plan.js';
import { CACHE_BUST_TAG_TOKENS, TRACE_BLOCK_TOKENS, type TokenLength, type TraceRequest, type WorkloadOptions } from '../model/workload.js';
import { numberWords, promptWords, sizedPrompt, wordRun } from '../protocol/sized-prompt.js';
import { encodingForModel, type EncodingName } from '../protocol/tokens.js';
import type { ProtocolAdapter } from '../protocol/types.js';
import { createRandom } from '../random.js';
import type { BodySource } from './body-source.js';
import type { Partition } from './partition.js';

/**
 * Bodies of synthetic prompts (docs/cli.md "Workload"), built per request without JSON work: the body
 * is serialised once per output length around a placeholder, and each request's prompt is spliced in
 * as bytes: its cache-bust tag, then a slice of one pre-generated run of one-token words (so a slice of
 * n words is n tokens). One buffer written per request, no strings.
 */

/** Stands for the prompt in a serialised body: plain ASCII, so JSON keeps it as it is. */
const PLACEHOLDER = '@@llm-loadtest-prompt@@';
/** Words of the cache-bust tag that spell the run (so a rerun's tags differ) and the conversation. */
const RUN_TAG_WORDS = 3;
const CONVERSATION_TAG_WORDS = CACHE_BUST_TAG_TOKENS - RUN_TAG_WORDS;
/** Seeds of the texts: the shared prefix is the same in every run; the filler and blocks vary per run. */
const SHARED_PREFIX_SEED = 0x5eed;
/** A sampled length stays within this many standard deviations of its mean. */
const SPREAD_LIMIT = 4;
/** Serialised bodies kept per output length, and trace blocks kept, before the cache starts afresh. */
const MAX_CACHED = 4096;

/** The run's id as a number: seeds its texts and spells its tag. */
function hashRunId(runId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < runId.length; i += 1) hash = Math.imul(hash ^ runId.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** What both kinds of synthetic bodies share: the serialised body per output length and the tags. */
class PromptSplicer {
  readonly encoding: EncodingName;
  private readonly templates = new Map<number, Buffer[]>();
  private readonly system: string | undefined;
  /** The vocabulary as bytes, for writing a tag's words without building strings. */
  private readonly words: readonly Buffer[];
  /** The tag is written here (the run's words are there from the start) and copied into each body at once. */
  private readonly tagBytes: Buffer;
  private readonly runTagLength: number;

  constructor(
    private readonly target: TargetSpec,
    private readonly adapter: ProtocolAdapter,
    private readonly workload: WorkloadOptions,
    /**
     * Seeds what one target must not share with another behind the same server (the tag's run words, a
     * trace's blocks): the run's id, or one target's of several (their prompts otherwise alike).
     */
    readonly cacheSeed: number,
  ) {
    this.encoding = encodingForModel(target.model);
    this.words = promptWords(this.encoding).map((word) => Buffer.from(word, 'latin1'));
    const longest = Math.max(...this.words.map((word) => word.length));
    this.tagBytes = Buffer.alloc(CACHE_BUST_TAG_TOKENS * longest);
    this.runTagLength = this.tagBytes.write(numberWords(cacheSeed, RUN_TAG_WORDS, this.encoding), 0, 'latin1');
    this.system = workload.sharedPrefixTokens > 0 ? sizedPrompt(workload.sharedPrefixTokens, { encoding: this.encoding, seed: SHARED_PREFIX_SEED }) : undefined;
  }

  /**
   * The cache-bust tag of a conversation: CACHE_BUST_TAG_TOKENS one-token words, the conversation's
   * number spelt as numberWords does. A view of a reused buffer: valid until the next call.
   */
  tag(conversation: number): Buffer {
    const words = this.words;
    const digits = CONVERSATION_TAG_WORDS;
    let rest = Math.floor(Math.abs(conversation));
    let end = this.runTagLength;
    // Most significant first: find each digit from the top.
    let scale = words.length ** (digits - 1);
    for (let i = 0; i < digits; i += 1) {
      const digit = Math.floor(rest / scale) % words.length;
      rest %= scale;
      scale /= words.length;
      end += (words[digit] as Buffer).copy(this.tagBytes, end);
    }
    return this.tagBytes.subarray(0, end);
  }

  /** The body serialised around the prompt, for an output length (null: the body's own). */
  template(outputTokens: number | null): Buffer[] {
    const key = outputTokens ?? -1;
    let parts = this.templates.get(key);
    if (parts === undefined) {
      const prompt = this.system === undefined ? { prompt: PLACEHOLDER } : { prompt: PLACEHOLDER, system: this.system };
      let body = this.adapter.applyPrompt(this.target.body, prompt);
      if (outputTokens !== null && this.adapter.applyOutputLength !== undefined) {
        body = this.adapter.applyOutputLength(body, outputTokens, this.workload.ignoreEos);
      }
      parts = JSON.stringify(body)
        .split(PLACEHOLDER)
        .map((part) => Buffer.from(part));
      if (this.templates.size >= MAX_CACHED) this.templates.clear();
      this.templates.set(key, parts);
    }
    return parts;
  }

  /**
   * The body: the template with the prompt (its first `count` pieces, in order) wherever the API puts it,
   * written into one buffer (small bodies come from Node's buffer pool).
   */
  splice(template: readonly Buffer[], prompt: readonly Buffer[], count: number): Buffer {
    let promptBytes = 0;
    for (let i = 0; i < count; i += 1) promptBytes += (prompt[i] as Buffer).length;
    let size = promptBytes * (template.length - 1);
    for (const part of template) size += part.length;
    const body = Buffer.allocUnsafe(size);
    let at = (template[0] as Buffer).copy(body, 0);
    for (let t = 1; t < template.length; t += 1) {
      for (let i = 0; i < count; i += 1) at += (prompt[i] as Buffer).copy(body, at);
      at += (template[t] as Buffer).copy(body, at);
    }
    return body;
  }

  /** The shared system prompt's tokens (0 without one). */
  get sharedTokens(): number {
    return this.workload.sharedPrefixTokens;
  }
}

/** One pre-generated run of one-token words: a slice of its first n words is n tokens. */
class WordFiller {
  private readonly bytes: Buffer;
  /** offsets[n]: where the first n words end. */
  private readonly offsets: Uint32Array;

  constructor(words: number, encoding: EncodingName, seed: number) {
    const text = wordRun(words, { encoding, seed });
    this.bytes = Buffer.from(text, 'latin1');
    this.offsets = new Uint32Array(words + 1);
    let n = 0;
    for (let i = 0; i < text.length; i += 1) {
      if (text.charCodeAt(i) === 32) {
        this.offsets[n] = i;
        n += 1;
      }
    }
    this.offsets[words] = text.length;
  }

  get words(): number {
    return this.offsets.length - 1;
  }

  /** The first n words (a view, no copy). */
  slice(n: number): Buffer {
    return this.bytes.subarray(0, this.offsets[Math.min(n, this.words)]);
  }
}

/** A length drawn from a normal distribution (Box-Muller), rounded and kept within [min, max]. */
function createSampler(length: TokenLength, min: number, seed: number): { sample: () => number; max: number } {
  const max = Math.max(min, Math.ceil(length.mean + SPREAD_LIMIT * length.stddev));
  if (length.stddev === 0) return { sample: () => Math.max(min, length.mean), max };
  const random = createRandom(seed);
  return {
    sample: () => {
      const gauss = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return Math.min(max, Math.max(min, Math.round(length.mean + length.stddev * gauss)));
    },
    max,
  };
}

/**
 * `--input-tokens` / `--preset`: each request a prompt of a sampled size (the cache-bust tag of its
 * conversation first, unless --no-cache-bust), a sampled output length, the shared system prompt if any.
 */
export class SizedBodies implements BodySource {
  inputTokens: number | null = null;
  outputTokens: number | null = null;
  private readonly splicer: PromptSplicer;
  private readonly filler: WordFiller;
  private readonly input: () => number;
  private readonly output: (() => number) | null;
  private readonly tagTokens: number;
  private readonly prompt: Buffer[] = [];

  /** `tagSeedFrom`: what seeds the cache-bust tags (and a trace's blocks) instead of the run id (one target's request-id prefix). */
  constructor(target: TargetSpec, adapter: ProtocolAdapter, workload: WorkloadOptions, partition: Partition, tagSeedFrom?: string) {
    const runSeed = hashRunId(workload.runId);
    this.splicer = new PromptSplicer(target, adapter, workload, hashRunId(tagSeedFrom ?? workload.runId));
    this.tagTokens = workload.cacheBust ? CACHE_BUST_TAG_TOKENS : 0;
    const input = workload.inputTokens ?? { mean: 1, stddev: 0 };
    const inputSampler = createSampler(input, Math.max(1, this.tagTokens), runSeed + 2 * partition.index);
    this.input = inputSampler.sample;
    this.filler = new WordFiller(inputSampler.max, this.splicer.encoding, runSeed);
    const output = workload.outputTokens;
    this.output = output === null ? null : createSampler(output, 1, runSeed + 2 * partition.index + 1).sample;
    if (output === null) this.outputTokens = adapter.readMaxTokens?.(target.body) ?? null;
  }

  next(conversation: number): Buffer {
    const tokens = this.input();
    const outputTokens = this.output === null ? this.outputTokens : this.output();
    const prompt = this.prompt;
    let count = 0;
    if (this.tagTokens > 0) prompt[count++] = this.splicer.tag(conversation);
    prompt[count++] = this.filler.slice(tokens - this.tagTokens);
    this.inputTokens = tokens + this.splicer.sharedTokens;
    this.outputTokens = outputTokens;
    return this.splicer.splice(this.splicer.template(outputTokens), prompt, count);
  }
}

/**
 * `--trace`: this thread's requests of the trace in order (the open loop sends them in that order), each
 * with its sizes. Hash ids give blocks of TRACE_BLOCK_TOKENS words, the same text wherever an id repeats
 * (in this run); the rest of the prompt after the blocks starts with the request's cache-bust tag.
 */
export class TraceBodies implements BodySource {
  inputTokens: number | null = null;
  outputTokens: number | null = null;
  private readonly splicer: PromptSplicer;
  private readonly filler: WordFiller;
  private readonly requests: readonly TraceRequest[];
  private readonly stride: number;
  private index: number;
  private readonly tagTokens: number;
  private readonly blocks = new Map<number, Buffer>();
  private readonly prompt: Buffer[] = [];

  /** `tagSeedFrom`: as SizedBodies'. */
  constructor(target: TargetSpec, adapter: ProtocolAdapter, workload: WorkloadOptions, partition: Partition, tagSeedFrom?: string) {
    const trace = workload.trace;
    this.requests = trace === null ? [] : trace.requests;
    this.stride = partition.count;
    this.index = partition.index;
    const runSeed = hashRunId(workload.runId);
    this.splicer = new PromptSplicer(target, adapter, workload, hashRunId(tagSeedFrom ?? workload.runId));
    this.tagTokens = workload.cacheBust ? CACHE_BUST_TAG_TOKENS : 0;
    let longest = 1;
    for (const request of this.requests) longest = Math.max(longest, request.inputTokens);
    this.filler = new WordFiller(longest, this.splicer.encoding, runSeed);
  }

  /** The times this thread's requests are due at, as gaps from the run start (ms, sped up); then Infinity. */
  arrivalGaps(speedup: number): () => number {
    let index = this.index;
    let previousMs = 0;
    return () => {
      const request = this.requests[index];
      if (request === undefined) return Number.POSITIVE_INFINITY;
      index += this.stride;
      const atMs = request.atMs / speedup;
      const gap = atMs - previousMs;
      previousMs = atMs;
      return gap;
    };
  }

  next(conversation: number): Buffer {
    // The open loop sends this thread's share in order; past the end (never, with max-requests) the last again.
    const request = this.requests[Math.min(this.index, this.requests.length - 1)] as TraceRequest;
    this.index += this.stride;
    const prompt = this.prompt;
    let count = 0;
    let left = request.inputTokens;
    for (const id of request.hashIds) {
      if (left <= 0) break;
      const block = this.block(id);
      const words = Math.min(left, TRACE_BLOCK_TOKENS);
      prompt[count++] = words === TRACE_BLOCK_TOKENS ? block : blockSlice(block, words);
      left -= words;
    }
    if (left > 0) {
      const tagged = this.tagTokens > 0 && left >= this.tagTokens;
      if (tagged) prompt[count++] = this.splicer.tag(conversation);
      prompt[count++] = this.filler.slice(tagged ? left - this.tagTokens : left);
    }
    this.inputTokens = request.inputTokens + this.splicer.sharedTokens;
    this.outputTokens = request.outputTokens;
    return this.splicer.splice(this.splicer.template(request.outputTokens), prompt, count);
  }

  /** The text of a hash id: TRACE_BLOCK_TOKENS seeded words, the same for the same id in this run. */
  private block(id: number): Buffer {
    let block = this.blocks.get(id);
    if (block === undefined) {
      block = Buffer.from(wordRun(TRACE_BLOCK_TOKENS, { encoding: this.splicer.encoding, seed: (this.splicer.cacheSeed ^ Math.imul(id + 1, 0x9e3779b1)) >>> 0 }), 'latin1');
      if (this.blocks.size >= MAX_CACHED) this.blocks.clear();
      this.blocks.set(id, block);
    }
    return block;
  }
}

/** The first `words` words of a block (each starts with a space). */
function blockSlice(block: Buffer, words: number): Buffer {
  let seen = 0;
  for (let i = 1; i < block.length; i += 1) {
    if (block[i] === 32) {
      seen += 1;
      if (seen === words) return block.subarray(0, i);
    }
  }
  return block;
}


/** The pre-check's conversation: far from the load's (0, 1, 2, ...), so it warms no load request's cache. */
const PRECHECK_CONVERSATION = 90_000_000;

/** What the pre-check sends when the workload shapes the body, and the sizes it asked for. */
export interface PrecheckBody {
  body: Record<string, unknown>;
  inputTokens: number | null;
  outputTokens: number | null;
}

/**
 * The pre-check's body when the workload shapes what is sent (a synthetic prompt, a trace's first request
 * without its shared blocks, an output length on the given body), so the capability report can say whether the server keeps to
 * those lengths; null when the body goes as given.
 */
export function buildPrecheckBody(target: TargetSpec, adapter: ProtocolAdapter, workload: WorkloadOptions | null | undefined, tagSeedFrom?: string): PrecheckBody | null {
  if (workload === null || workload === undefined) return null;
  const one = { index: 0, count: 1 };
  const trace = workload.trace;
  const first = trace?.requests[0];
  // The trace's first sizes without its hash ids: the pre-check must not warm the blocks the trace shares.
  const source =
    trace !== null && first !== undefined
      ? new TraceBodies(target, adapter, { ...workload, trace: { ...trace, requests: [{ ...first, hashIds: [] }] } }, one, tagSeedFrom)
      : workload.inputTokens !== null
        ? new SizedBodies(target, adapter, workload, one, tagSeedFrom)
        : null;
  if (source !== null) {
    const bytes = source.next(PRECHECK_CONVERSATION);
    return { body: JSON.parse(bytes.toString('utf8')) as Record<string, unknown>, inputTokens: source.inputTokens, outputTokens: source.outputTokens };
  }
  const output = workload.outputTokens;
  if (output === null || adapter.applyOutputLength === undefined) return null;
  return { body: adapter.applyOutputLength(target.body, output.mean, workload.ignoreEos), inputTokens: null, outputTokens: output.mean };
}
