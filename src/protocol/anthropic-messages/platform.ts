/** Anthropic messages on the load-test platform: its name there (`claude-chat`) and its pre-check answers. */
import { isRecord } from '../json-bytes.js';
import type { PlatformSide } from '../types.js';

export const anthropicMessagesPlatform: PlatformSide = {
  name: 'claude-chat',
  label: 'Claude Chat',
  // Usage always comes in the stream: nothing to ask for.
  prepareBody() {},
  checkBody(body) {
    return body['stream_options'] === undefined ? null : 'stream_options is OpenAI-only';
  },
  eventHasContent(event) {
    if (event['type'] === 'content_block_delta') return true;
    return event['type'] === 'content_block_start' && isRecord(event['content_block']) && event['content_block']['type'] === 'tool_use';
  },
  inspectJson(data) {
    const blocks = data['content'];
    if (!Array.isArray(blocks)) return { category: 'invalid_response', message: 'the 200 answer has no "content": not an Anthropic message' };
    if (!blocks.some((block) => isRecord(block) && hasAnthropicBlockContent(block))) {
      return { category: 'empty_response', message: 'the answer has no generated content' };
    }
    return null;
  },
};

function hasAnthropicBlockContent(block: Record<string, unknown>): boolean {
  if (block['type'] === 'tool_use') return true;
  const text = block['text'] ?? block['thinking'];
  return typeof text === 'string' && text !== '';
}
