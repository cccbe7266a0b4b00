/**
 * Malformed answers to the newer APIs, streamed and not: each is a failure of the right category with a
 * message that says what was wrong, never an exception and never a success.
 */
import { describe, expect, it } from 'vitest';
import { NdjsonFramer } from '../../src/protocol/ndjson.js';
import { getAdapter } from '../../src/protocol/registry.js';
import type { ParsedResponse } from '../../src/protocol/types.js';

function stream(api: string, body: string): ParsedResponse {
  const parser = getAdapter(api).createStreamParser();
  parser.push(Buffer.from(body), 1);
  return parser.end(2);
}

describe('malformed streams', () => {
  it.each([
    ['ollama-chat', '', 'empty_response', /the body was empty/],
    ['ollama-chat', '\n\n  \n', 'empty_response', /the body was empty/],
    ['ollama-chat', 'data: {"choices":[]}\n\n', 'invalid_response', /an NDJSON line is not JSON: data:/],
    ['ollama-chat', '<html><title>502 Bad Gateway</title></html>', 'invalid_response', /not JSON: <html>/],
    ['ollama-chat', '[1,2]\n', 'invalid_response', /not an Ollama object/],
    ['ollama-chat', '{"model":"m","message":{"role":"assistant","content":"x"},"done":false}\n{"model":"m","message":{"role":"assist', 'invalid_response', /not JSON/],
    ['ollama-generate', '{"error":"model \\"x\\" not found, try pulling it first"}\n', 'not_found', /model "x" not found/],
    ['ollama-generate', '{"model":"m","response":"","done":true,"done_reason":"stop","eval_count":0}\n', 'empty_response', /no generated content/],
    ['openai-responses', 'event: response.created\ndata: {"type":"response.created"\n\n', 'invalid_response', /an SSE event is not JSON/],
    ['openai-responses', 'data: "just a string"\n\n', 'invalid_response', /not a Responses API event/],
    ['openai-responses', 'event: error\ndata: upstream timed out\n\n', 'server_error', /upstream timed out/],
    ['openai-responses', '{"error":{"message":"Invalid API key","type":"invalid_request_error","code":"invalid_api_key"}}', 'auth', /Invalid API key/],
    ['openai-responses', 'event: response.completed\ndata: {"type":"response.completed","response":{"status":"completed","output":[],"usage":null}}\n\n', 'empty_response', /no generated content/],
    ['openai-completions', 'data: {"choices":[{"text":"Hi","index":0}]}\n\n', 'invalid_response', /cut off/],
  ])('%s %j → %s', (api, body, category, message) => {
    const response = stream(api, body);
    expect([response.ok, response.category]).toEqual([false, category]);
    expect(response.message).toMatch(message);
  });
});

describe('malformed JSON answers', () => {
  it.each([
    ['openai-responses', 'not json', 'invalid_response', /the body is not JSON/],
    ['openai-responses', '{"object":"response","status":"completed"}', 'invalid_response', /no "output" list/],
    ['openai-responses', '{"object":"response","status":"failed","error":{"code":"server_error","message":"boom"},"output":[]}', 'server_error', /boom/],
    ['openai-embeddings', '{"object":"list","data":[]}', 'empty_response', /no embedding vectors/],
    ['openai-embeddings', '{"object":"list"}', 'invalid_response', /no "data" list/],
    ['openai-embeddings', '[]', 'invalid_response', /not an embeddings list/],
    ['openai-embeddings', '{"error":{"message":"bad input","type":"invalid_request_error"}}', 'client_error', /bad input/],
    ['ollama-chat', '{"model":"m","done":true}', 'invalid_response', /no "message" or "response"/],
    ['openai-completions', '{"object":"text_completion"}', 'invalid_response', /no "choices"/],
  ])('%s %s → %s', (api, text, category, message) => {
    const response = getAdapter(api).parseJson(text, 1);
    expect([response.ok, response.category]).toEqual([false, category]);
    expect(response.message).toMatch(message);
  });
});

describe('NDJSON framing', () => {
  function lines(reads: string[]): string[] {
    const out: string[] = [];
    const framer = new NdjsonFramer({ onLine: (b, start, end) => out.push(b.toString('utf8', start, end)) });
    for (const read of reads) framer.push(Buffer.from(read));
    framer.flush();
    return out;
  }

  it.each([
    [['{"a":1}\n{"b":2}\n'], ['{"a":1}', '{"b":2}']],
    [['{"a":', '1}\r', '\n{"b":2}'], ['{"a":1}', '{"b":2}']],
    [['\n\n  {"a":1}  \n\n'], ['{"a":1}  ']],
    [['{"t":"é', '€"}\n'], ['{"t":"é€"}']],
  ])('%j → %j', (reads, expected) => {
    expect(lines(reads)).toEqual(expected);
  });
});

describe('Responses deltas of a learned shape', () => {
  const delta = (seq: string, rest: string): string =>
    `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${seq},"item_id":"msg_1","output_index":0,"content_index":0,"delta":${rest}}\n\n`;
  const completed = 'event: response.completed\ndata: {"type":"response.completed","response":{"status":"completed","usage":null}}\n\n';

  it.each([
    ['a second delta member after the learned part', [delta('2', '" one"'), delta('3', '" two"'), delta('4', '" three","delta":" four"')], ' one two four'],
    ['a second type member after the learned part', [delta('2', '" one"'), delta('3', '" two"'), delta('4', '" x","type":"response.output_text.done"')], ' one two'],
    ['a sequence number that is not plain digits', [delta('2', '" one"'), delta('3', '" two"'), delta('4e0', '" three"')], ' one two three'],
  ])('%s: read exactly as JSON.parse reads it', (_name, events, text) => {
    const body = Buffer.from(events.join('') + completed);
    const fast = getAdapter('openai-responses').createStreamParser();
    const full = getAdapter('openai-responses').createStreamParser({ keepText: true });
    fast.push(body, 1);
    full.push(body, 1);
    const [a, b] = [fast.end(2), full.end(2)];
    expect(b.text).toBe(text);
    // Without usage the tokens are counted from the kept text: equal counts, equal text.
    expect([a.ok, a.outputTokens, a.contentChunks]).toEqual([b.ok, b.outputTokens, b.contentChunks]);
  });
});

describe('an Ollama stream that has failed is said to have failed while it is read (the engine stops reading it)', () => {
  it('an error line mid-stream', () => {
    const parser = getAdapter('ollama-chat').createStreamParser();
    parser.push(Buffer.from('{"model":"m","message":{"role":"assistant","content":"Hi"},"done":false}\n'), 1);
    expect(parser.failed).toBe(false);
    parser.push(Buffer.from('{"error":"model crashed"}\n'), 2);
    expect([parser.failed, parser.finished]).toEqual([true, true]);
    expect(parser.end(3).category).toBe('server_error');
  });

  it('a line over the size cap, before it ends', () => {
    const parser = getAdapter('ollama-generate').createStreamParser();
    const piece = Buffer.alloc(1024 * 1024, 0x61);
    parser.push(Buffer.from('{"model":"m","response":"'), 1);
    for (let i = 0; i < 9 && !parser.finished; i += 1) parser.push(piece, 2 + i);
    expect([parser.failed, parser.finished]).toEqual([true, true]);
    const parsed = parser.end(20);
    expect(parsed.category).toBe('invalid_response');
    expect(parsed.message).toContain('larger than 8 MiB');
  });
});
