/**
 * Synthetic bodies without a server: the prompt lands where each API takes it, exact to the token, the
 * cache-bust tag first and unique per conversation, the output length in the API's own field, and a
 * trace's share per thread at its times.
 */
import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { SizedBodies, TraceBodies, buildPrecheckBody } from '../../src/engine/synthetic-bodies.js';
import { defaultWorkload } from '../../src/input/workload-options.js';
import type { TargetSpec } from '../../src/model/plan.js';
import type { WorkloadOptions } from '../../src/model/workload.js';
import { numberWords } from '../../src/protocol/sized-prompt.js';
import { getAdapter } from '../../src/protocol/registry.js';
import type { ApiType } from '../../src/protocol/types.js';

const o200k = getEncoding('o200k_base');

function target(apiType: ApiType): TargetSpec {
  const adapter = getAdapter(apiType);
  return {
    apiType, url: 'http://127.0.0.1:1/x', targetHost: 'http://127.0.0.1:1', apiPath: '/x', method: 'POST', headers: {}, cookies: {},
    model: 'mock-model', stream: true, body: adapter.minimalBody('mock-model'), insecure: false, timeoutMs: 1000, idleTimeoutMs: 1000,
    connectTimeoutMs: 1000, notes: [], warnings: [],
  };
}

const work = (overrides: Partial<WorkloadOptions>): WorkloadOptions => ({ ...defaultWorkload('0badc0de'), cacheBust: true, ...overrides });

/** The prompt text a body carries, per API. */
function promptOf(apiType: ApiType, body: Record<string, unknown>): string {
  const last = (list: unknown): string => ((list as Array<{ content: string }>).at(-1) as { content: string }).content;
  switch (apiType) {
    case 'openai-chat':
    case 'anthropic-messages':
    case 'ollama-chat':
      return last(body['messages']);
    case 'openai-responses':
    case 'openai-embeddings':
      return body['input'] as string;
    default:
      return body['prompt'] as string;
  }
}

describe('SizedBodies', () => {
  it.each<[ApiType, string | null, unknown]>([
    ['openai-chat', 'max_tokens', 40],
    ['anthropic-messages', 'max_tokens', 40],
    ['openai-responses', 'max_output_tokens', 40],
    ['openai-completions', 'max_tokens', 40],
    ['ollama-chat', 'options', { num_predict: 40 }],
    ['ollama-generate', 'options', { num_predict: 40 }],
    ['openai-embeddings', null, undefined],
  ])('%s: the prompt is exactly 300 tokens, tagged per conversation; the output asked in %s', (apiType, field, value) => {
    const bodies = new SizedBodies(target(apiType), getAdapter(apiType), work({ inputTokens: { mean: 300, stddev: 0 }, outputTokens: { mean: 40, stddev: 0 } }), { index: 0, count: 1 });
    const prompts = [7, 8, 9_000_000].map((conversation) => {
      const body = JSON.parse(bodies.next(conversation).toString('utf8')) as Record<string, unknown>;
      if (field !== null) expect(body[field]).toEqual(value);
      expect(bodies.inputTokens).toBe(300);
      return promptOf(apiType, body);
    });
    for (const prompt of prompts) expect(o200k.encode(prompt).length).toBe(300);
    expect(new Set(prompts.map((p) => p.slice(0, 60))).size).toBe(3);
    // The tag: the run's 3 words, then the conversation's 4, as numberWords spells them.
    [7, 8, 9_000_000].forEach((conversation, i) => {
      const words = (prompts[i] ?? '').split(' ');
      expect(` ${words.slice(4, 8).join(' ')}`).toBe(numberWords(conversation, 4));
    });
  });

  it('without cache-bust every prompt is the same text; the shared prefix is the system prompt, identical, of its size', () => {
    const bodies = new SizedBodies(target('openai-chat'), getAdapter('openai-chat'), work({ inputTokens: { mean: 50, stddev: 0 }, cacheBust: false, sharedPrefixTokens: 200 }), { index: 0, count: 1 });
    const [a, b] = [1, 2].map((c) => JSON.parse(bodies.next(c).toString('utf8')) as { messages: Array<{ role: string; content: string }> });
    expect(a).toEqual(b);
    expect(a?.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(o200k.encode(a?.messages[0]?.content ?? '').length).toBe(200);
    expect(o200k.encode(a?.messages[1]?.content ?? '').length).toBe(50);
    expect(bodies.inputTokens).toBe(250);
  });
});

describe('one target of several (tagSeedFrom)', () => {
  const chat = target('openai-chat');
  const adapter = getAdapter('openai-chat');
  const promptFor = (source: { next(c: number): Buffer }, conversation: number): string => promptOf('openai-chat', JSON.parse(source.next(conversation).toString('utf8')) as Record<string, unknown>);
  it('sized prompts: the tag\'s run words are the target\'s, the sizes and the rest of the prompt the run\'s', () => {
    const [a, b, plain] = ['0badc0de-a', '0badc0de-b', undefined].map((from) => new SizedBodies(chat, adapter, work({ inputTokens: { mean: 40, stddev: 0 } }), { index: 0, count: 1 }, from));
    const words = [a, b, plain].map((source) => promptFor(source as SizedBodies, 3).trim().split(' '));
    expect(words[0]?.slice(0, 3)).not.toEqual(words[1]?.slice(0, 3));
    expect(words[0]?.slice(3)).toEqual(words[1]?.slice(3));
    // Without it (one target): the run's tag, the same filler.
    expect(words[2]?.slice(0, 3)).not.toEqual(words[0]?.slice(0, 3));
    expect(words[2]?.slice(3)).toEqual(words[0]?.slice(3));
    expect(o200k.encode(promptFor(a as SizedBodies, 4))).toHaveLength(40);
  });
  it("a trace's blocks are the target's: the same id, one text per target", () => {
    const trace = { path: 't', speedup: 1, requests: [{ atMs: 0, inputTokens: 600, outputTokens: 1, hashIds: [7] }] };
    const [a, b] = ['0badc0de-a', '0badc0de-b'].map((from) => new TraceBodies(chat, adapter, work({ trace }), { index: 0, count: 1 }, from));
    const [pa, pb] = [a, b].map((source) => promptFor(source as TraceBodies, 0));
    // The block (512 tokens) opens each prompt: different texts for different targets.
    expect(pa?.slice(0, 200)).not.toEqual(pb?.slice(0, 200));
  });
});

describe('TraceBodies', () => {
  const trace = { path: 't', speedup: 2, requests: [0, 100, 250, 400, 1000].map((atMs, i) => ({ atMs, inputTokens: 20 + i, outputTokens: 1 + i, hashIds: [] })) };

  it.each([
    [{ index: 0, count: 1 }, [0, 50, 75, 75, 300, Infinity]],
    [{ index: 0, count: 2 }, [0, 125, 375, Infinity]],
    [{ index: 1, count: 2 }, [50, 150, Infinity]],
  ])('thread %o sends its share at the sped-up times: gaps %o', (partition, gaps) => {
    const bodies = new TraceBodies(target('openai-chat'), getAdapter('openai-chat'), work({ trace }), partition);
    const next = bodies.arrivalGaps(trace.speedup);
    expect(gaps.map(() => next())).toEqual(gaps);
  });

  it("a thread's bodies follow its share of the lines, with their sizes", () => {
    const bodies = new TraceBodies(target('openai-chat'), getAdapter('openai-chat'), work({ trace }), { index: 1, count: 2 });
    const sizes = [0, 1].map((c) => {
      bodies.next(c);
      return [bodies.inputTokens, bodies.outputTokens];
    });
    expect(sizes).toEqual([[21, 2], [23, 4]]);
  });
});

describe('buildPrecheckBody', () => {
  it('none for the body as given; the output length alone on the given body; a sized prompt otherwise', () => {
    const chat = target('openai-chat');
    const adapter = getAdapter('openai-chat');
    expect(buildPrecheckBody(chat, adapter, defaultWorkload('x'))).toBeNull();
    expect(buildPrecheckBody(chat, adapter, work({ cacheBust: false, outputTokens: { mean: 9, stddev: 0 }, ignoreEos: true }))).toEqual({
      body: { ...chat.body, max_tokens: 9, min_tokens: 9, ignore_eos: true },
      inputTokens: null,
      outputTokens: 9,
    });
    const sized = buildPrecheckBody(chat, adapter, work({ inputTokens: { mean: 77, stddev: 0 } }));
    expect(sized?.inputTokens).toBe(77);
    expect(o200k.encode(promptOf('openai-chat', sized?.body ?? {})).length).toBe(77);
  });
});

describe('the pre-check of a trace', () => {
  it("has the first line's sizes but none of its shared blocks, so it warms no prefix the trace reuses", () => {
    const chat = target('openai-chat');
    const adapter = getAdapter('openai-chat');
    const trace = { path: 't', speedup: 1, requests: [{ atMs: 0, inputTokens: 600, outputTokens: 5, hashIds: [1, 2] }] };
    const precheck = buildPrecheckBody(chat, adapter, work({ trace }));
    const load = new TraceBodies(chat, adapter, work({ trace }), { index: 0, count: 1 });
    const first = promptOf('openai-chat', JSON.parse(load.next(0).toString('utf8')) as Record<string, unknown>);
    const checked = promptOf('openai-chat', precheck?.body ?? {});
    expect(precheck).toMatchObject({ inputTokens: 600, outputTokens: 5 });
    expect(o200k.encode(checked).length).toBe(600);
    expect(checked.slice(0, 100)).not.toBe(first.slice(0, 100));
  });
});
