import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { inputError } from '../../failures/errors.js';
import type { RunPlan, TargetSpec } from '../../model/plan.js';
import type { CliContext } from '../io.js';
import { createStyle } from '../io.js';

/** Realistic timing for the demo's mock: a hosted model's first token and decode speed. */
const DEMO_TTFT_MS = 150;
const DEMO_ITL_MS = 20;
const DEMO_JITTER_MS = 5;
const DEMO_OUTPUT_TOKENS = 128;
const DEMO_MODEL = 'mock-model';

interface DemoFlags {
  duration: string;
  users: string;
  json?: boolean;
  out?: string;
  progress: boolean;
  quiet?: boolean;
  color: boolean;
}

/**
 * `llm-loadtest demo` (what `npm start` runs): the bundled mock LLM server on a free loopback port with
 * realistic timing, a short local load test against it through the real flow (pre-check, engine,
 * files, report), then the report and where the files are.
 */
export function createDemoCommand(ctx: CliContext): Command {
  return new Command('demo')
    .description('Start the bundled mock LLM server and run a short local load test against it (what `npm start` runs)')
    .option('--duration <s>', 'seconds of load', '15')
    .option('--users <n>', 'concurrent users', '20')
    .option('--json', 'print summary.json on stdout (the report goes to stderr)')
    .option('--out <dir>', 'folder for the run files (default ./llm-loadtest-runs/demo-<UTC stamp>)')
    .option('--no-progress', 'no live progress line')
    .option('--quiet', 'no progress and no pre-check report')
    .option('--no-color', 'no colours')
    .action(async (flags: DemoFlags) => {
      ctx.json = flags.json === true;
      const durationS = parsePositive(flags.duration, '--duration', 3600);
      const users = parsePositive(flags.users, '--users', 1000);
      const [{ startMockServer }, { getAdapter, DEFAULT_API_TYPE }, { runLocal }, { DEFAULT_PROMPTS_PATH }, { defaultLoadOptions, parseSlo }] =
        await Promise.all([
          import('../../mock/server.js'),
          import('../../protocol/registry.js'),
          import('./run-local.js'),
          import('../../engine/prompts.js'),
          import('../../input/options.js'),
        ]);
      // The built-in prompt set when the package has it, else the minimal body every time.
      const hasPrompts = existsSync(DEFAULT_PROMPTS_PATH);
      const mock = await startMockServer({
        port: 0,
        ttftMs: DEMO_TTFT_MS,
        itlMs: DEMO_ITL_MS,
        jitterMs: DEMO_JITTER_MS,
        outputTokens: DEMO_OUTPUT_TOKENS,
        models: [DEMO_MODEL],
      });
      try {
        const adapter = getAdapter(DEFAULT_API_TYPE);
        const normalized = adapter.normalizeRequest(adapter.minimalBody(DEMO_MODEL), {
          model: DEMO_MODEL,
          stream: true,
          headers: {},
        });
        const target: TargetSpec = {
          apiType: DEFAULT_API_TYPE,
          url: `${mock.url}/v1/chat/completions`,
          targetHost: `${mock.url}/v1`,
          apiPath: '/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json', ...normalized.headers },
          cookies: {},
          model: DEMO_MODEL,
          stream: true,
          body: normalized.body,
          insecure: false,
          timeoutMs: 60_000,
          idleTimeoutMs: 30_000,
          connectTimeoutMs: 10_000,
          notes: normalized.notes,
          warnings: [],
        };
        const plan: RunPlan = {
          mode: 'local',
          modeReason: 'demo: the bundled mock LLM server',
          platformBaseUrl: null,
          target,
          load: {
            ...defaultLoadOptions('local', 'demo'),
            concurrentUsers: users,
            spawnRate: Math.max(users, 1),
            durationS,
            testData: hasPrompts ? 'default' : '',
            slo: parseSlo('ttft_p95<=1000,e2e_p99<=10000'),
          },
          output: {
            json: ctx.json,
            quiet: flags.quiet === true,
            progress: flags.progress,
            color: flags.color,
            outDir: flags.out ?? null,
          },
          skipPrecheck: false,
          wait: false,
        };
        const style = createStyle(ctx.io.stderr, ctx.io.env, !flags.color);
        ctx.io.stderr.write(
          `${style.bold('Demo:')} bundled mock LLM server at ${mock.url} (TTFT ${DEMO_TTFT_MS} ms, ${DEMO_ITL_MS} ms per token, ` +
            `${DEMO_OUTPUT_TOKENS} tokens per answer); ${users} users for ${durationS} s, ${hasPrompts ? 'prompts from the built-in set' : 'one fixed prompt'}\n`,
        );
        await runLocal(ctx, plan);
      } finally {
        await mock.close();
      }
    });
}

function parsePositive(text: string, flag: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw inputError('OPTION_INVALID', `${flag} ${text}: expected a whole number from 1 to ${max}`, `e.g. ${flag} 10`);
  }
  return value;
}
