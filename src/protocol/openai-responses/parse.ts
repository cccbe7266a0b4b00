/**
 * OpenAI `/v1/responses`: response reading (docs/wire-formats.md "OpenAI Responses events").
 *
 * A stream is typed events (`event: response.output_text.delta` with `{"type":...}` data) ending with
 * `response.completed`, `response.incomplete` or `response.failed`; there is no `[DONE]`. Almost every
 * event is a delta. Deltas carry a `sequence_number` that changes every event, so no two are
 * byte-identical around the text: a small scanner walks a delta's top level, compares `type` to the
 * delta types and takes the `delta` string's byte range, decoding nothing, and learns the delta's shape
 * (the bytes around the sequence number's digits) so that the next deltas of the same output item are
 * recognised by comparing bytes. Every other event (a handful per response) and anything unexpected is
 * parsed with JSON.parse.
 */
import { readProviderErrorValue } from '../provider-error.js';
import { ascii, bytesEqual, isDoneAt, isNonEmptyStringAt, isRecord, skipString, skipValue, skipWs } from '../json-bytes.js';
import { KIND_REASONING, KIND_TEXT, KIND_TOOL, readCount, readJsonBody, ResponseState } from '../response-state.js';
import { ByteRun } from '../event-template.js';
import type { SseFramer } from '../sse.js';
import { SseResponseParser } from '../sse-response-parser.js';
import type { ParsedResponse, ParseOptions, StreamParser } from '../types.js';

const EVENT_ERROR = ascii('error');
const KEY_TYPE = ascii('type');
const KEY_DELTA = ascii('delta');
const KEY_SEQUENCE_NUMBER = ascii('sequence_number');
const VALUE_TEXT_DELTA = ascii('"response.output_text.delta"');
const VALUE_REFUSAL_DELTA = ascii('"response.refusal.delta"');
const VALUE_SUMMARY_DELTA = ascii('"response.reasoning_summary_text.delta"');
const VALUE_REASONING_DELTA = ascii('"response.reasoning_text.delta"');
const VALUE_ARGUMENTS_DELTA = ascii('"response.function_call_arguments.delta"');

const NEEDS_PARSE = 256;
/** Shapes learned per stream (each output item has its own id in every delta). */
const MAX_LEARNINGS = 8;
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/** Content kind of a delta event type (as decoded by JSON.parse), 0 for any other event. */
function deltaKindOf(type: unknown): number {
  switch (type) {
    case 'response.output_text.delta':
    case 'response.refusal.delta':
      return KIND_TEXT;
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
      return KIND_REASONING;
    case 'response.function_call_arguments.delta':
      return KIND_TOOL;
    default:
      return 0;
  }
}

export function createStreamParser(options?: ParseOptions): StreamParser {
  return new ResponsesStreamParser(options);
}

/** Read a complete non-streamed response object. */
export function parseJson(text: string, atMs: number, options?: ParseOptions): ParsedResponse {
  const state = new ResponseState(options);
  state.terminate(atMs);
  const value = readJsonBody(state, text, 'a response object');
  if (value === null) return state.build(atMs);
  if (isRecord(value['error']) || value['type'] === 'error' || value['status'] === 'failed') {
    state.failWithProviderError(readProviderErrorValue(value, state.mask));
    return state.build(atMs);
  }
  if (!Array.isArray(value['output'])) {
    state.fail('invalid_response', 'the body has no "output" list: not a Responses API response');
    return state.build(atMs);
  }
  readResponseEnd(state, value);
  let kinds = 0;
  for (const item of value['output']) if (isRecord(item)) kinds |= readOutputItem(state, item);
  if (kinds !== 0) state.markContent(kinds, atMs);
  return state.build(atMs);
}

class ResponsesStreamParser extends SseResponseParser {
  private literalStart = 0;
  private literalEnd = 0;
  /** The member walk's findings in the current event (fields: no result objects on the hot path). */
  private scanKind = NEEDS_PARSE;
  private sequenceStart = -1;
  private sequenceEnd = -1;
  /**
   * The learned shape of this stream's deltas: within one output item they are byte-identical except
   * for the sequence number's digits, the delta string and what follows it (OpenAI's `obfuscation`).
   * `head` is the bytes before the digits, `middle` those between the digits and the delta string.
   */
  private readonly head = new ByteRun();
  private readonly middle = new ByteRun();
  /** A DataView over the last read matched: made once per read, not per event (see ByteRun). */
  private view: DataView = EMPTY_VIEW;
  private viewOf: Buffer | null = null;
  private learnedKind = 0;
  private learnings = 0;

  override reset(): void {
    super.reset();
    this.literalStart = 0;
    this.literalEnd = 0;
    this.head.length = 0;
    this.middle.length = 0;
    this.learnedKind = 0;
    this.learnings = 0;
    this.view = EMPTY_VIEW;
    this.viewOf = null;
  }

  onSseEvent(b: Buffer, start: number, end: number, framer: SseFramer): void {
    if (this.done) return;
    const state = this.state;
    // Some gateways end every stream with [DONE], this API's too: an end, never an error.
    if (isDoneAt(b, start, end)) {
      this.terminate();
      return;
    }
    // The first content event is parsed in full: TTFT never rests on the byte scanner alone.
    if (!state.keepText && state.contentChunks > 0) {
      let kind = this.learnedKind === 0 ? NEEDS_PARSE : this.matchLearned(b, start, end);
      if (kind === NEEDS_PARSE) kind = this.scanDelta(b, start, end);
      if (kind !== NEEDS_PARSE) {
        if (kind !== 0) {
          state.keepLiteral(kind, b, this.literalStart, this.literalEnd);
          state.markContent(kind, this.atMs);
        }
        return;
      }
    }
    this.parseEvent(b, start, end, framer.eventIs(EVENT_ERROR));
  }

  private parseEvent(b: Buffer, start: number, end: number, namedError: boolean): void {
    const state = this.state;
    const value = this.readEventObject(b, start, end, 'a Responses API event', namedError);
    if (value === null) return;
    const type = value['type'];
    if (namedError || type === 'error' || (type === undefined && value['error'] !== undefined)) {
      state.failWithProviderError(readProviderErrorValue(value, state.mask));
      this.stopOnFailure();
      return;
    }
    const kind = deltaKindOf(type);
    if (kind !== 0) {
      const delta = value['delta'];
      if (typeof delta === 'string' && delta !== '') {
        state.keepString(kind, delta);
        state.markContent(kind, this.atMs);
      }
      return;
    }
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued': {
        const response = value['response'];
        if (isRecord(response) && typeof response['model'] === 'string' && state.serverModel === null) state.serverModel = response['model'];
        break;
      }
      case 'response.output_item.added': {
        // A function call starts with its name: the first sign of the call, as in chat's first tool_calls chunk.
        const item = value['item'];
        if (isRecord(item) && item['type'] === 'function_call' && typeof item['name'] === 'string' && item['name'] !== '') {
          state.keepString(KIND_TOOL, item['name']);
          state.markContent(KIND_TOOL, this.atMs);
        }
        break;
      }
      case 'response.completed':
      case 'response.incomplete': {
        const response = value['response'];
        if (isRecord(response)) readResponseEnd(state, response);
        this.terminate();
        break;
      }
      case 'response.failed': {
        const response = isRecord(value['response']) ? value['response'] : {};
        readResponseEnd(state, response);
        state.failWithProviderError(readProviderErrorValue({ error: response['error'] ?? 'the response failed' }, state.mask));
        this.stopOnFailure();
        break;
      }
      default:
        break;
    }
  }

  /**
   * A delta of the learned shape: the head and middle compared as bytes, the digits and the delta string
   * skipped, the members after it walked (no second `type` or `delta` may hide there). The kind, or
   * NEEDS_PARSE when the event is not of that shape.
   */
  private matchLearned(b: Buffer, start: number, end: number): number {
    const head = this.head;
    const middle = this.middle;
    const digits = start + head.length;
    if (end - digits < middle.length + 3) return NEEDS_PARSE;
    if (b !== this.viewOf) {
      this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      this.viewOf = b;
    }
    const view = this.view;
    if (!head.matches(view, b, start)) return NEEDS_PARSE;
    let i = digits;
    while (i < end && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) i += 1;
    const deltaStart = i + middle.length;
    if (i === digits || deltaStart >= end || b[deltaStart] !== 0x22 || !middle.matches(view, b, i)) return NEEDS_PARSE;
    const deltaEnd = skipString(b, deltaStart, end);
    if (deltaEnd === -1) return NEEDS_PARSE;
    this.scanKind = this.learnedKind;
    this.literalStart = deltaStart;
    this.literalEnd = deltaEnd;
    if (this.walkMembers(b, deltaEnd, end, true) === -1) return NEEDS_PARSE;
    return isNonEmptyStringAt(b, deltaStart, deltaEnd) ? this.learnedKind : 0;
  }

  /**
   * The content kind of an ordinary delta event (0 for an empty delta), with the delta string's range in
   * literalStart/End; NEEDS_PARSE for any other event or anything unexpected. A delta whose `type` and
   * `sequence_number` come before its `delta` teaches the parser its shape (see matchLearned).
   */
  private scanDelta(b: Buffer, start: number, end: number): number {
    const i = skipWs(b, start, end);
    if (b[i] !== 0x7b) return NEEDS_PARSE;
    this.scanKind = NEEDS_PARSE;
    this.literalStart = -1;
    this.sequenceStart = -1;
    if (this.walkMembers(b, i + 1, end, false) === -1) return NEEDS_PARSE;
    const kind = this.scanKind;
    const deltaStart = this.literalStart;
    if (kind === NEEDS_PARSE || deltaStart === -1) return NEEDS_PARSE;
    const sequenceStart = this.sequenceStart;
    // A zero byte (never in well-formed JSON text) could hide a -0/+0 float compare in ByteRun.
    if (sequenceStart !== -1 && sequenceStart < deltaStart && this.learnings < MAX_LEARNINGS && b.subarray(start, deltaStart).indexOf(0) === -1) {
      this.learnings += 1;
      this.head.set(b, start, sequenceStart);
      this.middle.set(b, this.sequenceEnd, deltaStart);
      this.learnedKind = kind;
    }
    return isNonEmptyStringAt(b, deltaStart, this.literalEnd) ? kind : 0;
  }

  /**
   * The members of the event's object from `i` (after `{`, or after a member's value when `afterValue`) to
   * its `}`: `type` (once, a delta type, before any sequence number learned from), `delta` (once, a
   * string), `sequence_number` (digits) noted, the rest skipped. The index after `}`, or -1.
   */
  private walkMembers(b: Buffer, i: number, end: number, afterValue: boolean): number {
    if (afterValue) {
      i = skipWs(b, i, end);
      if (b[i] === 0x7d) return i + 1;
      if (b[i] !== 0x2c) return -1;
      i += 1;
    }
    for (;;) {
      i = skipWs(b, i, end);
      if (b[i] === 0x7d) return i + 1;
      if (b[i] !== 0x22) return -1;
      const keyStart = i + 1;
      i = skipString(b, i, end);
      if (i === -1) return -1;
      const keyEnd = i - 1;
      i = skipWs(b, i, end);
      if (b[i] !== 0x3a) return -1;
      i = skipWs(b, i + 1, end);
      const valueStart = i;
      i = skipValue(b, i, end);
      if (i === -1) return -1;
      if (bytesEqual(b, keyStart, keyEnd, KEY_TYPE)) {
        if (this.scanKind !== NEEDS_PARSE) return -1;
        this.scanKind = scanDeltaType(b, valueStart, i);
        if (this.scanKind === NEEDS_PARSE) return -1;
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_DELTA)) {
        if (b[valueStart] !== 0x22 || this.literalStart !== -1) return -1;
        this.literalStart = valueStart;
        this.literalEnd = i;
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_SEQUENCE_NUMBER) && !afterValue) {
        // Learned from only when the type is already known and the value is plain digits.
        if (this.scanKind !== NEEDS_PARSE && isDigits(b, valueStart, i)) {
          this.sequenceStart = valueStart;
          this.sequenceEnd = i;
        }
      }
      i = skipWs(b, i, end);
      if (b[i] === 0x2c) i += 1;
      else if (b[i] !== 0x7d) return -1;
    }
  }
}

function isDigits(b: Buffer, start: number, end: number): boolean {
  if (start === end) return false;
  for (let k = start; k < end; k++) if ((b[k] as number) < 0x30 || (b[k] as number) > 0x39) return false;
  return true;
}

/** The content kind of a `"type"` value [start, end) (quotes included) that is a delta type; NEEDS_PARSE otherwise. */
function scanDeltaType(b: Buffer, start: number, end: number): number {
  if (bytesEqual(b, start, end, VALUE_TEXT_DELTA) || bytesEqual(b, start, end, VALUE_REFUSAL_DELTA)) return KIND_TEXT;
  if (bytesEqual(b, start, end, VALUE_SUMMARY_DELTA) || bytesEqual(b, start, end, VALUE_REASONING_DELTA)) return KIND_REASONING;
  if (bytesEqual(b, start, end, VALUE_ARGUMENTS_DELTA)) return KIND_TOOL;
  return NEEDS_PARSE;
}

/** Model, usage and how it ended, from a response object (`response.completed` or a JSON body). */
function readResponseEnd(state: ResponseState, response: Record<string, unknown>): void {
  if (typeof response['model'] === 'string' && response['model'] !== '') state.serverModel = response['model'];
  const details = response['incomplete_details'];
  if (response['status'] === 'incomplete' && isRecord(details) && typeof details['reason'] === 'string') state.finishReason = details['reason'];
  else if (typeof response['status'] === 'string') state.finishReason = response['status'];
  const usage = response['usage'];
  if (!isRecord(usage)) return;
  state.usageReported = true;
  state.inputTokens = readCount(usage['input_tokens']);
  state.outputTokens = readCount(usage['output_tokens']);
  const inputDetails = usage['input_tokens_details'];
  state.cachedInputTokens = isRecord(inputDetails) ? readCount(inputDetails['cached_tokens']) : null;
  const outputDetails = usage['output_tokens_details'];
  state.reasoningTokens = isRecord(outputDetails) ? readCount(outputDetails['reasoning_tokens']) : null;
}

/** Content kinds of one output item of a complete response: a message, reasoning, or a function call. */
function readOutputItem(state: ResponseState, item: Record<string, unknown>): number {
  let kinds = 0;
  const keep = (kind: number, text: unknown): void => {
    if (typeof text !== 'string' || text === '') return;
    kinds |= kind;
    state.keepString(kind, text);
  };
  const parts = (list: unknown): Record<string, unknown>[] => (Array.isArray(list) ? list.filter(isRecord) : []);
  switch (item['type']) {
    case 'message':
      for (const part of parts(item['content'])) keep(KIND_TEXT, part['type'] === 'refusal' ? part['refusal'] : part['text']);
      break;
    case 'reasoning':
      for (const part of parts(item['summary'])) keep(KIND_REASONING, part['text']);
      for (const part of parts(item['content'])) keep(KIND_REASONING, part['text']);
      break;
    case 'function_call':
      keep(KIND_TOOL, item['name']);
      keep(KIND_TOOL, item['arguments']);
      break;
    default:
      break;
  }
  return kinds;
}
