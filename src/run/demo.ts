import { existsSync } from 'node:fs';
import type { OutputOptions, RunPlan, TargetSpec } from '../model/plan.js';
import { runLocal, type LocalRun, type LocalRunEvent, type LocalRunResult, type RunLocalOptions } from './local.js';

/** Realistic timing for the demo's mock: a hosted model's first token and decode speed. */
const DEMO_TTFT_MS = 150;
const DEMO_ITL_MS = 20;
const DEMO_JITTER_MS = 5;
const DEMO_OUTPUT_TOKENS = 128;
const DEMO_MODEL = 'mock-model';
const DEMO_SLO = 'ttft_p95<=1000,e2e_p99<=10000';

/** The demo's first word: the mock it started and the load it is about to run. */
export interface DemoStartedEvent {
  type: 'demo';
  mockUrl: string;
  ttftMs: number;
  itlMs: number;
  outputTokens: number;
  users: number;
  durationS: number;
  /** The built-in prompt set when the package has it, else one fixed prompt. */
  prompts: 'built-in' | 'fixed';
}

export type DemoRunEvent = DemoStartedEvent | LocalRunEvent;

export interface RunDemoOptions extends Omit<RunLocalOptions, 'plan' | 'onEvent'> {
  durationS: number;
  users: number;
  output: OutputOptions;
  onEvent?: (event: DemoRunEvent) => void;
}

/**
 * The demo: the bundled mock LLM server on a free loopback port with realistic timing, and a short local
 * run against it through the real flow (pre-check, engine, files). The mock is closed at the end.
 */
export function runDemo(options: RunDemoOptions): LocalRun {
  let run: LocalRun | null = null;
  let stopRequested: string | null | undefined;
  const done = (async (): Promise<LocalRunResult> => {
    const [{ startMockServer }, { DEFAULT_PROMPTS_PATH }] = await Promise.all([import('../mock/server.js'), import('../engine/prompts.js')]);
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
      const plan = await buildDemoPlan(mock.url, options, hasPrompts);
      const { durationS, users } = options;
      const emit = options.onEvent ?? (() => undefined);
      emit({ type: 'demo', mockUrl: mock.url, ttftMs: DEMO_TTFT_MS, itlMs: DEMO_ITL_MS, outputTokens: DEMO_OUTPUT_TOKENS, users, durationS, prompts: hasPrompts ? 'built-in' : 'fixed' });
      run = runLocal({ ...options, plan, onEvent: emit });
      if (stopRequested !== undefined) run.stop('interrupted', stopRequested ?? undefined);
      return await run.done;
    } finally {
      await mock.close();
    }
  })();
  return {
    done,
    stop: (reason, detail) => {
      stopRequested = detail ?? null;
      run?.stop(reason, detail);
    },
  };
}

async function buildDemoPlan(mockUrl: string, options: RunDemoOptions, hasPrompts: boolean): Promise<RunPlan> {
  const [{ getAdapter, DEFAULT_API_TYPE }, { defaultLoadOptions }, { parseSlo }] = await Promise.all([
    import('../protocol/registry.js'),
    import('../input/options.js'),
    import('../metrics/slo.js'),
  ]);
  const adapter = getAdapter(DEFAULT_API_TYPE);
  const normalized = adapter.normalizeRequest(adapter.minimalBody(DEMO_MODEL), { model: DEMO_MODEL, stream: true, headers: {} });
  const target: TargetSpec = {
    apiType: DEFAULT_API_TYPE,
    url: `${mockUrl}/v1/chat/completions`,
    targetHost: `${mockUrl}/v1`,
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
  return {
    mode: 'local',
    modeReason: 'demo: the bundled mock LLM server',
    platformBaseUrl: null,
    target,
    load: {
      ...defaultLoadOptions('local', 'demo'),
      concurrentUsers: options.users,
      spawnRate: Math.max(options.users, 1),
      durationS: options.durationS,
      testData: hasPrompts ? 'default' : '',
      slo: parseSlo(DEMO_SLO),
    },
    output: options.output,
    skipPrecheck: false,
    precheckTimeoutMs: target.timeoutMs,
    warmupIsDefault: true,
    wait: false,
    // The mock's own /metrics (vLLM's names): the demo shows the server's side beside ours too.
    serverMetrics: { urls: [`${mockUrl}/metrics`], intervalS: 1 },
  };
}
