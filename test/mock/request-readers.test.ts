/** The mock's readers of the newer APIs' request bodies: malformed bodies get the provider's 400 body, in its words. */
import { describe, expect, it } from 'vitest';
import type { ParsedMockRequest } from '../../src/protocol/mock-types.js';
import { getAdapter } from '../../src/protocol/registry.js';

async function read(api: string, text: string): Promise<ParsedMockRequest> {
  const reader = await getAdapter(api).mock.loadRequestReader();
  return reader(text, 'req_test');
}

describe('malformed request bodies', () => {
  it.each([
    ['openai-responses', 'not json', /could not parse the JSON body/],
    ['openai-responses', '{"model":"m"}', /Missing required parameter: 'input'/],
    ['openai-responses', '{"model":"m","input":[]}', /Invalid value for 'input'/],
    ['openai-responses', '{"model":"m","input":"x","max_output_tokens":8}', /Invalid value for 'max_output_tokens'/],
    ['openai-completions', '{"model":"m"}', /Missing required parameter: 'prompt'/],
    ['openai-completions', '{"model":"m","prompt":{"a":1}}', /Invalid value for 'prompt'/],
    ['openai-embeddings', '{"model":"m","input":""}', /Invalid value for 'input'/],
    ['openai-embeddings', '{"model":"m","input":"x","encoding_format":"hex"}', /Invalid value for 'encoding_format'/],
    ['openai-embeddings', '[1,2]', /Invalid value for 'body'|expected/],
    ['ollama-chat', '{"messages":[]}', /^\{"error":"model is required"\}$/],
    ['ollama-chat', '{"model":"m","messages":"hi"}', /^\{"error":"invalid messages: /],
    ['ollama-generate', '{', /^\{"error":"invalid character in request body: not JSON"\}$/],
    ['ollama-generate', '{"model":"m","options":{"num_predict":"x"}}', /^\{"error":"invalid options.num_predict: /],
  ])('%s %s → 400 %s', async (api, text, body) => {
    const result = await read(api, text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.body).toMatch(body);
  });
});

describe('well-formed request bodies', () => {
  it.each([
    ['openai-responses', '{"model":"m","input":"Hello there","max_output_tokens":64}', { stream: false, maxTokens: 64, inputTokens: 3 }],
    ['openai-completions', '{"model":"m","prompt":[1,2,3,4,5],"stream":true,"stream_options":{"include_usage":true}}', { stream: true, inputTokens: 5, includeUsage: true }],
    ['ollama-chat', '{"model":"m","messages":[{"role":"user","content":"Hi"}],"options":{"num_predict":9}}', { stream: true, maxTokens: 9 }],
    ['ollama-generate', '{"model":"m","prompt":"Hi","stream":false}', { stream: false, maxTokens: null }],
    [
      'openai-embeddings',
      '{"model":"m","input":["a","b","c"],"dimensions":8,"encoding_format":"base64","stream":true}',
      { stream: false, embedding: { vectors: 3, dimensions: 8, base64: true } },
    ],
    ['openai-embeddings', '{"model":"m","input":[[1,2],[3,4,5]]}', { inputTokens: 5, embedding: { vectors: 2, dimensions: 16, base64: false } }],
  ])('%s %s', async (api, text, request) => {
    const result = await read(api, text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.request).toMatchObject(request);
  });
});
