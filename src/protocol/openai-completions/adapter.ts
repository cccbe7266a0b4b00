/**
 * OpenAI's legacy `/v1/completions` (a prompt in, text out), still what vLLM and SGLang benchmarks use:
 * everything the tool knows about the API, one file per job beside this one. Its stream is the chat
 * completion chunk with `choices[].text`, read by the chat adapter's parser.
 */
import { openAiErrorBody, openAiStatusError, openAiStreamErrorEvent } from '../openai-chat/mock-errors.js';
import { createStreamParser, parseJson } from '../openai-chat/parse.js';
import { normalizeRequest } from '../openai-chat/request.js';
import type { ProtocolAdapter } from '../types.js';
import { writeCompletionsJson, writeCompletionsStream } from './mock-wire.js';
import { applyMaxTokens, applyPrompt, minimalBody, readMaxTokens } from './request.js';

const COMPLETIONS_SUFFIX = '/v1/completions';

export const openAiCompletionsAdapter: ProtocolAdapter = {
  apiType: 'openai-completions',
  label: 'OpenAI completions (legacy)',
  match: {
    paths: [{ suffix: COMPLETIONS_SUFFIX, apiPath: '/completions' }],
    byHeaders: () => null,
    bodyKeys: [],
    // A prompt string (or list) without Ollama's own fields; ollama-generate is tried first.
    bodyShape: (body) => (typeof body['prompt'] === 'string' || Array.isArray(body['prompt']) ? 'prompt' : null),
  },
  keyHeaders: [
    { name: 'Authorization', prefix: 'Bearer ' },
    { name: 'api-key', prefix: '' },
  ],
  exampleModel: 'gpt-3.5-turbo-instruct',
  capabilities: { streamUsage: 'when-asked', reasoning: false },
  // LMeterX runs only chat APIs.
  platform: null,
  mock: {
    matchesPath: (path) => path.endsWith(COMPLETIONS_SUFFIX),
    replyId: (recordId) => `cmpl-${recordId}`,
    loadRequestReader: async () => (await import('./mock-request.js')).readCompletionsRequest,
    writeStream: writeCompletionsStream,
    writeJson: writeCompletionsJson,
    invalidRequestBody: (message) => openAiErrorBody(message, 'invalid_request_error', null),
    statusError: openAiStatusError,
    streamErrorEvent: openAiStreamErrorEvent,
    midStreamErrorStatus: 500,
  },
  minimalBody,
  normalizeRequest,
  applyPrompt,
  applyMaxTokens,
  readMaxTokens,
  createStreamParser,
  parseJson,
};
