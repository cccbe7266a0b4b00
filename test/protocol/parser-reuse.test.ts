/**
 * The engine keeps one stream parser per user and calls reset() before each response. A reset parser
 * must be a new parser in everything but its buffers' capacity: the same outcome and the same chunk
 * stamps for every next response, whatever the last one left behind (a cut line, a lone CR, a learned
 * template, a failure, text kept for the tokenizer, a body that was not a stream).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getAdapter } from '../../src/protocol/registry.js';
import type { ApiType, ChunkListener, ParsedResponse, StreamParser } from '../../src/protocol/types.js';
import { createRandom } from '../../src/random.js';
import { randomStream } from '../helpers/random-sse.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/sse');
const APIS = ['openai-chat', 'anthropic-messages'] as const;

/** Responses of every shape for one API, in a fixed shuffled order. */
function responses(api: ApiType): Buffer[] {
  // Anthropic transcripts are named anthropic-*; every other transcript is an OpenAI-compatible server's.
  const out: Buffer[] = readdirSync(FIXTURES)
    .filter((name) => name.startsWith('anthropic-') === (api === 'anthropic-messages'))
    .map((name) => readFileSync(join(FIXTURES, name)));
  const random = createRandom(api.length);
  for (let seed = 1; seed <= 150; seed++) {
    const stream = randomStream(api, seed);
    out.push(stream);
    // Cut mid-stream, sometimes right after a CR: the framer is left holding a partial line.
    const cut = 1 + Math.floor(random() * (stream.length - 1));
    out.push(seed % 5 === 0 ? Buffer.concat([stream.subarray(0, cut), Buffer.from('\r')]) : stream.subarray(0, cut));
  }
  out.push(Buffer.from('{"error":{"message":"Rate limit reached","type":"rate_limit_error","code":"rate_limit_exceeded"}}'));
  out.push(Buffer.from('<html><body>Bad gateway</body></html>'));
  out.push(Buffer.alloc(0));
  for (let k = out.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [out[k], out[j]] = [out[j] as Buffer, out[k] as Buffer];
  }
  return out;
}

interface Run {
  response: ParsedResponse;
  chunkAt: number[];
}

/** Feed `bytes` in random reads (stamped with the index of their last byte) and end it. */
function feed(parser: StreamParser, stamps: number[], bytes: Buffer, seed: number): Run {
  stamps.length = 0;
  const random = createRandom(seed);
  let at = 0;
  while (at < bytes.length) {
    const next = Math.min(bytes.length, at + 1 + Math.floor(random() * 90));
    parser.push(bytes.subarray(at, next), next - 1);
    at = next;
  }
  return { response: parser.end(bytes.length), chunkAt: [...stamps] };
}

/** Every scalar reachable from `root` by path; bytes are compared by nothing but their presence. */
function scalars(root: object): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const seen = new Set<object>();
  const walk = (value: unknown, path: string): void => {
    if (value === null || typeof value !== 'object') {
      if (typeof value !== 'function') out.set(path, value);
      return;
    }
    if (ArrayBuffer.isView(value)) return;
    if (seen.has(value)) return;
    seen.add(value);
    for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
  };
  walk(root, '');
  return out;
}

describe.each(APIS)('%s parser reused with reset()', (api) => {
  it.each([false, true])('gives what a new parser gives, response after response (keepText %s)', (keepText) => {
    const adapter = getAdapter(api);
    const stamps: number[] = [];
    const listener: ChunkListener = { onContentChunk: (at) => stamps.push(at) };
    const reused = adapter.createStreamParser({ keepText, listener, model: 'gpt-4o' });
    let failures = 0;
    responses(api).forEach((bytes, index) => {
      reused.reset();
      const again = feed(reused, stamps, bytes, index + 1);
      const fresh = feed(adapter.createStreamParser({ keepText, listener, model: 'gpt-4o' }), stamps, bytes, index + 1);
      expect(again, `response ${index}`).toEqual(fresh);
      if (!fresh.response.ok) failures += 1;
    });
    // The sequence must hold failures and successes alike, so a reset follows each kind of ending.
    expect(failures).toBeGreaterThan(50);
  });

  it('holds no value of the last response after reset(), only buffer capacity', () => {
    const adapter = getAdapter(api);
    const listener: ChunkListener = { onContentChunk: () => undefined };
    const used = adapter.createStreamParser({ listener, model: 'm' });
    for (const [index, bytes] of responses(api).slice(0, 60).entries()) {
      used.reset();
      feed(used, [], bytes, index);
    }
    const fresh = scalars(adapter.createStreamParser({ listener, model: 'm' }));
    const stream = randomStream(api, 7);
    const cr = stream.indexOf('\n\n') + 1;
    const leftovers = {
      'a partial line and a learned template': [stream.subarray(0, Math.floor(stream.length * 0.7))],
      'a CR that may pair with an LF': [Buffer.concat([stream.subarray(0, cr), Buffer.from('data: {"a":1}\r')])],
      'an event of two data lines': [Buffer.from('event: x\ndata: {"a":\ndata: 1}\n')],
      'a body that is not a stream': [Buffer.from('{"error":')],
    };
    for (const [left, reads] of Object.entries(leftovers)) {
      used.reset();
      for (const read of reads) used.push(read, 1);
      used.reset();
      const reset = scalars(used);
      for (const [path, value] of reset) {
        // Buffers made on first need (kept text) exist only in the used parser; they must be empty.
        if (fresh.has(path)) expect(value, `${left}: ${path}`).toEqual(fresh.get(path));
        else expect(value, `${left}: ${path}`).toBe(0);
      }
      for (const path of fresh.keys()) {
        // A field the fresh parser has and the reset one lacks: reset() gave it another shape.
        if (!reset.has(path)) expect(fresh.get(path), `${left}: ${path}`).toBeNull();
      }
    }
  });
});
