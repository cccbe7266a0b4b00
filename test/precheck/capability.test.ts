import { describe, expect, it } from 'vitest';
import { buildCapabilityReport, type CapabilityInput } from '../../src/precheck/capability.js';
import { renderCapabilityReport } from '../../src/precheck/render.js';
import type { Summary } from '../../src/model/summary.js';
import type { ParsedResponse } from '../../src/protocol/types.js';

function parsed(overrides: Partial<ParsedResponse> = {}): ParsedResponse {
  return {
    ok: true,
    category: null,
    message: null,
    firstContentAt: 1120,
    firstOutputAt: 1120,
    lastContentAt: 1400,
    endAt: 1450,
    terminated: true,
    contentChunks: 20,
    inputTokens: 12,
    outputTokens: 20,
    reasoningTokens: null,
    cachedInputTokens: null,
    tokenSource: 'usage',
    usageReported: true,
    model: 'gpt-4o-mini',
    finishReason: 'stop',
    sawReasoning: false,
    sawToolCall: false,
    text: 'Hello there, friend.',
    ...overrides,
  };
}

function input(overrides: Partial<ParsedResponse> = {}, extra: Partial<CapabilityInput> = {}): CapabilityInput {
  return {
    apiType: 'openai-chat',
    url: 'http://127.0.0.1:8000/v1/chat/completions',
    status: 200,
    stream: true,
    contentType: 'text/event-stream',
    modelAsked: 'gpt-4o-mini',
    maxTokens: 64,
    startedAt: 1000,
    parsed: parsed(overrides),
    ...extra,
  };
}

describe('buildCapabilityReport', () => {
  it('a stream with usage: timings from the request start, everything exact', () => {
    const report = buildCapabilityReport(input());
    expect(report).toMatchObject({
      latencyMs: 450,
      ttftMs: 120,
      ttfoMs: 120,
      tokensPerChunk: 1,
      maxTokensHit: false,
      usageReported: true,
      exact: ['e2e', 'ttft', 'ttfo', 'chunk gaps', 'output tokens', 'tokens/s', 'itl', 'input tokens'],
      estimated: [],
      unavailable: [],
      notes: [],
      textPreview: 'Hello there, friend.',
    });
  });

  it('no usage in the stream: output tokens, tokens/s and ITL are estimated, and it says why', () => {
    const report = buildCapabilityReport(
      input({ usageReported: false, tokenSource: 'tokenizer', inputTokens: null, outputTokens: 60, contentChunks: 20 }),
    );
    expect(report.estimated).toEqual(['output tokens', 'tokens/s', 'itl', 'input tokens']);
    expect(report.exact).toEqual(['e2e', 'ttft', 'ttfo', 'chunk gaps']);
    expect(report.tokensPerChunk).toBe(3);
    expect(report.notes).toEqual([
      'no usage in stream: output tokens will be counted with a tokenizer',
      'no input tokens in stream: they will be counted from the prompt text with a tokenizer, without the chat template the server adds',
      'about 3 tokens per chunk: chunk gaps span several tokens; ITL is derived from the token count',
    ]);
  });

  it('not streaming: TTFT, ITL and chunk gaps cannot be measured', () => {
    const report = buildCapabilityReport(input({ contentChunks: 1 }, { stream: false, contentType: 'application/json' }));
    expect(report.unavailable).toEqual(['ttft', 'ttfo', 'itl', 'chunk gaps']);
    expect(report.exact).toEqual(['e2e', 'output tokens', 'tokens/s', 'input tokens']);
  });

  it('reasoning, max_tokens hit (both APIs\' words) and another model than asked', () => {
    const report = buildCapabilityReport(
      input({ sawReasoning: true, reasoningTokens: 8, finishReason: 'length', model: 'gpt-4o-mini-2024-07-18', firstOutputAt: 1300 }),
    );
    expect(report.reasoning).toBe(true);
    expect(report.ttfoMs).toBe(300);
    expect(report.maxTokensHit).toBe(true);
    expect(report.exact).toContain('reasoning tokens');
    expect(report.notes).toEqual([
      'a reasoning channel appeared: TTFT counts the first reasoning token, TTFO the first answer token',
      'the answer stopped at max_tokens (64): output length is capped by it',
      'the server ran gpt-4o-mini-2024-07-18 (asked for gpt-4o-mini)',
    ]);
    expect(buildCapabilityReport(input({ finishReason: 'max_tokens' })).maxTokensHit).toBe(true);
  });

  it('reasoning tokens: exact from usage, estimated when usage does not count them or is missing', () => {
    const unreported = buildCapabilityReport(input({ sawReasoning: true, reasoningTokens: null }));
    expect(unreported.estimated).toEqual(['reasoning tokens']);
    expect(unreported.notes).toContain(
      'reasoning appeared but usage does not count it apart: reasoning tokens will be counted with a tokenizer',
    );
    const counted = buildCapabilityReport(
      input({ sawReasoning: true, reasoningTokens: 4, usageReported: false, tokenSource: 'tokenizer' }),
    );
    expect(counted.estimated).toContain('reasoning tokens');
    expect(counted.exact).not.toContain('reasoning tokens');
  });

  it('is JSON-able as it is (it goes into summary.json)', () => {
    const report = buildCapabilityReport(input());
    const kept: Summary['precheck'] = report;
    expect(kept).toBe(report);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('renderCapabilityReport', () => {
  it('prints latency, TTFT, model, usage, reasoning, tokens/chunk, max_tokens and the exact/estimated lists', () => {
    const text = renderCapabilityReport(
      buildCapabilityReport(input({ usageReported: false, tokenSource: 'tokenizer', outputTokens: 20 })),
    );
    expect(text).toBe(
      [
        'Pre-check ok: HTTP 200 in 450 ms, TTFT 120 ms (streaming)',
        '  model          gpt-4o-mini',
        '  usage          not reported in the stream: output tokens counted with a tokenizer',
        '  reasoning      no',
        '  tokens/chunk   1 (20 tokens in 20 chunks, tokenizer count)',
        '  max_tokens hit no',
        '  answer         "Hello there, friend."',
        '  exact          e2e, ttft, ttfo, chunk gaps, input tokens',
        '  estimated      output tokens, tokens/s, itl',
        '  note: no usage in stream: output tokens will be counted with a tokenizer',
        '',
      ].join('\n'),
    );
  });

  it('says the usage counts and the reasoning TTFO when there are some', () => {
    const text = renderCapabilityReport(buildCapabilityReport(input({ sawReasoning: true, reasoningTokens: 5, firstOutputAt: 1250 })));
    expect(text).toContain('  usage          reported in the stream (12 in, 20 out, 5 reasoning)\n');
    expect(text).toContain('  reasoning      yes (TTFO 250 ms)\n');
    expect(text).toContain('  estimated      none\n');
  });
});
