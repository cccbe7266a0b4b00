/**
 * The byte fast paths (structure scanner, learned event templates) against full JSON parsing on random
 * streams built to trip them: texts with quotes, backslashes and multi-byte characters, a varying
 * padding member, events that share a template's bytes but differ where it matters (finish_reason,
 * usage, error, tool calls), whitespace, reasoning. keepText parses every event in full, so both runs
 * must agree on everything but the text.
 */
import { describe, expect, it } from 'vitest';
import { getAdapter } from '../../src/protocol/registry.js';
import type { ApiType, ParsedResponse } from '../../src/protocol/types.js';
import { createRandom } from '../../src/random.js';
import { randomStream } from '../helpers/random-sse.js';

function replay(api: ApiType, bytes: Buffer, seed: number, keepText: boolean): { response: ParsedResponse; chunkAt: number[] } {
  const random = createRandom(seed * 7 + 1);
  const chunkAt: number[] = [];
  const parser = getAdapter(api).createStreamParser({ keepText, listener: { onContentChunk: (at) => chunkAt.push(at) } });
  let at = 0;
  while (at < bytes.length) {
    const next = Math.min(bytes.length, at + 1 + Math.floor(random() * 120));
    parser.push(bytes.subarray(at, next), next);
    at = next;
  }
  return { response: parser.end(bytes.length + 1), chunkAt };
}

describe.each(['openai-chat', 'anthropic-messages'] as const)('%s fast paths', (api) => {
  it('agree with full parsing on 400 adversarial random streams', () => {
    let contentEvents = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const bytes = randomStream(api, seed);
      const fast = replay(api, bytes, seed, false);
      const full = replay(api, bytes, seed, true);
      const { text: _text, ...fullRest } = full.response;
      expect(fast.response, `seed ${seed}`).toEqual(fullRest);
      expect(fast.chunkAt, `seed ${seed}`).toEqual(full.chunkAt);
      contentEvents += fast.response.contentChunks;
    }
    // The streams must actually exercise the content paths.
    expect(contentEvents).toBeGreaterThan(2000);
  });
});
