import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { inputError } from '../failures/errors.js';
import type { PromptItem } from '../protocol/types.js';

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

const HINT = 'give a JSONL file with one {"prompt": "..."} or {"messages": [...]} per line, a JSON array of them, or `default`';

/**
 * The prompts of `--test-data`: null for '' (the user's body every time), the built-in set for
 * `default`, otherwise a .jsonl file (one item per line) or a .json file (an array of items). An item is
 * a string, `{prompt, system?}` or `{messages}`.
 */
export async function loadPrompts(testData: string, cwd: string): Promise<PromptItem[] | null> {
  if (testData === '') return null;
  const path = testData === 'default' ? DEFAULT_PROMPTS_PATH : isAbsolute(testData) ? testData : resolve(cwd, testData);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw inputError('TEST_DATA_UNREADABLE', `--test-data ${testData}: cannot read ${path} (${code})`, HINT);
  }
  return parsePrompts(text, testData);
}

/** Parse the text of a test-data file (JSON array, or JSONL). */
export function parsePrompts(text: string, label: string): PromptItem[] {
  const trimmed = text.trim();
  const items: PromptItem[] = [];
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

function parseItem(value: unknown, where: string): PromptItem {
  const result = promptItemSchema.safeParse(value);
  if (!result.success) {
    throw inputError('TEST_DATA_INVALID', `--test-data ${where}: expected a prompt string, {"prompt"} or {"messages"}`, HINT);
  }
  return result.data;
}
