/**
 * Anthropic `/v1/messages`: response reading.
 *
 * In a stream, almost every event is a `content_block_delta`; those are read on the bytes by a small
 * structural scanner. The handful of other events per response (message_start, content_block_start,
 * message_delta, message_stop, error) and anything unexpected are parsed with JSON.parse; `ping` is
 * skipped unread.
 */
import { readProviderErrorValue } from '../provider-error.js';
import { ascii, bytesEqual, isDoneAt, isNonEmptyStringAt, isRecord, skipString, skipValue, skipWs } from '../json-bytes.js';
import { KIND_REASONING, KIND_TEXT, KIND_TOOL, readCount, readJsonBody, ResponseState } from '../response-state.js';
import { EventTemplate } from '../event-template.js';
import type { SseFramer } from '../sse.js';
import { SseResponseParser } from '../sse-response-parser.js';
import type { ParsedResponse, ParseOptions, StreamParser } from '../types.js';

const EVENT_CONTENT_BLOCK_DELTA = ascii('content_block_delta');
const EVENT_PING = ascii('ping');
const EVENT_ERROR = ascii('error');
const KEY_TYPE = ascii('type');
const KEY_DELTA = ascii('delta');
const KEY_TEXT = ascii('text');
const KEY_THINKING = ascii('thinking');
const KEY_PARTIAL_JSON = ascii('partial_json');
const VALUE_CONTENT_BLOCK_DELTA = ascii('"content_block_delta"');
const VALUE_TEXT_DELTA = ascii('"text_delta"');
const VALUE_THINKING_DELTA = ascii('"thinking_delta"');
const VALUE_INPUT_JSON_DELTA = ascii('"input_json_delta"');
const VALUE_SIGNATURE_DELTA = ascii('"signature_delta"');
const VALUE_CITATIONS_DELTA = ascii('"citations_delta"');

const NEEDS_PARSE = 256;

export function createStreamParser(options?: ParseOptions): StreamParser {
  return new AnthropicStreamParser(options);
}

/** Read a complete non-streamed message. */
export function parseJson(text: string, atMs: number, options?: ParseOptions): ParsedResponse {
  const state = new ResponseState(options);
  state.terminate(atMs);
  const value = readJsonBody(state, text, 'a message object');
  if (value === null) return state.build(atMs);
  if (value['type'] === 'error' || isRecord(value['error'])) {
    state.failWithProviderError(readProviderErrorValue(value, state.mask));
    return state.build(atMs);
  }
  if (!Array.isArray(value['content'])) {
    state.fail('invalid_response', 'the body has no "content" list: not a Messages API response');
    return state.build(atMs);
  }
  if (typeof value['model'] === 'string') state.serverModel = value['model'];
  if (typeof value['stop_reason'] === 'string') state.finishReason = value['stop_reason'];
  let kinds = 0;
  for (const block of value['content']) if (isRecord(block)) kinds |= readBlock(state, block);
  if (isRecord(value['usage'])) {
    readInputUsage(state, value['usage']);
    const output = readCount(value['usage']['output_tokens']);
    if (output !== null) state.outputTokens = output;
  }
  if (kinds !== 0) state.markContent(kinds, atMs);
  return state.build(atMs);
}

class AnthropicStreamParser extends SseResponseParser {
  private literalStart = 0;
  private literalEnd = 0;
  private inputFromStart = false;
  private readonly template = new EventTemplate();
  /** The kind scanDelta found (a field: no result objects on the hot path). */
  private deltaKind = NEEDS_PARSE;

  override reset(): void {
    super.reset();
    this.literalStart = 0;
    this.literalEnd = 0;
    this.inputFromStart = false;
    this.template.reset();
    this.deltaKind = NEEDS_PARSE;
  }

  onSseEvent(b: Buffer, start: number, end: number, framer: SseFramer): void {
    if (this.done) return;
    const state = this.state;
    if (framer.eventIs(EVENT_PING)) return;
    // Some OpenAI-minded gateways end Anthropic streams with [DONE] too: an end, never an error.
    if (isDoneAt(b, start, end)) {
      this.terminate();
      return;
    }
    if (framer.eventIs(EVENT_CONTENT_BLOCK_DELTA) && !state.keepText && state.contentChunks > 0) {
      const template = this.template;
      if (template.match(b, start, end)) {
        if (b[template.slotStart + 1] !== 0x22) {
          state.keepLiteral(template.kind, b, template.slotStart, template.slotEnd);
          state.markContent(template.kind, this.atMs);
        }
        return;
      }
      const kind = this.scanDeltaEvent(b, start, end);
      if (kind !== NEEDS_PARSE) {
        if (kind !== 0) {
          template.learn(b, start, this.literalStart, this.literalEnd, end, kind);
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
    const value = this.readEventObject(b, start, end, 'a Messages API event', namedError);
    if (value === null) return;
    const type = value['type'];
    if (namedError || type === 'error' || (type === undefined && value['error'] !== undefined)) {
      state.failWithProviderError(readProviderErrorValue(value, state.mask));
      this.stopOnFailure();
      return;
    }
    switch (type) {
      case 'message_start': {
        const message = value['message'];
        if (!isRecord(message)) break;
        if (typeof message['model'] === 'string') state.serverModel = message['model'];
        // Its output_tokens is provisional: only message_delta's count is kept.
        if (isRecord(message['usage'])) this.inputFromStart = readInputUsage(state, message['usage']);
        break;
      }
      case 'content_block_start': {
        const block = value['content_block'];
        const kinds = isRecord(block) ? readBlock(state, block) : 0;
        if (kinds !== 0) state.markContent(kinds, this.atMs);
        break;
      }
      case 'content_block_delta': {
        const delta = value['delta'];
        const kinds = isRecord(delta) ? readDelta(state, delta) : 0;
        if (kinds !== 0) state.markContent(kinds, this.atMs);
        break;
      }
      case 'message_delta': {
        const delta = value['delta'];
        if (isRecord(delta) && typeof delta['stop_reason'] === 'string') state.finishReason = delta['stop_reason'];
        const usage = value['usage'];
        if (isRecord(usage)) {
          // Cumulative: the last message_delta's count is the answer, never a sum.
          const output = readCount(usage['output_tokens']);
          if (output !== null) {
            state.outputTokens = output;
            state.usageReported = true;
          }
          if (!this.inputFromStart) readInputUsage(state, usage);
        }
        break;
      }
      case 'message_stop':
        this.terminate();
        break;
      default:
        break;
    }
  }

  /**
   * The content kind of an ordinary `content_block_delta` (0 for signature/citations), with the
   * literal's range in literalStart/End; NEEDS_PARSE for anything unexpected.
   */
  private scanDeltaEvent(b: Buffer, start: number, end: number): number {
    let i = skipWs(b, start, end);
    if (b[i] !== 0x7b) return NEEDS_PARSE;
    let kind = NEEDS_PARSE;
    let sawType = false;
    i += 1;
    for (;;) {
      i = skipWs(b, i, end);
      if (b[i] === 0x7d) return sawType ? kind : NEEDS_PARSE;
      if (b[i] !== 0x22) return NEEDS_PARSE;
      const keyStart = i + 1;
      i = skipString(b, i, end);
      if (i === -1) return NEEDS_PARSE;
      const keyEnd = i - 1;
      i = skipWs(b, i, end);
      if (b[i] !== 0x3a) return NEEDS_PARSE;
      i = skipWs(b, i + 1, end);
      const valueStart = i;
      if (bytesEqual(b, keyStart, keyEnd, KEY_DELTA)) {
        if (b[i] !== 0x7b) return NEEDS_PARSE;
        i = this.scanDelta(b, i + 1, end);
        if (i < 0) return NEEDS_PARSE;
        kind = this.deltaKind;
      } else {
        i = skipValue(b, i, end);
        if (i === -1) return NEEDS_PARSE;
        if (bytesEqual(b, keyStart, keyEnd, KEY_TYPE)) {
          if (!bytesEqual(b, valueStart, i, VALUE_CONTENT_BLOCK_DELTA)) return NEEDS_PARSE;
          sawType = true;
        }
      }
      i = skipWs(b, i, end);
      if (b[i] === 0x2c) i += 1;
      else if (b[i] !== 0x7d) return NEEDS_PARSE;
    }
  }

  /** Inside the delta object (after `{`): sets deltaKind and the literal range; returns the index after `}`. */
  private scanDelta(b: Buffer, i: number, end: number): number {
    let expectedKey: Uint8Array | null = null;
    let kind = NEEDS_PARSE;
    // Keys can come in any order, so remember the candidate strings and match them to the type at the end.
    let textStart = -1;
    let textEnd = -1;
    let textKey: Uint8Array | null = null;
    for (;;) {
      i = skipWs(b, i, end);
      if (b[i] === 0x7d) break;
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
        if (bytesEqual(b, valueStart, i, VALUE_TEXT_DELTA)) {
          kind = KIND_TEXT;
          expectedKey = KEY_TEXT;
        } else if (bytesEqual(b, valueStart, i, VALUE_THINKING_DELTA)) {
          kind = KIND_REASONING;
          expectedKey = KEY_THINKING;
        } else if (bytesEqual(b, valueStart, i, VALUE_INPUT_JSON_DELTA)) {
          kind = KIND_TOOL;
          expectedKey = KEY_PARTIAL_JSON;
        } else if (bytesEqual(b, valueStart, i, VALUE_SIGNATURE_DELTA) || bytesEqual(b, valueStart, i, VALUE_CITATIONS_DELTA)) {
          kind = 0;
        } else {
          return -1;
        }
      } else if (b[valueStart] === 0x22) {
        const key = bytesEqual(b, keyStart, keyEnd, KEY_TEXT)
          ? KEY_TEXT
          : bytesEqual(b, keyStart, keyEnd, KEY_THINKING)
            ? KEY_THINKING
            : bytesEqual(b, keyStart, keyEnd, KEY_PARTIAL_JSON)
              ? KEY_PARTIAL_JSON
              : null;
        if (key !== null) {
          if (textKey !== null) return -1;
          textKey = key;
          textStart = valueStart;
          textEnd = i;
        }
      }
      i = skipWs(b, i, end);
      if (b[i] === 0x2c) i += 1;
      else if (b[i] !== 0x7d) return -1;
    }
    if (kind === NEEDS_PARSE) return -1;
    if (kind !== 0) {
      if (textKey !== expectedKey) return -1;
      if (!isNonEmptyStringAt(b, textStart, textEnd)) kind = 0;
      this.literalStart = textStart;
      this.literalEnd = textEnd;
    }
    this.deltaKind = kind;
    return i + 1;
  }
}

/** Input tokens = uncached + cache creation + cache read; true when the usage had them. */
function readInputUsage(state: ResponseState, usage: Record<string, unknown>): boolean {
  const input = readCount(usage['input_tokens']);
  if (input === null) return false;
  const creation = readCount(usage['cache_creation_input_tokens']);
  const read = readCount(usage['cache_read_input_tokens']);
  state.inputTokens = input + (creation ?? 0) + (read ?? 0);
  state.cachedInputTokens = creation === null && read === null ? null : (creation ?? 0) + (read ?? 0);
  state.usageReported = true;
  return true;
}

/** A content block of a message or a `content_block_start`: text, thinking, or a tool call. */
function readBlock(state: ResponseState, block: Record<string, unknown>): number {
  const type = block['type'];
  if (type === 'text' && typeof block['text'] === 'string' && block['text'] !== '') {
    state.keepString(KIND_TEXT, block['text']);
    return KIND_TEXT;
  }
  if (type === 'thinking' && typeof block['thinking'] === 'string' && block['thinking'] !== '') {
    state.keepString(KIND_REASONING, block['thinking']);
    return KIND_REASONING;
  }
  if (type === 'redacted_thinking') return KIND_REASONING;
  if (type === 'tool_use' || type === 'server_tool_use') {
    if (typeof block['name'] === 'string') state.keepString(KIND_TOOL, block['name']);
    const input = block['input'];
    // A streamed tool_use starts with input {} and fills it by input_json_delta; a complete one has it all.
    if (isRecord(input) && Object.keys(input).length > 0) state.keepString(KIND_TOOL, JSON.stringify(input));
    return KIND_TOOL;
  }
  return 0;
}

function readDelta(state: ResponseState, delta: Record<string, unknown>): number {
  const type = delta['type'];
  const [kind, field] =
    type === 'text_delta'
      ? [KIND_TEXT, 'text']
      : type === 'thinking_delta'
        ? [KIND_REASONING, 'thinking']
        : type === 'input_json_delta'
          ? [KIND_TOOL, 'partial_json']
          : [0, ''];
  if (kind === 0) return 0;
  const text = delta[field];
  if (typeof text !== 'string' || text === '') return 0;
  state.keepString(kind, text);
  return kind;
}
