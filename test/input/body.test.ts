import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { findJsonErrorOffset, parseJsonObject, readInputFile } from '../../src/input/body.js';

function refusal(text: string): AppError {
  try {
    parseJsonObject(text, '--body');
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseJsonObject', () => {
  it('parses an object, compact or pretty', () => {
    expect(parseJsonObject('{\n  "model": "m",\n  "n": 1\n}', '--body')).toEqual({ model: 'm', n: 1 });
  });

  it.each([
    ['{"a": 1,}', 'line 1, column 9 (position 8) near "{\\"a\\": 1,}"'],
    ["{'model': 'm'}", 'line 1, column 2 (position 1) near "{\'model\': \'"'],
    ['{\n  "a": 1\n  "b": 2\n}', 'line 3, column 3 (position 13) near " \\"a\\": 1\\n  \\"b\\": 2\\n}"'],
    ['{"a": tru}', 'line 1, column 10 (position 9) near "{\\"a\\": tru}"'],
    ['{"a": "x', 'line 1, column 9 (position 8) near "{\\"a\\": \\"x"'],
  ])('%j is refused with its position', (text, where) => {
    const error = refusal(text);
    expect(error.code).toBe('BODY_INVALID_JSON');
    expect(error.message).toBe(`--body is not valid JSON: error at ${where}`);
    expect(error.hint).toBe('JSON needs double quotes around names and strings and no trailing commas; check the quoting in your shell');
  });

  it.each([
    ['[1]', 'an array'],
    ['"text"', 'a string'],
    ['42', 'a number'],
    ['null', 'null'],
  ])('%s is refused: not an object', (text, kind) => {
    const error = refusal(text);
    expect([error.code, error.message]).toEqual(['BODY_NOT_OBJECT', `--body must be a JSON object, got ${kind}`]);
  });
});

describe('findJsonErrorOffset', () => {
  it.each([
    ['{"a":1}', 7],
    ['{"a":1} x', 8],
    ['{"a":"\\q"}', 7],
    ['{"a":-}', 5],
    ['', 0],
  ])('%j → %d', (text, offset) => {
    expect(findJsonErrorOffset(text)).toBe(offset);
  });
});

describe('readInputFile', () => {
  it('names a folder given as a file: exit 2 with the path and a hint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llt-body-'));
    const error = await readInputFile('.', dir, '--body').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: `--body: file ${dir} is a folder`,
      hint: 'check the path (relative paths start from the current folder)',
      exitCode: 2,
    });
  });
});
