import { describe, expect, test } from 'vitest';
import { escapeControl } from '../../src/text/escape.js';

describe('escapeControl', () => {
  test.each([
    ['plain text stays', 'plain text stays'],
    ['\u001b]0;title\u0007', '\\x1b]0;title\\x07'],
    ['\u001b[2J\u001b[31mred', '\\x1b[2J\\x1b[31mred'],
    ['a\u0000b\u0008c\u007f', 'a\\x00b\\x08c\\x7f'],
    ['over\rwrite', 'over\\rwrite'],
    ['two\nlines', 'two\\nlines'],
    ['bidi \u202eevil', 'bidi \\u202eevil'],
    ['c1 \u009b31m', 'c1 \\x9b31m'],
    ['tab\tkept, ünïcödé kept', 'tab\tkept, ünïcödé kept'],
  ])('%j', (text, expected) => {
    expect(escapeControl(text)).toBe(expected);
  });
  test('line breaks may be kept', () => {
    expect(escapeControl('a\nb\u001b', { keepNewlines: true })).toBe('a\nb\\x1b');
  });
});
