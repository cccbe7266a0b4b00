/**
 * Ollama's native `/api/chat` and `/api/generate`: response reading (docs/wire-formats.md "NDJSON framing").
 * Both stream NDJSON, one object per line: `{"model","created_at","message":{"role","content"
 * [,"thinking"]},"done":false}` for chat, `{..., "response":"...", ["thinking",] "done":false}` for
 * generate; the last line has `"done":true` with `done_reason`, `prompt_eval_count`, `eval_count` and
 * Ollama's own durations (nanoseconds, not used: we time the bytes ourselves). An error, before or in
 * the middle of a stream, is a line `{"error":"..."}`.
 *
 * Lines carry a new `created_at` each, so no two are byte-identical around the text: a small scanner
 * walks an ordinary content line once and takes its strings' byte ranges, decoding nothing; the first
 * content line, the last line, errors and anything unexpected are parsed with JSON.parse.
 */
import { readProviderErrorValue } from '../provider-error.js';
import { ascii, bytesEqual, isNonEmptyStringAt, isRecord, skipString, skipValue, skipWs } from '../json-bytes.js';
import { NdjsonFramer, type NdjsonSink } from '../ndjson.js';
import { KIND_REASONING, KIND_TEXT, KIND_TOOL, readCount, readJsonBody, ResponseState, shortText } from '../response-state.js';
import { asBuffer, MAX_EVENT_BYTES } from '../sse.js';
import type { ParsedResponse, ParseOptions, StreamParser } from '../types.js';

const KEY_MESSAGE = ascii('message');
const KEY_CONTENT = ascii('content');
const KEY_THINKING = ascii('thinking');
const KEY_RESPONSE = ascii('response');
const KEY_DONE = ascii('done');
const KEY_ERROR = ascii('error');
const KEY_TOOL_CALLS = ascii('tool_calls');
const VALUE_FALSE = ascii('false');

const NEEDS_PARSE = 256;

export function createStreamParser(options?: ParseOptions): StreamParser {
  return new OllamaStreamParser(options);
}

/** Read a complete non-streamed answer (`"stream": false`): one object like the last line, with all the text. */
export function parseJson(text: string, atMs: number, options?: ParseOptions): ParsedResponse {
  const state = new ResponseState(options);
  state.terminate(atMs);
  const value = readJsonBody(state, text, 'an Ollama answer object');
  if (value === null) return state.build(atMs);
  if (value['error'] !== undefined && value['error'] !== null) {
    state.failWithProviderError(readProviderErrorValue(value, state.mask));
    return state.build(atMs);
  }
  if (!isRecord(value['message']) && typeof value['response'] !== 'string') {
    state.fail('invalid_response', 'the body has no "message" or "response": not an Ollama answer');
    return state.build(atMs);
  }
  const kinds = readLineObject(state, value);
  if (kinds !== 0) state.markContent(kinds, atMs);
  return state.build(atMs);
}

class OllamaStreamParser implements StreamParser, NdjsonSink {
  private readonly state: ResponseState;
  private readonly framer: NdjsonFramer;
  private atMs = 0;
  private done = false;
  /** The strings the scanner found in the current line: at most one answer and one thinking string. */
  private textStart = -1;
  private textEnd = -1;
  private thinkingStart = -1;
  private thinkingEnd = -1;

  constructor(options: ParseOptions | undefined) {
    this.state = new ResponseState(options);
    this.framer = new NdjsonFramer(this);
  }

  get finished(): boolean {
    return this.done;
  }

  /** A failed answer (an error line, an over-long line): the engine stops reading it. */
  get failed(): boolean {
    return this.state.category !== null;
  }

  reset(): void {
    this.state.reset();
    this.framer.reset();
    this.atMs = 0;
    this.done = false;
  }

  push(chunk: Uint8Array, atMs: number): void {
    if (this.done) return;
    this.atMs = atMs;
    this.framer.push(asBuffer(chunk));
    if (this.framer.overflowed) {
      this.state.fail('invalid_response', `an NDJSON line was larger than ${MAX_EVENT_BYTES / 1048576} MiB`);
      this.stop();
    }
  }

  end(atMs: number): ParsedResponse {
    const state = this.state;
    if (!this.done) {
      this.atMs = atMs;
      this.framer.flush();
    }
    if (this.framer.overflowed) state.fail('invalid_response', `an NDJSON line was larger than ${MAX_EVENT_BYTES / 1048576} MiB`);
    // A body that is not NDJSON (a web page, SSE) fails as a line that is not JSON; only nothing is empty.
    if (this.framer.lines === 0) state.fail('empty_response', 'the body was empty');
    return state.build(atMs);
  }

  onLine(b: Buffer, start: number, end: number): void {
    if (this.done) return;
    const state = this.state;
    if (!state.keepText && state.contentChunks > 0) {
      const kinds = this.scanLine(b, start, end);
      if (kinds !== NEEDS_PARSE) {
        if (kinds !== 0) {
          if (this.thinkingStart !== -1 && isNonEmptyStringAt(b, this.thinkingStart, this.thinkingEnd)) {
            state.keepLiteral(KIND_REASONING, b, this.thinkingStart, this.thinkingEnd);
          }
          if (this.textStart !== -1 && isNonEmptyStringAt(b, this.textStart, this.textEnd)) state.keepLiteral(KIND_TEXT, b, this.textStart, this.textEnd);
          state.markContent(kinds, this.atMs);
        }
        return;
      }
    }
    this.parseLine(b, start, end);
  }

  private parseLine(b: Buffer, start: number, end: number): void {
    const state = this.state;
    const text = b.toString('utf8', start, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      state.fail('invalid_response', `an NDJSON line is not JSON: ${shortText(text, state.mask)}`);
      this.stop();
      return;
    }
    if (!isRecord(value)) {
      state.fail('invalid_response', `an NDJSON line is not an Ollama object: ${shortText(text, state.mask)}`);
      this.stop();
      return;
    }
    if (value['error'] !== undefined && value['error'] !== null) {
      state.failWithProviderError(readProviderErrorValue(value, state.mask));
      this.stop();
      return;
    }
    const kinds = readLineObject(state, value);
    if (kinds !== 0) state.markContent(kinds, this.atMs);
    if (value['done'] === true) {
      state.terminate(this.atMs);
      this.done = true;
    }
  }

  /** A failure ends the response here, whatever follows. */
  private stop(): void {
    this.state.endAt = this.atMs;
    this.done = true;
  }

  /**
   * Content kinds of an ordinary content line (`"done":false`, strings only), with the strings' ranges in
   * textStart/End and thinkingStart/End; NEEDS_PARSE for anything else.
   */
  private scanLine(b: Buffer, start: number, end: number): number {
    this.textStart = -1;
    this.thinkingStart = -1;
    let i = skipWs(b, start, end);
    if (b[i] !== 0x7b) return NEEDS_PARSE;
    let sawDone = false;
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
      if (bytesEqual(b, keyStart, keyEnd, KEY_MESSAGE)) {
        if (b[i] !== 0x7b) return NEEDS_PARSE;
        i = this.scanMessage(b, i + 1, end);
        if (i < 0) return NEEDS_PARSE;
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_RESPONSE) || bytesEqual(b, keyStart, keyEnd, KEY_THINKING)) {
        i = this.scanString(b, i, end, bytesEqual(b, keyStart, keyEnd, KEY_THINKING));
        if (i < 0) return NEEDS_PARSE;
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_ERROR)) {
        return NEEDS_PARSE;
      } else {
        const valueStart = i;
        i = skipValue(b, i, end);
        if (i === -1) return NEEDS_PARSE;
        if (bytesEqual(b, keyStart, keyEnd, KEY_DONE)) {
          if (!bytesEqual(b, valueStart, i, VALUE_FALSE)) return NEEDS_PARSE;
          sawDone = true;
        }
      }
      i = skipWs(b, i, end);
      if (b[i] === 0x2c) i += 1;
      else if (b[i] !== 0x7d) return NEEDS_PARSE;
    }
    if (!sawDone) return NEEDS_PARSE;
    let kinds = 0;
    if (this.textStart !== -1 && isNonEmptyStringAt(b, this.textStart, this.textEnd)) kinds |= KIND_TEXT;
    if (this.thinkingStart !== -1 && isNonEmptyStringAt(b, this.thinkingStart, this.thinkingEnd)) kinds |= KIND_REASONING;
    return kinds;
  }

  /** Inside a chat message object (after `{`); returns the index after its `}`, -1 for anything unexpected. */
  private scanMessage(b: Buffer, i: number, end: number): number {
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
      if (bytesEqual(b, keyStart, keyEnd, KEY_CONTENT) || bytesEqual(b, keyStart, keyEnd, KEY_THINKING)) {
        i = this.scanString(b, i, end, bytesEqual(b, keyStart, keyEnd, KEY_THINKING));
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_TOOL_CALLS)) {
        return -1;
      } else {
        i = skipValue(b, i, end);
      }
      if (i === -1) return -1;
      i = skipWs(b, i, end);
      if (b[i] === 0x2c) i += 1;
      else if (b[i] !== 0x7d) return -1;
    }
  }

  /** A string value at i, remembered as the answer or the thinking; -1 when it is not a string or a repeat. */
  private scanString(b: Buffer, i: number, end: number, thinking: boolean): number {
    if (b[i] !== 0x22) return -1;
    const valueEnd = skipString(b, i, end);
    if (valueEnd === -1) return -1;
    if (thinking) {
      if (this.thinkingStart !== -1) return -1;
      this.thinkingStart = i;
      this.thinkingEnd = valueEnd;
    } else {
      if (this.textStart !== -1) return -1;
      this.textStart = i;
      this.textEnd = valueEnd;
    }
    return valueEnd;
  }
}

/** Content kinds of a parsed line or answer; records the end (done_reason, counts) when it has one. */
function readLineObject(state: ResponseState, value: Record<string, unknown>): number {
  if (state.serverModel === null && typeof value['model'] === 'string' && value['model'] !== '') state.serverModel = value['model'];
  let kinds = 0;
  const keep = (kind: number, text: unknown): void => {
    if (typeof text !== 'string' || text === '') return;
    kinds |= kind;
    state.keepString(kind, text);
  };
  const message = value['message'];
  if (isRecord(message)) {
    keep(KIND_REASONING, message['thinking']);
    keep(KIND_TEXT, message['content']);
    const calls = message['tool_calls'];
    if (Array.isArray(calls)) {
      for (const call of calls) {
        if (!isRecord(call) || !isRecord(call['function'])) continue;
        const fn = call['function'];
        keep(KIND_TOOL, fn['name']);
        // Ollama sends a call whole, its arguments an object.
        if (fn['arguments'] !== undefined) keep(KIND_TOOL, JSON.stringify(fn['arguments']));
      }
    }
  }
  keep(KIND_REASONING, value['thinking']);
  keep(KIND_TEXT, value['response']);
  if (value['done'] === true) {
    if (typeof value['done_reason'] === 'string') state.finishReason = value['done_reason'];
    const output = readCount(value['eval_count']);
    const input = readCount(value['prompt_eval_count']);
    if (output !== null) {
      state.outputTokens = output;
      state.usageReported = true;
    }
    if (input !== null) {
      state.inputTokens = input;
      state.usageReported = true;
    }
  }
  return kinds;
}
