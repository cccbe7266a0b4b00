import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliContext } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run-cli.js';
import type { RunPlan } from '../../src/model/plan.js';
import { createFakeIo } from '../helpers/fake-io.js';

const calls: Array<{ mode: string; plan: RunPlan; json: boolean }> = [];

vi.mock('../../src/cli/commands/run-local.js', () => ({
  runLocal: async (ctx: CliContext, plan: RunPlan) => {
    calls.push({ mode: 'local', plan, json: ctx.json });
  },
}));
vi.mock('../../src/cli/commands/run-platform.js', () => ({
  runPlatform: async (ctx: CliContext, plan: RunPlan) => {
    calls.push({ mode: 'platform', plan, json: ctx.json });
  },
}));

const URL = 'http://127.0.0.1:9/v1/chat/completions';

describe('run: hands the plan to the mode', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('local: prints the mode line, notes and warnings on stderr, then calls runLocal with the plan', async () => {
    const io = createFakeIo();
    const code = await runCli(['--url', URL, '--model', 'm', '-H', 'Authorization: Bearer sk-local-0123456789', '--wait', '--json', '--max-requests', '3'], io);
    expect(code).toBe(0);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.mode).toBe('local');
    expect(call?.json).toBe(true);
    expect(call?.plan.target.headers['Authorization']).toBe('Bearer sk-local-0123456789');
    expect(call?.plan.load.maxRequests).toBe(3);
    expect(call?.plan.output).toEqual({ json: true, quiet: false, progress: true, color: true, outDir: null });
    expect(io.err().split('\n')).toEqual([
      'LMETERX_BASE_URL is not set: running locally',
      'note: no body given: using a minimal openai-chat body (one short user message)',
      'note: added stream: true',
      'note: added stream_options.include_usage: true so the server reports token usage',
      'note: added header Content-Type: application/json',
      "note: every request sends the same body: a server's prefix cache can answer all but the first from cache, which flatters TTFT; --input-tokens or --preset send sized prompts with a unique prefix each",
      '',
    ]);
    expect(io.out()).toBe('');
  });

  it('--quiet: nothing but errors and the result (no mode line, notes or warnings)', async () => {
    const io = createFakeIo();
    await runCli(['--url', URL, '--model', 'm', '--api', 'anthropic-messages', '--quiet'], io);
    expect(calls).toHaveLength(1);
    expect(io.err()).toBe('');
  });

  it('platform: calls runPlatform with the base URL and --wait', async () => {
    const io = createFakeIo();
    const code = await runCli(['--url', URL, '--model', 'm', '--platform', 'http://127.0.0.1:5001/', '--wait', '--skip-precheck'], io);
    expect(code).toBe(0);
    expect(calls.map((c) => [c.mode, c.plan.platformBaseUrl, c.plan.wait, c.plan.skipPrecheck, c.plan.load.warmupS])).toEqual([
      ['platform', 'http://127.0.0.1:5001', true, true, 120],
    ]);
  });
});
