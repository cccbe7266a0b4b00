import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { inputError } from '../failures/errors.js';
import type { ConversationScript } from '../model/scenarios.js';
import type { PromptItem } from '../protocol/types.js';
import { readShareGptItem } from './sharegpt.js';

/** The built-in set, shipped in the package: data/prompts/default.jsonl (src/engine and dist/engine are 2 deep). */
export const DEFAULT_PROMPTS_PATH = fileURLToPath(new URL('../../data/prompts/default.jsonl', import.meta.url));

const messageSchema = z.object({ role: z.string().min(1), content: z.unknown() });
const promptItemSchema = z.union([
  z.string().min(1).transform((prompt): PromptItem => ({ prompt })),
  z
    .object({ messages: z.array(messageSchema).min(1) })
    .transform((item): PromptItem => ({ messages: item.messages.map((m) => ({ role: m.role, content: m.content })) })),
  z
    .object({ prompt: z.string().min(1), system: z.string().optional() })
    .transform((item): PromptItem => (item.system === undefined ? { prompt: item.prompt } : { prompt: item.prompt, system: item.system })),
]);

const HINT =
  'give a JSONL file with one {"prompt": "..."}, {"messages": [...]} or ShareGPT {"conversations": [...]} per line, a JSON array of them, or `default`';

/**
 * The prompts of `--test-data`: null for '' (the user's body every time), the built-in set for
 * `default`, otherwise a .jsonl file (one item per line) or a .json file (an array of items). An item is
 * a string, `{prompt, system?}` or `{messages}`.
 */
export async function loadPrompts(testData: string, cwd: string): Promise<PromptItem[] | null> {
  const scripts = await loadConversations(testData, cwd);
  return scripts === null ? null : scripts.map((script) => script.first);
}

/**
 * The conversations of `--test-data`: each prompt item is a one-turn conversation, each ShareGPT item
 * its human turns in order (the recorded assistant turns are not sent: the server's replies are). Null
 * for '' (the user's body).
 */
export async function loadConversations(testData: string, cwd: string): Promise<ConversationScript[] | null> {
  if (testData === '') return null;
  const path = testData === 'default' ? DEFAULT_PROMPTS_PATH : isAbsolute(testData) ? testData : resolve(cwd, testData);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw inputError('TEST_DATA_UNREADABLE', `--test-data ${testData}: cannot read ${path} (${code})`, HINT);
  }
  return parseConversations(text, testData);
}

/** Parse the text of a test-data file (JSON array, or JSONL): its prompts (a conversation's first turn). */
export function parsePrompts(text: string, label: string): PromptItem[] {
  return parseConversations(text, label).map((script) => script.first);
}

/** Parse the text of a test-data file (JSON array, or JSONL) into conversations (see loadConversations). */
export function parseConversations(text: string, label: string): ConversationScript[] {
  const trimmed = text.trim();
  const items: ConversationScript[] = [];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw inputError('TEST_DATA_INVALID', `--test-data ${label}: invalid JSON (${(error as Error).message})`, HINT);
    }
    const list = z.array(z.unknown()).parse(parsed);
    list.forEach((value, index) => items.push(parseItem(value, `${label} item ${index + 1}`)));
  } else {
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      const content = line.trim();
      if (content === '') return;
      let value: unknown;
      try {
        value = JSON.parse(content);
      } catch {
        throw inputError('TEST_DATA_INVALID', `--test-data ${label} line ${index + 1}: not valid JSON`, HINT);
      }
      items.push(parseItem(value, `${label} line ${index + 1}`));
    });
  }
  if (items.length === 0) throw inputError('TEST_DATA_EMPTY', `--test-data ${label}: no prompts found`, HINT);
  return items;
}

function parseItem(value: unknown, where: string): ConversationScript {
  const shareGpt = readShareGptItem(value);
  if (shareGpt !== null) {
    if (typeof shareGpt === 'string') throw inputError('TEST_DATA_INVALID', `--test-data ${where}: ${shareGpt}`, HINT);
    return shareGpt;
  }
  const result = promptItemSchema.safeParse(value);
  if (!result.success) {
    throw inputError('TEST_DATA_INVALID', `--test-data ${where}: expected a prompt string, {"prompt"}, {"messages"} or {"conversations"}`, HINT);
  }
  return { first: result.data, next: [] };
}
