/**
 * What both adapters accumulate while reading one response, and how it becomes a ParsedResponse. The
 * generated text is kept only as raw JSON string literals (bytes copied, nothing decoded) so that, when
 * the server reports no usage, `end()` can count tokens from it in one JSON.parse.
 */
import type { FailureCategory } from '../failures/categories.js';
import { copyBytes, isRecord } from './json-bytes.js';
import { categorizeStreamError } from '../failures/classify-http.js';
import { readProviderError } from './provider-error.js';
import { maskAndCut, maskText } from '../text/mask.js';
import { countTokens } from './tokens.js';
import type { ChunkListener, ParsedResponse, ParseOptions, ProviderError, TokenSource } from './types.js';

/** Kinds of generated content: text, reasoning/thinking, a tool call (name or arguments). */
export const KIND_TEXT = 1;
export const KIND_REASONING = 2;
export const KIND_TOOL = 4;

const COMMA = 0x2c;
const NO_LISTENER: ChunkListener = { onContentChunk: () => undefined };

/** Growable byte buffer of comma-separated JSON string literals. */
class LiteralBuffer {
  bytes: Buffer = Buffer.allocUnsafe(512);
  length = 0;

  addRaw(src: Buffer, start: number, end: number): void {
    const needed = this.length + (end - start) + 1;
    if (needed > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    copyBytes(src, start, end, this.bytes, this.length);
    this.bytes[needed - 1] = COMMA;
    this.length = needed;
  }

  addString(text: string): void {
    const literal = Buffer.from(JSON.stringify(text), 'utf8');
    this.addRaw(literal, 0, literal.length);
  }

  /** Empty again; the bytes are kept for the next response. */
  clear(): void {
    this.length = 0;
  }

  /** The decoded strings, joined. */
  read(): string {
    if (this.length === 0) return '';
    const parts = JSON.parse(`[${this.bytes.toString('utf8', 0, this.length - 1)}]`) as string[];
    return parts.join('');
  }
}

export class ResponseState {
  readonly listener: ChunkListener;
  readonly keepText: boolean;
  /** ParseOptions.returnText: the text in the outcome, the parser staying on its fast path. */
  private readonly returnText: boolean;
  readonly model: string | undefined;
  private readonly reconcileUsage: boolean | (() => boolean);
  /** Masks secrets in server text before a failure message cuts it (ParseOptions.mask). */
  readonly mask: (text: string) => string;

  category: FailureCategory | null = null;
  message: string | null = null;
  firstContentAt: number | null = null;
  firstOutputAt: number | null = null;
  lastContentAt: number | null = null;
  endAt: number | null = null;
  terminated = false;
  contentChunks = 0;
  inputTokens: number | null = null;
  outputTokens: number | null = null;
  reasoningTokens: number | null = null;
  cachedInputTokens: number | null = null;
  usageReported = false;
  serverModel: string | null = null;
  finishReason: string | null = null;
  sawReasoning = false;
  sawToolCall = false;

  private text: LiteralBuffer | null = null;
  private reasoning: LiteralBuffer | null = null;
  private tool: LiteralBuffer | null = null;

  constructor(options: ParseOptions | undefined) {
    this.listener = options?.listener ?? NO_LISTENER;
    this.keepText = options?.keepText ?? false;
    this.returnText = this.keepText || options?.returnText === true;
    this.model = options?.model;
    this.reconcileUsage = options?.reconcileUsage ?? false;
    this.mask = options?.mask ?? ((text) => maskText(text));
  }

  /**
   * Back to the state of a new response, keeping the options and the text buffers: a parser reused for
   * request after request allocates nothing per request (see StreamParser.reset).
   */
  reset(): void {
    this.category = null;
    this.message = null;
    this.firstContentAt = null;
    this.firstOutputAt = null;
    this.lastContentAt = null;
    this.endAt = null;
    this.terminated = false;
    this.contentChunks = 0;
    this.inputTokens = null;
    this.outputTokens = null;
    this.reasoningTokens = null;
    this.cachedInputTokens = null;
    this.usageReported = false;
    this.serverModel = null;
    this.finishReason = null;
    this.sawReasoning = false;
    this.sawToolCall = false;
    this.text?.clear();
    this.reasoning?.clear();
    this.tool?.clear();
  }

  /** One event (or a whole JSON body) that carried content of the given kinds, arrived at atMs. */
  markContent(kinds: number, atMs: number): void {
    if (this.firstContentAt === null) this.firstContentAt = atMs;
    if (this.firstOutputAt === null && (kinds & (KIND_TEXT | KIND_TOOL)) !== 0) this.firstOutputAt = atMs;
    if ((kinds & KIND_REASONING) !== 0) this.sawReasoning = true;
    if ((kinds & KIND_TOOL) !== 0) this.sawToolCall = true;
    this.lastContentAt = atMs;
    this.contentChunks += 1;
    this.listener.onContentChunk(atMs);
  }

  /** Keep a JSON string literal (with its quotes) of generated content, for the tokenizer or the text. */
  keepLiteral(kind: number, src: Buffer, start: number, end: number): void {
    this.bufferFor(kind).addRaw(src, start, end);
  }

  keepString(kind: number, text: string): void {
    if (text !== '') this.bufferFor(kind).addString(text);
  }

  /** The first failure wins: a later one is a consequence. */
  fail(category: FailureCategory, message: string): void {
    if (this.category !== null) return;
    this.category = category;
    this.message = message;
  }

  /** An error the server sent inside a 2xx answer: a failure of the category its code and type say. */
  failWithProviderError(error: ProviderError | null): void {
    const known = error ?? { message: null, type: null, code: null };
    this.fail(categorizeStreamError(known), known.message ?? 'the server sent an error');
  }

  terminate(atMs: number): void {
    this.terminated = true;
    this.endAt = atMs;
  }

  /** The outcome. `endAtMs` is used when no terminator fixed the end. */
  build(endAtMs: number): ParsedResponse {
    if (this.category === null) {
      if (this.contentChunks === 0) {
        this.fail('empty_response', 'the response carried no generated content');
      } else if (!this.terminated) {
        this.fail('invalid_response', 'the stream ended before its terminator: the response was cut off');
      }
    }
    const ok = this.category === null;
    let tokenSource: TokenSource | null = null;
    let countedOutputTokens: number | null = null;
    if (this.outputTokens !== null) {
      tokenSource = 'usage';
      const reconcile = this.reconcileUsage;
      if (ok && (reconcile === true || (reconcile !== false && reconcile()))) countedOutputTokens = this.countForReconciliation();
    } else if (ok) {
      // Failed requests are left out of token figures, so they never pay for the tokenizer.
      const counted = this.countOutput();
      this.outputTokens = counted.total;
      if (this.reasoningTokens === null && counted.reasoning !== null) this.reasoningTokens = counted.reasoning;
      tokenSource = 'tokenizer';
    }
    const response: ParsedResponse = {
      ok,
      category: this.category,
      message: this.message,
      firstContentAt: this.firstContentAt,
      firstOutputAt: this.firstOutputAt,
      lastContentAt: this.lastContentAt,
      endAt: this.endAt ?? endAtMs,
      terminated: this.terminated,
      contentChunks: this.contentChunks,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      reasoningTokens: this.reasoningTokens,
      cachedInputTokens: this.cachedInputTokens,
      tokenSource,
      countedOutputTokens,
      usageReported: this.usageReported,
      model: this.serverModel,
      finishReason: this.finishReason,
      sawReasoning: this.sawReasoning,
      sawToolCall: this.sawToolCall,
    };
    if (this.returnText) response.text = this.text?.read() ?? '';
    return response;
  }

  /** The generated text, reasoning and tool calls counted with the tokenizer; reasoning null when there was none. */
  /**
   * Our count of the answer, to set beside the usage's: reasoning that usage counts apart is taken at the
   * server's word (models hide or summarise it, so its text says little of its length) and only the visible
   * output is checked; reasoning that usage does not count apart cannot be checked, and neither can the
   * answer then (null).
   */
  private countForReconciliation(): number | null {
    const counted = this.countOutput();
    if (this.reasoningTokens !== null) return counted.total - (counted.reasoning ?? 0) + this.reasoningTokens;
    return counted.reasoning === null ? counted.total : null;
  }

  private countOutput(): { total: number; reasoning: number | null } {
    const reasoningText = this.reasoning?.read() ?? '';
    const reasoning = countTokens(reasoningText, this.model);
    const total = countTokens(this.text?.read() ?? '', this.model) + countTokens(this.tool?.read() ?? '', this.model) + reasoning;
    return { total, reasoning: reasoningText === '' ? null : reasoning };
  }

  private bufferFor(kind: number): LiteralBuffer {
    if (kind === KIND_REASONING) return (this.reasoning ??= new LiteralBuffer());
    if (kind === KIND_TOOL) return (this.tool ??= new LiteralBuffer());
    return (this.text ??= new LiteralBuffer());
  }
}

/** A number from a usage object, or null. */
export function readCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A complete JSON body as an object; null after failing the state when it is not JSON or not an object. */
export function readJsonBody(state: ResponseState, text: string, what: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const error = readProviderError(text, state.mask);
    state.fail('invalid_response', `the body is not JSON${error.message === null ? '' : `: ${error.message}`}`);
    return null;
  }
  if (isRecord(value)) return value;
  state.fail('invalid_response', `the body is not ${what}`);
  return null;
}

/** Server text for a failure message: flattened, masked, cut to 120 characters, masked again at the cut. */
export function shortText(text: string, mask: (text: string) => string): string {
  return maskAndCut(text.replace(/\s+/g, ' ').trim(), 120, mask);
}
