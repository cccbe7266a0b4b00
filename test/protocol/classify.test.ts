import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { classifyTarget, type ClassifyInput } from '../../src/protocol/classify.js';

const chatBody = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

function input(url: string, extra: Partial<ClassifyInput> = {}): ClassifyInput {
  return { url, headers: {}, body: null, ...extra };
}

describe('classifyTarget: by path, with docs/platform.md URL split', () => {
  it.each([
    ['https://api.openai.com/v1/chat/completions', 'openai-chat', 'https://api.openai.com/v1', '/chat/completions'],
    ['https://api.deepseek.com/chat/completions', 'openai-chat', 'https://api.deepseek.com', '/chat/completions'],
    ['https://openrouter.ai/api/v1/chat/completions', 'openai-chat', 'https://openrouter.ai/api/v1', '/chat/completions'],
    ['http://localhost:8000/v1/chat/completions/', 'openai-chat', 'http://localhost:8000/v1', '/chat/completions'],
    [
      'https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
      'openai-chat',
      'https://r.openai.azure.com/openai/deployments/gpt-4o',
      '/chat/completions?api-version=2024-10-21',
    ],
    ['https://api.anthropic.com/v1/messages', 'anthropic-messages', 'https://api.anthropic.com/v1', '/messages'],
    ['http://0.0.0.0:4000/anthropic/v1/messages?beta=true', 'anthropic-messages', 'http://0.0.0.0:4000/anthropic/v1', '/messages?beta=true'],
    ['https://api.openai.com/v1/responses', 'openai-responses', 'https://api.openai.com/v1', '/responses'],
    ['http://localhost:8000/v1/responses/', 'openai-responses', 'http://localhost:8000/v1', '/responses'],
    ['https://api.openai.com/v1/embeddings', 'openai-embeddings', 'https://api.openai.com/v1', '/embeddings'],
    [
      'https://r.openai.azure.com/openai/deployments/emb-3/embeddings?api-version=2024-10-21',
      'openai-embeddings',
      'https://r.openai.azure.com/openai/deployments/emb-3',
      '/embeddings?api-version=2024-10-21',
    ],
    ['http://localhost:8000/v1/completions', 'openai-completions', 'http://localhost:8000/v1', '/completions'],
    ['http://localhost:11434/api/chat', 'ollama-chat', 'http://localhost:11434', '/api/chat'],
    ['http://localhost:11434/api/generate', 'ollama-generate', 'http://localhost:11434', '/api/generate'],
    ['http://localhost:11434/v1/chat/completions', 'openai-chat', 'http://localhost:11434/v1', '/chat/completions'],
  ])('%s → %s, %s + %s', (url, apiType, targetHost, apiPath) => {
    const result = classifyTarget(input(url));
    expect([result.apiType, result.targetHost, result.apiPath]).toEqual([apiType, targetHost, apiPath]);
    expect(result.reason).toMatch(/^path \//);
  });

  it('reads the Azure deployment name from an embeddings path too', () => {
    expect(classifyTarget(input('https://r.openai.azure.com/openai/deployments/emb-3/embeddings?api-version=1')).azureDeployment).toBe('emb-3');
  });

  it('reads the Azure deployment name from the path', () => {
    const result = classifyTarget(input('https://r.openai.azure.com/openai/deployments/my%20dep/chat/completions?api-version=1'));
    expect(result.azureDeployment).toBe('my dep');
  });
});

describe("classifyTarget: a gateway's own path", () => {
  it.each<[string, Partial<ClassifyInput>, string, string]>([
    ['https://gw.example/invoke', { headers: { 'Anthropic-Version': '2023-06-01' } }, 'anthropic-messages', 'header anthropic-version'],
    ['https://gw.example/invoke', { headers: { 'x-api-key': 'k' } }, 'anthropic-messages', 'header x-api-key'],
    ['https://gw.example/invoke', { headers: { 'x-api-key': 'k', Authorization: 'Bearer t' }, body: chatBody }, 'openai-chat', 'body shape (messages)'],
    ['https://gw.example/invoke', { headers: { 'x-api-key': 'k' }, body: { ...chatBody, max_completion_tokens: 5 } }, 'openai-chat', 'body shape (messages + max_completion_tokens)'],
    ['https://gw.example/invoke', { headers: { 'x-api-key': 'k' }, body: chatBody }, 'anthropic-messages', 'header x-api-key'],
    ['https://gw.example/invoke', { headers: { 'anthropic-version': '2023-06-01' }, body: { ...chatBody, stream_options: {} } }, 'anthropic-messages', 'header anthropic-version'],
    ['https://gw.example/invoke', { body: { ...chatBody, top_k: 5 } }, 'openai-chat', 'body shape (messages)'],
    ['https://gw.example/invoke', { body: { ...chatBody, system: 'be brief', max_tokens: 10 } }, 'anthropic-messages', 'body shape (messages + system)'],
    ['https://gw.example/invoke', { body: { ...chatBody, stream_options: { include_usage: true } } }, 'openai-chat', 'body shape (messages + stream_options)'],
    ['https://gw.example/invoke', { body: { ...chatBody, system: 'x', response_format: { type: 'json_object' } } }, 'openai-chat', 'body shape (messages + response_format)'],
    ['https://gw.example/invoke', { body: { model: 'gpt-4.1', input: 'Tell me a story.' } }, 'openai-responses', 'body shape (input)'],
    ['https://gw.example/invoke', { body: { model: 'gpt-4.1', input: [{ role: 'user', content: 'hi' }], instructions: 'be brief' } }, 'openai-responses', 'body shape (instructions)'],
    ['https://gw.example/invoke', { body: { model: 'text-embedding-3-small', input: ['a', 'b'] } }, 'openai-embeddings', 'body shape (input + an embedding model)'],
    ['https://gw.example/invoke', { body: { model: 'bge-m3', input: 'a', encoding_format: 'float' } }, 'openai-embeddings', 'body shape (input + encoding_format)'],
    ['https://gw.example/invoke', { body: { model: 'Qwen/Qwen2.5-7B', prompt: 'Once upon', max_tokens: 64 } }, 'openai-completions', 'body shape (prompt)'],
    ['https://gw.example/invoke', { body: { model: 'llama3.2', prompt: 'Why?', options: { num_predict: 64 } } }, 'ollama-generate', 'body shape (options)'],
    ['https://gw.example/invoke', { body: { ...chatBody, keep_alive: '5m' } }, 'ollama-chat', 'body shape (messages + keep_alive)'],
    ['https://gw.example/invoke', { body: { ...chatBody, think: true, options: { temperature: 0 } } }, 'ollama-chat', 'body shape (messages + options)'],
  ])('%s with %o → %s (%s)', (url, extra, apiType, reason) => {
    const result = classifyTarget(input(url, extra));
    expect([result.apiType, result.reason]).toEqual([apiType, reason]);
    expect([result.targetHost, result.apiPath]).toEqual(['https://gw.example', '/invoke']);
  });

  it('keeps the query with a gateway path', () => {
    const result = classifyTarget(input('https://gw.example/llm/run?tenant=a', { body: chatBody }));
    expect([result.targetHost, result.apiPath]).toEqual(['https://gw.example', '/llm/run?tenant=a']);
  });
});

describe('classifyTarget: --api overrides', () => {
  it('takes --api for an unknown path', () => {
    const result = classifyTarget(input('https://gw.example/api/users', { api: 'openai-chat' }));
    expect([result.apiType, result.reason, result.targetHost, result.apiPath]).toEqual(['openai-chat', '--api', 'https://gw.example', '/api/users']);
  });

  it('warns when --api contradicts the path', () => {
    const result = classifyTarget(input('https://api.openai.com/v1/chat/completions', { api: 'anthropic-messages' }));
    expect(result.apiType).toBe('anthropic-messages');
    expect(result.warnings).toEqual(['the path /v1/chat/completions looks like openai-chat, but --api anthropic-messages was given: using anthropic-messages']);
  });
});

describe('classifyTarget: refusals', () => {
  const NOT_LLM_HINT =
    'llm-loadtest measures LLM APIs (TTFT, tokens/s); for a plain HTTP endpoint a generic load tester (autocannon, k6, wrk) fits better. If this is an LLM gateway, add --api <type> with the format it takes (one of openai-chat, anthropic-messages, openai-embeddings, openai-responses, ollama-chat, ollama-generate, openai-completions)';

  it.each<[ClassifyInput, string, string, string]>([
    [
      input('https://api.example.com/api/users', { body: { name: 'bob' } }),
      'TARGET_NOT_LLM',
      'https://api.example.com/api/users does not look like an LLM API: the path is not /chat/completions or /v1/messages, and neither the headers nor the body are an LLM request',
      NOT_LLM_HINT,
    ],
    [
      input('https://api.example.com/graphql', { body: { query: '{ viewer { login } }' } }),
      'TARGET_NOT_LLM',
      'https://api.example.com/graphql does not look like an LLM API: the path is not /chat/completions or /v1/messages, and neither the headers nor the body are an LLM request',
      NOT_LLM_HINT,
    ],
    [
      // A bare web address with nothing LLM about it is not told to add an API path.
      input('https://www.baidu.com'),
      'TARGET_NOT_LLM',
      'https://www.baidu.com/ is a web address, not an LLM API: no API path, and nothing in the host, headers or body says LLM',
      'llm-loadtest load tests LLM APIs (OpenAI /v1/chat/completions, Anthropic /v1/messages); for a web site use a plain HTTP load tester (k6, autocannon, wrk). If it really serves an LLM API, ask for the endpoint URL (one ending in /v1/chat/completions or /v1/messages)',
    ],
    [
      // ...unless other signals say LLM: a key header, a host named like an API, a local server's port.
      input('https://www.example.com/', { headers: { Authorization: 'Bearer sk-0123456789abcdef' } }),
      'TARGET_NOT_LLM',
      'https://www.example.com/ is a base URL, not an API endpoint',
      'add the endpoint path: https://www.example.com/v1/chat/completions (OpenAI-compatible) or https://www.example.com/v1/messages (Anthropic)',
    ],
    [
      input('http://10.0.0.5:8000'),
      'TARGET_NOT_LLM',
      'http://10.0.0.5:8000/ is a base URL, not an API endpoint',
      'add the endpoint path: http://10.0.0.5:8000/v1/chat/completions (OpenAI-compatible) or http://10.0.0.5:8000/v1/messages (Anthropic)',
    ],
    [
      input('https://llm.example.com'),
      'TARGET_NOT_LLM',
      'https://llm.example.com/ is a base URL, not an API endpoint',
      'add the endpoint path: https://llm.example.com/v1/chat/completions (OpenAI-compatible) or https://llm.example.com/v1/messages (Anthropic)',
    ],
    [
      // A letter off an API path: "did you mean".
      input('https://api.example.com/v1/chat/completion', { body: chatBody }),
      'TARGET_NOT_LLM',
      'https://api.example.com/v1/chat/completion: the path /v1/chat/completion is not an LLM API path; did you mean https://api.example.com/v1/chat/completions?',
      'fix the path to /v1/chat/completions, or add --api openai-chat if the server really takes this path',
    ],
    [
      input('https://api.anthropic.com/v1/message'),
      'TARGET_NOT_LLM',
      'https://api.anthropic.com/v1/message: the path /v1/message is not an LLM API path; did you mean https://api.anthropic.com/v1/messages?',
      'fix the path to /v1/messages, or add --api anthropic-messages if the server really takes this path',
    ],
    [
      input('https://gw.example.com/openai/v1/chat/completons'),
      'TARGET_NOT_LLM',
      'https://gw.example.com/openai/v1/chat/completons: the path /openai/v1/chat/completons is not an LLM API path; did you mean https://gw.example.com/openai/v1/chat/completions?',
      'fix the path to /openai/v1/chat/completions, or add --api openai-chat if the server really takes this path',
    ],
    [
      input('https://api.openai.com/v1', { body: chatBody }),
      'TARGET_NOT_LLM',
      'https://api.openai.com/v1 is a base URL, not an API endpoint',
      'add the endpoint path: https://api.openai.com/v1/chat/completions (OpenAI-compatible) or https://api.openai.com/v1/messages (Anthropic)',
    ],
    [
      input('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?key=AIzaSy-0123456789'),
      'TARGET_API_UNSUPPORTED',
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?key=AIz…6789 is Gemini's native API, which llm-loadtest does not speak (it speaks /chat/completions, /v1/messages, /embeddings, /responses, /api/chat, /api/generate, /v1/completions)",
      "point it at the server's OpenAI-compatible endpoint, e.g. https://generativelanguage.googleapis.com/v1/chat/completions, or add --api if this path takes one of those formats",
    ],
    [
      input('http://localhost:11434/api/embed', { body: { model: 'all-minilm', input: 'x' } }),
      'TARGET_API_UNSUPPORTED',
      "http://localhost:11434/api/embed is Ollama's native embeddings API, which llm-loadtest does not speak (it speaks /chat/completions, /v1/messages, /embeddings, /responses, /api/chat, /api/generate, /v1/completions)",
      "point it at the server's OpenAI-compatible endpoint, e.g. http://localhost:11434/v1/chat/completions, or add --api if this path takes one of those formats",
    ],
  ])('%o → %s', (given, code, message, hint) => {
    let caught: unknown;
    try {
      classifyTarget(given);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const error = caught as AppError;
    expect([error.code, error.message, error.hint, error.exitCode, error.stage]).toEqual([code, message, hint, 2, 'input']);
  });
});
