/**
 * A cheap, deterministic prompt token count (no tokenizer on the mock's hot path): a quarter token per
 * ASCII character and one per other character (CJK text is about a token per character), rounded up,
 * over every text part of the messages and the system prompt; at least 1.
 */
export function estimatePromptTokens(messages: ReadonlyArray<{ content: unknown }>, system: unknown): number {
  let units = countTextUnits(system);
  for (const message of messages) units += countTextUnits(message.content);
  return Math.max(1, Math.ceil(units / 4));
}

/** Characters of the last assistant message the mock keeps per request (enough to recognise a reply). */
const ASSISTANT_HEAD_CHARS = 200;

/**
 * What a chat request carried, for the mock's records: its messages, and the start of the last assistant
 * message (a multi-turn client appends the reply it got, so a test can see the context grow).
 */
export function describeMessages(messages: ReadonlyArray<{ role?: unknown; content: unknown }>): { messages: number; lastAssistant: string | null } {
  let lastAssistant: string | null = null;
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (message?.role !== 'assistant') continue;
    lastAssistant = typeof message.content === 'string' ? message.content.slice(0, ASSISTANT_HEAD_CHARS) : '';
    break;
  }
  return { messages: messages.length, lastAssistant };
}

/** Quarter-token units of a content value: a string, or a list of parts with `text`. */
function countTextUnits(content: unknown): number {
  if (typeof content === 'string') {
    let units = 0;
    for (let i = 0; i < content.length; i += 1) units += content.charCodeAt(i) < 0x80 ? 1 : 4;
    return units;
  }
  if (!Array.isArray(content)) return 0;
  let units = 0;
  for (const part of content) {
    if (typeof part === 'object' && part !== null && 'text' in part) units += countTextUnits((part as { text: unknown }).text);
  }
  return units;
}
