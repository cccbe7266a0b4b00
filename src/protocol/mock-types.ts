import type { ApiType } from '../model/api.js';

/**
 * What an adapter's mock part works with: the bundled mock server decides timing, faults and texts;
 * the adapter writes them in its API's exact wire format.
 */

/** What the mock takes from a request body. */
export interface MockRequest {
  model: string;
  stream: boolean;
  /** max_tokens / max_completion_tokens, null when not given. */
  maxTokens: number | null;
  /** `min_tokens` (vLLM / SGLang): the answer is at least this long; null or absent when not given. */
  minTokens?: number | null;
  /** `ignore_eos` (vLLM / SGLang): the answer runs to max_tokens. */
  ignoreEos?: boolean;
  /** OpenAI stream_options.include_usage. */
  includeUsage: boolean;
  inputTokens: number;
  /** Chat APIs: the messages of the request and the start of its last assistant message (multi-turn tests). */
  messages?: number;
  lastAssistant?: string | null;
  /** An embeddings request: the vectors to answer (one per input) and their shape; absent for generation. */
  embedding?: MockEmbedding;
}

export interface MockEmbedding {
  vectors: number;
  dimensions: number;
  /** `encoding_format: "base64"`: each vector as base64 of little-endian float32s. */
  base64: boolean;
}

export type ParsedMockRequest = { ok: true; request: MockRequest } | { ok: false; body: string };

/** Everything the mock needs to write one successful answer, in the API's exact wire format. */
export interface ReplyPlan {
  api: ApiType;
  /** The API's id: `chatcmpl-…` / `msg_…`. */
  id: string;
  model: string;
  /** Epoch seconds (OpenAI `created`). */
  created: number;
  inputTokens: number;
  reasoningTokens: number;
  answerTokens: number;
  /**
   * Output tokens the usage reports: reasoning + answer tokens, unless the mock was told to misreport
   * them (usage reconciliation tests).
   */
  usageOutputTokens: number;
  chunkTokens: number;
  /** "stop" / "length" (OpenAI); written as end_turn / max_tokens for Anthropic. */
  finishReason: 'stop' | 'length';
  /** OpenAI: the role-only first chunk. */
  roleChunk: boolean;
  /** OpenAI stream: the request asked stream_options.include_usage and usage is on. */
  streamUsage: boolean;
  /** OpenAI JSON body: include `usage`. */
  jsonUsage: boolean;
  /** Embeddings: what to answer (no tokens are generated then). */
  embedding?: MockEmbedding;
  /** Prompt tokens reported as read from the prompt cache (≤ inputTokens); 0 when absent. */
  cachedTokens?: number;
}

/** The content of a stream, cut into events: reasoning events first, then answer events. */
export interface ReplyChunks {
  texts: string[];
  tokens: number[];
  reasoningEvents: number;
}

/** The texts of a complete (non-streamed) answer; reasoning null when there is none. */
export interface ReplyTexts {
  answer: string;
  reasoning: string | null;
}

/**
 * A stream cut into writes: `head` goes out with the headers, `events[i]` is one content event (or, for
 * Anthropic, the block change that precedes the first answer event plus that event) carrying
 * `eventTokens[i]` tokens, `tail` ends the stream. Strings are concatenations of prebuilt parts: no
 * JSON.stringify per token.
 */
export interface StreamParts {
  head: string;
  events: string[];
  eventTokens: number[];
  tail: string;
}

/** A complete error answer: status, headers and the provider's real error body. */
export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface StatusErrorOptions {
  model: string;
  quotaExceeded: boolean;
  retryAfterS: number;
  requestId: string;
}

export type MockRequestReader = (text: string, requestId: string) => ParsedMockRequest;

/** How the mock speaks one API. */
export interface MockSpeaker {
  /** The mock serves this API at a request path (no query). */
  matchesPath(path: string): boolean;
  /** The answer's id from the mock's record id (`chatcmpl-mock-1`, `msg_mock-1`). */
  replyId(recordId: string): string;
  /**
   * The reader of request bodies: checks one as the API does; a bad one gets the provider's 400 body
   * (its wording, its shape). Loaded when a mock starts, so the CLI's start-up does not load zod.
   */
  loadRequestReader(): Promise<MockRequestReader>;
  writeStream(plan: ReplyPlan, chunks: ReplyChunks): StreamParts;
  writeJson(plan: ReplyPlan, texts: ReplyTexts): string;
  /** The provider's invalid_request_error body with this message. */
  invalidRequestBody(message: string, requestId: string): string;
  /** The answer to a request that must fail with `requested` (an API may answer another status for it). */
  statusError(requested: number, options: StatusErrorOptions): ErrorReply;
  /**
   * The error event inside a 200 stream: the API's usual one, or, given a status, the error object that
   * status carries in this API (OpenAI 401: `invalid_api_key`).
   */
  streamErrorEvent(error?: { status: number; model: string }): string;
  /** The status a non-streamed request gets for a "mid-stream" error. */
  readonly midStreamErrorStatus: number;
  /**
   * GET …/models in this API's shape, for a request that carries this API's own header (Anthropic's
   * anthropic-version); absent: the API has no listing of its own and the default API's shape answers.
   */
  modelsBody?(models: readonly string[]): string;
}
