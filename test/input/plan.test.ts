import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderDryRunJson, renderDryRunText } from '../../src/input/dry-run.js';
import { buildRunPlan, resolveMode } from '../../src/input/plan.js';
import type { RawRunOptions } from '../../src/input/options.js';

const context = { env: {}, cwd: process.cwd(), readStdin: async () => '' };
const URL = 'https://r.openai.azure.com/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21';

describe('resolveMode', () => {
  it.each<[Pick<RawRunOptions, 'local' | 'platform'>, Record<string, string>, string, string, string | null]>([
    [{}, {}, 'local', 'LMETERX_BASE_URL is not set: running locally', null],
    [{}, { LMETERX_BASE_URL: '  ' }, 'local', 'LMETERX_BASE_URL is not set: running locally', null],
    [{}, { LMETERX_BASE_URL: 'lmeterx.internal:5001/' }, 'platform', 'LMETERX_BASE_URL is set: running on the LMeterX platform at http://lmeterx.internal:5001', 'http://lmeterx.internal:5001'],
    [{ platform: 'https://lm.example/' }, {}, 'platform', '--platform given: running on the LMeterX platform at https://lm.example', 'https://lm.example'],
    [{ local: true }, {}, 'local', '--local given: running locally', null],
    [{ local: true }, { LMETERX_BASE_URL: 'http://x' }, 'local', '--local given: running locally (LMETERX_BASE_URL is ignored)', null],
  ])('%o with %o → %s', (options, env, mode, reason, base) => {
    expect(resolveMode(options, env)).toEqual({ mode, reason, platformBaseUrl: base });
  });
});

describe('buildRunPlan and the dry-run renderers', () => {
  it('Azure on the platform, stepped: the deployment stands in for the model, the key and the query are masked', async () => {
    const plan = await buildRunPlan(
      {
        url: URL,
        header: ['api-key: 0123456789abcdef0123456789abcdef'],
        body: '{"messages":[{"role":"user","content":"hi"}],"stream":false}',
        platform: 'http://127.0.0.1:5001',
        loadMode: 'stepped',
        stepStartUsers: '10',
        stepIncrement: '10',
        stepDuration: '1m',
        stepMaxUsers: '40',
        stepSustain: '2m',
        slo: 'ttft_p95<=1500',
        wait: true,
        name: 'azure-prod',
      },
      context,
    );
    expect(plan.target.model).toBe('prod-4o');
    expect(plan.target.stream).toBe(false);
    expect(plan.load).toMatchObject({ concurrentUsers: 40, spawnRate: 10, durationS: 3 * 60 + 120, warmupS: 120, name: 'azure-prod' });
    const json = renderDryRunJson(plan);
    expect(json).toMatchObject({
      mode: 'platform',
      apiType: 'openai-chat',
      url: URL,
      targetHost: 'https://r.openai.azure.com/openai/deployments/prod-4o',
      apiPath: '/chat/completions?api-version=2024-10-21',
      headers: { 'api-key': '012…cdef', 'Content-Type': 'application/json' },
      model: 'prod-4o',
      stream: false,
      body: { messages: [{ role: 'user', content: 'hi' }], stream: false, model: 'prod-4o' },
    });
    expect(json['notes']).toContain('model "prod-4o" taken from the Azure deployment name in the path');
    const text = renderDryRunText(plan);
    expect(text).toContain('  mode        platform (http://127.0.0.1:5001)\n');
    expect(text).toContain('  model       prod-4o, not streaming\n');
    expect(text).toContain('  headers     api-key: 012…cdef\n              Content-Type: application/json\n');
    expect(text).toContain('  load        "azure-prod", stepped 10→40 users (+10 every 60 s, then 120 s at max), 300 s in all, warmup 120 s, the given body every time\n');
    expect(text).toContain('  pass if     success rate ≥ 0.9; SLO ttft_p95<=1500\n');
    expect(text).not.toContain('0123456789abcdef0123456789abcdef');
  });

  it('masks a key in the URL query everywhere it is printed', async () => {
    const plan = await buildRunPlan({ url: 'https://gw.example/v1/chat/completions?api_key=sk-gw-0123456789abcdef', model: 'm' }, context);
    const json = renderDryRunJson(plan);
    expect([json['url'], json['apiPath']]).toEqual(['https://gw.example/v1/chat/completions?api_key=sk-…cdef', '/chat/completions?api_key=sk-…cdef']);
    expect(plan.target.url).toBe('https://gw.example/v1/chat/completions?api_key=sk-gw-0123456789abcdef');
    expect(renderDryRunText(plan)).not.toContain('0123456789abcdef');
  });

  it('open loop options show in the plan text', async () => {
    const plan = await buildRunPlan({ url: 'http://127.0.0.1:8000/v1/chat/completions', model: 'm', rate: '20', arrival: 'constant', maxRequests: '500', workers: '2', testData: 'default', insecure: true }, context);
    const text = renderDryRunText(plan);
    expect(text).toContain('50 users, spawn 30/s, 300 s, open loop 20 req/s (constant), warmup 0 s, at most 500 requests, 2 workers, built-in prompts\n');
    expect(text).toContain('  timeouts    request 600 s, pre-check 120 s, idle gap 60 s, connect 10 s, TLS not verified (--insecure)\n');
    expect(text).toContain('  output      ./llm-loadtest-runs/<name>-<UTC stamp>\n');
  });
});

describe('options of the other mode are refused or said, not dropped', () => {
  it('--out in platform mode is refused with the reason', async () => {
    await expect(buildRunPlan({ url: 'http://127.0.0.1:8000/v1/chat/completions', model: 'm', out: 'runs/x', platform: 'http://127.0.0.1:5001' }, context)).rejects.toThrow(
      '--out works only in local mode, but this run is in platform mode: the platform keeps the results (see the report URL)',
    );
  });

  it("curl's -k and -m in platform mode are warnings (the flags themselves are refused)", async () => {
    const plan = await buildRunPlan({ curl: "curl -k -m 30 http://127.0.0.1:8000/v1/chat/completions -d '{\"model\":\"m\",\"messages\":[]}'", platform: 'http://127.0.0.1:5001' }, context);
    expect(plan.target.warnings).toEqual([
      "curl's -k/--insecure is not sent: the platform's engine does its own TLS checks",
      "curl's -m/--max-time is not sent: the platform's engine uses its own request timeouts",
    ]);
  });
});

describe("the pre-check's own limit", () => {
  it.each<[Record<string, string>, number]>([
    [{}, 120_000],
    [{ timeout: '45' }, 45_000],
    [{ timeout: '15m' }, 900_000],
  ])('%o → %d ms', async (extra, expected) => {
    const plan = await buildRunPlan({ url: 'http://127.0.0.1:8000/v1/chat/completions', model: 'm', ...extra }, context);
    expect(plan.precheckTimeoutMs).toBe(expected);
  });

  it("curl's -m sets it too", async () => {
    const plan = await buildRunPlan({ curl: "curl -m 300 http://127.0.0.1:8000/v1/chat/completions -d '{\"model\":\"m\",\"messages\":[]}'" }, context);
    expect(plan.precheckTimeoutMs).toBe(300_000);
  });
});

describe('resolveMode masks credentials in the base URL it prints', () => {
  it('keeps the real base for use', () => {
    const decision = resolveMode({ platform: 'http://admin:hunter2-secret@lm.example:5001' }, {});
    expect(decision.reason).toBe('--platform given: running on the LMeterX platform at http://***@lm.example:5001');
    expect(decision.platformBaseUrl).toBe('http://admin:hunter2-secret@lm.example:5001');
  });

  it('and so does the dry run, in JSON and text', async () => {
    const plan = await buildRunPlan({ url: 'http://127.0.0.1:8000/v1/chat/completions', model: 'm', platform: 'http://admin:hunter2-secret@lm.example:5001/?token=tok-0123456789abcdef' }, context);
    expect(renderDryRunJson(plan)['platformBaseUrl']).toBe('http://***@lm.example:5001/?token=tok…cdef');
    const text = renderDryRunText(plan);
    expect(text).toContain('  mode        platform (http://***@lm.example:5001/?token=tok…cdef)\n');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('0123456789');
  });
});

describe('--arrival beside a profile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arrival-profile-'));
  const profile = (stages: string): string => {
    const path = join(dir, `p-${stages.length}-${Math.random()}.yaml`);
    writeFileSync(path, `scenarios:\n  - {name: s, weight: 1, prompts: ["hi"]}\n${stages}`);
    return path;
  };
  const local = { local: true, url: 'http://127.0.0.1:9/v1/chat/completions', model: 'm' };

  it('rate stages are an open loop: --arrival constant is taken (docs/profiles.md), not refused for want of --rate', async () => {
    const plan = await buildRunPlan({ ...local, profile: profile('stages: ["@5:10s", "@20:10s"]\n'), arrival: 'constant' }, context);
    expect(plan.load).toMatchObject({ rate: 5, arrival: 'constant', stages: [{ rate: 5 }, { rate: 20 }] });
  });

  it.each([
    ['user stages', 'stages: ["2:10s"]\n'],
    ['no stages', ''],
  ])('%s: a closed loop, --arrival refused as without --rate (OPTION_INVALID, naming the profile\'s rate stages)', async (_what, stages) => {
    await expect(buildRunPlan({ ...local, profile: profile(stages), arrival: 'constant' }, context)).rejects.toMatchObject({
      code: 'OPTION_INVALID',
      message: '--arrival shapes the arrivals of an open loop, but no --rate was given',
      hint: expect.stringContaining('rate stages'),
    });
  });
});
