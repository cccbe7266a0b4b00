import type { ApiType, ParsedResponse } from '../protocol/types.js';
import type { CapabilityReport } from '../model/capability.js';

export interface CapabilityInput {
  apiType: ApiType;
  /** Masked. */
  url: string;
  status: number;
  stream: boolean;
  contentType: string | null;
  modelAsked: string;
  /** max_tokens / max_completion_tokens of the body, when set. */
  maxTokens: number | null;
  /** The clock reading just before the request was sent (same clock as the parsed times). */
  startedAt: number;
  parsed: ParsedResponse;
}

const TEXT_PREVIEW_CHARS = 120;
/** Above this many tokens per chunk, a chunk gap is no longer a per-token latency worth calling one. */
const MULTI_TOKEN_CHUNK = 1.5;

/** Turn a successful pre-check response into what the user should know before the load starts. */
export function buildCapabilityReport(input: CapabilityInput): CapabilityReport {
  const { parsed, startedAt } = input;
  if (parsed.vectors !== undefined && parsed.vectors !== null) return buildEmbeddingsReport(input, parsed.vectors);
  const since = (at: number | null): number | null => (at === null ? null : round2(at - startedAt));
  const tokensPerChunk =
    parsed.outputTokens !== null && parsed.contentChunks > 0 ? round2(parsed.outputTokens / parsed.contentChunks) : null;
  // OpenAI and Ollama say length, Anthropic max_tokens, the Responses API (incomplete_details) max_output_tokens.
  const maxTokensHit = parsed.finishReason === 'length' || parsed.finishReason === 'max_tokens' || parsed.finishReason === 'max_output_tokens';

  const exact = ['e2e'];
  const estimated: string[] = [];
  const unavailable: string[] = [];
  const notes: string[] = [];

  if (input.stream) {
    exact.push('ttft', 'ttfo', 'chunk gaps');
  } else {
    unavailable.push('ttft', 'ttfo', 'itl', 'chunk gaps');
    notes.push('not streaming: the answer arrives at once, so TTFT, ITL and chunk gaps are not measured (use --stream)');
  }

  const usageWhere = input.stream ? 'in stream' : 'in the response';
  if (parsed.tokenSource === 'usage' && parsed.outputTokens !== null) {
    exact.push('output tokens', 'tokens/s');
    if (input.stream) exact.push('itl');
  } else {
    estimated.push('output tokens', 'tokens/s');
    if (input.stream) estimated.push('itl');
    notes.push(`no usage ${usageWhere}: output tokens will be counted with a tokenizer`);
  }
  if (parsed.inputTokens !== null) {
    exact.push('input tokens');
  } else {
    estimated.push('input tokens');
    notes.push(`no input tokens ${usageWhere}: they will be counted from the prompt text with a tokenizer, without the chat template the server adds`);
  }

  if (parsed.sawReasoning) {
    // Without usage the parser counts reasoning with the tokenizer too: only the server's count is exact.
    const usage = parsed.tokenSource === 'usage';
    if (usage && parsed.reasoningTokens !== null) exact.push('reasoning tokens');
    else estimated.push('reasoning tokens');
    if (usage && parsed.reasoningTokens === null) {
      notes.push('reasoning appeared but usage does not count it apart: reasoning tokens will be counted with a tokenizer');
    }
    if (input.stream) notes.push('a reasoning channel appeared: TTFT counts the first reasoning token, TTFO the first answer token');
  }
  if (input.stream && tokensPerChunk !== null && tokensPerChunk > MULTI_TOKEN_CHUNK) {
    notes.push(`about ${tokensPerChunk} tokens per chunk: chunk gaps span several tokens; ITL is derived from the token count`);
  }
  if (maxTokensHit) {
    const limit = input.maxTokens === null ? '' : ` (${input.maxTokens})`;
    notes.push(`the answer stopped at max_tokens${limit}: output length is capped by it`);
  }
  if (parsed.model !== null && parsed.model !== input.modelAsked) {
    notes.push(`the server ran ${parsed.model} (asked for ${input.modelAsked})`);
  }

  return {
    apiType: input.apiType,
    url: input.url,
    status: input.status,
    stream: input.stream,
    contentType: input.contentType,
    latencyMs: round2(parsed.endAt - startedAt),
    ttftMs: since(parsed.firstContentAt),
    ttfoMs: since(parsed.firstOutputAt),
    modelAsked: input.modelAsked,
    model: parsed.model,
    usageReported: parsed.usageReported,
    reasoning: parsed.sawReasoning,
    toolCall: parsed.sawToolCall,
    contentChunks: parsed.contentChunks,
    inputTokens: parsed.inputTokens,
    outputTokens: parsed.outputTokens,
    reasoningTokens: parsed.reasoningTokens,
    tokenSource: parsed.tokenSource,
    tokensPerChunk,
    finishReason: parsed.finishReason,
    maxTokensHit,
    exact,
    estimated,
    unavailable,
    notes,
    textPreview: preview(parsed.text ?? ''),
  };
}

/** An embeddings answer: nothing generated, so no token timings; latency, input tokens and vectors are what count. */
function buildEmbeddingsReport(input: CapabilityInput, vectors: number): CapabilityReport {
  const { parsed, startedAt } = input;
  const exact = ['e2e', 'vectors'];
  const estimated: string[] = [];
  const notes = ['embeddings: no tokens are generated, so TTFT, TTFO and ITL are not measured; latency, requests/s, input tokens/s and vectors/s are'];
  if (parsed.inputTokens !== null) exact.push('input tokens');
  else {
    estimated.push('input tokens');
    notes.push('no usage in the response: input tokens will be counted from the input text with a tokenizer (an estimate)');
  }
  if (parsed.model !== null && parsed.model !== input.modelAsked) notes.push(`the server ran ${parsed.model} (asked for ${input.modelAsked})`);
  return {
    apiType: input.apiType,
    url: input.url,
    status: input.status,
    stream: false,
    contentType: input.contentType,
    latencyMs: round2(parsed.endAt - startedAt),
    ttftMs: null,
    ttfoMs: null,
    modelAsked: input.modelAsked,
    model: parsed.model,
    usageReported: parsed.usageReported,
    reasoning: false,
    toolCall: false,
    contentChunks: 0,
    inputTokens: parsed.inputTokens,
    outputTokens: null,
    reasoningTokens: null,
    tokenSource: null,
    vectors,
    tokensPerChunk: null,
    finishReason: null,
    maxTokensHit: false,
    exact,
    estimated,
    unavailable: ['ttft', 'ttfo', 'itl', 'chunk gaps', 'output tokens', 'tokens/s'],
    notes,
    textPreview: '',
  };
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= TEXT_PREVIEW_CHARS ? flat : `${flat.slice(0, TEXT_PREVIEW_CHARS - 1)}…`;
}

/** Two decimals: enough for milliseconds and ratios in a report, no float noise in JSON. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
