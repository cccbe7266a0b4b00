import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadPrompts, parsePrompts } from '../../src/engine/prompts.js';
import { AppError } from '../../src/failures/errors.js';

describe('parsePrompts', () => {
  test('JSONL: strings, prompt objects (with system) and message lists; blank lines skipped', () => {
    const text = [
      '"hello"',
      '',
      '{"prompt":"sum 2+2","system":"be brief"}',
      '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}',
    ].join('\n');
    expect(parsePrompts(text, 'f.jsonl')).toEqual([
      { prompt: 'hello' },
      { prompt: 'sum 2+2', system: 'be brief' },
      { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'yo' }] },
    ]);
  });
  test('a JSON array', () => {
    expect(parsePrompts('[{"prompt":"a"},"b"]', 'f.json')).toEqual([{ prompt: 'a' }, { prompt: 'b' }]);
  });
  test.each([
    ['{"prompt":', 'f.jsonl line 1: not valid JSON'],
    ['{"text":"x"}', 'f.jsonl line 1: expected a prompt string'],
    ['\n\n', 'no prompts found'],
    ['[1, 2', 'invalid JSON'],
  ])('bad input %j is an input error naming the place', (text, message) => {
    let error: unknown;
    try {
      parsePrompts(text, 'f.jsonl');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).exitCode).toBe(2);
    expect((error as AppError).message).toContain(message);
  });
});

describe('loadPrompts', () => {
  test("'' means the user's body: no prompts", async () => {
    expect(await loadPrompts('', process.cwd())).toBeNull();
  });
  test('a relative path is read from the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    writeFileSync(join(dir, 'p.jsonl'), '{"prompt":"x"}\n{"prompt":"y"}\n');
    expect(await loadPrompts('p.jsonl', dir)).toEqual([{ prompt: 'x' }, { prompt: 'y' }]);
  });
  test('a missing file is exit 2 naming the path', async () => {
    await expect(loadPrompts('nope.jsonl', '/tmp')).rejects.toMatchObject({
      code: 'TEST_DATA_UNREADABLE',
      exitCode: 2,
      message: expect.stringContaining('/tmp/nope.jsonl') as unknown,
    });
  });
});
