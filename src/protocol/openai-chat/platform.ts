/** OpenAI chat on the load-test platform: its name there, the body its engine needs, its pre-check answers. */
import { isRecord } from '../json-bytes.js';
import type { PlatformSide } from '../types.js';

export const openAiChatPlatform: PlatformSide = {
  name: 'openai-chat',
  label: 'OpenAI Chat',
  // Without usage in the stream the platform counts tokens with a guessed tokenizer.
  prepareBody(body, stream) {
    if (stream && body['stream_options'] === undefined) body['stream_options'] = { include_usage: true };
  },
  checkBody(body, stream) {
    return stream && body['stream_options'] === undefined ? 'OpenAI streaming needs stream_options.include_usage' : null;
  },
  eventHasContent(event) {
    const choices = event['choices'];
    if (!Array.isArray(choices)) return false;
    return choices.some((choice) => isRecord(choice) && isRecord(choice['delta']) && hasOpenAiContent(choice['delta']));
  },
  inspectJson(data) {
    const choices = data['choices'];
    if (!Array.isArray(choices)) return { category: 'invalid_response', message: 'the 200 answer has no "choices": not an OpenAI chat completion' };
    const message = isRecord(choices[0]) ? choices[0]['message'] : undefined;
    if (!isRecord(message) || !hasOpenAiContent(message)) return { category: 'empty_response', message: 'the answer has no generated content' };
    return null;
  },
};

function hasOpenAiContent(message: Record<string, unknown>): boolean {
  const nonEmpty = (value: unknown): boolean => typeof value === 'string' && value !== '';
  const toolCalls = message['tool_calls'];
  return (
    nonEmpty(message['content']) ||
    nonEmpty(message['reasoning_content']) ||
    nonEmpty(message['reasoning']) ||
    (Array.isArray(toolCalls) && toolCalls.length > 0)
  );
}
