import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { RequestRecord } from '../../src/model/summary.js';
import { createFakeIo } from '../helpers/fake-io.js';
import {
  startControlCharServer,
  startHugeHeaderServer,
  startRedirectServer,
  TERMINAL_ATTACK,
  type HostileServer,
} from '../helpers/hostile-servers.js';
import { SMALL_RUN_DIR } from '../report/fixtures.js';

/** No byte of a server's escape sequences may reach the terminal: ESC, BEL, NUL, BS, the bidi override. */
function expectNoEscapes(text: string): void {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202e]/);
}

const servers: HostileServer[] = [];
async function keep(server: Promise<HostileServer>): Promise<HostileServer> {
  const started = await server;
  servers.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

const run = (server: HostileServer, extra: string[]): string[] => [
  'run', '--local', '--url', `${server.url}/v1/chat/completions`, '--model', 'm', '--no-progress', ...extra,
];

describe('control characters from a server are shown escaped, never sent to the terminal', () => {
  let errorServer: HostileServer;
  let streamServer: HostileServer;
  beforeAll(async () => {
    errorServer = await keep(startControlCharServer('error'));
    streamServer = await keep(startControlCharServer('stream'));
  });

  test('the pre-check failure', async () => {
    const io = createFakeIo();
    expect(await runCli(run(errorServer, []), io)).toBe(3);
    expectNoEscapes(io.err());
    expect(io.err()).toContain('boom \\x1b]0;pwned\\x07');
  });

  test('the engine error samples in the console report', async () => {
    const io = createFakeIo();
    const out = join(mkdtempSync(join(tmpdir(), 'esc-')), 'run');
    expect(await runCli(run(errorServer, ['--skip-precheck', '--concurrent-users', '1', '--max-requests', '3', '--duration', '20', '--out', out]), io)).toBe(5);
    expectNoEscapes(io.out());
    expectNoEscapes(io.err());
    expect(io.out()).toContain('\\x1b[2J');
  });

  test('the model and the answer of the capability report', async () => {
    const io = createFakeIo();
    const out = join(mkdtempSync(join(tmpdir(), 'esc-')), 'run');
    expect(await runCli(run(streamServer, ['--concurrent-users', '1', '--max-requests', '2', '--duration', '20', '--out', out]), io)).toBe(0);
    expectNoEscapes(io.err());
    expectNoEscapes(io.out());
    expect(io.err()).toContain('m\\x1b]0;pwned');
  });

  test('the report console of a crafted run file', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'esc-')), 'run');
    cpSync(SMALL_RUN_DIR, dir, { recursive: true });
    const lines = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n');
    const crafted = lines.map((line) => {
      const record = JSON.parse(line) as RequestRecord;
      return JSON.stringify(record.ok ? record : { ...record, error: `bad ${TERMINAL_ATTACK}` });
    });
    writeFileSync(join(dir, 'results.jsonl'), `${crafted.join('\n')}\n`);
    const io = createFakeIo();
    expect(await runCli(['report', dir], io)).toBe(0);
    expectNoEscapes(io.out());
    expectNoEscapes(io.err());
  });
});

describe('odd answers get a category and a message that say what to do', () => {
  test('100 KB of response headers: invalid_response naming the headers, no "rerun with debug"', async () => {
    const server = await keep(startHugeHeaderServer(100 * 1024));
    const io = createFakeIo();
    expect(await runCli([...run(server, []), '--json'], io)).toBe(3);
    const failure = JSON.parse(io.out().trim().split('\n').at(-1) ?? '{}') as { category?: string; message?: string; hint?: string };
    expect(failure.category).toBe('invalid_response');
    expect(failure.message).toContain('response headers are larger');
    expect(failure.hint ?? '').not.toContain('debug');
  });

  test.each([301, 307])('a %i redirect says where to and to point --url there (pre-check and engine)', async (status) => {
    const server = await keep(startRedirectServer(status, 'https://elsewhere.example/v1/chat/completions'));
    const io = createFakeIo();
    expect(await runCli(run(server, []), io)).toBe(3);
    expect(io.err()).toContain('the target redirects to https://elsewhere.example/v1/chat/completions; point --url there');
    const out = join(mkdtempSync(join(tmpdir(), 'redir-')), 'run');
    expect(await runCli(run(server, ['--skip-precheck', '--max-requests', '2', '--concurrent-users', '1', '--duration', '20', '--out', out]), createFakeIo())).toBe(5);
    const record = JSON.parse(readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n')[0] ?? '{}') as RequestRecord;
    expect(record.status).toBe(status);
    expect(record.error).toContain('redirects to https://elsewhere.example/v1/chat/completions; point --url there');
  });
});
