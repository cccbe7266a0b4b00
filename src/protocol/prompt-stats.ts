import { countTokens } from './tokens.js';

/**
 * What a request's prompt holds, for the mock's report of what it received (docs/cli.md, the mock's `--count-prompt`): the exact
 * tokens of its texts by the model's encoding (each text counted alone, so no seam between two texts
 * adds or merges a token), how many messages, and the system and user texts. API-agnostic, like
 * countPromptTokens: the prompt fields of every API we speak.
 */
export interface PromptStats {
  tokens: number;
  /** Entries of `messages` (or of a Responses `input` list); 0 for a plain prompt. */
  messages: number;
  /** The system texts (`system`, `instructions`, system/developer messages), joined. */
  system: string;
  /** The other texts (user and assistant messages, `prompt`, `input`), joined. */
  user: string;
}

const SYSTEM_ROLES = new Set(['system', 'developer']);

export function describePrompt(body: Readonly<Record<string, unknown>>, model?: string): PromptStats {
  const system: string[] = [];
  const user: string[] = [];
  let messages = 0;
  const collect = (value: unknown, into: string[], depth: number): void => {
    if (typeof value === 'string') into.push(value);
    else if (Array.isArray(value)) {
      if (depth < 6) for (const item of value) collect(item, into, depth + 1);
    } else if (typeof value === 'object' && value !== null && depth < 6) {
      const item = value as Record<string, unknown>;
      collect(item['content'], into, depth + 1);
      collect(item['text'], into, depth + 1);
    }
  };
  collect(body['system'], system, 0);
  collect(body['instructions'], system, 0);
  for (const field of ['messages', 'input'] as const) {
    const value = body[field];
    if (!Array.isArray(value)) {
      collect(value, user, 0);
      continue;
    }
    for (const item of value) {
      const role = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['role'] : undefined;
      if (typeof role === 'string') messages += 1;
      collect(item, typeof role === 'string' && SYSTEM_ROLES.has(role) ? system : user, 1);
    }
  }
  collect(body['prompt'], user, 0);
  let tokens = 0;
  for (const text of system) tokens += countTokens(text, model);
  for (const text of user) tokens += countTokens(text, model);
  return { tokens, messages, system: system.join('\n'), user: user.join('\n') };
}
