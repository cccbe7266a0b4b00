/** Whether the server kept the lengths the pre-check asked: a table of answers, their verdict and note. */
import { describe, expect, it } from 'vitest';
import { buildCapabilityReport } from '../../src/precheck/capability.js';
import { checkAskedLengths } from '../../src/precheck/length-check.js';
import { renderCapabilityReport } from '../../src/precheck/render.js';
import type { ParsedResponse } from '../../src/protocol/types.js';

function report(outputTokens: number | null, inputTokens: number | null) {
  const parsed: ParsedResponse = {
    ok: true, category: null, message: null, firstContentAt: 10, firstOutputAt: 10, lastContentAt: 20, endAt: 30, terminated: true,
    contentChunks: 5, inputTokens, outputTokens, reasoningTokens: null, cachedInputTokens: null, tokenSource: outputTokens === null ? null : 'usage',
    usageReported: true, model: 'm', finishReason: 'stop', sawReasoning: false, sawToolCall: false, text: 'hi',
  };
  return buildCapabilityReport({ apiType: 'openai-chat', url: 'http://127.0.0.1/x', status: 200, stream: true, contentType: 'text/event-stream', modelAsked: 'm', maxTokens: 150, startedAt: 0, parsed });
}

describe('checkAskedLengths', () => {
  it.each<[string, number | null, number | null, boolean, string | null, RegExp | null]>([
    ['kept', 150, 550, false, 'exact', null],
    ['stopped early', 37, 550, false, 'shorter', /the answer had 37 of the 150 output tokens asked: the server ended it itself; --ignore-eos asks vLLM or SGLang/],
    ['stopped early despite ignore_eos', 37, 550, true, 'shorter', /although min_tokens and ignore_eos were sent: this server does not honour them/],
    ['past the cap', 180, 550, false, 'longer', /the answer had 180 output tokens, more than the 150 asked: the server does not honour the cap/],
    ['no count', null, 550, false, 'unknown', null],
  ])('%s', (_what, got, input, exact, verdict, note) => {
    const checked = checkAskedLengths(report(got, input), { inputTokens: 550, outputTokens: 150, exact });
    expect(checked.lengths).toEqual({ inputSent: 550, inputReported: input, outputAsked: 150, outputGot: got, output: verdict });
    if (note === null) expect(checked.notes.filter((n) => n.includes('output tokens asked') || n.includes('the cap'))).toEqual([]);
    else expect(checked.notes.some((n) => note.test(n))).toBe(true);
  });

  it("says when the server counts the prompt differently (its chat template)", () => {
    const checked = checkAskedLengths(report(150, 557), { inputTokens: 550, outputTokens: 150, exact: false });
    expect(checked.notes).toContain('the server counts 557 prompt tokens for the 550 sent (+7: its chat template, or another tokenizer)');
    expect(renderCapabilityReport(checked)).toMatch(/output length\s+asked 150, got 150 \(kept\)\n\s+prompt tokens\s+sent 550, server counts 557/);
  });

  it('leaves the report as it was when nothing was sized', () => {
    const plain = report(150, 12);
    expect(checkAskedLengths(plain, { inputTokens: null, outputTokens: null, exact: false })).toBe(plain);
  });
});
