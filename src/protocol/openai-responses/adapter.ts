/**
 * OpenAI `/v1/responses` (also served by Azure, vLLM, LiteLLM and other gateways): everything the tool
 * knows about the API, one file per job beside this one.
 */
import { openAiErrorBody, openAiStatusError } from '../openai-chat/mock-errors.js';
import type { ProtocolAdapter } from '../types.js';
import { responsesStreamErrorEvent } from './mock-errors.js';
import { writeResponsesJson, writeResponsesStream } from './mock-wire.js';
import { createStreamParser, parseJson } from './parse.js';
import { applyMaxTokens, applyPrompt, minimalBody, normalizeRequest, readMaxTokens } from './request.js';

const RESPONSES_SUFFIX = '/responses';

/** Body fields only the Responses API has (its input is `input`, not `messages`). */
const OWN_KEYS = ['instructions', 'max_output_tokens', 'previous_response_id', 'include', 'background', 'conversation'] as const;

export const openAiResponsesAdapter: ProtocolAdapter = {
  apiType: 'openai-responses',
  label: 'OpenAI Responses',
  match: {
    paths: [{ suffix: RESPONSES_SUFFIX, apiPath: RESPONSES_SUFFIX }],
    byHeaders: () => null,
    bodyKeys: [],
    bodyShape(body) {
      const own = OWN_KEYS.find((key) => key in body);
      if (own !== undefined) return own;
      // `input` alone is an embeddings body too: that adapter claims it first when it has its marks.
      return 'input' in body ? 'input' : null;
    },
  },
  keyHeaders: [
    { name: 'Authorization', prefix: 'Bearer ' },
    { name: 'api-key', prefix: '' },
  ],
  exampleModel: 'gpt-4.1-mini',
  capabilities: { streamUsage: 'always', reasoning: true },
  // LMeterX runs only chat APIs.
  platform: null,
  mock: {
    matchesPath: (path) => path.endsWith(`/v1${RESPONSES_SUFFIX}`),
    replyId: (recordId) => `resp_${recordId}`,
    loadRequestReader: async () => (await import('./mock-request.js')).readResponsesRequest,
    writeStream: writeResponsesStream,
    writeJson: writeResponsesJson,
    invalidRequestBody: (message) => openAiErrorBody(message, 'invalid_request_error', null),
    statusError: openAiStatusError,
    streamErrorEvent: responsesStreamErrorEvent,
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
