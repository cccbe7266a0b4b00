import { describe, expect, it } from 'vitest';
import { buildMessagesTemplate, serializeMessage, spliceMessages, templateFits } from '../../src/engine/messages-template.js';
import type { ApiType } from '../../src/model/api.js';
import type { ChatMessage } from '../../src/model/scenarios.js';
import { getAdapter } from '../../src/protocol/registry.js';

const opening: ChatMessage[] = [{ role: 'user', content: 'Plan a trip to Kyoto.\n"Two days", ünïcode ✓' }];
const later: ChatMessage[] = [...opening, { role: 'assistant', content: 'Day 1: temples.\u2028Day 2: "markets"' }, { role: 'user', content: 'Please go on.' }];
const withSystem: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }, ...later];

/** What the slow path sends: the adapter's body with the history, serialised whole. */
const slow = (api: ApiType, messages: ChatMessage[]): string => {
  const adapter = getAdapter(api);
  return JSON.stringify(adapter.applyPrompt({ ...adapter.minimalBody('m'), stream: true, max_tokens: 64 }, { messages }));
};

describe('a conversation turn spliced from serialised messages', () => {
  it.each<[ApiType, boolean]>([
    ['openai-chat', true],
    ['ollama-chat', true],
    ['openai-responses', true],
    ['anthropic-messages', false],
  ])('%s: byte for byte the body applyPrompt makes (system kept in the list: %s)', (api, systemVerbatim) => {
    const adapter = getAdapter(api);
    const template = buildMessagesTemplate(adapter, { ...adapter.minimalBody('m'), stream: true, max_tokens: 64 });
    expect(template?.systemVerbatim).toBe(systemVerbatim);
    if (template === null) return;
    expect(spliceMessages(template, later.map(serializeMessage)).toString()).toBe(slow(api, later));
    expect(templateFits(template, withSystem)).toBe(systemVerbatim);
    if (systemVerbatim) expect(spliceMessages(template, withSystem.map(serializeMessage)).toString()).toBe(slow(api, withSystem));
  });

  it.each<ApiType>(['openai-completions', 'ollama-generate'])('%s makes its own text of the messages: no template', (api) => {
    const adapter = getAdapter(api);
    expect(buildMessagesTemplate(adapter, adapter.minimalBody('m'))).toBeNull();
  });
});
