/**
 * OpenAI `/v1/embeddings` (and vLLM, Ollama's and other compatible servers): response reading. The
 * answer is one JSON list of vectors, never a stream; it has no generated content, so TTFT, TTFO and
 * ITL have nothing to end on (null) and output tokens are null. What counts is the latency, the input
 * tokens (`usage.prompt_tokens`) and the vectors.
 */
import { readProviderErrorValue } from '../provider-error.js';
import { asBuffer } from '../sse.js';
import { isRecord } from '../json-bytes.js';
import { readCount, readJsonBody, ResponseState } from '../response-state.js';
import type { ParsedResponse, ParseOptions, StreamParser } from '../types.js';

/** Read a complete embeddings answer: `{"object":"list","data":[{"embedding":[...]}, ...],"usage":{...}}`. */
export function parseJson(text: string, atMs: number, options?: ParseOptions): ParsedResponse {
  const state = new ResponseState(options);
  state.terminate(atMs);
  const value = readJsonBody(state, text, 'an embeddings list');
  if (value === null) return state.build(atMs);
  if ((value['error'] !== undefined && value['error'] !== null) || value['object'] === 'error') {
    state.failWithProviderError(readProviderErrorValue(value, state.mask));
    return state.build(atMs);
  }
  const data = value['data'];
  if (!Array.isArray(data)) {
    state.fail('invalid_response', 'the body has no "data" list: not an embeddings answer');
    return state.build(atMs);
  }
  let vectors = 0;
  for (const item of data) {
    if (isRecord(item) && (Array.isArray(item['embedding']) || typeof item['embedding'] === 'string')) vectors += 1;
  }
  if (vectors === 0) {
    state.fail('empty_response', 'the answer carried no embedding vectors');
    return state.build(atMs);
  }
  if (typeof value['model'] === 'string' && value['model'] !== '') state.serverModel = value['model'];
  const usage = value['usage'];
  if (isRecord(usage)) {
    state.inputTokens = readCount(usage['prompt_tokens']);
    state.usageReported = state.inputTokens !== null;
  }
  return {
    ok: true,
    category: null,
    message: null,
    firstContentAt: null,
    firstOutputAt: null,
    lastContentAt: null,
    endAt: atMs,
    terminated: true,
    contentChunks: 0,
    inputTokens: state.inputTokens,
    outputTokens: null,
    reasoningTokens: null,
    cachedInputTokens: null,
    tokenSource: null,
    usageReported: state.usageReported,
    model: state.serverModel,
    finishReason: null,
    sawReasoning: false,
    sawToolCall: false,
    vectors,
    ...(state.keepText ? { text: '' } : {}),
  };
}

/** Embeddings never stream; should a body be read as one anyway, it is collected and read whole. */
export function createStreamParser(options?: ParseOptions): StreamParser {
  return new WholeBodyParser(options);
}

class WholeBodyParser implements StreamParser {
  private chunks: Buffer[] = [];
  readonly finished = false;

  constructor(private readonly options: ParseOptions | undefined) {}

  push(chunk: Uint8Array): void {
    // Copied: the caller may reuse its read buffer.
    this.chunks.push(Buffer.from(asBuffer(chunk)));
  }

  end(atMs: number): ParsedResponse {
    return parseJson(Buffer.concat(this.chunks).toString('utf8'), atMs, this.options);
  }

  reset(): void {
    this.chunks = [];
  }
}
