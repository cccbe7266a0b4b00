import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ResultsWriter, createRunDir, defaultRunDirName, resolveRunDir } from '../../src/engine/results-writer.js';

describe('run folder', () => {
  test('default name: sanitised task name and a UTC stamp', () => {
    expect(defaultRunDirName('api.example.com/v1/chat completions', new Date('2026-01-02T03:04:05.678Z'))).toBe(
      'api.example.com-v1-chat-completions-20260102T030405Z',
    );
  });
  test('default folder is under ./llm-loadtest-runs of the working directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'runs-'));
    const dir = resolveRunDir({ outDir: null, name: 'x', cwd, now: new Date('2026-01-02T03:04:05Z') });
    expect(dir).toBe(join(cwd, 'llm-loadtest-runs', 'x-20260102T030405Z'));
  });
  test('a folder that holds a run is refused with exit 2; an empty one is fine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'out-'));
    expect(resolveRunDir({ outDir: dir, name: 'x', cwd: '/' })).toBe(dir);
    writeFileSync(join(dir, 'summary.json'), '{}');
    expect(() => resolveRunDir({ outDir: dir, name: 'x', cwd: '/' })).toThrow(
      expect.objectContaining({ code: 'OUT_DIR_HAS_RUN', exitCode: 2 }) as Error,
    );
  });
});

describe('ResultsWriter', () => {
  test('appends lines in order; flush and close leave every line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'res-'));
    createRunDir(join(dir, 'a', 'b'));
    const writer = new ResultsWriter(join(dir, 'a', 'b'));
    writer.writeLine('{"n":1}');
    writer.writeBlock('{"n":2}\n{"n":3}\n');
    writer.setImmediate(true);
    writer.writeLine('{"n":4}');
    expect(readFileSync(writer.path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n{"n":4}\n');
    writer.writeLine('{"n":5}');
    writer.close();
    expect(readFileSync(writer.path, 'utf8').trim().split('\n')).toHaveLength(5);
  });
});
