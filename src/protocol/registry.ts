/**
 * The adapters of the APIs we speak, looked up by ApiType. Adding an API is one adapter and one line in
 * BUILT_IN (or one registerAdapter call, as a test or a library user may do).
 */
import { AppError } from '../failures/errors.js';
import { anthropicMessagesAdapter } from './anthropic-messages/adapter.js';
import { ollamaChatAdapter } from './ollama-chat/adapter.js';
import { ollamaGenerateAdapter } from './ollama-generate/adapter.js';
import { openAiChatAdapter } from './openai-chat/adapter.js';
import { openAiCompletionsAdapter } from './openai-completions/adapter.js';
import { openAiEmbeddingsAdapter } from './openai-embeddings/adapter.js';
import { openAiResponsesAdapter } from './openai-responses/adapter.js';
import type { ApiType, ProtocolAdapter } from './types.js';

/**
 * The built-in APIs. A body without messages is matched in this order, so stricter shapes come first:
 * embeddings before Responses, Ollama's generate before completions.
 */
const BUILT_IN: readonly ProtocolAdapter[] = [
  openAiChatAdapter,
  anthropicMessagesAdapter,
  openAiEmbeddingsAdapter,
  openAiResponsesAdapter,
  ollamaChatAdapter,
  ollamaGenerateAdapter,
  openAiCompletionsAdapter,
];

const registered: ProtocolAdapter[] = [...BUILT_IN];

/** Every adapter, in registration order: it decides who wins when two match the same target. */
export const adapters: readonly ProtocolAdapter[] = registered;

/** The API assumed where nothing says otherwise (the demo, a run folder without its summary, a bare messages body). */
export const DEFAULT_API_TYPE: ApiType = openAiChatAdapter.apiType;

/** Add an adapter after the built-in ones; the returned function removes it again. */
export function registerAdapter(adapter: ProtocolAdapter): () => void {
  if (findAdapter(adapter.apiType) !== undefined) {
    throw new AppError('ADAPTER_DUPLICATE', `an adapter for ${adapter.apiType} is already registered`, { category: 'internal' });
  }
  registered.push(adapter);
  return () => {
    const index = registered.indexOf(adapter);
    if (index !== -1) registered.splice(index, 1);
  };
}

/** The ids `--api` takes. */
export function apiTypeIds(): ApiType[] {
  return registered.map((adapter) => adapter.apiType);
}

export function findAdapter(apiType: string): ProtocolAdapter | undefined {
  return registered.find((a) => a.apiType === apiType);
}

export function getAdapter(apiType: ApiType): ProtocolAdapter {
  const adapter = findAdapter(apiType);
  // Ids are checked against the registry where they enter (flags, files); reaching this is a bug.
  if (adapter === undefined) {
    throw new AppError('UNKNOWN_API_TYPE', `no protocol adapter for ${String(apiType)}`, { category: 'internal' });
  }
  return adapter;
}

/** The media type an adapter's streams come in. */
export function streamContentTypeOf(adapter: ProtocolAdapter): string {
  return adapter.capabilities.streamContentType ?? 'text/event-stream';
}

/** The adapter the platform knows by `api_type` (`claude-chat` is anthropic-messages). */
export function findAdapterByPlatformName(name: string): ProtocolAdapter | undefined {
  return registered.find((a) => a.platform?.name === name);
}
