import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLATFORM_CATEGORIES, RECORD_CATEGORIES } from '../src/failures/categories.js';
import { ERROR_CODES } from '../src/failures/error-codes.js';

/**
 * SKILL.md is what an agent reads to tell its user what happened: its tables of categories and error codes
 * must list exactly what the tool can answer, each with what to tell the user, so they cannot drift.
 */
const skill = readFileSync(new URL('../SKILL.md', import.meta.url), 'utf8');

function tableUnder(heading: string): Map<string, string[]> {
  const section = skill.split(/^## /m).find((part) => part.startsWith(`${heading}\n`)) ?? '';
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const match = /^\| `([\w]+)` \|(.*)\|$/.exec(line);
    if (match === null) continue;
    rows.set(match[1] ?? '', (match[2] ?? '').split(/(?<!\\)\|/).map((cell) => cell.trim()));
  }
  return rows;
}

describe('SKILL.md', () => {
  it('"Error codes" lists every code of ERROR_CODES, and no other, each with what to tell the user', () => {
    const rows = tableUnder('Error codes');
    expect([...rows.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect([...rows].filter(([, cells]) => cells.length !== 1 || (cells[0] ?? '').length < 10).map(([code]) => code)).toEqual([]);
  });

  it('"Categories" lists every category an answer can carry, and no other, each with its meaning and what to tell the user', () => {
    const fromErrors = Object.values(ERROR_CODES).flatMap((entry) => (typeof entry.category === 'string' ? [entry.category] : [...entry.category]));
    const expected = new Set<string>([...RECORD_CATEGORIES, ...PLATFORM_CATEGORIES, ...fromErrors]);
    const rows = tableUnder('Categories');
    expect([...rows.keys()].sort()).toEqual([...expected].sort());
    expect([...rows].filter(([, cells]) => cells.length !== 2 || cells.some((cell) => cell.length < 10)).map(([category]) => category)).toEqual([]);
  });

  it('says which header carries an Anthropic key, to ask for the model, to confirm the load size and the platform warmup', () => {
    expect(skill).toContain('**Anthropic `-H "x-api-key: $ANTHROPIC_API_KEY"`**');
    expect(skill).toContain('ask the user which model to test');
    expect(skill).toContain('confirm with the user before starting');
    expect(skill).toContain('the platform warms up for 120 s by default');
  });
});
