/**
 * OpenAI `/v1/embeddings` and the servers that copy it (Azure, vLLM, TEI, Ollama's `/v1/embeddings`):
 * everything the tool knows about the API, one file per job beside this one. No stream, no generated
 * tokens: latency, requests/s, input tokens/s and vectors/s are what a load test of it measures.
 */
import { openAiErrorBody, openAiStatusError } from '../openai-chat/mock-errors.js';
import type { ProtocolAdapter } from '../types.js';
import { writeEmbeddingsJson, writeEmbeddingsStream } from './mock-wire.js';
import { createStreamParser, parseJson } from './parse.js';
import { applyPrompt, minimalBody, normalizeRequest } from './request.js';

const EMBEDDINGS_SUFFIX = '/embeddings';
const AZURE_PATH = /\/openai\/deployments\/([^/]+)\/embeddings$/;

export const openAiEmbeddingsAdapter: ProtocolAdapter = {
  apiType: 'openai-embeddings',
  label: 'OpenAI embeddings',
  match: {
    paths: [{ suffix: EMBEDDINGS_SUFFIX, apiPath: EMBEDDINGS_SUFFIX }],
    byHeaders: () => null,
    bodyKeys: [],
    // `input` alone is a Responses body too: an embeddings body needs one of its own marks.
    bodyShape(body) {
      if (!('input' in body)) return null;
      if ('encoding_format' in body) return 'input + encoding_format';
      if ('dimensions' in body) return 'input + dimensions';
      return typeof body['model'] === 'string' && /embed/i.test(body['model']) ? 'input + an embedding model' : null;
    },
    deploymentInPath: (path) => {
      const raw = AZURE_PATH.exec(path)?.[1];
      if (raw === undefined) return null;
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    },
  },
  keyHeaders: [
    { name: 'Authorization', prefix: 'Bearer ' },
    { name: 'api-key', prefix: '' },
  ],
  exampleModel: 'text-embedding-3-small',
  capabilities: { streams: false, streamUsage: 'never', reasoning: false },
  // LMeterX runs only chat APIs.
  platform: null,
  mock: {
    matchesPath: (path) => path.endsWith(`/v1${EMBEDDINGS_SUFFIX}`),
    replyId: (recordId) => recordId,
    loadRequestReader: async () => (await import('./mock-request.js')).readEmbeddingsRequest,
    writeStream: writeEmbeddingsStream,
    writeJson: writeEmbeddingsJson,
    invalidRequestBody: (message) => openAiErrorBody(message, 'invalid_request_error', null),
    statusError: openAiStatusError,
    // No stream to break: a "mid-stream" error is the failing status.
    streamErrorEvent: () => '',
    midStreamErrorStatus: 500,
  },
  minimalBody,
  normalizeRequest,
  applyPrompt,
  createStreamParser,
  parseJson,
};
