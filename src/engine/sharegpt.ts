import type { ConversationScript } from '../model/scenarios.js';

/**
 * ShareGPT-style conversations, the common shape of public chat datasets:
 * `{"conversations": [{"from": "human", "value": "..."}, {"from": "gpt", "value": "..."}, ...]}`.
 * Speakers are read loosely (`human`/`user`, `gpt`/`assistant`/`chatgpt`/`bing`, `system`), as datasets
 * vary; `role`/`content` pairs are taken too.
 */

const USER_SPEAKERS = new Set(['human', 'user']);
const ASSISTANT_SPEAKERS = new Set(['gpt', 'assistant', 'chatgpt', 'bing', 'bard', 'model']);

/**
 * A dataset item as a conversation: null when it is not a ShareGPT item (no `conversations` field), the
 * problem in words when it is one but unusable, else its system prompt, first human turn and the human
 * turns after it.
 */
export function readShareGptItem(value: unknown): ConversationScript | string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('conversations' in value)) return null;
  const turns = (value as { conversations: unknown }).conversations;
  if (!Array.isArray(turns)) return '"conversations" is not a list of {"from", "value"} turns';
  let system: string | undefined;
  const users: string[] = [];
  for (const [index, turn] of turns.entries()) {
    const speaker = readField(turn, 'from', 'role');
    const text = readField(turn, 'value', 'content');
    if (speaker === null || text === null) return `conversations[${index}] is not a {"from": "...", "value": "..."} turn`;
    const who = speaker.toLowerCase();
    if (who === 'system') system = text;
    else if (USER_SPEAKERS.has(who)) {
      if (text.trim() !== '') users.push(text);
    } else if (!ASSISTANT_SPEAKERS.has(who)) return `conversations[${index}]: unknown speaker "${speaker}" (expected human, gpt or system)`;
  }
  const [first, ...next] = users;
  if (first === undefined) return 'the conversation has no human turn with text';
  const opening: ConversationScript['first'] = system === undefined ? { prompt: first } : { prompt: first, system };
  return { first: opening, next };
}

function readField(turn: unknown, name: string, alias: string): string | null {
  if (typeof turn !== 'object' || turn === null) return null;
  const record = turn as Record<string, unknown>;
  const value = record[name] ?? record[alias];
  return typeof value === 'string' ? value : null;
}

