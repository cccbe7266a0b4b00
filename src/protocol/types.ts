import type { FailureCategory } from '../failures/categories.js';
import type { ApiType, TokenSource } from '../model/api.js';
import type { MockSpeaker } from './mock-types.js';

export type { ApiType, TokenSource };

/**
 * What one response turned out to be. Times are `performance.now()` values of the network read that
 * carried the bytes (stamped on arrival, before any JSON parsing of them).
 */
export interface ParsedResponse {
  ok: boolean;
  /** Why not ok (null when ok). */
  category: FailureCategory | null;
  /**
   * Short and human (null when ok). Server text in it is masked with ParseOptions.mask, before it is cut
   * short; without one it is not masked at all.
   */
  message: string | null;
  /** First generated content of any kind: text, reasoning/thinking, or a tool call. TTFT ends here. */
  firstContentAt: number | null;
  /** First non-reasoning output (text or tool call). TTFO ends here. */
  firstOutputAt: number | null;
  lastContentAt: number | null;
  /** The end of the response: the terminator, or the end of the body. E2E ends here. */
  endAt: number;
  /** Saw the API's terminator (`[DONE]`, `message_stop`); always true for a complete JSON body. */
  terminated: boolean;
  /** Chunks (SSE events) that carried generated content; 1 for a JSON body with content. */
  contentChunks: number;
  inputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  /** Anthropic cache read + creation, OpenAI prompt_tokens_details.cached_tokens; null when not reported. */
  cachedInputTokens: number | null;
  /** Source of outputTokens: the server's usage, or our tokenizer; null when nothing was counted. */
  tokenSource: TokenSource | null;
  /**
   * With ParseOptions.reconcileUsage and usage reported: the generated text counted with our tokenizer,
   * to reconcile the usage against; null (or absent) otherwise.
   */
  countedOutputTokens?: number | null;
  /** The server reported usage (in the stream, for a stream). */
  usageReported: boolean;
  /** The model the server says it ran. */
  model: string | null;
  finishReason: string | null;
  sawReasoning: boolean;
  sawToolCall: boolean;
  /**
   * Embeddings: the vectors the answer carried (one per input); absent for APIs that generate text. An
   * embeddings answer has no generated content, so its firstContentAt and firstOutputAt stay null.
   */
  vectors?: number | null;
  /** The generated text, only when asked for (pre-check); never kept by the load engine. */
  text?: string;
}

/** Called once per content chunk, with its arrival time; the engine records chunk gaps from it. */
export interface ChunkListener {
  onContentChunk(atMs: number): void;
}

/**
 * Incremental parser of a streamed response body; reads are pushed as they arrive. One response at a
 * time: `reset()` makes it ready for the next one, exactly as a new parser (the engine keeps one per user).
 */
export interface StreamParser {
  /** Feed one network read, stamped with its arrival time. */
  push(chunk: Uint8Array, atMs: number): void;
  /** True once the terminator was seen; the caller may stop reading. */
  readonly finished: boolean;
  /** True once the response has failed (an event over the size cap, an error event): the caller stops reading. */
  readonly failed?: boolean;
  /** The body ended (or the caller stopped at `finished`): the outcome. */
  end(atMs: number): ParsedResponse;
  /** Forget the last response (buffers are kept): the same as a new parser with the same options. */
  reset(): void;
}

export interface ParseOptions {
  listener?: ChunkListener;
  /** Keep the generated text in the outcome (pre-check). */
  keepText?: boolean;
  /** The model asked for; picks the tokenizer encoding when usage is missing. */
  model?: string;
  /**
   * Count the generated text of a successful answer even when usage gave the count (countedOutputTokens):
   * always, or when the function says so (asked once per successful answer with usage, so a caller can
   * sample).
   */
  reconcileUsage?: boolean | (() => boolean);
  /**
   * Masks secrets in the server's text of a failure message before the parser cuts it short (maskText
   * with the run's secrets); masking the cut message afterwards misses a key split by the cut.
   */
  mask?: (text: string) => string;
}

/** Provider error details read from an error body or an in-stream error event. */
export type { ProviderError } from '../failures/classify-http.js';

/** A prompt from a test-data set: a plain prompt, or a whole message list. */
export type PromptItem =
  | { prompt: string; system?: string }
  | { messages: Array<{ role: string; content: unknown }> };

/** What normalising a body for an API added; every change is said to the user as a note. */
export interface RequestNormalization {
  body: Record<string, unknown>;
  /** Headers to add when the user did not set them (e.g. anthropic-version). */
  headers: Record<string, string>;
  notes: string[];
}

/** A path this API is served at: `suffix` ends the URL path; `apiPath` is its tail kept as the platform's API path. */
export interface PathRule {
  suffix: string;
  apiPath: string;
}

/** How a target is recognised as this API when its path does not say (a gateway's own path). */
export interface TargetMatch {
  /** Tried first, in order: the URL path (no trailing slash) ends with one of these. */
  paths: readonly PathRule[];
  /**
   * A header signal (names lower-cased). Weak: some other API's gateways send it too, so a body with
   * another API's own fields outweighs it.
   */
  byHeaders(names: ReadonlySet<string>): { reason: string; weak: boolean } | null;
  /** Body fields only this API has, beside `messages`. */
  bodyKeys: readonly string[];
  /**
   * For an API whose body has no `messages`: the field that shows a body is this API's (a gateway's own
   * path), or null. Tried in registry order; the first that answers wins.
   */
  bodyShape?(body: Readonly<Record<string, unknown>>): string | null;
  /** A model name deployed in the path (Azure), standing in for the model. */
  deploymentInPath?(path: string): string | null;
}

/** The header that carries the API key, as the API documents it; `prefix` goes before the key. */
export interface KeyHeader {
  name: string;
  prefix: string;
}

/** What a pre-check answer through the platform shows about the content (null: it has some). */
export interface PlatformContentProblem {
  category: 'invalid_response' | 'empty_response';
  message: string;
}

/** The API on the load-test platform: its name there, and what the platform's engine needs from us. */
export interface PlatformSide {
  /** `api_type` on the platform (its engine picks the stream parser from it). */
  name: string;
  /** As the platform's web UI shows it. */
  label: string;
  /** Platform-only changes to the body as sent (e.g. asking for usage, which its engine reads). */
  prepareBody(body: Record<string, unknown>, stream: boolean): void;
  /** What the platform's payload check says about a body it would reject, null when fine. */
  checkBody(body: Readonly<Record<string, unknown>>, stream: boolean): string | null;
  /** One parsed SSE event of the relayed pre-check answer carries generated content. */
  eventHasContent(event: Record<string, unknown>): boolean;
  /** A relayed 200 JSON answer: not the API's shape, or no generated content. */
  inspectJson(data: Record<string, unknown>): PlatformContentProblem | null;
}

/** What this API lets us measure exactly (the pre-check reports what a server actually sent). */
export interface Capabilities {
  /** The API streams at all (embeddings do not: every request is sent with stream off). Default true. */
  streams?: boolean;
  /** The media type of a stream; default `text/event-stream` (Ollama streams `application/x-ndjson`). */
  streamContentType?: string;
  /** Usage can arrive in the stream (OpenAI: only when asked, with stream_options). */
  streamUsage: 'always' | 'when-asked' | 'never';
  /** A reasoning channel apart from the answer (TTFO differs from TTFT). */
  reasoning: boolean;
}

/** One API's wire knowledge: how to recognise it, build its request, read its responses, and speak it. */
export interface ProtocolAdapter {
  readonly apiType: ApiType;
  /** Human name ("OpenAI chat completions"). */
  readonly label: string;
  readonly match: TargetMatch;
  /** The headers that may carry the key, the documented one first. */
  readonly keyHeaders: readonly KeyHeader[];
  /** A model name for examples in hints. */
  readonly exampleModel: string;
  readonly capabilities: Capabilities;
  /** How the load-test platform runs this API; null where it does not (a platform run is refused). */
  readonly platform: PlatformSide | null;
  /** How the bundled mock server speaks this API. */
  readonly mock: MockSpeaker;
  /** A minimal valid body, for an empty --body. */
  minimalBody(model: string): Record<string, unknown>;
  /** Make the body agree with model and stream, add what the API needs (include_usage, max_tokens). */
  normalizeRequest(
    body: Record<string, unknown>,
    options: { model: string; stream: boolean; headers: Readonly<Record<string, string>> },
  ): RequestNormalization;
  /** The body with a test-data prompt in place of the user's messages. */
  applyPrompt(body: Record<string, unknown>, prompt: PromptItem): Record<string, unknown>;
  createStreamParser(options?: ParseOptions): StreamParser;
  /** The body's cap on generated tokens (max_tokens, max_output_tokens, options.num_predict), null when none. */
  readMaxTokens?(body: Readonly<Record<string, unknown>>): number | null;
  /** The body with its cap on generated tokens set to `maxTokens` (a heatmap's output sizes); absent: the API generates no text. */
  applyMaxTokens?(body: Readonly<Record<string, unknown>>, maxTokens: number): Record<string, unknown>;
  /** Read a complete non-streamed 2xx JSON body. */
  parseJson(text: string, atMs: number, options?: ParseOptions): ParsedResponse;
}
