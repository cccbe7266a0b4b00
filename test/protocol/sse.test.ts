/**
 * The byte framer against the WHATWG rules: random streams of every line ending, comments, fields,
 * multi-line data and multi-byte text, cut into random reads, must give the same events as
 * eventsource-parser (a well-kept reference implementation) fed the same text in one piece.
 */
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { getAdapter } from '../../src/protocol/registry.js';
import { SseFramer } from '../../src/protocol/sse.js';

interface Seen {
  event: string;
  data: string;
}

function frame(bytes: Buffer, cuts: readonly number[]): Seen[] {
  const seen: Seen[] = [];
  const framer = new SseFramer({
    onSseEvent: (data, start, end, f) => seen.push({ event: f.readEventName(), data: data.toString('utf8', start, end) }),
  });
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    // A copy per read, then overwritten: the framer must not keep pointers into a read it was given.
    const read = Buffer.from(bytes.subarray(from, cut));
    framer.push(read);
    read.fill(0x78);
    from = cut;
  }
  return seen;
}

function reference(text: string): Seen[] {
  const seen: Seen[] = [];
  const parser = createParser({ onEvent: (e) => seen.push({ event: e.event ?? '', data: e.data }) });
  parser.feed(text);
  return seen;
}

function makeRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const PIECES = ['a', 'é', '世', '🚀', ' ', ':', '{"k":1}', 'data', 'x'.repeat(50)];
const ENDINGS = ['\n', '\r\n', '\r'];

function randomStream(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const value = (): string => Array.from({ length: Math.floor(random() * 6) }, () => pick(PIECES)).join('');
  let text = '';
  const lines = 5 + Math.floor(random() * 40);
  for (let k = 0; k < lines; k++) {
    const kind = random();
    if (kind < 0.4) text += `data:${random() < 0.5 ? ' ' : ''}${value()}`;
    else if (kind < 0.5) text += `event: ${pick(['message_start', 'ping', 'error', 'x'])}`;
    else if (kind < 0.6) text += `: ${value()}`;
    else if (kind < 0.65) text += pick(['id: 7', 'retry: 100', 'error: {"code":500}', 'data', 'event']);
    // Blank lines dispatch.
    text += pick(ENDINGS);
  }
  // eventsource-parser waits for the byte after a final CR (it may be an LF) before using the line.
  return `${text}\n`;
}

describe('SseFramer', () => {
  it('agrees with eventsource-parser on 300 random streams in random reads', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = makeRandom(seed);
      const text = randomStream(random);
      const bytes = Buffer.from(text, 'utf8');
      const cuts: number[] = [];
      for (let at = 1 + Math.floor(random() * 8); at < bytes.length; at += 1 + Math.floor(random() * 8)) cuts.push(at);
      expect(frame(bytes, cuts), `seed ${seed}`).toEqual(reference(text));
    }
  });

  it('pairs a CR at the end of one read with an LF at the start of the next (one line end, not two)', () => {
    const bytes = Buffer.from('data: a\r\n\r\ndata: b\r\n\r\n');
    expect(frame(bytes, [8, 9, 10, 11])).toEqual([
      { event: '', data: 'a' },
      { event: '', data: 'b' },
    ]);
  });

  it('joins several data lines with LF and keeps a value\'s second leading space', () => {
    expect(frame(Buffer.from('data:  one\ndata:two\ndata\n\n'), [3, 12])).toEqual([{ event: '', data: ' one\ntwo\n' }]);
  });

  it('does not dispatch an event whose blank line never came', () => {
    expect(frame(Buffer.from('data: a\n\ndata: b\n'), [])).toEqual([{ event: '', data: 'a' }]);
  });

  it('frames a 300 KB data line split into 1000-byte reads', () => {
    const long = 'y'.repeat(300_000);
    const bytes = Buffer.from(`data: ${long}\n\ndata: after\n\n`);
    const cuts = Array.from({ length: Math.floor(bytes.length / 1000) }, (_, k) => (k + 1) * 1000);
    const seen = frame(bytes, cuts);
    expect(seen.map((e) => e.data.length)).toEqual([300_000, 5]);
    expect(seen[0]?.data).toBe(long);
  });
});

describe('stream outcome edge cases', () => {
  const openai = getAdapter('openai-chat');
  const anthropic = getAdapter('anthropic-messages');

  it('reads a 250 KB content event (a batching gateway) exactly, in 4 KB reads', () => {
    const content = 'word '.repeat(50_000);
    const event = `data: {"choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;
    const bytes = Buffer.from(
      `data: {"choices":[{"index":0,"delta":{"content":"start"}}]}\n\n${event}data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":50001}}\n\ndata: [DONE]\n\n`,
    );
    const parser = openai.createStreamParser({ keepText: true });
    for (let at = 0; at < bytes.length; at += 4096) parser.push(bytes.subarray(at, at + 4096), at);
    const response = parser.end(bytes.length);
    expect(response.ok).toBe(true);
    expect(response.contentChunks).toBe(2);
    expect(response.text).toBe(`start${content}`);
    expect(response.outputTokens).toBe(50001);
  });

  it.each([
    ['an HTML page', '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', 'invalid_response', /502 Bad Gateway/],
    ['a JSON error sent with 200', '{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}', 'quota_exceeded', /quota/],
    ['a full JSON completion when a stream was asked', '{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}]}', 'invalid_response', /not an SSE stream/],
    ['nothing', '', 'empty_response', /empty/],
    ['a first event cut before its blank line', 'data: {"choices":[{"delta":{"content":"hi"}}]}\n', 'invalid_response', /first complete event/],
    ['an event that is not JSON', 'data: <html>oops</html>\n\n', 'invalid_response', /not JSON/],
  ])('classifies a 200 body that is %s', (_name, body, category, message) => {
    for (const adapter of [openai, anthropic]) {
      const parser = adapter.createStreamParser();
      if (body !== '') parser.push(Buffer.from(body), 1);
      const response = parser.end(2);
      expect(response.ok).toBe(false);
      expect(response.category).toBe(category);
      expect(response.message).toMatch(message);
    }
  });

  describe('masks a key echoed by the server before cutting the message short', () => {
    const key = 'sk-live-0123456789abcdefWXYZ';
    const mask = (text: string): string => text.split(key).join('sk-…WXYZ');
    // Server text is cut at 200 characters (a provider's message) or 120 (anything else): each key straddles its cut.
    const said200 = `${'x'.repeat(185)} key ${key} rejected`;
    const said120 = `${'x'.repeat(105)} key ${key} rejected`;
    const errorBody = JSON.stringify({ error: { message: said200, type: 'server_error', code: null } });
    it.each([
      ['openai', 'an error event in a 200 stream', `data: ${errorBody}\n\n`],
      ['openai', 'a JSON error sent with 200', errorBody],
      ['openai', 'an event that is not JSON', `data: ${said120}\n\n`],
      ['openai', 'a body that is not a stream', said120],
      ['anthropic', 'an event: error that is not JSON', `event: error\ndata: ${said120}\n\n`],
      ['anthropic', 'an event: error', `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message: said200 } })}\n\n`],
    ])('%s: %s', (api, _name, body) => {
      const parser = (api === 'openai' ? openai : anthropic).createStreamParser({ mask });
      parser.push(Buffer.from(body), 1);
      const message = parser.end(2).message ?? '';
      expect(message).toContain('key sk-…WXYZ');
      expect(message).not.toContain(key.slice(0, 6));
    });

    it('in a JSON body (non-streamed), both APIs', () => {
      for (const adapter of [openai, anthropic]) {
        const response = adapter.parseJson(errorBody, 1, { mask });
        expect(response.message).toContain('key sk-…WXYZ');
      }
    });
  });

  it('stops reading at [DONE] and at message_stop', () => {
    const parser = openai.createStreamParser();
    parser.push(Buffer.from('data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: [DONE]\n\n'), 5);
    expect(parser.finished).toBe(true);
    const claude = anthropic.createStreamParser();
    claude.push(Buffer.from('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n'), 7);
    expect(claude.finished).toBe(true);
    const response = claude.end(9);
    expect(response.ok).toBe(true);
    expect(response.endAt).toBe(7);
    expect(response.tokenSource).toBe('tokenizer');
    expect(response.outputTokens).toBe(1);
  });

  it('takes [DONE] with whitespace around it, and [DONE] at the end of an Anthropic stream from a gateway', () => {
    const parser = openai.createStreamParser();
    parser.push(Buffer.from('data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata:  [DONE] \t\n\n'), 5);
    expect([parser.finished, parser.end(6).ok]).toEqual([true, true]);
    const claude = anthropic.createStreamParser();
    claude.push(Buffer.from('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}\n\ndata: [DONE]\n\n'), 7);
    const response = claude.end(9);
    expect([claude.finished, response.ok, response.terminated, response.endAt]).toEqual([true, true, true, 7]);
  });

  it('reads Anthropic events without event: lines (a proxy that drops them)', () => {
    const parser = anthropic.createStreamParser();
    parser.push(
      Buffer.from(
        'data: {"type":"message_start","message":{"model":"claude-x","usage":{"input_tokens":5,"output_tokens":1}}}\n\n' +
          'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}\n\n' +
          'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" you"}}\n\n' +
          'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}\n\n' +
          'data: {"type":"message_stop"}\n\n',
      ),
      3,
    );
    const response = parser.end(4);
    expect([response.ok, response.contentChunks, response.inputTokens, response.outputTokens, response.model]).toEqual([true, 2, 5, 2, 'claude-x']);
  });
});
