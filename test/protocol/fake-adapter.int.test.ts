import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDryRunJson, renderDryRunText } from '../../src/input/dry-run.js';
import { buildRunPlan } from '../../src/input/plan.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { runPrecheck } from '../../src/precheck/precheck.js';
import { classifyTarget } from '../../src/protocol/classify.js';
import { apiTypeIds, registerAdapter } from '../../src/protocol/registry.js';
import type { ParsedResponse, ProtocolAdapter, StreamParser } from '../../src/protocol/types.js';

/**
 * Adding an API is one adapter: a tiny fake one (`fake-echo`, served at /v1/fake, a line format of
 * `tok <text>` and `end <tokens>`) is registered, then classified, planned and spoken by the mock, and
 * the pre-check measures TTFT and tokens from it, without a change anywhere else.
 */

const FAKE_PATH = '/v1/fake';

/** `tok <text>\n` per content chunk, `end <output tokens>\n` last. */
class FakeStreamParser implements StreamParser {
  private text = '';
  private firstAt: number | null = null;
  private lastAt: number | null = null;
  private chunks = 0;
  private outputTokens: number | null = null;
  finished = false;

  push(chunk: Uint8Array, atMs: number): void {
    this.text += Buffer.from(chunk).toString('utf8');
    let newline = this.text.indexOf('\n');
    while (newline !== -1) {
      const line = this.text.slice(0, newline);
      this.text = this.text.slice(newline + 1);
      if (line.startsWith('tok ')) {
        this.firstAt ??= atMs;
        this.lastAt = atMs;
        this.chunks += 1;
      } else if (line.startsWith('end ')) {
        this.outputTokens = Number(line.slice(4));
        this.finished = true;
      }
      newline = this.text.indexOf('\n');
    }
  }

  end(atMs: number): ParsedResponse {
    const ok = this.finished && this.chunks > 0;
    return {
      ok,
      category: ok ? null : 'empty_response',
      message: ok ? null : 'no content',
      firstContentAt: this.firstAt,
      firstOutputAt: this.firstAt,
      lastContentAt: this.lastAt,
      endAt: atMs,
      terminated: this.finished,
      contentChunks: this.chunks,
      inputTokens: null,
      outputTokens: this.outputTokens,
      reasoningTokens: null,
      cachedInputTokens: null,
      tokenSource: this.outputTokens === null ? null : 'usage',
      usageReported: this.outputTokens !== null,
      model: null,
      finishReason: this.finished ? 'stop' : null,
      sawReasoning: false,
      sawToolCall: false,
    };
  }

  reset(): void {
    this.text = '';
    this.firstAt = null;
    this.lastAt = null;
    this.chunks = 0;
    this.outputTokens = null;
    this.finished = false;
  }
}

const fakeAdapter: ProtocolAdapter = {
  apiType: 'fake-echo',
  label: 'Fake echo',
  match: { paths: [{ suffix: FAKE_PATH, apiPath: '/fake' }], byHeaders: () => null, bodyKeys: ['echo'] },
  keyHeaders: [{ name: 'x-fake-key', prefix: '' }],
  exampleModel: 'echo-1',
  capabilities: { streamUsage: 'always', reasoning: false },
  platform: {
    name: 'fake-echo',
    label: 'Fake Echo',
    prepareBody: () => {},
    checkBody: () => null,
    eventHasContent: (event) => typeof event['tok'] === 'string',
    inspectJson: () => null,
  },
  mock: {
    matchesPath: (path) => path.endsWith(FAKE_PATH),
    replyId: (recordId) => `echo-${recordId}`,
    loadRequestReader: () =>
      Promise.resolve((text: string) => {
        const body = JSON.parse(text) as { model: string; stream?: boolean; echo?: string };
        return { ok: true as const, request: { model: body.model, stream: body.stream === true, maxTokens: null, includeUsage: true, inputTokens: 1 } };
      }),
    writeStream: (plan, chunks) => ({
      head: '',
      events: chunks.texts.map((text) => `tok ${text}\n`),
      eventTokens: chunks.tokens,
      tail: `end ${plan.reasoningTokens + plan.answerTokens}\n`,
    }),
    writeJson: (plan, texts) => JSON.stringify({ id: plan.id, echo: texts.answer }),
    invalidRequestBody: (message) => JSON.stringify({ error: message }),
    statusError: (status) => ({ status, headers: { 'content-type': 'application/json' }, body: '{"error":"fake"}' }),
    streamErrorEvent: () => 'error\n',
    midStreamErrorStatus: 500,
  },
  minimalBody: (model) => ({ model, echo: 'hello' }),
  normalizeRequest: (body, options) => ({ body: { ...body, model: options.model, stream: options.stream }, headers: { 'x-fake-version': '1' }, notes: ['fake: model and stream set'] }),
  applyPrompt: (body) => body,
  createStreamParser: () => new FakeStreamParser(),
  parseJson: (_text, atMs) => new FakeStreamParser().end(atMs),
};

let unregister: () => void;
let mock: MockServer;

beforeAll(async () => {
  unregister = registerAdapter(fakeAdapter);
  mock = await startMockServer({ port: 0, outputTokens: 8, chunkTokens: 2, ttftMs: 30, itlMs: 5 });
});

afterAll(async () => {
  await mock.close();
  unregister();
});

describe('a third API is one adapter', () => {
  it('is registered as an --api choice, and removed again by its unregister function', () => {
    expect(apiTypeIds()).toContain('fake-echo');
    const again = registerAdapter({ ...fakeAdapter, apiType: 'fake-echo-2' });
    again();
    expect(apiTypeIds()).not.toContain('fake-echo-2');
  });

  it('is picked by classification from its path, and its path split for the platform', () => {
    const classification = classifyTarget({ url: 'https://gw.example/api/v1/fake?x=1', headers: {}, body: null });
    expect(classification).toMatchObject({ apiType: 'fake-echo', reason: `path ${'/api/v1/fake'}`, targetHost: 'https://gw.example/api/v1', apiPath: '/fake?x=1' });
  });

  it('shows in a dry run: its minimal body, its default header and its notes', async () => {
    const plan = await buildRunPlan({ url: `${mock.url}${FAKE_PATH}`, model: 'echo-1' }, { env: {}, cwd: process.cwd(), readStdin: async () => '' });
    const json = renderDryRunJson(plan);
    expect(json).toMatchObject({ apiType: 'fake-echo', apiPath: '/fake', body: { model: 'echo-1', echo: 'hello', stream: true } });
    expect(json['headers']).toMatchObject({ 'x-fake-version': '1' });
    expect(renderDryRunText(plan)).toContain('api         fake-echo (by path /v1/fake)');
  });

  it('is spoken by the mock, and the pre-check measures TTFT and tokens from it', async () => {
    const plan = await buildRunPlan({ url: `${mock.url}${FAKE_PATH}`, model: 'echo-1' }, { env: {}, cwd: process.cwd(), readStdin: async () => '' });
    const result = await runPrecheck(plan.target);
    if (!result.ok) throw new Error(`pre-check failed: ${result.failure.message}`);
    expect(result.capability).toMatchObject({ apiType: 'fake-echo', status: 200, stream: true, outputTokens: 8, contentChunks: 4 });
    expect(result.capability.ttftMs).toBeGreaterThanOrEqual(25);
    const record = mock.records.at(-1);
    expect(record).toMatchObject({ api: 'fake-echo', stream: true, status: 200, outputTokens: 8 });
    expect(mock.stats().byApi['fake-echo']).toBe(1);
  });
});
