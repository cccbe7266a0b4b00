/** Anthropic `/v1/messages`: everything the tool knows about the API, one file per job beside this one. */
import type { ProtocolAdapter } from '../types.js';
import { anthropicErrorBody, anthropicStatusError, anthropicStreamErrorEvent } from './mock-errors.js';
import { writeAnthropicJson, writeAnthropicModels, writeAnthropicStream } from './mock-wire.js';
import { createStreamParser, parseJson } from './parse.js';
import { anthropicMessagesPlatform } from './platform.js';
import { applyMaxTokens, applyPrompt, minimalBody, normalizeRequest } from './request.js';

export const anthropicMessagesAdapter: ProtocolAdapter = {
  apiType: 'anthropic-messages',
  label: 'Anthropic messages',
  match: {
    paths: [{ suffix: '/v1/messages', apiPath: '/messages' }],
    byHeaders(names) {
      if (names.has('anthropic-version')) return { reason: 'header anthropic-version', weak: false };
      // x-api-key is also some OpenAI-compatible gateways' key header.
      if (names.has('x-api-key') && !names.has('authorization') && !names.has('api-key')) return { reason: 'header x-api-key', weak: true };
      return null;
    },
    // top_k is left out: vLLM and other OpenAI-compatible servers take it too.
    bodyKeys: ['anthropic_version', 'system', 'stop_sequences', 'thinking'],
  },
  keyHeaders: [{ name: 'x-api-key', prefix: '' }],
  exampleModel: 'claude-sonnet-4-5',
  capabilities: { streamUsage: 'always', reasoning: true },
  platform: anthropicMessagesPlatform,
  mock: {
    matchesPath: (path) => path.endsWith('/v1/messages') || path === '/messages',
    replyId: (recordId) => `msg_${recordId}`,
    loadRequestReader: async () => (await import('./mock-request.js')).readAnthropicRequest,
    writeStream: writeAnthropicStream,
    writeJson: writeAnthropicJson,
    invalidRequestBody: (message, requestId) => anthropicErrorBody('invalid_request_error', message, requestId),
    statusError: anthropicStatusError,
    streamErrorEvent: anthropicStreamErrorEvent,
    midStreamErrorStatus: 529,
    modelsBody: writeAnthropicModels,
  },
  minimalBody,
  normalizeRequest,
  applyPrompt,
  applyMaxTokens,
  createStreamParser,
  parseJson,
};
