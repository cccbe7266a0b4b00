/**
 * What both adapters' stream parsers share: each read stamped and framed, the end (terminator or
 * failure), the body's first bytes kept while no event has come, and the outcome. Each adapter reads
 * its own events in onSseEvent.
 */
import { readProviderError, readProviderErrorValue } from './provider-error.js';
import { copyBytes, isRecord } from './json-bytes.js';
import { ResponseState, shortText } from './response-state.js';
import { asBuffer, MAX_EVENT_BYTES, SseFramer, type SseSink } from './sse.js';
import type { ParsedResponse, ParseOptions, StreamParser } from './types.js';

/** Enough of a body that is not a stream to say what it was. */
const PREFIX_BYTES = 4096;

export abstract class SseResponseParser implements StreamParser, SseSink {
  protected readonly state: ResponseState;
  protected readonly framer: SseFramer;
  /** Arrival time of the read being framed: the stamp of every event it completes. */
  protected atMs = 0;
  protected done = false;
  private prefix: Buffer | null = null;
  private prefixLength = 0;

  constructor(options: ParseOptions | undefined) {
    this.state = new ResponseState(options);
    this.framer = new SseFramer(this);
  }

  /**
   * Ready for another response, as a new parser would be, keeping every buffer grown so far: the engine
   * keeps one parser per user, and a parser per request was most of what each stream left for the
   * garbage collector (its objects live as long as the stream, so they reach the old generation).
   */
  reset(): void {
    this.state.reset();
    this.framer.reset();
    this.atMs = 0;
    this.done = false;
    this.prefixLength = 0;
  }

  get finished(): boolean {
    return this.done;
  }

  get failed(): boolean {
    return this.state.category !== null;
  }

  push(chunk: Uint8Array, atMs: number): void {
    if (this.done) return;
    this.atMs = atMs;
    const buffer = asBuffer(chunk);
    this.framer.push(buffer);
    if (this.framer.overflowed) {
      this.state.fail('invalid_response', overflowMessage());
      this.stopOnFailure();
      return;
    }
    if (this.framer.events === 0) this.keepPrefix(buffer);
  }

  end(atMs: number): ParsedResponse {
    const state = this.state;
    if (this.framer.overflowed) state.fail('invalid_response', overflowMessage());
    if (this.framer.events === 0 && state.category === null) readNonStreamBody(state, this.prefix, this.prefixLength);
    this.completeUsage();
    return state.build(atMs);
  }

  abstract onSseEvent(data: Buffer, start: number, end: number, framer: SseFramer): void;

  /** Last chance to fill token counts from what only this API sends, before the outcome is built. */
  protected completeUsage(): void {}

  /** The API's terminator: the end of the response; anything after it is ignored. */
  protected terminate(): void {
    this.state.terminate(this.atMs);
    this.done = true;
  }

  /** A failure ends the response here, whatever follows (vLLM still sends [DONE] after an error). */
  protected stopOnFailure(): void {
    this.state.endAt = this.atMs;
    this.done = true;
  }

  /**
   * The event's data as a JSON object; null after failing the response when it is not one. `what` names
   * the API's event object; the data of an `event: error` that is not JSON is the server's own words.
   */
  protected readEventObject(b: Buffer, start: number, end: number, what: string, namedError = false): Record<string, unknown> | null {
    const state = this.state;
    const text = b.toString('utf8', start, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (namedError) state.fail('server_error', shortText(text, state.mask));
      else state.fail('invalid_response', `an SSE event is not JSON: ${shortText(text, state.mask)}`);
      this.stopOnFailure();
      return null;
    }
    if (isRecord(value)) return value;
    state.fail('invalid_response', `an SSE event is not ${what}: ${shortText(text, state.mask)}`);
    this.stopOnFailure();
    return null;
  }

  private keepPrefix(buffer: Buffer): void {
    const room = PREFIX_BYTES - this.prefixLength;
    if (room <= 0) return;
    this.prefix ??= Buffer.allocUnsafe(PREFIX_BYTES);
    const length = Math.min(room, buffer.length);
    copyBytes(buffer, 0, length, this.prefix, this.prefixLength);
    this.prefixLength += length;
  }
}

function overflowMessage(): string {
  return `an SSE event was larger than ${MAX_EVENT_BYTES / 1048576} MiB (no LLM API sends events near that size)`;
}

/** No SSE event came: say what the body was (a JSON error sent with 200, a web page, nothing). */
function readNonStreamBody(state: ResponseState, prefix: Buffer | null, length: number): void {
  if (prefix === null || length === 0) {
    state.fail('empty_response', 'the body was empty');
    return;
  }
  const text = prefix.toString('utf8', 0, length);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const error = isRecord(value) ? readProviderErrorValue(value, state.mask) : null;
  if (error !== null) {
    state.failWithProviderError(error);
    return;
  }
  if (/^(data|event|id|retry)?:/.test(text)) {
    state.fail('invalid_response', 'the stream ended before its first complete event');
    return;
  }
  const shown = readProviderError(text, state.mask).message ?? '';
  state.fail('invalid_response', `the body is not an SSE stream: ${shortText(shown, state.mask)}`);
}
