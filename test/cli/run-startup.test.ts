import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `--help` and `--version` stay fast because the start-up path imports nothing heavy: command files load
 * their modules inside the action. This walks the static (non-type, non-dynamic) imports from main.ts and
 * lists the packages they reach.
 */
const SRC = resolve(import.meta.dirname, '../../src');
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function collectStartupPackages(entry: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>();
  const files = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(STATIC_IMPORT)) {
      const spec = match[1] ?? '';
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
    }
  };
  visit(entry);
  return { packages, files };
}

describe('start-up imports', () => {
  it('main.ts reaches only commander and chalk before a command runs', () => {
    const { packages, files } = collectStartupPackages(join(SRC, 'cli/main.ts'));
    expect(files.has(join(SRC, 'cli/commands/run.ts'))).toBe(true);
    expect([...packages].sort()).toEqual(['chalk', 'commander']);
  });
});
