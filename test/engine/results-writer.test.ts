import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
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

describe('ResultsWriter on a full disk', () => {
  test('a write cut short is truncated back to the last complete line; later lines are dropped; the failure is said once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'full-'));
    let room = 30;
    const failures: Error[] = [];
    // Writes what fits in `room` bytes, then fails like a full disk.
    const write = (fd: number, buffer: Buffer, offset: number, length: number): number => {
      if (room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = Math.min(room, length);
      room -= n;
      return writeSync(fd, buffer, offset, n);
    };
    const writer = new ResultsWriter(dir, { write, onFailure: (error) => failures.push(error) });
    writer.writeLine('{"n":1}');
    writer.flush();
    writer.writeLine('{"n":2}');
    writer.writeLine('{"n":3,"pad":"xxxxxxxxxxxxxxxxxxxx"}');
    writer.flush();
    writer.writeLine('{"n":4}');
    writer.flush();
    writer.close();
    expect(readFileSync(join(dir, 'results.jsonl'), 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: 'OUT_WRITE_FAILED', exitCode: 2 });
    expect(failures[0]?.message).toContain('the disk is full (ENOSPC)');
  });

  test('results.jsonl is never opened through a symbolic link', () => {
    const dir = mkdtempSync(join(tmpdir(), 'link-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, join(dir, 'results.jsonl'));
    expect(() => new ResultsWriter(dir)).toThrow(expect.objectContaining({ code: 'OUT_DIR_UNWRITABLE', exitCode: 2 }) as Error);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
  });
});

describe('--out that is not a folder, or holds links', () => {
  test.each([
    ['an existing file', (dir: string) => {
      writeFileSync(join(dir, 'file'), 'x');
      return join(dir, 'file');
    }],
    ['a symbolic link to a file', (dir: string) => {
      writeFileSync(join(dir, 'file'), 'x');
      symlinkSync(join(dir, 'file'), join(dir, 'link'));
      return join(dir, 'link');
    }],
    ['/dev/null', () => '/dev/null'],
    ['a path under a file', (dir: string) => {
      writeFileSync(join(dir, 'file'), 'x');
      return join(dir, 'file', 'sub');
    }],
    ['a folder with report.html linked to another file', (dir: string) => {
      writeFileSync(join(dir, 'victim'), 'x');
      mkdirSync(join(dir, 'out'));
      symlinkSync(join(dir, 'victim'), join(dir, 'out', 'report.html'));
      return join(dir, 'out');
    }],
  ])('%s: refused with exit 2, naming --out', (_label, make) => {
    const out = make(mkdtempSync(join(tmpdir(), 'out-')));
    expect(() => resolveRunDir({ outDir: out, name: 'x', cwd: '/' })).toThrow(
      expect.objectContaining({ code: 'OUT_DIR_UNWRITABLE', exitCode: 2, message: expect.stringContaining(`--out ${out}`) as string }) as Error,
    );
  });
});
