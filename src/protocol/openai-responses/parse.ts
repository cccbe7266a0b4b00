/**
 * OpenAI `/v1/responses`: response reading (docs/wire-formats.md "OpenAI Responses events").
 *
 * A stream is typed events (`event: response.output_text.delta` with `{"type":...}` data) ending with
 * `response.completed`, `response.incomplete` or `response.failed`; there is no `[DONE]`. Almost every
 * event is a delta. Deltas carry a `sequence_number` that changes every event, so no two are
 * byte-identical around the text: a small scanner walks each delta's top level once, compares `type`
 * to the delta types and takes the `delta` string's byte range, decoding nothing. Every other event
 * (a handful per response) and anything unexpected is parsed with JSON.parse.
 */
import { readProviderErrorValue } from '../provider-error.js';
import { ascii, bytesEqual, isDoneAt, isNonEmptyStringAt, isRecord, skipString, skipValue, skipWs } from '../json-bytes.js';
import { KIND_REASONING, KIND_TEXT, KIND_TOOL, readCount, readJsonBody, ResponseState } from '../response-state.js';
import type { SseFramer } from '../sse.js';
import { SseResponseParser } from '../sse-response-parser.js';
import type { ParsedResponse, ParseOptions, StreamParser } from '../types.js';

const EVENT_ERROR = ascii('error');
const KEY_TYPE = ascii('type');
const KEY_DELTA = ascii('delta');
const VALUE_TEXT_DELTA = ascii('"response.output_text.delta"');
const VALUE_REFUSAL_DELTA = ascii('"response.refusal.delta"');
const VALUE_SUMMARY_DELTA = ascii('"response.reasoning_summary_text.delta"');
const VALUE_REASONING_DELTA = ascii('"response.reasoning_text.delta"');
const VALUE_ARGUMENTS_DELTA = ascii('"response.function_call_arguments.delta"');

const NEEDS_PARSE = 256;

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

  override reset(): void {
    super.reset();
    this.literalStart = 0;
    this.literalEnd = 0;
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
      const kind = this.scanDelta(b, start, end);
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
   * The content kind of an ordinary delta event (0 for an empty delta), with the delta string's range in
   * literalStart/End; NEEDS_PARSE for any other event or anything unexpected.
   */
  private scanDelta(b: Buffer, start: number, end: number): number {
    let i = skipWs(b, start, end);
    if (b[i] !== 0x7b) return NEEDS_PARSE;
    let kind = NEEDS_PARSE;
    let deltaStart = -1;
    let deltaEnd = -1;
    i += 1;
    for (;;) {
      i = skipWs(b, i, end);
      if (b[i] === 0x7d) break;
      if (b[i] !== 0x22) return NEEDS_PARSE;
      const keyStart = i + 1;
      i = skipString(b, i, end);
      if (i === -1) return NEEDS_PARSE;
      const keyEnd = i - 1;
      i = skipWs(b, i, end);
      if (b[i] !== 0x3a) return NEEDS_PARSE;
      i = skipWs(b, i + 1, end);
      const valueStart = i;
      i = skipValue(b, i, end);
      if (i === -1) return NEEDS_PARSE;
      if (bytesEqual(b, keyStart, keyEnd, KEY_TYPE)) {
        kind = scanDeltaType(b, valueStart, i);
        if (kind === NEEDS_PARSE) return NEEDS_PARSE;
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_DELTA)) {
        if (b[valueStart] !== 0x22 || deltaStart !== -1) return NEEDS_PARSE;
        deltaStart = valueStart;
        deltaEnd = i;
      }
      i = skipWs(b, i, end);
      if (b[i] === 0x2c) i += 1;
      else if (b[i] !== 0x7d) return NEEDS_PARSE;
    }
    if (kind === NEEDS_PARSE || deltaStart === -1) return NEEDS_PARSE;
    this.literalStart = deltaStart;
    this.literalEnd = deltaEnd;
    return isNonEmptyStringAt(b, deltaStart, deltaEnd) ? kind : 0;
  }
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
