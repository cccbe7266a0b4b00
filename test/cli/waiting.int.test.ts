import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHangServer, type TestServer } from '../helpers/servers.js';
import { CLI, startCli } from '../helpers/cli-process.js';

/**
 * No silent waits: a target that accepts and never answers makes the pre-check say, on stderr and as it
 * waits, what it waits for, how long so far and the limit. A real process (stderr read as it comes), the
 * built CLI (`npm test` builds before vitest).
 */
let hang: TestServer;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  hang = await startHangServer();
});
afterAll(async () => {
  await hang.close();
});

/** Start the CLI and resolve with stderr once `lines` waiting lines came (or fail after `withinMs`, saying so). */
function waitForWaitingLines(argv: string[], lines: number, withinMs: number): Promise<{ stderr: string; waiting: string[] }> {
  const child = spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LMETERX_BASE_URL: '' } });
  child.stdout.resume();
  return new Promise((done, fail) => {
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`no ${lines} waiting lines on stderr within ${withinMs} ms; stderr so far:\n${stderr}`));
    }, withinMs);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const waiting = stderr.split('\n').filter((line) => line.startsWith('waiting for'));
      if (waiting.length < lines) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      done({ stderr, waiting });
    });
  });
}

describe('the pre-check says it waits', () => {
  test('a hanging target: a waiting line after 1 s (by the CLI\'s own clock), then every 5 s, naming the target and the limit', async () => {
    const url = `${hang.url}/v1/chat/completions`;
    // Generous for a busy machine: the assertion is on the seconds the CLI itself says, not on our clock.
    const { stderr, waiting } = await waitForWaitingLines(['--url', url, '--model', 'm', '--no-progress'], 2, 25_000);
    expect(stderr.split('\n')[0]).toBe('LMETERX_BASE_URL is not set: running locally');
    const [first, second] = waiting;
    const match = /^waiting for the pre-check's answer from (\S+): (\d+) s so far \(limit 120 s\)$/.exec(first ?? '');
    expect(match, first).not.toBeNull();
    expect(match?.[1]).toBe(url);
    // The first line comes within 2 s of the request going out.
    expect(Number(match?.[2])).toBeLessThanOrEqual(2);
    const secondS = Number(/: (\d+) s so far/.exec(second ?? '')?.[1]);
    expect(secondS - Number(match?.[2])).toBeGreaterThanOrEqual(4);
    expect(secondS - Number(match?.[2])).toBeLessThanOrEqual(7);
  }, 40_000);

  test('--timeout sets the pre-check\'s limit too', async () => {
    const { waiting } = await waitForWaitingLines(['--url', `${hang.url}/v1/chat/completions`, '--model', 'm', '--timeout', '45'], 1, 25_000);
    expect(waiting[0]).toMatch(/ s so far \(limit 45 s\)$/);
  }, 40_000);

  test('--quiet: no waiting lines (nothing but errors and the result)', async () => {
    const { code, stderr } = await startCli(['--url', `${hang.url}/v1/chat/completions`, '--model', 'm', '--quiet', '--timeout', '3']).exit;
    expect(code).toBe(3);
    expect(stderr.split('\n').filter((line) => line !== '')).toEqual([
      'Error: pre-check failed (timeout): no complete answer within 3000 ms (--timeout)',
      `Hint: the target did not answer in time: the target may be overloaded; raise --timeout if it is just slow`,
    ]);
  }, 40_000);
});
