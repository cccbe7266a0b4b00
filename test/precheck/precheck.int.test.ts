import type { LookupFunction } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FAILURE_HINTS } from '../../src/failures/hints.js';
import { runPrecheck } from '../../src/precheck/precheck.js';
import type { ApiType } from '../../src/protocol/types.js';
import {
  findRefusedPort,
  openAiStreamEvents,
  startCannedServer,
  startHangServer,
  startHttpServer,
  startResetServer,
  startSseServer,
  startTlsServer,
  type CannedResponse,
  type TestServer,
} from '../helpers/servers.js';
import { buildTestTarget, expectFailure, expectOk, MASKED_TEST_KEY, TEST_KEY } from './helpers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function track(server: Promise<TestServer>): Promise<TestServer> {
  const started = await server;
  servers.push(started);
  return started;
}

describe('pre-check: transport failures', () => {
  it('refused port → connection_refused, no status', async () => {
    const { url } = await findRefusedPort();
    const failure = expectFailure(await runPrecheck(buildTestTarget(url)));
    expect(failure).toMatchObject({ category: 'connection_refused', status: null, hint: FAILURE_HINTS.connection_refused });
    expect(failure.message).toContain('ECONNREFUSED');
  });

  it('a reset connection → connection_reset', async () => {
    const server = await track(startResetServer());
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({ category: 'connection_reset', status: null, hint: FAILURE_HINTS.connection_reset });
    expect(server.hits()).toBe(1);
  });

  it('a server that never answers → timeout within the short limit', async () => {
    const server = await track(startHangServer());
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url), { timeoutMs: 300 }));
    expect(failure).toMatchObject({ category: 'timeout', status: null, hint: FAILURE_HINTS.timeout });
    expect(failure.hint).toContain('the target may be overloaded');
    expect(failure.message).toContain('300 ms');
  });

  it('a stream that stalls after its first token → timeout (idle gap), status 200', async () => {
    const server = await track(startSseServer({ events: openAiStreamEvents(['Hi']).slice(0, 2), stall: true }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url, { idleTimeoutMs: 200 })));
    expect(failure).toMatchObject({
      category: 'timeout',
      status: 200,
      hint: FAILURE_HINTS.timeout,
      message: 'the response stalled: no data for 200 ms (--idle-timeout)',
    });
  });

  it('DNS failure through an injected lookup → dns', async () => {
    let asked = '';
    const lookup = ((hostname: string, _options: unknown, callback: (error: Error) => void) => {
      asked = hostname;
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }));
    }) as unknown as LookupFunction;
    const failure = expectFailure(await runPrecheck(buildTestTarget('http://llm.example.invalid:8000'), { lookup }));
    expect(failure).toMatchObject({ category: 'dns', status: null, hint: FAILURE_HINTS.dns });
    expect(failure.message).toContain('ENOTFOUND llm.example.invalid');
    expect(asked).toBe('llm.example.invalid');
  });

  it('an injected lookup is what resolves the host (a name to loopback passes)', async () => {
    const server = await track(startSseServer({ events: openAiStreamEvents(['Hello', ' there'], { usage: true }) }));
    const lookup = ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (options.all === true) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    }) as unknown as LookupFunction;
    const capability = expectOk(await runPrecheck(buildTestTarget(`http://my-llm.test:${server.port}`), { lookup }));
    expect(capability.outputTokens).toBe(2);
  });

  it('self-signed TLS fails with tls, then passes with --insecure', async () => {
    const server = await track(
      startTlsServer((_request, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(openAiStreamEvents(['Hello', ' TLS'], { usage: true }).join(''));
      }),
    );
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({ category: 'tls', status: null, hint: FAILURE_HINTS.tls });
    expect(failure.hint).toContain('use --insecure for a self-signed certificate');
    expect(failure.message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');

    expect(expectOk(await runPrecheck(buildTestTarget(server.url), { insecure: true })).textPreview).toBe('Hello TLS');
    expect(expectOk(await runPrecheck(buildTestTarget(server.url, { insecure: true }))).status).toBe(200);
  });

  it('https:// to a plain-HTTP port → tls, with a hint to use http://', async () => {
    const server = await track(startCannedServer({ status: 200, body: 'plain' }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url.replace('http://', 'https://'))));
    expect(failure).toMatchObject({ category: 'tls', status: null });
    expect(failure.hint).toBe('the port speaks plain HTTP, not TLS: use http:// instead of https:// (or the TLS port)');
  });
});

const openAiError = (message: string, type: string, code: string | null, param: string | null = null): object => ({
  error: { message, type, param, code },
});
const anthropicError = (type: string, message: string): object => ({
  type: 'error',
  error: { type, message },
  request_id: 'req_011CTestRequest',
});

interface StatusCase {
  label: string;
  api: ApiType;
  response: CannedResponse;
  category: string;
  message: string;
  retryAfterS?: number;
  hint?: string;
}

const STATUS_CASES: StatusCase[] = [
  {
    label: 'OpenAI 401 bad key (type invalid_request_error: the status decides)',
    api: 'openai-chat',
    response: {
      status: 401,
      body: openAiError(
        `Incorrect API key provided: ${TEST_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error',
        'invalid_api_key',
      ),
    },
    category: 'auth',
    message: `HTTP 401: Incorrect API key provided: ${MASKED_TEST_KEY}. You can find your API key at https://platform.openai.com/account/api-keys. (invalid_api_key)`,
  },
  {
    label: 'Anthropic 401',
    api: 'anthropic-messages',
    response: { status: 401, body: anthropicError('authentication_error', 'invalid x-api-key') },
    category: 'auth',
    message: 'HTTP 401: invalid x-api-key (authentication_error)',
  },
  {
    label: 'Anthropic 403',
    api: 'anthropic-messages',
    response: { status: 403, body: anthropicError('permission_error', 'Your API key does not have permission to use the specified resource.') },
    category: 'forbidden',
    message: 'HTTP 403: Your API key does not have permission to use the specified resource. (permission_error)',
  },
  {
    label: 'OpenAI 404 unknown model',
    api: 'openai-chat',
    response: {
      status: 404,
      body: openAiError('The model `gpt-9` does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'),
    },
    category: 'not_found',
    message: 'HTTP 404: The model `gpt-9` does not exist or you do not have access to it. (model_not_found)',
  },
  {
    label: 'FastAPI 404 (no /v1)',
    api: 'openai-chat',
    response: { status: 404, body: { detail: 'Not Found' } },
    category: 'not_found',
    message: 'HTTP 404: Not Found',
  },
  {
    label: 'FastAPI 405',
    api: 'openai-chat',
    response: { status: 405, body: { detail: 'Method Not Allowed' }, headers: { allow: 'GET' } },
    category: 'method_not_allowed',
    message: 'HTTP 405: Method Not Allowed',
  },
  {
    label: 'OpenAI 429 rate limit with retry-after',
    api: 'openai-chat',
    response: {
      status: 429,
      headers: { 'retry-after': '20' },
      body: openAiError(
        'Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1.',
        'requests',
        'rate_limit_exceeded',
      ),
    },
    category: 'rate_limited',
    retryAfterS: 20,
    message:
      'HTTP 429: Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. (rate_limit_exceeded)',
  },
  {
    label: 'OpenAI 429 insufficient_quota (retrying never helps)',
    api: 'openai-chat',
    response: {
      status: 429,
      body: openAiError(
        'You exceeded your current quota, please check your plan and billing details.',
        'insufficient_quota',
        'insufficient_quota',
      ),
    },
    category: 'quota_exceeded',
    message: 'HTTP 429: You exceeded your current quota, please check your plan and billing details. (insufficient_quota)',
  },
  {
    label: 'OpenAI 400 bad parameter',
    api: 'openai-chat',
    response: {
      status: 400,
      body: openAiError("Invalid value for 'temperature': must be at most 2.", 'invalid_request_error', 'invalid_value', 'temperature'),
    },
    category: 'client_error',
    message: "HTTP 400: Invalid value for 'temperature': must be at most 2. (invalid_value)",
  },
  {
    label: 'FastAPI 422 validation detail',
    api: 'openai-chat',
    response: {
      status: 422,
      body: { detail: [{ loc: ['body', 'messages'], msg: 'Field required', type: 'missing' }] },
    },
    category: 'client_error',
    message: 'HTTP 422: body.messages: Field required',
  },
  {
    label: 'old vLLM flat 500',
    api: 'openai-chat',
    response: {
      status: 500,
      body: { object: 'error', message: 'CUDA out of memory', type: 'InternalServerError', param: null, code: 500 },
    },
    category: 'server_error',
    message: 'HTTP 500: CUDA out of memory (InternalServerError)',
  },
  {
    label: 'nginx 502 HTML page',
    api: 'openai-chat',
    response: {
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
    },
    category: 'server_error',
    message: 'HTTP 502: 502 Bad Gateway',
  },
  {
    label: 'Azure 503 string code with retry-after-ms',
    api: 'openai-chat',
    response: {
      status: 503,
      headers: { 'retry-after-ms': '1500' },
      body: { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unable to process your request.' } },
    },
    category: 'server_error',
    retryAfterS: 1.5,
    message: 'HTTP 503: The service is temporarily unable to process your request. (ServiceUnavailable)',
  },
  {
    label: 'Anthropic 529 overloaded',
    api: 'anthropic-messages',
    response: { status: 529, body: anthropicError('overloaded_error', 'Overloaded') },
    category: 'overloaded',
    message: 'HTTP 529: Overloaded (overloaded_error)',
  },
];

describe('pre-check: HTTP error statuses with the providers\' real bodies', () => {
  it.each(STATUS_CASES)('$label → $category', async (testCase) => {
    const server = await track(startCannedServer(testCase.response));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url, { apiType: testCase.api })));
    expect(failure.category).toBe(testCase.category);
    expect(failure.status).toBe(testCase.response.status);
    expect(failure.message).toBe(testCase.message);
    expect(failure.hint).toBe(testCase.hint ?? FAILURE_HINTS[failure.category]);
    expect(failure.retryAfterS).toBe(testCase.retryAfterS);
  });

  it('a key echoed across the 200-character cut of the message is masked, not left in pieces', async () => {
    const said = `${'x'.repeat(185)} key ${TEST_KEY} rejected`;
    const server = await track(startCannedServer({ status: 401, body: openAiError(said, 'invalid_request_error', 'invalid_api_key') }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure.category).toBe('auth');
    expect(failure.message).toContain(`key ${MASKED_TEST_KEY}`);
    expect(failure.message).not.toContain(TEST_KEY.slice(0, 8));
  });

  it('the 401 hint and 404 hint say what to do', async () => {
    expect(FAILURE_HINTS.auth).toBe('the target needs a valid key: check the Authorization / x-api-key header');
    const server = await track(startCannedServer({ status: 404, body: { detail: 'Not Found' } }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure.hint).toContain('check the path; many servers need /v1');
  });
});

describe('pre-check: a 2xx that is not the API\'s answer', () => {
  const html = '<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome</h1></body></html>';

  it('HTML 200 when streaming → invalid_response with the page title', async () => {
    const server = await track(startCannedServer({ status: 200, headers: { 'content-type': 'text/html' }, body: html }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({
      category: 'invalid_response',
      status: 200,
      message: 'asked for a stream, got an HTML page: Welcome to nginx!',
      hint: FAILURE_HINTS.invalid_response,
    });
  });

  it('HTML 200 without streaming → invalid_response', async () => {
    const server = await track(startCannedServer({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url, { stream: false })));
    expect(failure).toMatchObject({
      category: 'invalid_response',
      status: 200,
      message: 'got an HTML page, not the API\'s JSON: Welcome to nginx!',
      hint: FAILURE_HINTS.invalid_response,
    });
  });

  it('JSON 200 of the wrong shape → invalid_response', async () => {
    const server = await track(startCannedServer({ status: 200, body: { status: 'ok', version: '1.2.3' } }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url, { stream: false })));
    expect(failure).toMatchObject({ category: 'invalid_response', status: 200, hint: FAILURE_HINTS.invalid_response });
  });

  it('plain JSON when SSE was asked → invalid_response', async () => {
    const completion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
    };
    const server = await track(startCannedServer({ status: 200, body: completion }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({
      category: 'invalid_response',
      status: 200,
      message: 'asked for a stream, got application/json',
      hint: FAILURE_HINTS.invalid_response,
    });
  });

  it('a 200 stream with an OpenAI error event → server_error', async () => {
    const events = [
      ...openAiStreamEvents(['Hel']).slice(0, 2),
      `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } })}\n\n`,
    ];
    const server = await track(startSseServer({ events }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({ category: 'server_error', status: 200, hint: FAILURE_HINTS.server_error });
    expect(failure.message).toContain('The server had an error while processing your request.');
  });

  it('a key echoed in a 200 stream\'s error event across the 200-character cut is masked whole', async () => {
    const said = `${'x'.repeat(185)} key ${TEST_KEY} rejected`;
    const events = [`data: ${JSON.stringify({ error: { message: said, type: 'server_error', param: null, code: null } })}\n\n`];
    const server = await track(startSseServer({ events }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({ category: 'server_error', status: 200 });
    expect(failure.message).toContain(`key ${MASKED_TEST_KEY}`);
    expect(failure.message).not.toContain(TEST_KEY.slice(0, 8));
  });

  it('a 200 stream with a rate-limit error event, then [DONE] (vLLM) → rate_limited', async () => {
    const events = [
      `data: ${JSON.stringify({ error: { message: 'Too many requests', type: 'rate_limit_error', param: null, code: 429 } })}\n\n`,
      'data: [DONE]\n\n',
    ];
    const server = await track(startSseServer({ events }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({ category: 'rate_limited', status: 200, hint: FAILURE_HINTS.rate_limited });
  });

  it('an Anthropic 200 stream with event: error overloaded_error → overloaded', async () => {
    const events = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":9,"output_tokens":1}}}\n\n',
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    ];
    const server = await track(startSseServer({ events }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url, { apiType: 'anthropic-messages' })));
    expect(failure).toMatchObject({ category: 'overloaded', status: 200, hint: FAILURE_HINTS.overloaded });
  });

  it('an empty stream (role chunk, finish, [DONE]) → empty_response', async () => {
    const server = await track(startSseServer({ events: openAiStreamEvents([]) }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({ category: 'empty_response', status: 200, hint: FAILURE_HINTS.empty_response });
  });

  it('a body with nothing at all, as an event stream → empty_response', async () => {
    const server = await track(startSseServer({ events: [] }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({ category: 'empty_response', status: 200 });
  });

  it('a stream cut off before [DONE] after content → invalid_response', async () => {
    const server = await track(startSseServer({ events: openAiStreamEvents(['Hello', ' there']).slice(0, 3) }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({ category: 'invalid_response', status: 200 });
  });

  it('a non-SSE text body when streaming → invalid_response naming the content type', async () => {
    const server = await track(startCannedServer({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({ category: 'invalid_response', status: 200, hint: FAILURE_HINTS.invalid_response });
    expect(failure.message.startsWith('asked for a stream, got text/plain')).toBe(true);
  });

  it('a redirect → the status, where it points, and a hint to use that URL', async () => {
    const server = await track(
      startCannedServer({ status: 301, headers: { location: 'https://api.example.com/v1/chat/completions' }, body: '' }),
    );
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url)));
    expect(failure).toMatchObject({
      category: 'unknown',
      status: 301,
      message: 'HTTP 301: the target redirects to https://api.example.com/v1/chat/completions; point --url there',
      hint: 'use the URL the target redirects to (often https:// instead of http://, or a trailing-slash difference)',
    });
  });

  it('SSE when JSON was asked → invalid_response that says to use --stream', async () => {
    const server = await track(startSseServer({ events: openAiStreamEvents(['Hi']) }));
    const failure = expectFailure(await runPrecheck(buildTestTarget(server.url, { stream: false })));
    expect(failure).toMatchObject({
      category: 'invalid_response',
      status: 200,
      message: 'asked for JSON (not streaming), got text/event-stream: use --stream',
    });
  });
});

describe('pre-check: the capability report', () => {
  it('an OpenAI stream with usage: TTFT near the server\'s delay, model, usage, tokens/chunk', async () => {
    const delayMs = 150;
    const events = openAiStreamEvents(['Hello', ' there', ' friend'], { usage: true, model: 'gpt-4o-mini-2024-07-18' });
    const server = await track(
      startHttpServer(async (request, res) => {
        expect(request.headers['authorization']).toBe(`Bearer ${TEST_KEY}`);
        expect(JSON.parse(request.body)).toMatchObject({ stream: true, model: 'gpt-4o-mini' });
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(events[0]);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        res.end(events.slice(1).join(''));
      }),
    );
    const capability = expectOk(await runPrecheck(buildTestTarget(server.url)));
    expect(capability.ttftMs).toBeGreaterThanOrEqual(delayMs - 5);
    expect(capability.ttftMs).toBeLessThan(delayMs + 100);
    expect(capability).toMatchObject({
      status: 200,
      stream: true,
      model: 'gpt-4o-mini-2024-07-18',
      usageReported: true,
      tokenSource: 'usage',
      inputTokens: 5,
      outputTokens: 3,
      contentChunks: 3,
      tokensPerChunk: 1,
      maxTokensHit: false,
      reasoning: false,
      textPreview: 'Hello there friend',
      estimated: [],
    });
    expect(capability.exact).toEqual(['e2e', 'ttft', 'ttfo', 'chunk gaps', 'output tokens', 'tokens/s', 'itl', 'input tokens']);
    expect(capability.notes).toContain('the server ran gpt-4o-mini-2024-07-18 (asked for gpt-4o-mini)');
    expect(capability.latencyMs).toBeGreaterThanOrEqual(capability.ttftMs ?? Infinity);
  });

  it('a key echoed in the answer across the preview\'s cut is masked whole', async () => {
    const server = await track(startSseServer({ events: openAiStreamEvents(['y'.repeat(110), ` ${TEST_KEY} done`], { usage: true }) }));
    const capability = expectOk(await runPrecheck(buildTestTarget(server.url)));
    expect(capability.textPreview).toBe(`${'y'.repeat(110)} ${MASKED_TEST_KEY}…`);
  });

  it('no usage in the stream, cut by max_tokens: estimated tokens, max_tokens hit', async () => {
    const server = await track(startSseServer({ events: openAiStreamEvents(['Once', ' upon', ' a'], { finishReason: 'length' }) }));
    const capability = expectOk(await runPrecheck(buildTestTarget(server.url, { body: { model: 'gpt-4o-mini', stream: true, max_tokens: 3, messages: [] } })));
    expect(capability).toMatchObject({ usageReported: false, tokenSource: 'tokenizer', maxTokensHit: true, finishReason: 'length' });
    expect(capability.estimated).toEqual(['output tokens', 'tokens/s', 'itl', 'input tokens']);
    expect(capability.notes).toContain('no usage in stream: output tokens will be counted with a tokenizer');
    expect(capability.notes).toContain('the answer stopped at max_tokens (3): output length is capped by it');
  });

  it('an Anthropic stream with thinking: reasoning seen, usage from message_delta', async () => {
    const events = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":9,"output_tokens":1}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think."}}\n\n',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}\n\n',
      'event: ping\ndata: {"type": "ping"}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hello!"}}\n\n',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":64}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ];
    const server = await track(startSseServer({ events, gapMs: 5 }));
    const capability = expectOk(await runPrecheck(buildTestTarget(server.url, { apiType: 'anthropic-messages' })));
    expect(capability).toMatchObject({
      apiType: 'anthropic-messages',
      model: 'claude-sonnet-4-5',
      reasoning: true,
      usageReported: true,
      inputTokens: 9,
      outputTokens: 64,
      contentChunks: 2,
      tokensPerChunk: 32,
      maxTokensHit: true,
      finishReason: 'max_tokens',
    });
    expect(capability.ttfoMs).toBeGreaterThanOrEqual(capability.ttftMs ?? Infinity);
  });

  it('a non-streamed OpenAI answer: TTFT not measurable, usage exact', async () => {
    const completion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 },
    };
    const server = await track(startCannedServer({ status: 200, body: completion }));
    const capability = expectOk(await runPrecheck(buildTestTarget(server.url, { stream: false })));
    expect(capability).toMatchObject({ stream: false, usageReported: true, inputTokens: 8, outputTokens: 2, textPreview: 'Hello!' });
    expect(capability.unavailable).toEqual(['ttft', 'ttfo', 'itl', 'chunk gaps']);
  });

  it('sends the cookies and the user\'s headers', async () => {
    let seen: Record<string, unknown> = {};
    const server = await track(
      startHttpServer((request, res) => {
        seen = { cookie: request.headers['cookie'], custom: request.headers['x-team'] };
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(openAiStreamEvents(['ok'], { usage: true }).join(''));
      }),
    );
    const base = buildTestTarget(server.url);
    expectOk(await runPrecheck({ ...base, headers: { ...base.headers, 'x-team': 'perf' }, cookies: { session: 'abc123' } }));
    expect(seen).toEqual({ cookie: 'session=abc123', custom: 'perf' });
  });
});
