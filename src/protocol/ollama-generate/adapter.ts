/**
 * Ollama's native `/api/generate` (a prompt in, text out): the same NDJSON stream as `/api/chat` with
 * `response` in place of `message`, read by the same parser (../ollama-chat/).
 */
import { OLLAMA_COMMON } from '../ollama-chat/adapter.js';
import { ollamaErrorBody, ollamaStatusError, ollamaStreamErrorLine } from '../ollama-chat/mock-errors.js';
import { writeGenerateJson, writeGenerateStream } from '../ollama-chat/mock-wire.js';
import { createStreamParser, parseJson } from '../ollama-chat/parse.js';
import { applyMaxTokens, applyPromptToGenerate, minimalGenerateBody, normalizeRequest, readMaxTokens } from '../ollama-chat/request.js';
import type { ProtocolAdapter } from '../types.js';

const GENERATE_PATH = '/api/generate';

/** Fields of a generate body that the legacy completions API does not have. */
const OWN_KEYS = ['options', 'keep_alive', 'raw', 'template', 'images', 'context', 'think', 'system', 'format'] as const;

export const ollamaGenerateAdapter: ProtocolAdapter = {
  apiType: 'ollama-generate',
  label: 'Ollama native generate',
  match: {
    paths: [{ suffix: GENERATE_PATH, apiPath: GENERATE_PATH }],
    byHeaders: () => null,
    bodyKeys: [],
    bodyShape: (body) => (typeof body['prompt'] === 'string' ? (OWN_KEYS.find((key) => key in body) ?? null) : null),
  },
  keyHeaders: OLLAMA_COMMON.keyHeaders,
  exampleModel: OLLAMA_COMMON.exampleModel,
  capabilities: OLLAMA_COMMON.capabilities,
  platform: null,
  mock: {
    matchesPath: (path) => path.endsWith(GENERATE_PATH),
    replyId: (recordId) => recordId,
    loadRequestReader: async () => (await import('../ollama-chat/mock-request.js')).readOllamaGenerateRequest,
    writeStream: writeGenerateStream,
    writeJson: writeGenerateJson,
    invalidRequestBody: (message) => ollamaErrorBody(message),
    statusError: ollamaStatusError,
    streamErrorEvent: ollamaStreamErrorLine,
    midStreamErrorStatus: 500,
  },
  minimalBody: minimalGenerateBody,
  normalizeRequest,
  applyPrompt: applyPromptToGenerate,
  applyMaxTokens,
  readMaxTokens,
  createStreamParser,
  parseJson,
};
