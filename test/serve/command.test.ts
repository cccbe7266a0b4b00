import { describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { AppError } from '../../src/failures/errors.js';
import { parseServeOptions } from '../../src/serve/options.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { TOKEN } from './helpers.js';

/** `serve` refuses to start, exit 2 with a code, before it listens. */
describe('serve: refusals at start', () => {
  test.each([
    ['no token', {} as { LLM_LOADTEST_SERVE_TOKEN?: string }, [] as string[], 'SERVE_TOKEN_MISSING', 'LLM_LOADTEST_SERVE_TOKEN is not set'],
    ['an empty token', { LLM_LOADTEST_SERVE_TOKEN: '  ' }, [], 'SERVE_TOKEN_MISSING', 'is not set'],
    ['a short token', { LLM_LOADTEST_SERVE_TOKEN: 'short' }, [], 'SERVE_TOKEN_MISSING', 'shorter than 16'],
    ['a remote host without --allow-remote', { LLM_LOADTEST_SERVE_TOKEN: TOKEN }, ['--host', '0.0.0.0'], 'SERVE_BIND_REFUSED', '--allow-remote'],
    ['a bad port', { LLM_LOADTEST_SERVE_TOKEN: TOKEN }, ['--port', '70000'], 'OPTION_INVALID', '--port "70000"'],
    ['a bad --max-runs', { LLM_LOADTEST_SERVE_TOKEN: TOKEN }, ['--max-runs', '0'], 'OPTION_INVALID', '--max-runs "0"'],
    ['a bad --allow-target', { LLM_LOADTEST_SERVE_TOKEN: TOKEN }, ['--allow-target', 'http://x/'], 'OPTION_INVALID', '--allow-target "http://x/"'],
  ])('%s', async (_what, env, args, code, text) => {
    const io = createFakeIo({ env });
    const exit = await runCli(['serve', '--port', '0', ...args], io);
    expect(exit).toBe(2);
    expect(io.err()).toContain(text);
    expect(io.out()).toBe('');
    const raw = { host: '127.0.0.1', port: '0', maxRuns: '1', runsDir: 'runs', ...flagsOf(args) };
    let thrown: unknown;
    try {
      parseServeOptions(raw, env.LLM_LOADTEST_SERVE_TOKEN, '/tmp');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe(code);
  });
});

function flagsOf(args: string[]): Record<string, string | string[]> {
  const [flag, value = ''] = args;
  if (flag === '--host') return { host: value };
  if (flag === '--port') return { port: value };
  if (flag === '--max-runs') return { maxRuns: value };
  if (flag === '--allow-target') return { allowTarget: [value] };
  return {};
}
