/**
 * OpenAI `/v1/chat/completions` and the many servers that copy it (Azure, vLLM, llama.cpp, Ollama,
 * DeepSeek, OpenRouter, ...): everything the tool knows about the API, one file per job beside this one.
 */
import type { ProtocolAdapter } from '../types.js';
import { openAiErrorBody, openAiStatusError, openAiStreamErrorEvent } from './mock-errors.js';
import { writeOpenAiJson, writeOpenAiModels, writeOpenAiStream } from './mock-wire.js';
import { createStreamParser, parseJson } from './parse.js';
import { openAiChatPlatform } from './platform.js';
import { applyMaxTokens, applyPrompt, minimalBody, normalizeRequest } from './request.js';

const CHAT_SUFFIX = '/chat/completions';
const AZURE_PATH = /\/openai\/deployments\/([^/]+)\/chat\/completions$/;

export const openAiChatAdapter: ProtocolAdapter = {
  apiType: 'openai-chat',
  label: 'OpenAI chat completions',
  match: {
    paths: [{ suffix: CHAT_SUFFIX, apiPath: CHAT_SUFFIX }],
    byHeaders: () => null,
    bodyKeys: [
      'stream_options',
      'max_completion_tokens',
      'response_format',
      'frequency_penalty',
      'presence_penalty',
      'logprobs',
      'n',
      'reasoning_effort',
    ],
    deploymentInPath: (path) => decodeDeployment(AZURE_PATH.exec(path)?.[1]),
  },
  // Azure OpenAI takes its key in api-key.
  keyHeaders: [
    { name: 'Authorization', prefix: 'Bearer ' },
    { name: 'api-key', prefix: '' },
  ],
  exampleModel: 'gpt-4o-mini',
  capabilities: { streamUsage: 'when-asked', reasoning: true },
  platform: openAiChatPlatform,
  mock: {
    matchesPath: (path) => path.endsWith(CHAT_SUFFIX),
    replyId: (recordId) => `chatcmpl-${recordId}`,
    loadRequestReader: async () => (await import('./mock-request.js')).readOpenAiRequest,
    writeStream: writeOpenAiStream,
    writeJson: writeOpenAiJson,
    invalidRequestBody: (message) => openAiErrorBody(message, 'invalid_request_error', null),
    statusError: openAiStatusError,
    streamErrorEvent: openAiStreamErrorEvent,
    midStreamErrorStatus: 500,
    modelsBody: writeOpenAiModels,
  },
  minimalBody,
  normalizeRequest,
  applyPrompt,
  applyMaxTokens,
  createStreamParser,
  parseJson,
};

function decodeDeployment(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
