import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/failures/error-codes.js';

/** docs/ is the contract: these checks keep it and the code saying the same thing. */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(ROOT, rel)).isDirectory() ? filesUnder(rel) : [rel];
  });
}

describe('docs/cli.md "Error codes"', () => {
  const rows = new Map(
    [...read('docs/cli.md').matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \| (\d+) \|/gm)].map((m) => [m[1] ?? '', { category: (m[2] ?? '').trim(), exit: Number(m[3]) }]),
  );

  it('lists every code of the ERROR_CODES table with its exit code, and no other', () => {
    const fromCode = Object.entries(ERROR_CODES).map(([code, entry]) => [code, entry.exitCode]);
    const fromDocs = [...rows].map(([code, row]) => [code, row.exit]);
    expect(fromDocs.sort()).toEqual(fromCode.sort());
  });

  it('names the category of every code that has a single one', () => {
    const wrong = Object.entries(ERROR_CODES)
      .filter(([, entry]) => typeof entry.category === 'string')
      .filter(([code, entry]) => !rows.get(code)?.category.startsWith(entry.category as string))
      .map(([code]) => code);
    expect(wrong).toEqual([]);
  });
});

describe('pointers into docs/', () => {
  it('every `docs/<file>.md "<section>"` named in src/ and test/ is a heading of that file', () => {
    const missing: string[] = [];
    for (const file of [...filesUnder('src'), ...filesUnder('test')].filter((f) => f.endsWith('.ts'))) {
      for (const match of read(file).matchAll(/docs\/([\w-]+\.md) "([^"\n]+)"/g)) {
        const [, doc = '', section = ''] = match;
        const headings = read(`docs/${doc}`)
          .split('\n')
          .filter((line) => line.startsWith('#'))
          .map((line) => line.replace(/^#+\s*/, ''));
        if (!headings.includes(section)) missing.push(`${file}: docs/${doc} "${section}"`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('nothing in the repository points outside it at the shared folder', () => {
    const files = ['README.md', 'SKILL.md', ...filesUnder('docs'), ...filesUnder('src'), ...filesUnder('test').filter((f) => !f.includes('fixtures'))];
    const pointing = files.filter((file) => /\.\.\/shared\b|shared\/spec\/|research\/[\w-]+\.md/.test(read(file)));
    expect(pointing).toEqual([]);
  });
});
