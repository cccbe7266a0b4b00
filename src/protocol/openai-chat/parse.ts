/**
 * OpenAI `/v1/chat/completions` and the many servers that copy it (Azure, vLLM, llama.cpp, Ollama,
 * DeepSeek, OpenRouter, ...): response reading. The legacy `/v1/completions` answer is the same chunk
 * with `choices[].text` in place of a delta, so its adapter reads it here too.
 *
 * Streams are read on the bytes (hot path). A chunk of the usual shape is walked by a small structural
 * scanner that recognises only what matters (delta content / reasoning / tool calls, finish_reason,
 * usage, error) and skips everything else without decoding it. Anything the scanner does not expect,
 * and every event that carries more than content (usage, finish, error, tool calls, the first content
 * event) is parsed with JSON.parse instead, so the outcome is always exact.
 */
import { readProviderErrorValue } from '../provider-error.js';
import { ascii, bytesEqual, copyBytes, isDoneAt, isRecord, isNonEmptyStringAt, isNullAt, skipString, skipValue, skipWs } from '../json-bytes.js';
import { KIND_REASONING, KIND_TEXT, KIND_TOOL, readCount, readJsonBody, ResponseState } from '../response-state.js';
import { EventTemplate } from '../event-template.js';
import { SseResponseParser } from '../sse-response-parser.js';
import type { ParsedResponse, ParseOptions, StreamParser } from '../types.js';

const KEY_CHOICES = ascii('choices');
const KEY_USAGE = ascii('usage');
const KEY_ERROR = ascii('error');
const KEY_TIMINGS = ascii('timings');
const KEY_DELTA = ascii('delta');
const KEY_MESSAGE = ascii('message');
/** Legacy completions: `choices[].text`. */
const KEY_TEXT = ascii('text');
const KEY_FINISH_REASON = ascii('finish_reason');
const KEY_CONTENT = ascii('content');
const KEY_REASONING_CONTENT = ascii('reasoning_content');
const KEY_REASONING = ascii('reasoning');
const KEY_REFUSAL = ascii('refusal');
const KEY_TOOL_CALLS = ascii('tool_calls');
const KEY_FUNCTION_CALL = ascii('function_call');
const KEY_OBJECT = ascii('object');
const KEY_MODEL = ascii('model');
const QUOTED_ERROR = ascii('"error"');
/** OpenAI pads every chunk with a random string in this member (see EventTemplate). */
const PADDING_KEY = ascii('"obfuscation":"');

/** The scanner's answer: content kinds, or NEEDS_PARSE. */
const NEEDS_PARSE = 256;
/** At most this many content strings per event on the fast path (n > 1 choices are rare). */
const MAX_LITERALS = 8;
/** A server whose prefix changes every chunk stops being learned after this many changes. */
const MAX_PREFIX_LEARNINGS = 4;
const EMPTY = Buffer.alloc(0);
/**
 * Shared by every parser: filled by scanChunk and read back within the same onSseEvent call, which
 * never runs inside another parser's, so one array serves all (no typed array made per request).
 */
const LITERALS = new Int32Array(MAX_LITERALS * 3);

export function createStreamParser(options?: ParseOptions): StreamParser {
  return new OpenAiStreamParser(options);
}

/** Read a complete non-streamed chat completion. */
export function parseJson(text: string, atMs: number, options?: ParseOptions): ParsedResponse {
  const state = new ResponseState(options);
  state.terminate(atMs);
  const value = readJsonBody(state, text, 'a (chat) completion object');
  if (value === null) return state.build(atMs);
  readModel(state, value);
  if (readErrorInto(state, value)) return state.build(atMs);
  if (!Array.isArray(value['choices'])) {
    state.fail('invalid_response', 'the body has no "choices": not a (chat) completion');
    return state.build(atMs);
  }
  const kinds = readChunkObject(state, value);
  if (kinds !== 0) state.markContent(kinds, atMs);
  return state.build(atMs);
}

class OpenAiStreamParser extends SseResponseParser {
  /** llama.cpp reports tokens in `timings` when it sends no usage. */
  private timingsInput: number | null = null;
  private timingsOutput: number | null = null;
  /** [start, end, kind] of the content strings the scanner found in the current event (see LITERALS). */
  private readonly literals = LITERALS;
  private literalCount = 0;
  private readonly template = new EventTemplate(PADDING_KEY);
  /** Kinds found by the scan so far (a field: no result objects on the hot path). */
  private scanKinds = 0;
  /** The last `finish_reason` string the scan found ([start, end) with quotes); start -1 when none. */
  private finishStart = -1;
  private finishEnd = 0;
  /** Bytes before the choices array in a chunk already read as harmless (see scanChunk). */
  private knownPrefix: Buffer = EMPTY;
  private knownPrefixLength = 0;
  private prefixLearnings = 0;

  override reset(): void {
    super.reset();
    this.timingsInput = null;
    this.timingsOutput = null;
    this.literalCount = 0;
    this.template.reset();
    this.scanKinds = 0;
    this.finishStart = -1;
    this.finishEnd = 0;
    this.knownPrefixLength = 0;
    this.prefixLearnings = 0;
  }

  protected override completeUsage(): void {
    const state = this.state;
    if (state.outputTokens === null && this.timingsOutput !== null) {
      state.outputTokens = this.timingsOutput;
      state.inputTokens ??= this.timingsInput;
      state.usageReported = true;
    }
  }

  onSseEvent(b: Buffer, start: number, end: number): void {
    if (this.done) return;
    const state = this.state;
    if (isDoneAt(b, start, end)) {
      this.terminate();
      return;
    }
    if (!state.keepText) {
      const template = this.template;
      if (state.contentChunks > 0 && template.match(b, start, end)) {
        // An empty string (`"content":""`) is no content.
        if (b[template.slotStart + 1] !== 0x22) {
          state.keepLiteral(template.kind, b, template.slotStart, template.slotEnd);
          state.markContent(template.kind, this.atMs);
        }
        return;
      }
      this.literalCount = 0;
      const kinds = this.scanChunk(b, start, end);
      // An event that also finishes is never a template: matches of it would not record the finish.
      if ((kinds === KIND_TEXT || kinds === KIND_REASONING) && this.literalCount === 1 && this.finishStart === -1) {
        template.learn(b, start, this.literals[0] as number, this.literals[1] as number, end, kinds);
      }
      // The first content event is parsed in full (once per stream): TTFT, the figure resting on a single
      // event, never depends on the byte scanner.
      if (kinds !== NEEDS_PARSE && (kinds === 0 || state.contentChunks > 0)) {
        if (this.finishStart !== -1) {
          const reason = readJsonString(b, this.finishStart, this.finishEnd);
          // A bad escape: the full parse says what is wrong with the event.
          if (reason === null) {
            this.parseEvent(b, start, end);
            return;
          }
          state.finishReason = reason;
        }
        if (kinds !== 0) {
          const literals = this.literals;
          for (let k = 0; k < this.literalCount * 3; k += 3) {
            state.keepLiteral(literals[k + 2] as number, b, literals[k] as number, literals[k + 1] as number);
          }
          state.markContent(kinds, this.atMs);
        }
        return;
      }
    }
    this.parseEvent(b, start, end);
  }

  private parseEvent(b: Buffer, start: number, end: number): void {
    const state = this.state;
    const value = this.readEventObject(b, start, end, 'a (chat) completion chunk');
    if (value === null) return;
    readModel(state, value);
    if (readErrorInto(state, value)) {
      this.stopOnFailure();
      return;
    }
    const timings = value['timings'];
    if (isRecord(timings)) {
      const predicted = readCount(timings['predicted_n']);
      if (predicted !== null) this.timingsOutput = predicted;
      const prompt = readCount(timings['prompt_n']);
      if (prompt !== null) this.timingsInput = prompt + (readCount(timings['cache_n']) ?? 0);
    }
    const kinds = readChunkObject(state, value);
    if (kinds !== 0) state.markContent(kinds, this.atMs);
  }

  private addLiteral(kind: number, start: number, end: number): boolean {
    if (this.literalCount === MAX_LITERALS) return false;
    const k = this.literalCount * 3;
    this.literals[k] = start;
    this.literals[k + 1] = end;
    this.literals[k + 2] = kind;
    this.literalCount += 1;
    return true;
  }

  /**
   * Content kinds of an ordinary chunk; NEEDS_PARSE for anything else. Most servers send the same bytes
   * before `"choices":` in every chunk of a stream (id, created, model, fingerprint), so once a chunk's
   * members before `choices` were read and found harmless, a later chunk that starts with exactly those
   * bytes resumes at its choices: one memcmp instead of a walk over most of the chunk.
   */
  private scanChunk(b: Buffer, start: number, end: number): number {
    this.scanKinds = 0;
    this.finishStart = -1;
    let choicesAt = -1;
    let i: number;
    const knownLength = this.knownPrefixLength;
    if (knownLength > 0 && end - start > knownLength && b.compare(this.knownPrefix, 0, knownLength, start, start + knownLength) === 0) {
      i = this.scanChoices(b, start + knownLength, end);
      if (i < 0) return NEEDS_PARSE;
      i = nextMember(b, i, end);
      if (i === END_OF_OBJECT) return this.scanKinds;
      if (i < 0) return NEEDS_PARSE;
    } else {
      i = skipWs(b, start, end);
      if (b[i] !== 0x7b) return NEEDS_PARSE;
      i = skipWs(b, i + 1, end);
      if (b[i] === 0x7d) return 0;
    }
    for (;;) {
      if (b[i] !== 0x22) return NEEDS_PARSE;
      const keyStart = i + 1;
      i = skipString(b, i, end);
      if (i === -1) return NEEDS_PARSE;
      const keyEnd = i - 1;
      i = skipWs(b, i, end);
      if (b[i] !== 0x3a) return NEEDS_PARSE;
      i = skipWs(b, i + 1, end);
      if (bytesEqual(b, keyStart, keyEnd, KEY_CHOICES)) {
        if (choicesAt === -1) choicesAt = i;
        i = this.scanChoices(b, i, end);
        if (i < 0) return NEEDS_PARSE;
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_USAGE)) {
        if (!isNullAt(b, i, end)) return NEEDS_PARSE;
        i += 4;
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_ERROR) || bytesEqual(b, keyStart, keyEnd, KEY_TIMINGS)) {
        return NEEDS_PARSE;
      } else {
        const valueStart = i;
        i = skipValue(b, i, end);
        if (i === -1) return NEEDS_PARSE;
        // Older vLLM's flat error: {"object":"error", ...}.
        if (bytesEqual(b, valueStart, i, QUOTED_ERROR) && bytesEqual(b, keyStart, keyEnd, KEY_OBJECT)) return NEEDS_PARSE;
        // The model is decoded once per stream, from the first event that names it.
        if (this.state.serverModel === null && b[valueStart] === 0x22 && i - valueStart > 2 && bytesEqual(b, keyStart, keyEnd, KEY_MODEL)) {
          this.state.serverModel = JSON.parse(b.toString('utf8', valueStart, i)) as string;
        }
      }
      i = nextMember(b, i, end);
      if (i === END_OF_OBJECT) break;
      if (i < 0) return NEEDS_PARSE;
    }
    if (choicesAt !== -1 && this.prefixLearnings < MAX_PREFIX_LEARNINGS) this.learnPrefix(b, start, choicesAt);
    return this.scanKinds;
  }

  private learnPrefix(b: Buffer, start: number, choicesAt: number): void {
    const length = choicesAt - start;
    if (length === this.knownPrefixLength && b.compare(this.knownPrefix, 0, length, start, choicesAt) === 0) return;
    this.prefixLearnings += 1;
    if (length > this.knownPrefix.length) this.knownPrefix = Buffer.allocUnsafe(length);
    copyBytes(b, start, choicesAt, this.knownPrefix, 0);
    this.knownPrefixLength = length;
  }

  private scanChoices(b: Buffer, i: number, end: number): number {
    if (b[i] !== 0x5b) return isNullAt(b, i, end) ? i + 4 : -1;
    i += 1;
    for (;;) {
      i = skipWs(b, i, end);
      if (b[i] === 0x5d) return i + 1;
      if (b[i] !== 0x7b) return -1;
      i = this.scanChoice(b, i + 1, end);
      if (i < 0) return -1;
      i = skipWs(b, i, end);
      if (b[i] === 0x2c) i += 1;
      else if (b[i] !== 0x5d) return -1;
    }
  }

  /** Inside one choice object (after its `{`); returns the index after its `}`. */
  private scanChoice(b: Buffer, i: number, end: number): number {
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
      if (bytesEqual(b, keyStart, keyEnd, KEY_DELTA)) {
        if (b[i] !== 0x7b) return -1;
        i = this.scanDelta(b, i + 1, end);
        if (i < 0) return -1;
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_FINISH_REASON)) {
        if (isNullAt(b, i, end)) {
          i += 4;
        } else {
          // A reason string is read by the scanner too (the last one wins, as in a full parse).
          if (b[i] !== 0x22) return -1;
          const valueEnd = skipString(b, i, end);
          if (valueEnd === -1) return -1;
          this.finishStart = i;
          this.finishEnd = valueEnd;
          i = valueEnd;
        }
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_MESSAGE)) {
        return -1;
      } else if (bytesEqual(b, keyStart, keyEnd, KEY_TEXT)) {
        if (isNonEmptyStringAt(b, i, end)) {
          const valueEnd = skipString(b, i, end);
          if (valueEnd === -1 || !this.addLiteral(KIND_TEXT, i, valueEnd)) return -1;
          this.scanKinds |= KIND_TEXT;
          i = valueEnd;
        } else if (b[i] === 0x22) {
          i += 2;
        } else {
          return -1;
        }
      } else {
        i = skipValue(b, i, end);
        if (i === -1) return -1;
      }
      i = skipWs(b, i, end);
      if (b[i] === 0x2c) i += 1;
      else if (b[i] !== 0x7d) return -1;
    }
  }

  /** Inside a delta object (after its `{`); returns the index after its `}`. */
  private scanDelta(b: Buffer, i: number, end: number): number {
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
      let kind = 0;
      if (bytesEqual(b, keyStart, keyEnd, KEY_CONTENT) || bytesEqual(b, keyStart, keyEnd, KEY_REFUSAL)) kind = KIND_TEXT;
      else if (bytesEqual(b, keyStart, keyEnd, KEY_REASONING_CONTENT) || bytesEqual(b, keyStart, keyEnd, KEY_REASONING)) kind = KIND_REASONING;
      else if (bytesEqual(b, keyStart, keyEnd, KEY_TOOL_CALLS) || bytesEqual(b, keyStart, keyEnd, KEY_FUNCTION_CALL)) {
        // An empty list or null is common padding; a real fragment is parsed in full.
        if (isNullAt(b, i, end)) {
          i += 4;
        } else if (b[i] === 0x5b && b[skipWs(b, i + 1, end)] === 0x5d) {
          i = skipWs(b, i + 1, end) + 1;
        } else {
          return -1;
        }
      } else {
        i = skipValue(b, i, end);
        if (i === -1) return -1;
      }
      if (kind !== 0) {
        if (isNonEmptyStringAt(b, i, end)) {
          const valueEnd = skipString(b, i, end);
          if (valueEnd === -1 || !this.addLiteral(kind, i, valueEnd)) return -1;
          this.scanKinds |= kind;
          i = valueEnd;
        } else if (isNullAt(b, i, end)) {
          i += 4;
        } else if (b[i] === 0x22) {
          i += 2;
        } else {
          return -1;
        }
      }
      i = skipWs(b, i, end);
      if (b[i] === 0x2c) i += 1;
      else if (b[i] !== 0x7d) return -1;
    }
  }
}

const END_OF_OBJECT = -2;

/** A JSON string literal [start, end) (quotes included) decoded; null when it is not valid JSON. */
function readJsonString(b: Buffer, start: number, end: number): string | null {
  try {
    return JSON.parse(b.toString('utf8', start, end)) as string;
  } catch {
    return null;
  }
}

/** After a member's value: the index of the next member's key, END_OF_OBJECT at `}`, -1 otherwise. */
function nextMember(b: Buffer, i: number, end: number): number {
  i = skipWs(b, i, end);
  if (b[i] === 0x2c) return skipWs(b, i + 1, end);
  return b[i] === 0x7d ? END_OF_OBJECT : -1;
}

/** An error object (OpenAI `{"error":...}` or flat vLLM `{"object":"error"}`) fails the response. */
function readErrorInto(state: ResponseState, value: Record<string, unknown>): boolean {
  const hasError = (value['error'] !== undefined && value['error'] !== null) || value['object'] === 'error';
  if (!hasError) return false;
  state.failWithProviderError(readProviderErrorValue(value, state.mask));
  return true;
}

/** The first event that names the model wins, in every read mode (the scanner reads it too). */
function readModel(state: ResponseState, value: Record<string, unknown>): void {
  if (state.serverModel === null && typeof value['model'] === 'string' && value['model'] !== '') state.serverModel = value['model'];
}

/** Content kinds of a parsed chunk or completion; records finish reason, usage and text. */
function readChunkObject(state: ResponseState, value: Record<string, unknown>): number {
  let kinds = 0;
  const choices = value['choices'];
  if (Array.isArray(choices)) {
    for (const choice of choices) {
      if (!isRecord(choice)) continue;
      const delta = isRecord(choice['delta']) ? choice['delta'] : isRecord(choice['message']) ? choice['message'] : null;
      if (delta !== null) kinds |= readDelta(state, delta);
      const text = choice['text'];
      if (typeof text === 'string' && text !== '') {
        kinds |= KIND_TEXT;
        state.keepString(KIND_TEXT, text);
      }
      if (typeof choice['finish_reason'] === 'string') state.finishReason = choice['finish_reason'];
    }
  }
  const usage = value['usage'];
  if (isRecord(usage)) readUsage(state, usage);
  return kinds;
}

function readDelta(state: ResponseState, delta: Record<string, unknown>): number {
  let kinds = 0;
  for (const key of ['content', 'refusal'] as const) {
    const text = delta[key];
    if (typeof text === 'string' && text !== '') {
      kinds |= KIND_TEXT;
      state.keepString(KIND_TEXT, text);
    }
  }
  if (Array.isArray(delta['content'])) kinds |= readContentParts(state, delta['content']);
  // DeepSeek / llama.cpp / old vLLM say reasoning_content; new vLLM / OpenRouter / Ollama say reasoning.
  // OpenRouter repeats it in reasoning_details, which is not read, so it counts once.
  for (const key of ['reasoning_content', 'reasoning'] as const) {
    const text = delta[key];
    if (typeof text === 'string' && text !== '') {
      kinds |= KIND_REASONING;
      state.keepString(KIND_REASONING, text);
    }
  }
  const calls = Array.isArray(delta['tool_calls']) ? delta['tool_calls'] : [];
  const legacy = isRecord(delta['function_call']) ? [{ function: delta['function_call'] }] : [];
  for (const call of [...calls, ...legacy]) {
    if (!isRecord(call) || !isRecord(call['function'])) continue;
    const fn = call['function'];
    for (const part of [fn['name'], fn['arguments']]) {
      if (typeof part === 'string' && part !== '') {
        kinds |= KIND_TOOL;
        state.keepString(KIND_TOOL, part);
      }
    }
  }
  return kinds;
}

/**
 * Content given as a list of parts (Mistral's reasoning models): `{type:"text",text}` is output,
 * `{type:"thinking",thinking:[{type:"text",text}]}` (or a string) is reasoning.
 */
function readContentParts(state: ResponseState, parts: unknown[]): number {
  let kinds = 0;
  for (const part of parts) {
    if (!isRecord(part)) continue;
    if (part['type'] === 'text' && typeof part['text'] === 'string' && part['text'] !== '') {
      kinds |= KIND_TEXT;
      state.keepString(KIND_TEXT, part['text']);
    } else if (part['type'] === 'thinking') {
      const thinking = part['thinking'];
      const texts = typeof thinking === 'string' ? [thinking] : Array.isArray(thinking) ? thinking.map((t) => (isRecord(t) ? t['text'] : undefined)) : [];
      for (const text of texts) {
        if (typeof text === 'string' && text !== '') {
          kinds |= KIND_REASONING;
          state.keepString(KIND_REASONING, text);
        }
      }
    }
  }
  return kinds;
}

/** The LAST non-null usage wins (vLLM continuous usage repeats it, cumulative). */
function readUsage(state: ResponseState, usage: Record<string, unknown>): void {
  state.usageReported = true;
  state.inputTokens = readCount(usage['prompt_tokens']);
  state.outputTokens = readCount(usage['completion_tokens']);
  const promptDetails = usage['prompt_tokens_details'];
  state.cachedInputTokens = isRecord(promptDetails) ? readCount(promptDetails['cached_tokens']) : null;
  const completionDetails = usage['completion_tokens_details'];
  state.reasoningTokens = isRecord(completionDetails) ? readCount(completionDetails['reasoning_tokens']) : null;
}
