import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { adapters } from '../src/protocol/registry.js';

/**
 * docs/architecture.md's layering, checked on every source file: an import goes down the tiers or stays
 * in its own folder, never up and never sideways into a sibling of the same tier.
 */
const TIERS: Record<string, number> = {
  'index.ts': 7,
  cli: 6,
  // The HTTP service drives the run layer as the CLI does, and the CLI starts it.
  serve: 5.5,
  run: 5,
  input: 4,
  precheck: 4,
  engine: 4,
  platform: 4,
  report: 4,
  mock: 4,
  'server-metrics': 4,
  protocol: 3,
  metrics: 3,
  model: 2,
  failures: 1,
  text: 1,
  'version.ts': 0,
  'random.ts': 0,
};

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** The top folder (or root file) of a path inside src/. */
function unitOf(file: string): string {
  return (path.relative(SRC, file).split(path.sep)[0] ?? '').replace(/\.js$/, '.ts');
}

function relativeImports(text: string): string[] {
  const specs: string[] = [];
  for (const match of text.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)'/g)) specs.push(match[1] ?? '');
  return specs;
}

const files = sourceFiles(SRC);

describe('architecture', () => {
  it('knows the tier of every folder and root file in src/', () => {
    const units = [...new Set(files.map(unitOf))].sort();
    expect(units.filter((unit) => TIERS[unit] === undefined)).toEqual([]);
  });

  it('no import runs up a tier or sideways into a sibling folder', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = unitOf(file);
      for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
        const to = unitOf(path.resolve(path.dirname(file), spec));
        if (to === from) continue;
        if ((TIERS[to] ?? 99) >= (TIERS[from] ?? -1)) wrong.push(`${path.relative(SRC, file)} -> ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('below cli/ nothing imports commander or chalk, or touches argv, the environment or the terminal', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const unit = unitOf(file);
      if (unit === 'cli') continue;
      const text = readFileSync(file, 'utf8');
      for (const pattern of [/from '(commander|chalk)'/, /process\.(argv|env|stdout|stderr|stdin|exit)\b/]) {
        const match = pattern.exec(text);
        if (match !== null) wrong.push(`${path.relative(SRC, file)}: ${match[0]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no API id literal outside the protocol layer', () => {
    const ids = adapters.map((adapter) => adapter.apiType);
    const wrong: string[] = [];
    for (const file of files) {
      if (unitOf(file) === 'protocol') continue;
      const text = readFileSync(file, 'utf8');
      for (const id of ids) if (text.includes(`'${id}'`)) wrong.push(`${path.relative(SRC, file)}: '${id}'`);
    }
    expect(wrong).toEqual([]);
  });

  it('no command file in src/cli/commands/ is over 80 lines', () => {
    const long = files
      .filter((file) => path.relative(SRC, file).startsWith(`cli${path.sep}commands${path.sep}`))
      .map((file) => ({ file: path.relative(SRC, file), lines: readFileSync(file, 'utf8').trimEnd().split('\n').length }))
      .filter(({ lines }) => lines > 80);
    expect(long).toEqual([]);
  });
});
