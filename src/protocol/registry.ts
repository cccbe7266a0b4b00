/** The adapters of the APIs we speak, looked up by ApiType. */
import { AppError } from '../failures/errors.js';
import { anthropicMessagesAdapter } from './anthropic-messages.js';
import { openAiChatAdapter } from './openai-chat.js';
import type { ApiType, ProtocolAdapter } from './types.js';

export const adapters: readonly ProtocolAdapter[] = [openAiChatAdapter, anthropicMessagesAdapter];

/** The API assumed where nothing says otherwise (the demo, a run folder without its summary). */
export const DEFAULT_API_TYPE: ApiType = 'openai-chat';

export function getAdapter(apiType: ApiType): ProtocolAdapter {
  const adapter = adapters.find((a) => a.apiType === apiType);
  // ApiType is a closed union and every member has an adapter above; reaching this is a bug.
  if (adapter === undefined) {
    throw new AppError('UNKNOWN_API_TYPE', `no protocol adapter for ${String(apiType)}`, { category: 'internal' });
  }
  return adapter;
}
