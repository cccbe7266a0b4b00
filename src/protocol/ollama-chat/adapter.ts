/**
 * Ollama's native `/api/chat`: everything the tool knows about the API, one file per job beside this
 * one (`/api/generate` shares them: ../ollama-generate/adapter.ts). Ollama's OpenAI-compatible
 * `/v1/chat/completions` is the openai-chat adapter's.
 */
import type { ProtocolAdapter } from '../types.js';
import { ollamaErrorBody, ollamaStatusError, ollamaStreamErrorLine } from './mock-errors.js';
import { writeChatJson, writeChatStream } from './mock-wire.js';
import { createStreamParser, parseJson } from './parse.js';
import { applyMaxTokens, applyPromptToChat, minimalChatBody, normalizeRequest, readMaxTokens } from './request.js';

const CHAT_PATH = '/api/chat';

/** What Ollama's native endpoints share: the key header, an example model, the NDJSON stream. */
export const OLLAMA_COMMON = {
  // Ollama takes no key; a proxy in front of it usually wants a bearer token.
  keyHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
  exampleModel: 'llama3.2',
  capabilities: { streamUsage: 'always', reasoning: true, streamContentType: 'application/x-ndjson' },
} as const;

export const ollamaChatAdapter: ProtocolAdapter = {
  apiType: 'ollama-chat',
  label: 'Ollama native chat',
  match: {
    paths: [{ suffix: CHAT_PATH, apiPath: CHAT_PATH }],
    byHeaders: () => null,
    bodyKeys: ['keep_alive', 'options', 'think', 'format'],
  },
  keyHeaders: OLLAMA_COMMON.keyHeaders,
  exampleModel: OLLAMA_COMMON.exampleModel,
  capabilities: OLLAMA_COMMON.capabilities,
  // LMeterX runs only the chat-completions and messages APIs.
  platform: null,
  mock: {
    matchesPath: (path) => path.endsWith(CHAT_PATH),
    replyId: (recordId) => recordId,
    loadRequestReader: async () => (await import('./mock-request.js')).readOllamaChatRequest,
    writeStream: writeChatStream,
    writeJson: writeChatJson,
    invalidRequestBody: (message) => ollamaErrorBody(message),
    statusError: ollamaStatusError,
    streamErrorEvent: ollamaStreamErrorLine,
    midStreamErrorStatus: 500,
  },
  minimalBody: minimalChatBody,
  normalizeRequest,
  applyPrompt: applyPromptToChat,
  applyMaxTokens,
  readMaxTokens,
  createStreamParser,
  parseJson,
};
