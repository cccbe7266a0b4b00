import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/** The built-in dataset (`--test-data default`): one PromptItem per line. */
const lines = readFileSync(new URL('../../data/prompts/default.jsonl', import.meta.url), 'utf8').split('\n').filter((l) => l !== '');

const itemSchema = z.union([
  z.strictObject({ prompt: z.string().min(5), system: z.string().min(5).optional() }),
  z.strictObject({
    messages: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string().min(1) })).min(3),
  }),
]);
const items = lines.map((line) => itemSchema.parse(JSON.parse(line)));

function textOf(item: z.infer<typeof itemSchema>): string {
  return 'prompt' in item ? item.prompt : item.messages.map((m) => m.content).join('\n');
}
const hasChinese = (text: string): boolean => /[\u4e00-\u9fff]/.test(text);

describe('data/prompts/default.jsonl', () => {
  it('holds at least 300 distinct prompts, every line a valid prompt item', () => {
    expect(items.length).toBeGreaterThanOrEqual(300);
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('mixes Chinese and English', () => {
    const chinese = items.filter((item) => hasChinese(textOf(item))).length;
    expect(chinese / items.length).toBeGreaterThan(0.3);
    expect(chinese / items.length).toBeLessThan(0.6);
  });

  it('has short and long prompts (some of 1-2k characters)', () => {
    const lengths = items.map((item) => textOf(item).length);
    expect(lengths.filter((n) => n < 80).length).toBeGreaterThan(100);
    expect(lengths.filter((n) => n >= 1000 && n <= 2000).length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(2000);
  });

  it('has multi-turn conversations that alternate and end with the user, and prompts with a system message', () => {
    const conversations = items.filter((item) => 'messages' in item);
    expect(conversations.length).toBeGreaterThanOrEqual(15);
    for (const item of conversations) {
      const roles = item.messages.filter((m) => m.role !== 'system').map((m) => m.role);
      expect(roles.every((role, i) => role === (i % 2 === 0 ? 'user' : 'assistant'))).toBe(true);
      expect(roles.at(-1)).toBe('user');
    }
    expect(items.filter((item) => 'system' in item && item.system !== undefined).length).toBeGreaterThanOrEqual(15);
  });
});
