import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { Summary } from '../../src/model/summary.js';
import { writeReports } from '../../src/report/write-reports.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { SMALL_RUN_DIR, loadSmallRun } from '../report/fixtures.js';

/** Bad input and bad environment are exit 2 with a message naming the input: never "internal error", never a stack. */
async function run(args: string[], cwd?: string): Promise<{ code: number; err: string; out: string }> {
  const io = createFakeIo(cwd === undefined ? {} : { cwd });
  const code = await runCli(args, io);
  return { code, err: io.err(), out: io.out() };
}

function expectInputError(result: { code: number; err: string }, names: string): void {
  expect(result.code).toBe(2);
  expect(result.err).toContain(names);
  expect(result.err).not.toContain('internal error');
  expect(result.err).not.toMatch(/\n\s+at /);
}

const TARGET = ['--url', 'http://127.0.0.1:9/v1/chat/completions', '--model', 'm', '--local'];
const tmp = (): string => mkdtempSync(join(tmpdir(), 'hostile-in-'));

describe('headers HTTP cannot carry are refused at input, naming the header', () => {
  test.each([
    ['a control character', 'X-Test: a\u0001b', 'X-Test'],
    ['CR LF (a header injection)', 'X-Test: a\r\nX-Injected: 1', 'X-Test'],
    ['a lone LF', 'X-Test: a\nb', 'X-Test'],
    ['an escape sequence', 'X-Test: \u001b[31mred', 'X-Test'],
    ['a character past U+00FF', 'X-Test: 漢字', 'X-Test'],
    ['a control character in the name', 'X-T\u0001est: a', 'invalid header name'],
  ])('%s', async (_label, header, named) => {
    expectInputError(await run([...TARGET, '-H', header, '--dry-run']), named);
  });

  test('a cookie with a line break', async () => {
    expectInputError(await run([...TARGET, '--cookie', 'a=b\r\nX-Injected: 1', '--dry-run']), 'cookie');
  });

  test('in a curl command too', async () => {
    expectInputError(await run(['--local', '--curl', "curl http://127.0.0.1:9/v1/chat/completions -H $'X-Test: a\\x01b' -d '{\"model\":\"m\",\"messages\":[]}'", '--dry-run']), 'X-Test');
  });
});

describe('--out at something that is not a folder', () => {
  test.each([
    ['an existing file', (dir: string) => {
      writeFileSync(join(dir, 'f'), 'x');
      return join(dir, 'f');
    }],
    ['a symbolic link to a file', (dir: string) => {
      writeFileSync(join(dir, 'f'), 'x');
      symlinkSync(join(dir, 'f'), join(dir, 'l'));
      return join(dir, 'l');
    }],
    ['/dev/null', () => '/dev/null'],
  ])('%s: exit 2 naming --out, also in a dry run', async (_label, make) => {
    const out = make(tmp());
    expectInputError(await run([...TARGET, '--out', out, '--dry-run']), `--out ${out}`);
    expectInputError(await run([...TARGET, '--out', out, '--skip-precheck', '--duration', '1']), `--out ${out}`);
  });
});

describe('report files are never written through a link', () => {
  test('a report.html symlink is replaced, the file it pointed to is untouched', async () => {
    const dir = tmp();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, join(dir, 'report.html'));
    const { summary, records } = loadSmallRun();
    await writeReports(dir, summary, records);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<html');
  });
});

describe('a body nested 5,000 levels deep', () => {
  test('--body @file: exit 2, not a stack overflow', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'deep.json'), `{"model":"m","x":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expectInputError(await run(['--local', '--url', 'http://127.0.0.1:9/v1/chat/completions', '--body', '@deep.json', '--dry-run'], dir), 'nests 5001 levels');
  });
});

describe('--dry-run refuses the test data a real run refuses', () => {
  test.each([
    ['binary', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0xfe]), 'data.jsonl'],
    ['empty', Buffer.from(''), 'data.jsonl'],
    ['an empty array', Buffer.from('[]'), 'data.json'],
    ['numbers', Buffer.from('[1,2,3]'), 'data.json'],
    ['NUL bytes', Buffer.from('{"prompt":"a"}\n\u0000\u0000\n'), 'data.jsonl'],
  ])('%s', async (_label, bytes, file) => {
    const dir = tmp();
    writeFileSync(join(dir, file), bytes);
    const dry = await run([...TARGET, '--test-data', file, '--dry-run'], dir);
    const real = await run([...TARGET, '--test-data', file, '--skip-precheck', '--duration', '1'], dir);
    expectInputError(dry, '--test-data');
    expectInputError(real, '--test-data');
    expect(dry.err.split('\n')[0]).toBe(real.err.split('\n')[0]);
  });
});

describe('every numeric flag has an upper bound, checked in a dry run too', () => {
  test.each([
    '--concurrent-users', '--spawn-rate', '--duration', '--warmup', '--rate', '--max-requests', '--workers', '--timeout', '--idle-timeout',
  ])('%s 99999999999999999999', async (flag) => {
    expectInputError(await run([...TARGET, flag, '99999999999999999999', '--dry-run']), flag);
  });
  test.each([
    [['--rate', '1e8'], '--rate'],
    [['--workers', '1000'], '--workers'],
    [['--concurrent-users', '10000000'], '--concurrent-users'],
    [['--duration', '600h'], '--duration'],
    [['--timeout', '1e12'], '--timeout'],
    [['--concurrent-users', '1', '--workers', '2'], '--workers 2 is more than the 1 users'],
    [['--load-mode', 'stepped', '--step-start-users', '1', '--step-increment', '1', '--step-duration', '86400', '--step-max-users', '50', '--step-sustain', '10'], 'stepped load lasts'],
  ])('%j', async (args, named) => {
    expectInputError(await run([...TARGET, ...args, '--dry-run']), named);
  });
  test('curl -m past a day', async () => {
    expectInputError(await run(['--local', '--curl', "curl http://127.0.0.1:9/v1/chat/completions -m 99999999999 -d '{\"model\":\"m\",\"messages\":[]}'", '--dry-run']), '-m/--max-time');
  });
});

describe('help for a command that does not exist', () => {
  test('exit 2 naming it, not "(outputHelp)"', async () => {
    const result = await run(['help', 'bogus']);
    expectInputError(result, 'there is no command "bogus"');
    expect(result.err).not.toContain('outputHelp');
  });
});

describe('crafted run files', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmp();
  });
  afterAll(() => undefined);

  const record = (ts: string, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ ts, phase: 'measure', user: 0, seq: 1, ok: true, status: 200, errorCategory: null, error: null, ttftMs: 10, ttfoMs: 10, e2eMs: 20, itlMs: 1, chunks: 3, inputTokens: 1, outputTokens: 3, reasoningTokens: null, tokenSource: 'usage', queueMs: null, scenario: null, turn: null, ...extra });

  test.each([
    ['1970 and 9999', ['1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.000Z']],
    ['2000 and 2026', ['2000-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']],
  ])('timestamps %s: exit 2 (RECORDS_INVALID), quickly and in little memory', async (_label, stamps) => {
    const run1 = join(dir, `span-${stamps[0]?.slice(0, 4)}`);
    cpSync(SMALL_RUN_DIR, run1, { recursive: true });
    writeFileSync(join(run1, 'results.jsonl'), `${stamps.map((ts) => record(ts)).join('\n')}\n`);
    const before = process.memoryUsage().rss;
    expectInputError(await run(['report', run1]), 'longer than any run can last');
    expectInputError(await run(['compare', run1, run1]), 'longer than any run can last');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  test('a record with ttftMs 1e308 or a negative time is skipped as not a record, and said', async () => {
    const run1 = join(dir, 'huge-ttft');
    cpSync(SMALL_RUN_DIR, run1, { recursive: true });
    const good = record('2026-01-01T00:00:00.000Z');
    writeFileSync(join(run1, 'results.jsonl'), `${good}\n${record('2026-01-01T00:00:01.000Z', { ttftMs: 1e308 })}\n${record('2026-01-01T00:00:01.000Z', { e2eMs: -5 })}\n`);
    const result = await run(['report', run1]);
    expect(result.code).toBe(0);
    expect(result.err).toContain('Skipped 2 lines');
  });

  test.each([
    ['a 700% success rate', (s: Summary) => Object.assign(s.requests, { successRate: 7 })],
    ['a negative TTFT', (s: Summary) => Object.assign(s.latency.ttft, { p95: -3 })],
    ['more ok than requests', (s: Summary) => Object.assign(s.requests, { ok: s.requests.total + 5 })],
  ])('compare refuses a summary with %s', async (_label, spoil) => {
    const { summary } = loadSmallRun();
    const spoiled = structuredClone(summary);
    spoil(spoiled);
    const path = join(tmp(), 'summary.json');
    writeFileSync(path, JSON.stringify(spoiled));
    const result = await run(['compare', join(SMALL_RUN_DIR, 'summary.json'), path]);
    expectInputError(result, 'not an llm-loadtest summary');
  });
});
