import type { Dispatcher } from 'undici';
import type { FailureCategory } from '../failures/categories.js';
import type { RecordCategory, RequestRecord } from '../model/summary.js';
import { categorizeHttpStatus } from '../failures/classify-http.js';
import { categorizeTransportError } from '../failures/classify-transport.js';
import { classifyFailureLayer } from '../failures/gateway-layer.js';
import { captureHeaders, readServerRequestId } from '../model/gateway-headers.js';
import { readProviderError } from '../protocol/provider-error.js';
import { maskAndCut, maskUrl } from '../text/mask.js';
import type { ChunkListener, ParsedResponse, ProtocolAdapter, StreamParser } from '../protocol/types.js';
import type { ConversationSlot, ConversationState } from './conversations.js';
import type { PreparedRequest } from './send.js';

/** What a user needs from the run it belongs to. */
export interface UserHost {
  readonly request: PreparedRequest;
  readonly adapter: ProtocolAdapter;
  /** The media type the adapter's streams come in (`text/event-stream`, Ollama's `application/x-ndjson`). */
  readonly streamContentType: string;
  readonly dispatcher: Dispatcher;
  /** performance.timeOrigin: turns a monotonic time into the ISO `ts` of a record. */
  readonly timeOriginMs: number;
  /** A response header worth keeping per request (e.g. `x-mock-request-id`), or null. */
  readonly requestIdHeader: string | null;
  /** Response headers to record per request (lower-case), or null: none read (the default). */
  readonly recordHeaders: ReadonlySet<string> | null;
  /** The body of the next request of this conversation (round robin over the test data, or synthetic). */
  nextBody(conversation: number): Buffer;
  /** Of the body nextBody last returned: its prompt tokens as sent (synthetic prompts), else null. */
  readonly bodyInputTokens: number | null;
  /** Of the body nextBody last returned: the output length it asks for when we set it, else null. */
  readonly bodyOutputTokens: number | null;
  /** A new conversation number, unique in the run (across worker threads too): single-shot requests take one each. */
  newConversation(): number;
  /** What every `x-request-id` of the run starts with (`<prefix>-c<conversation>-t<turn>`). */
  readonly requestIdPrefix: string;
  /** Scenarios drive the bodies (a profile, --turns): nextScenarioBody gives them. */
  readonly hasScenarios: boolean;
  /** With scenarios: the body of `user`'s next turn (it sets the user's conversation, turn and stream); null without. */
  nextScenarioBody(user: User): Buffer | null;
  /** Keep the text of each answer (a conversation appends it to its history). */
  readonly keepsReplies: boolean;
  /** Prompt tokens of a body, counted with the tokenizer (once per body): for a server that reports none. */
  promptTokens(body: Buffer): number;
  /** Whether to count the text of this answer, whose usage the server reported, to reconcile the two. */
  readonly shouldReconcile: () => boolean;
  /** Parse this user's stamped reads soon (after the current batch of network reads). */
  queueParse(user: User): void;
  /**
   * Counts the start at `atMs` (timeline, max-requests) and says which phase it belongs to: that of
   * `plannedAtMs`, an open-loop arrival's planned time, or of `atMs` when it is -1 (closed loop).
   */
  beginRequest(atMs: number, plannedAtMs: number): 'warmup' | 'measure';
  /** The request is over; the record is final. The user may be sent again from here. */
  completeRequest(user: User, record: RequestRecord, endAtMs: number): void;
  mask(text: string): string;
}

/** Why we cut a request short ourselves. */
class AbortedByEngine extends Error {
  constructor(readonly kind: 'timeout' | 'stop') {
    super(kind === 'timeout' ? 'request exceeded --timeout' : 'still running when the run stopped');
  }
}

/**
 * The outcome is already known (a stream that failed, an error body read as far as we keep it): the rest
 * of the body is not read. A hostile or broken server may send a gigabyte line or never end.
 */
class ResponseSettled extends Error {
  constructor() {
    super('the response was settled before its body ended');
  }
}
const SETTLED = new ResponseSettled();

/** Our own code failed to read a response: the request fails as a generator error. */
class OwnReadFailure extends Error {
  constructor(cause: unknown) {
    super(`llm-loadtest failed to read the response: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Characters of a record's error message (masked before and after the cut). */
const MAX_ERROR_CHARS = 300;
/** Bytes of an error body kept to read the provider's message. */
const MAX_ERROR_BODY_BYTES = 16 * 1024;
/** Bytes of a non-streamed 2xx body kept (a JSON completion; larger is not an LLM answer we can read). */
const MAX_JSON_BODY_BYTES = 32 * 1024 * 1024;

/**
 * One virtual user: sends one request at a time and is its own undici dispatch handler and chunk
 * listener, so the per-chunk path allocates nothing of ours (no stream objects, no closures): a read
 * is stamped with performance.now() and pushed to the protocol parser, whose content events write
 * chunk gaps into a preallocated array.
 */
export class User implements Dispatcher.DispatchHandler, ChunkListener, ConversationSlot {
  readonly id: number;
  seq = 0;
  busy = false;
  /**
   * The conversation the next request belongs to and its turn (1-based), for its `x-request-id` and
   * cache-bust tag: -1 takes a new conversation per request (single-shot). A multi-turn user sets both.
   */
  conversation = -1;
  turn = 1;
  /** The request's headers: the run's, then `x-request-id` (its value set per send; undici copies them at dispatch). */
  private readonly headers: string[];
  private readonly requestIdSlot: number;
  private sentRequestId: string | null = null;
  private inputTokensSent: number | null = null;
  private outputTokensAsked: number | null = null;
  /** Whether the current request streams (a scenario may say otherwise than the target). */
  stream: boolean;
  /** The scenario of the current request; null without scenarios (then records carry no turn either). */
  scenario: string | null = null;
  /** Owned by the ConversationSource: the conversation under way. */
  conversationState: ConversationState | null = null;
  /** The text of the last successful answer, when the host keeps replies; taken by completeRequest. */
  replyText: string | null = null;
  /** performance.now() at send, and the deadline of the whole request. */
  t0 = 0;
  private scheduledAtMs = -1;
  private phase: 'warmup' | 'measure' = 'measure';
  private status = 0;
  /** The parser of the current streamed response; null when the response is not a 2xx stream. */
  private parser: StreamParser | null = null;
  /** This user's parser, made for its first stream and reset for each next one. */
  private ownParser: StreamParser | null = null;
  private collected: Buffer[] = [];
  private collectedBytes = 0;
  private collectLimit = 0;
  private mismatch: string | null = null;
  private controller: Dispatcher.DispatchController | null = null;
  private pendingAbort: AbortedByEngine | null = null;
  private requestId: string | null = null;
  /** The recorded headers of the current answer (only when the host records some). */
  private captured: Record<string, string> | null = null;
  /** The server's own request id of the answer under way (readServerRequestId). */
  private serverRequestId: string | null = null;
  /** The Location of a 3xx answer (said in the record: point --url there). */
  private redirectTo: string | null = null;
  private done = false;
  private body: Buffer | null = null;
  /** Transport-level failures in a row (no HTTP answer): the thread backs off after each. */
  transportFailures = 0;
  /** Masks server text before the parser cuts it short (a key split by the cut would escape masking). */
  private readonly mask = (text: string): string => this.host.mask(text);
  /**
   * Gaps between consecutive content chunks of the current request (ms). Starts small and doubles as an
   * answer needs (kept for the user's next ones): 512 slots up front were 4 KB of every user's 17-22 KB at
   * 19,000 open streams (bench/engine-memory.bench.mjs).
   */
  gaps = new Float64Array(64);
  gapCount = 0;
  private lastContentAt = -1;
  /** Reads stamped on arrival and not parsed yet (see onResponseData); slots past pendingCount are empty. */
  private readonly pendingChunks: Array<Buffer | undefined> = [];
  private pendingTimes = new Float64Array(16);
  private pendingCount = 0;
  /** When a stream's body ended (its outcome is settled with the parse queue), -1 otherwise. */
  private streamEndAt = -1;
  private readonly host: UserHost;

  constructor(id: number, host: UserHost) {
    this.id = id;
    this.host = host;
    this.stream = host.request.stream;
    const headers = host.request.headers;
    // The user's own x-request-id wins: theirs is sent as given and ours is not recorded.
    const own = headers.some((value, i) => i % 2 === 0 && value.toLowerCase() === REQUEST_ID_HEADER);
    this.headers = own ? headers : [...headers, REQUEST_ID_HEADER, ''];
    this.requestIdSlot = own ? -1 : this.headers.length - 1;
  }

  /** Send the next request. `scheduledAtMs` is the open loop's planned send time (-1 when closed loop). */
  send(scheduledAtMs = -1): void {
    const host = this.host;
    this.busy = true;
    this.done = false;
    this.seq += 1;
    this.scheduledAtMs = scheduledAtMs;
    this.status = 0;
    this.parser = null;
    if (this.collected.length > 0) this.collected = [];
    this.collectedBytes = 0;
    this.collectLimit = 0;
    this.mismatch = null;
    this.controller = null;
    this.pendingAbort = null;
    this.requestId = null;
    this.serverRequestId = null;
    this.captured = null;
    this.redirectTo = null;
    this.gapCount = 0;
    this.lastContentAt = -1;
    this.dropPending();
    this.streamEndAt = -1;
    this.replyText = null;
    const scenarioBody = host.hasScenarios ? host.nextScenarioBody(this) : null;
    const conversation = this.conversation >= 0 ? this.conversation : host.newConversation();
    const body = scenarioBody ?? host.nextBody(conversation);
    this.body = body;
    this.inputTokensSent = host.bodyInputTokens;
    this.outputTokensAsked = host.bodyOutputTokens;
    if (this.requestIdSlot >= 0) {
      const requestId = `${host.requestIdPrefix}-c${conversation}-t${this.turn}`;
      this.sentRequestId = requestId;
      this.headers[this.requestIdSlot] = requestId;
    }
    const request = host.request;
    this.phase = host.beginRequest(performance.now(), scheduledAtMs);
    this.t0 = performance.now();
    try {
      host.dispatcher.dispatch(
        { path: request.path, method: request.method, headers: this.headers, body, blocking: false },
        this,
      );
    } catch (error) {
      this.finishWithError(error, performance.now());
    }
  }

  /** Cut the request short: past its deadline, or still running when the run stopped. */
  abort(kind: 'timeout' | 'stop'): void {
    if (!this.busy || this.done || this.streamEndAt >= 0) return;
    const reason = new AbortedByEngine(kind);
    if (this.controller !== null) this.controller.abort(reason);
    else this.pendingAbort = reason;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort !== null) controller.abort(this.pendingAbort);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    // undici keeps the raw header bytes on the controller for the whole response; read from `headers`
    // here and never again, they would only outlive the stream's first GC and be promoted.
    controller.rawHeaders = null;
    this.status = statusCode;
    if (this.host.requestIdHeader !== null) {
      const id = headers[this.host.requestIdHeader];
      this.requestId = typeof id === 'string' ? id : null;
    }
    this.serverRequestId = readServerRequestId(headers);
    if (this.host.recordHeaders !== null) this.captured = captureHeaders(headers, this.host.recordHeaders);
    if (statusCode < 200 || statusCode >= 300) {
      this.collectLimit = MAX_ERROR_BODY_BYTES;
      const location = headers['location'];
      this.redirectTo = statusCode >= 300 && statusCode < 400 && typeof location === 'string' ? location : null;
      return;
    }
    if (!this.stream) {
      this.collectLimit = MAX_JSON_BODY_BYTES;
      return;
    }
    const contentType = headers['content-type'];
    const type = typeof contentType === 'string' ? contentType : '';
    if (type !== '' && !type.includes(this.host.streamContentType)) {
      this.mismatch = `asked for a stream, got ${type.split(';')[0] ?? type}`;
      this.collectLimit = 0;
      return;
    }
    // Everything a stream lives with lives as long as the stream (over a second with hundreds open) and
    // so would be promoted and left to a major GC: one parser per user, reset, leaves nothing behind.
    let parser = this.ownParser;
    if (parser === null) {
      parser = this.host.adapter.createStreamParser({
        listener: this,
        model: this.host.request.model,
        mask: this.mask,
        reconcileUsage: this.host.shouldReconcile,
        returnText: this.host.keepsReplies,
      });
      this.ownParser = parser;
    } else {
      parser.reset();
    }
    this.parser = parser;
  }

  /**
   * A read is stamped at once and parsed a little later, after the other reads that arrived in the same
   * event-loop turn were stamped too: with hundreds of streams, one stream's parsing then never delays
   * another stream's timestamp.
   */
  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const atMs = performance.now();
    if (this.parser !== null) {
      const count = this.pendingCount;
      if (count === this.pendingTimes.length) {
        const grown = new Float64Array(count * 2);
        grown.set(this.pendingTimes);
        this.pendingTimes = grown;
      }
      this.pendingChunks[count] = chunk;
      this.pendingTimes[count] = atMs;
      this.pendingCount = count + 1;
      if (count === 0) this.host.queueParse(this);
      return;
    }
    // Error and JSON bodies are kept, up to their limit: past it the rest is not read.
    if (this.collectedBytes < this.collectLimit) {
      this.collected.push(chunk);
      this.collectedBytes += chunk.length;
    }
    if (this.collectedBytes >= this.collectLimit && this.controller !== null) this.controller.abort(SETTLED);
  }

  /**
   * Feed the stamped reads to the parser, in order; settle the stream when its body has ended. Should
   * our own reading fail, this request fails as a generator error (not the server's) and the run goes on.
   */
  parsePending(): void {
    const bodyEnded = this.streamEndAt >= 0;
    try {
      this.parseReads();
    } catch (error) {
      // The loop may have stopped halfway: no read of this response is kept.
      this.pendingChunks.fill(undefined);
      if (this.done) return;
      const failure = new OwnReadFailure(error);
      // While the body still flows, undici ends the request and reports it through onResponseError
      // (finishing here would let its late callbacks land on this user's next request).
      if (bodyEnded || this.controller === null) this.finishWithError(failure, performance.now());
      else this.controller.abort(failure);
    }
  }

  private parseReads(): void {
    const parser = this.parser;
    const count = this.pendingCount;
    if (count > 0) {
      const chunks = this.pendingChunks;
      this.pendingCount = 0;
      // Slots are emptied one by one (`length = 0` is a runtime call, measurable per read).
      for (let i = 0; i < count; i += 1) {
        if (parser !== null) parser.push(chunks[i] as Buffer, this.pendingTimes[i] as number);
        chunks[i] = undefined;
      }
    }
    const endAt = this.streamEndAt;
    if (endAt >= 0 && parser !== null && !this.done) {
      this.streamEndAt = -1;
      this.finishParsed(parser.end(endAt), endAt);
      return;
    }
    // A stream that failed (an event over the cap, an error event) while its body still flows: stop reading.
    if (parser !== null && parser.failed === true && !this.done && this.controller !== null) this.controller.abort(SETTLED);
  }

  private dropPending(): void {
    const count = this.pendingCount;
    if (count === 0) return;
    this.pendingCount = 0;
    this.pendingChunks.fill(undefined, 0, count);
  }

  onContentChunk(atMs: number): void {
    if (this.lastContentAt >= 0) {
      if (this.gapCount === this.gaps.length) {
        const grown = new Float64Array(this.gaps.length * 2);
        grown.set(this.gaps);
        this.gaps = grown;
      }
      this.gaps[this.gapCount] = atMs - this.lastContentAt;
      this.gapCount += 1;
    }
    this.lastContentAt = atMs;
  }

  onResponseEnd(): void {
    const endAt = performance.now();
    if (this.done) return;
    if (this.parser !== null) {
      // Settled with the parse queue too: the outcome, records and metrics of one stream never delay
      // the arrival stamps of the others.
      this.streamEndAt = endAt;
      if (this.pendingCount === 0) this.host.queueParse(this);
      return;
    }
    this.settleCollected(endAt);
  }

  /** The outcome of a body that is not a stream (an error, a JSON completion), from what was kept of it. */
  private settleCollected(endAt: number): void {
    const text = Buffer.concat(this.collected).toString('utf8');
    this.collected = [];
    if (this.redirectTo !== null) {
      this.finishFailed('unknown', `HTTP ${this.status}: the target redirects to ${maskUrl(this.redirectTo)}; point --url there`, endAt);
      return;
    }
    if (this.status < 200 || this.status >= 300) {
      const providerError = readProviderError(text, this.mask);
      const category = categorizeHttpStatus(this.status, providerError);
      const message = providerError.message ?? `HTTP ${this.status}`;
      const layer = this.host.recordHeaders === null ? null : classifyFailureLayer(text, this.captured);
      this.finishFailed(category, `HTTP ${this.status}: ${message}`, endAt, layer);
      return;
    }
    if (this.mismatch !== null) {
      this.finishFailed('invalid_response', this.mismatch, endAt);
      return;
    }
    const options = { model: this.host.request.model, mask: this.mask, reconcileUsage: this.host.shouldReconcile, returnText: this.host.keepsReplies };
    this.finishParsed(this.host.adapter.parseJson(text, endAt, options), endAt);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.done) return;
    const endAt = performance.now();
    if (error === SETTLED) {
      this.dropPending();
      if (this.parser !== null) this.finishParsed(this.parser.end(endAt), endAt);
      else this.settleCollected(endAt);
      return;
    }
    this.finishWithError(error, endAt);
  }

  private finishWithError(error: unknown, endAt: number): void {
    if (error instanceof AbortedByEngine) {
      this.finish(this.baseRecord(false, error.kind === 'stop' ? 'incomplete' : 'timeout', error.message), endAt);
      return;
    }
    if (error instanceof OwnReadFailure) {
      this.finish(this.baseRecord(false, 'generator', maskAndCut(error.message, MAX_ERROR_CHARS, this.mask)), endAt);
      return;
    }
    const failure = categorizeTransportError(error);
    const category: RecordCategory = failure.generator ? 'generator' : failure.category;
    this.finish(this.baseRecord(false, category, maskAndCut(failure.message, MAX_ERROR_CHARS, this.mask)), endAt);
  }

  private finishFailed(category: FailureCategory, message: string, endAt: number, layer: 'gateway' | 'upstream' | null = null): void {
    const record = this.baseRecord(false, category, maskAndCut(message, MAX_ERROR_CHARS, this.mask));
    record.e2eMs = round3(endAt - this.t0);
    if (layer !== null) record.failureLayer = layer;
    this.finish(record, endAt);
  }

  private finishParsed(parsed: ParsedResponse, endAt: number): void {
    const t0 = this.t0;
    const ok = parsed.ok;
    const record = this.baseRecord(
      ok,
      ok ? null : (parsed.category ?? 'invalid_response'),
      ok ? null : maskAndCut(parsed.message ?? 'invalid response', MAX_ERROR_CHARS, this.mask),
    );
    const e2eMs = parsed.endAt - t0;
    record.e2eMs = round3(e2eMs);
    record.chunks = parsed.contentChunks;
    if (ok) {
      const output = parsed.outputTokens;
      // Without streaming the answer arrives at once: no first token or gap was timed (null, not E2E or 0).
      if (this.stream) {
        const ttftMs = parsed.firstContentAt === null ? null : parsed.firstContentAt - t0;
        record.ttftMs = ttftMs === null ? null : round3(ttftMs);
        record.ttfoMs = parsed.firstOutputAt === null ? null : round3(parsed.firstOutputAt - t0);
        record.itlMs = ttftMs !== null && output !== null && output >= 2 ? round3((e2eMs - ttftMs) / (output - 1)) : null;
      }
      if (parsed.inputTokens !== null) {
        record.inputTokens = parsed.inputTokens;
        record.inputTokenSource = 'usage';
      } else if (this.inputTokensSent !== null) {
        // A synthetic prompt's size is known exactly: no counting (and no per-body count kept).
        record.inputTokens = this.inputTokensSent;
        record.inputTokenSource = 'tokenizer';
      } else if (this.body !== null) {
        record.inputTokens = this.host.promptTokens(this.body);
        record.inputTokenSource = 'tokenizer';
      }
      record.outputTokens = output;
      record.reasoningTokens = parsed.reasoningTokens;
      record.cachedInputTokens = parsed.cachedInputTokens;
      record.vectors = parsed.vectors ?? null;
      record.tokenSource = parsed.tokenSource;
      record.countedOutputTokens = parsed.countedOutputTokens ?? null;
      if (parsed.text !== undefined) this.replyText = parsed.text;
    }
    this.finish(record, Math.max(endAt, parsed.endAt));
  }

  private baseRecord(ok: boolean, category: RecordCategory | null, error: string | null): RequestRecord {
    return {
      ts: new Date(this.host.timeOriginMs + this.t0).toISOString(),
      phase: this.phase,
      user: this.id,
      seq: this.seq,
      ok,
      status: this.status === 0 ? null : this.status,
      errorCategory: category,
      error,
      ttftMs: null,
      ttfoMs: null,
      e2eMs: null,
      itlMs: null,
      chunks: 0,
      inputTokens: null,
      outputTokens: null,
      reasoningTokens: null,
      cachedInputTokens: null,
      vectors: null,
      tokenSource: null,
      inputTokenSource: null,
      countedOutputTokens: null,
      queueMs: this.scheduledAtMs < 0 ? null : round3(Math.max(0, this.t0 - this.scheduledAtMs)),
      scenario: this.scenario,
      turn: this.scenario === null ? null : this.turn,
      conversation: this.scenario === null ? null : this.conversation,
      requestId: this.sentRequestId,
      inputTokensSent: this.inputTokensSent,
      outputTokensAsked: this.outputTokensAsked,
    };
  }

  /** The response header named by `requestIdHeader` of the last request. */
  get lastRequestId(): string | null {
    return this.requestId;
  }

  private finish(record: RequestRecord, endAt: number): void {
    if (this.serverRequestId !== null) {
      record.serverRequestId = this.serverRequestId;
      this.serverRequestId = null;
    }
    if (this.captured !== null) {
      record.headers = this.captured;
      this.captured = null;
    }
    this.done = true;
    this.streamEndAt = -1;
    this.dropPending();
    this.busy = false;
    this.parser = null;
    this.controller = null;
    this.host.completeRequest(this, record, endAt);
  }
}

/** Sent with every request (docs/cli.md "Request ids"), lower-case as undici's header lists are matched. */
const REQUEST_ID_HEADER = 'x-request-id';

/** Milliseconds with microsecond resolution: what a record keeps. */
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
