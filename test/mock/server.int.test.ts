import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { mockText } from '../../src/mock/words.js';

const CHAT = { model: 'm', messages: [{ role: 'user', content: 'hello world' }] };
const MESSAGES = { model: 'c', max_tokens: 1000, messages: [{ role: 'user', content: 'hello world' }] };

/** Generous: the machine is shared and loaded. */
const TOLERANCE_MS = 40;

async function post(server: MockServer, path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

/** Read a stream, stamping the arrival of the first read that carries a content token. */
async function readStream(response: Response, marker: string): Promise<{ text: string; firstContentAt: number | null }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let firstContentAt: number | null = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const at = performance.now();
    text += decoder.decode(value, { stream: true });
    if (firstContentAt === null && text.includes(marker)) firstContentAt = at;
  }
  return { text, firstContentAt };
}

function contentDeltas(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: {') && l.includes('"delta":{"content"'))
    .map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta: { content: string } }> }).choices[0]?.delta.content ?? '');
}

describe('mock server', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ outputTokens: 5, models: ['m1', 'm2'] });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  it('listens on 127.0.0.1 on a free port', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('lists its models in the OpenAI shape, and in the Anthropic shape when asked with anthropic-version', async () => {
    const openAi = await (await fetch(`${server.url}/v1/models`)).json();
    expect(openAi).toEqual({
      object: 'list',
      data: [
        { id: 'm1', object: 'model', created: 1735689600, owned_by: 'llm-loadtest' },
        { id: 'm2', object: 'model', created: 1735689600, owned_by: 'llm-loadtest' },
      ],
    });
    const anthropic = (await (await fetch(`${server.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } })).json()) as Record<string, unknown>;
    expect(anthropic).toMatchObject({ has_more: false, first_id: 'm1', last_id: 'm2' });
  });

  it('answers an unknown path with 404 and a GET on a POST route with 405, in OpenAI error shape', async () => {
    const missing = await fetch(`${server.url}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { message: 'Invalid URL (GET /v1/nothing)', type: 'invalid_request_error', param: null, code: null } });
    const wrongMethod = await fetch(`${server.url}/v1/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(server.stats().requests).toBe(0);
  });

  it('streams OpenAI chunks with the configured text, usage only when include_usage was asked', async () => {
    const withUsage = await post(server, '/v1/chat/completions', { ...CHAT, stream: true, stream_options: { include_usage: true } });
    expect(withUsage.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const { text } = await readStream(withUsage, '"content":" ');
    expect(contentDeltas(text).join('')).toBe(mockText(5));
    expect(text).toContain('"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const without = await readStream(await post(server, '/v1/chat/completions', { ...CHAT, stream: true }), '"content":" ');
    expect(without.text).not.toContain('usage');
  });

  it('accepts chat completions under any prefix (Azure-style deployments) and ignores the query', async () => {
    const response = await post(server, '/openai/deployments/d1/chat/completions?api-version=2024-10-21', CHAT);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { object: string }).object).toBe('chat.completion');
  });

  it('caps output at max_tokens / max_completion_tokens with finish_reason length / stop_reason max_tokens', async () => {
    const openAi = (await (await post(server, '/v1/chat/completions', { ...CHAT, max_completion_tokens: 3 })).json()) as {
      choices: Array<{ message: { content: string }; finish_reason: string }>;
      usage: { completion_tokens: number };
    };
    expect(openAi.choices[0]?.message.content).toBe(mockText(3));
    expect(openAi.choices[0]?.finish_reason).toBe('length');
    expect(openAi.usage.completion_tokens).toBe(3);
    const anthropic = (await (await post(server, '/v1/messages', { ...MESSAGES, max_tokens: 2 })).json()) as Record<string, unknown>;
    expect(anthropic).toMatchObject({ stop_reason: 'max_tokens', content: [{ type: 'text', text: mockText(2) }], usage: { output_tokens: 2 } });
  });

  it('records each request and sends its id in x-mock-request-id', async () => {
    const response = await post(server, '/v1/messages', { ...MESSAGES, stream: true });
    await response.text();
    const id = response.headers.get('x-mock-request-id') as string;
    const record = server.findRecord(id);
    expect(record).toMatchObject({ api: 'anthropic-messages', stream: true, model: 'c', status: 200, fault: null, outputTokens: 5, aborted: false });
    expect(record?.firstTokenAtEpochMs).toBeCloseTo(performance.timeOrigin + (record?.firstTokenAt as number), 3);
    const stats = (await (await fetch(`${server.url}/mock/stats`)).json()) as { requests: number; completed: number; records: Array<{ id: string }> };
    expect(stats.requests).toBe(1);
    expect(stats.completed).toBe(1);
    expect(stats.records.map((r) => r.id)).toEqual([id]);
    expect((await fetch(`${server.url}/mock/reset`, { method: 'POST' })).status).toBe(200);
    expect(server.records).toEqual([]);
  });

  it.each([
    ['openai-chat', '/v1/chat/completions', CHAT, 'missing messages', { model: 'm' }, "Missing required parameter: 'messages'."],
    ['anthropic-messages', '/v1/messages', MESSAGES, 'missing max_tokens', { model: 'c', messages: CHAT.messages }, 'max_tokens: Field required'],
    ['openai-chat', '/v1/chat/completions', CHAT, 'bad JSON', '{"model":', 'We could not parse the JSON body'],
  ])('%s: answers a bad body (%s) with 400 in the provider shape', async (_api, path, _good, _what, body, message) => {
    const response = await post(server, path, body);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
    expect(server.stats().byFault).toEqual({ bad_request: 1 });
  });

  it('answers a bad x-mock header with 400 naming it', async () => {
    const response = await post(server, '/v1/chat/completions', CHAT, { 'x-mock-itl-ms': 'fast' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('header x-mock-itl-ms: "fast" must be a finite number');
  });
});

describe('mock server faults', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ outputTokens: 6 });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  it.each([
    ['openai-chat', 401, 'invalid_request_error', 'invalid_api_key', null],
    ['openai-chat', 403, 'request_forbidden', 'unsupported_country_region_territory', null],
    ['openai-chat', 404, 'invalid_request_error', 'model_not_found', null],
    ['openai-chat', 429, 'requests', 'rate_limit_exceeded', '1'],
    ['openai-chat', 500, 'server_error', null, null],
    ['openai-chat', 503, 'server_error', null, '1'],
    ['anthropic-messages', 401, 'authentication_error', null, null],
    ['anthropic-messages', 403, 'permission_error', null, null],
    ['anthropic-messages', 404, 'not_found_error', null, null],
    ['anthropic-messages', 429, 'rate_limit_error', null, '1'],
    ['anthropic-messages', 500, 'api_error', null, null],
    ['anthropic-messages', 529, 'overloaded_error', null, '1'],
  ])('%s fail-status %i: the provider error body (type %s, code %s), retry-after %s', async (api, status, type, code, retryAfter) => {
    const openAi = api === 'openai-chat';
    const response = await post(server, openAi ? '/v1/chat/completions' : '/v1/messages', { ...(openAi ? CHAT : MESSAGES), stream: true }, {
      'x-mock-fail-status': String(status),
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('retry-after')).toBe(retryAfter);
    const body = (await response.json()) as Record<string, unknown>;
    if (openAi) {
      expect(body).toEqual({ error: { message: expect.any(String), type, param: null, code } });
    } else {
      expect(body).toEqual({ type: 'error', error: { type, message: expect.any(String) }, request_id: `req_${response.headers.get('x-mock-request-id')}` });
    }
  });

  it('quota: OpenAI 429 insufficient_quota, Anthropic 400 credit balance', async () => {
    const headers = { 'x-mock-fail-status': '429', 'x-mock-quota-exceeded': 'true' };
    const openAi = await post(server, '/v1/chat/completions', CHAT, headers);
    expect(openAi.status).toBe(429);
    expect(((await openAi.json()) as { error: { code: string; type: string } }).error).toMatchObject({ code: 'insufficient_quota', type: 'insufficient_quota' });
    const anthropic = await post(server, '/v1/messages', MESSAGES, headers);
    expect(anthropic.status).toBe(400);
    expect(await anthropic.text()).toContain('credit balance is too low');
  });

  it('fails exactly 10% of 50 requests with error-rate 0.1 (status 500 when no fault is set)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const response = await post(server, '/v1/chat/completions', CHAT, { 'x-mock-error-rate': '0.1' });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses.filter((s) => s === 500)).toHaveLength(5);
    expect(statuses.filter((s) => s === 200)).toHaveLength(45);
    expect(server.stats()).toMatchObject({ requests: 50, completed: 45, faulted: 5, byStatus: { 200: 45, 500: 5 }, byFault: { status: 5 } });
  });

  it('OpenAI mid-stream error: N content chunks, then data: {"error":...} and the end, no [DONE]', async () => {
    const response = await post(server, '/v1/chat/completions', { ...CHAT, stream: true }, { 'x-mock-mid-stream-error-after-tokens': '2' });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(contentDeltas(text)).toEqual([' the', ' of']);
    expect(text.endsWith('data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}\n\n')).toBe(true);
    expect(text).not.toContain('[DONE]');
    expect(server.records[0]).toMatchObject({ fault: 'mid_stream_error', outputTokens: 2 });
  });

  it('Anthropic mid-stream error: event: error with overloaded_error, no message_stop', async () => {
    const text = await (await post(server, '/v1/messages', { ...MESSAGES, stream: true }, { 'x-mock-mid-stream-error-after-tokens': '1' })).text();
    expect(text.endsWith('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n')).toBe(true);
    expect(text.match(/text_delta/g)).toHaveLength(1);
    expect(text).not.toContain('message_stop');
  });

  it('drops the connection after N tokens: the client gets those tokens, then a terminated body', async () => {
    const response = await post(server, '/v1/chat/completions', { ...CHAT, stream: true }, { 'x-mock-drop-after-tokens': '3' });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    let failure: unknown = null;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(Error);
    expect(contentDeltas(text)).toEqual([' the', ' of', ' and']);
    expect(server.records[0]).toMatchObject({ fault: 'drop', outputTokens: 3 });
  });

  it('hang: never answers; the client times out, the record says hang and aborted', async () => {
    const failure = await post(server, '/v1/chat/completions', CHAT, { 'x-mock-hang': 'true' }, AbortSignal.timeout(150)).catch((e: unknown) => e);
    expect((failure as Error).name).toBe('TimeoutError');
    for (let i = 0; i < 100 && server.stats().inFlight > 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(server.records[0]).toMatchObject({ fault: 'hang', status: null, aborted: true, firstTokenAt: null });
  });

  it('a client that goes away mid-stream is recorded as aborted, not completed, and its timers stop', async () => {
    const controller = new AbortController();
    const response = await post(server, '/v1/chat/completions', { ...CHAT, stream: true }, { 'x-mock-itl-ms': '50' }, controller.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    for (let i = 0; i < 100 && server.stats().inFlight > 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(server.stats()).toMatchObject({ requests: 1, inFlight: 0, completed: 0, aborted: 1 });
    expect(server.records[0]?.aborted).toBe(true);
    expect(server.records[0]?.outputTokens).toBeLessThan(6);
  });

  it('close() ends hanging requests instead of waiting for them', async () => {
    const own = await startMockServer({ hang: true });
    const pending = post(own, '/v1/chat/completions', CHAT).catch((e: unknown) => e);
    for (let i = 0; i < 100 && own.stats().requests === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    await own.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('requires the API key when one is set: 401 without it, 200 with it', async () => {
    const own = await startMockServer({ apiKey: 'sk-test-key' });
    try {
      expect((await post(own, '/v1/chat/completions', CHAT)).status).toBe(401);
      expect((await post(own, '/v1/chat/completions', CHAT, { authorization: 'Bearer sk-test-key' })).status).toBe(200);
      expect((await post(own, '/v1/messages', MESSAGES, { 'x-api-key': 'sk-test-key' })).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('mock server lifecycle', () => {
  it('keeps only the most recent records when the ring is full, oldest first', async () => {
    const own = await startMockServer({ recordLimit: 3, outputTokens: 1 });
    try {
      for (let i = 0; i < 5; i += 1) await (await post(own, '/v1/chat/completions', CHAT)).text();
      expect(own.records.map((r) => r.id)).toEqual(['mock-3', 'mock-4', 'mock-5']);
      expect(own.stats().requests).toBe(5);
    } finally {
      await own.close();
    }
  });

  it('refuses a taken port with an input error that says so', async () => {
    const first = await startMockServer();
    try {
      await expect(startMockServer({ port: first.port })).rejects.toMatchObject({
        code: 'MOCK_LISTEN_FAILED',
        category: 'input',
        hint: 'the port is taken: pick another, or --port 0 for a free one',
      });
    } finally {
      await first.close();
    }
  });
});

describe('mock server timing', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ ttftMs: 80, itlMs: 10, outputTokens: 6 });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['openai-chat', '/v1/chat/completions', { ...CHAT, stream: true }, '"content":" '],
    ['anthropic-messages', '/v1/messages', { ...MESSAGES, stream: true }, 'text_delta'],
  ])('%s: first token written at ttftMs after the body, tokens every itlMs, the client sees it when written', async (_api, path, body, marker) => {
    const response = await post(server, path, body);
    const { firstContentAt } = await readStream(response, marker);
    const record = server.findRecord(response.headers.get('x-mock-request-id') as string);
    const serverTtftMs = (record?.firstTokenAt as number) - (record?.receivedAt as number);
    expect(serverTtftMs).toBeGreaterThanOrEqual(79);
    expect(serverTtftMs).toBeLessThan(80 + TOLERANCE_MS);
    const generationMs = (record?.endAt as number) - (record?.firstTokenAt as number);
    expect(generationMs).toBeGreaterThanOrEqual(49);
    expect(generationMs).toBeLessThan(50 + TOLERANCE_MS);
    const deliveryMs = (firstContentAt as number) - (record?.firstTokenAt as number);
    expect(deliveryMs).toBeGreaterThanOrEqual(0);
    expect(deliveryMs).toBeLessThan(TOLERANCE_MS);
  });

  it('a JSON answer is written after TTFT plus the generation time', async () => {
    const response = await post(server, '/v1/chat/completions', CHAT, { 'x-mock-ttft-ms': '30', 'x-mock-itl-ms': '5' });
    await response.json();
    const record = server.findRecord(response.headers.get('x-mock-request-id') as string);
    const writtenAfterMs = (record?.firstTokenAt as number) - (record?.receivedAt as number);
    expect(writtenAfterMs).toBeGreaterThanOrEqual(54);
    expect(writtenAfterMs).toBeLessThan(55 + TOLERANCE_MS);
  });

  it('slow headers: the status line comes after slowHeadersMs', async () => {
    const started = performance.now();
    const response = await post(server, '/v1/chat/completions', { ...CHAT, stream: true }, { 'x-mock-slow-headers-ms': '120', 'x-mock-ttft-ms': '0', 'x-mock-itl-ms': '0' });
    const headersMs = performance.now() - started;
    await response.text();
    expect(headersMs).toBeGreaterThanOrEqual(118);
    expect(headersMs).toBeLessThan(120 + TOLERANCE_MS * 2);
  });
});
