import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { runCli } from '../../src/cli/run-cli.js';
import { createFakeIo } from '../helpers/fake-io.js';

/**
 * Every flag of `run` either works in the mode chosen or is refused with the reason: none is accepted
 * and then silently ignored. One row per flag and mode: the dry-run plan shows the flag's effect, or the
 * run is refused with the code and a message naming the flag. No network: --dry-run.
 */

const URL = 'https://api.example.test/v1/chat/completions';
const PLATFORM = 'http://platform.test';
type Plan = Record<string, unknown> & { load: Record<string, unknown>; timeouts: Record<string, unknown>; output: Record<string, unknown> };
type Mode = 'local' | 'platform';
type Expect = { applied: (plan: Plan, stderr: string) => void } | { refused: string };

interface Row {
  flag: string;
  argv: string[];
  /** The flags in platform mode when they differ (a flag alone, not beside another that is refused first). */
  platformArgv?: string[];
  /** Replaces --url <URL> --model m (for --curl). */
  target?: string[];
  local: Expect;
  platform: Expect;
}

const outDir = join(tmpdir(), `flags-by-mode-${process.pid}`, 'run');
const TARGETS_FILE = join(mkdtempSync(join(tmpdir(), 'flags-by-mode-targets-')), 'targets.yaml');
writeFileSync(TARGETS_FILE, `targets:\n  - {name: f1, url: "${URL}"}\n  - {name: f2, url: "${URL}"}\n`);
const TRACE_FILE = join(mkdtempSync(join(tmpdir(), 'flags-by-mode-trace-')), 'trace.jsonl');
writeFileSync(TRACE_FILE, '{"timestamp":0,"input_length":10,"output_length":5}\n{"timestamp":100,"input_length":12,"output_length":5}\n');
const PROFILE_FILE = join(mkdtempSync(join(tmpdir(), 'flags-by-mode-profile-')), 'profile.yaml');
writeFileSync(PROFILE_FILE, 'scenarios:\n  - {name: short, weight: 3, prompts: ["hi"]}\n  - {name: chat, weight: 1, prompts: ["hello"], turns: 2}\n');
const applied = (check: (plan: Plan, stderr: string) => void): Expect => ({ applied: check });
const refused = (code: string): Expect => ({ refused: code });
const both = (check: (plan: Plan, stderr: string) => void): Pick<Row, 'local' | 'platform'> => ({ local: applied(check), platform: applied(check) });

const ROWS: Row[] = [
  { flag: '--url', argv: [], ...both((p) => expect(p['url']).toBe(URL)) },
  { flag: '--curl', argv: [], target: ['--curl', `curl ${URL} -d '{"model":"from-curl","messages":[]}'`], ...both((p) => expect(p['model']).toBe('from-curl')) },
  { flag: '--local', argv: ['--local'], local: applied((p) => expect(p['mode']).toBe('local')), platform: refused('USAGE') },
  { flag: '--platform', argv: ['--platform', PLATFORM], ...both((p) => expect(p['mode']).toBe('platform')) },
  { flag: '--header', argv: ['-H', 'X-Team: blue'], ...both((p) => expect(p['headers']).toMatchObject({ 'X-Team': 'blue' })) },
  { flag: '--cookie', argv: ['--cookie', 'sid=abc'], ...both((p) => expect(p['cookies']).toEqual({ sid: '***' })) },
  { flag: '--body', argv: ['--body', '{"messages":[{"role":"user","content":"hey"}],"max_tokens":7}'], ...both((p) => expect(p['body']).toMatchObject({ max_tokens: 7 })) },
  { flag: '--model', argv: ['--model', 'other-model'], ...both((p) => expect(p['model']).toBe('other-model')) },
  { flag: '--stream', argv: ['--stream'], ...both((p) => expect(p['stream']).toBe(true)) },
  { flag: '--no-stream', argv: ['--no-stream'], ...both((p) => expect(p['stream']).toBe(false)) },
  { flag: '--concurrent-users', argv: ['--concurrent-users', '7'], ...both((p) => expect(p.load['concurrentUsers']).toBe(7)) },
  { flag: '--duration', argv: ['--duration', '90s'], ...both((p) => expect(p.load['durationS']).toBe(90)) },
  { flag: '--spawn-rate', argv: ['--spawn-rate', '3'], ...both((p) => expect(p.load['spawnRate']).toBe(3)) },
  { flag: '--name', argv: ['--name', 'smoke'], ...both((p) => expect(p.load['name']).toBe('smoke')) },
  { flag: '--test-data', argv: ['--test-data', 'default'], ...both((p) => expect(p.load['testData']).toBe('default')) },
  { flag: '--warmup', argv: ['--warmup', '30'], ...both((p) => expect(p.load['warmupS']).toBe(30)) },
  ...(['--load-mode', '--step-start-users', '--step-increment', '--step-duration', '--step-max-users', '--step-sustain'] as const).map(
    (flag): Row => ({
      flag,
      argv: ['--load-mode', 'stepped', '--step-start-users', '2', '--step-increment', '2', '--step-duration', '10', '--step-max-users', '6', '--step-sustain', '5'],
      ...both((p) => expect(p.load['step']).toEqual({ startUsers: 2, increment: 2, durationS: 10, maxUsers: 6, sustainS: 5 })),
    }),
  ),
  { flag: '--api', argv: ['--api', 'anthropic-messages'], ...both((p) => expect(p['apiType']).toBe('anthropic-messages')) },
  // Platform mode: scraped from this machine while --wait follows the task (without it: refused, below).
  {
    flag: '--server-metrics',
    argv: ['--server-metrics', 'http://127.0.0.1:8000/metrics', '--wait'],
    ...both((p) => expect(p['serverMetrics']).toEqual({ urls: ['http://127.0.0.1:8000/metrics'], intervalS: 5 })),
  },
  {
    flag: '--server-metrics-interval',
    argv: ['--server-metrics', 'http://127.0.0.1:8000/metrics', '--server-metrics-interval', '2', '--wait'],
    ...both((p) => expect(p['serverMetrics']).toEqual({ urls: ['http://127.0.0.1:8000/metrics'], intervalS: 2 })),
  },
  { flag: '--rate', argv: ['--rate', '4'], local: applied((p) => expect(p.load['rate']).toBe(4)), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--arrival', argv: ['--rate', '4', '--arrival', 'constant'], local: applied((p) => expect(p.load['arrival']).toBe('constant')), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--max-requests', argv: ['--max-requests', '9'], local: applied((p) => expect(p.load['maxRequests']).toBe(9)), platform: refused('OPTION_LOCAL_ONLY') },
  {
    flag: '--burst',
    argv: ['--burst', '40'],
    local: applied((p) => expect(p.load).toMatchObject({ burst: { users: 40, rounds: 1, pauseS: 0 }, concurrentUsers: 40, maxRequests: 40, warmupS: 0 })),
    platform: refused('OPTION_LOCAL_ONLY'),
  },
  {
    flag: '--rounds',
    argv: ['--burst', '40', '--rounds', '3'],
    local: applied((p) => expect(p.load['burst']).toEqual({ users: 40, rounds: 3, pauseS: 0 })),
    platform: refused('OPTION_LOCAL_ONLY'),
  },
  {
    flag: '--pause',
    argv: ['--burst', '40', '--rounds', '3', '--pause', '2m'],
    local: applied((p) => expect(p.load['burst']).toEqual({ users: 40, rounds: 3, pauseS: 120 })),
    platform: refused('OPTION_LOCAL_ONLY'),
  },
  { flag: '--workers', argv: ['--workers', '2'], local: applied((p) => expect(p.load['workers']).toBe(2)), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--timeout', argv: ['--timeout', '45'], local: applied((p) => expect(p.timeouts).toMatchObject({ requestMs: 45_000, precheckMs: 45_000 })), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--idle-timeout', argv: ['--idle-timeout', '15'], local: applied((p) => expect(p.timeouts['idleMs']).toBe(15_000)), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--insecure', argv: ['--insecure'], local: applied((p) => expect(p['insecure']).toBe(true)), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--out', argv: ['--out', outDir], local: applied((p) => expect(p['outDir']).toBe(outDir)), platform: refused('OPTION_LOCAL_ONLY') },
  ...targetRows(),
  {
    flag: '--record-header',
    argv: ['--record-header', 'X-Served-By'],
    local: applied((p) => expect(p['recordHeaders']).toEqual(expect.arrayContaining(['x-served-by', 'x-litellm-overhead-duration-ms']))),
    platform: refused('OPTION_LOCAL_ONLY'),
  },
  ...workloadRows(),
  { flag: '--json', argv: [], ...both((p) => expect(p['ok']).toBe(true)) },
  { flag: '--dry-run', argv: [], ...both((p) => expect(p['load']).toBeDefined()) },
  { flag: '--skip-precheck', argv: ['--skip-precheck'], ...both((p) => expect(p['skipPrecheck']).toBe(true)) },
  {
    flag: '--success-threshold',
    argv: ['--success-threshold', '0.5'],
    local: applied((p) => expect(p.load['successThreshold']).toBe(0.5)),
    // Checked on a followed task's figures only: without --wait nothing would check it.
    platform: refused('OPTION_INVALID'),
  },
  { flag: '--slo', argv: ['--slo', 'ttft_p95<=900'], local: applied((p) => expect(p.load['slo']).toHaveLength(1)), platform: refused('OPTION_INVALID') },
  // A local run always runs to its end: --wait asks for nothing more.
  { flag: '--wait', argv: ['--wait'], ...both((p) => expect(p['wait']).toBe(true)) },
  { flag: '--no-progress', argv: ['--no-progress'], ...both((p) => expect(p.output['progress']).toBe(false)) },
  {
    flag: '--quiet',
    argv: ['--quiet'],
    ...both((p, stderr) => {
      expect(p.output['quiet']).toBe(true);
      expect(stderr).toBe('');
    }),
  },
  { flag: '--no-color', argv: ['--no-color'], ...both((p) => expect(p.output['color']).toBe(false)) },
];

/** Several targets: every flag applied locally (the plan's comparison shows it), refused on the platform. */
function targetRows(): Row[] {
  const two = ['--target', `a=${URL}`, '--target', `b=${URL}`, '--model', 'm'];
  const comparison = (p: Plan): Record<string, unknown> & { targets: Array<Record<string, unknown>> } =>
    p['comparison'] as Record<string, unknown> & { targets: Array<Record<string, unknown>> };
  const row = (flag: string, argv: string[], check: (p: Plan) => void): Row => ({ flag, argv, target: two, local: applied(check), platform: refused('OPTION_LOCAL_ONLY') });
  return [
    row('--target', [], (p) => expect(comparison(p).targets.map((t) => t['name'])).toEqual(['a', 'b'])),
    row('--target-header', ['--target-header', 'b=X-Team: red'], (p) => expect(comparison(p).targets[1]?.['headers']).toMatchObject({ 'X-Team': 'red' })),
    row('--target-model', ['--target-model', 'b=other'], (p) => expect(comparison(p).targets[1]?.['model']).toBe('other')),
    row('--target-api', ['--target-api', 'b=anthropic-messages'], (p) => expect(comparison(p).targets[1]?.['apiType']).toBe('anthropic-messages')),
    row('--target-key', ['--target-key', 'b=sk-abcdefghijklmnop0123'], (p) => expect(comparison(p).targets[1]?.['headers']).toMatchObject({ Authorization: 'Bearer sk-…0123' })),
    row('--baseline', ['--baseline', 'b'], (p) => expect(comparison(p)['baseline']).toBe('b')),
    row('--on-target-failure', ['--on-target-failure', 'drop'], (p) => expect(comparison(p)['onTargetFailure']).toBe('drop')),
    row('--targets', ['--targets', TARGETS_FILE], (p) => expect(comparison(p).targets.map((t) => t['name'])).toEqual(['f1', 'f2', 'a', 'b'])),
  ];
}

/** Workload and scenario flags: applied locally (the plan's workload or scenarios show them), refused on the platform. */
function workloadRows(): Row[] {
  const workload = (p: Plan): Record<string, unknown> => p.load['workload'] as Record<string, unknown>;
  const scenarios = (p: Plan): Record<string, unknown> => p.load['scenarios'] as Record<string, unknown>;
  const row = (flag: string, argv: string[], check: (p: Plan) => void): Row => ({ flag, argv, platformArgv: flag === '--input-tokens' ? argv : argv.filter((arg) => arg !== '--input-tokens' && arg !== '100'), local: applied(check), platform: refused('OPTION_LOCAL_ONLY') });
  return [
    row('--input-tokens', ['--input-tokens', '100:10'], (p) => expect(workload(p)['inputTokens']).toEqual({ mean: 100, stddev: 10 })),
    row('--output-tokens', ['--output-tokens', '50'], (p) => expect(workload(p)['outputTokens']).toEqual({ mean: 50, stddev: 0 })),
    row('--preset', ['--preset', 'perf-550'], (p) => expect(workload(p)).toMatchObject({ preset: 'perf-550', inputTokens: { mean: 550 }, outputTokens: { mean: 150 } })),
    row('--ignore-eos', ['--input-tokens', '100', '--output-tokens', '50', '--ignore-eos'], (p) => expect(workload(p)['ignoreEos']).toBe(true)),
    row('--cache-bust', ['--input-tokens', '100', '--cache-bust'], (p) => expect(workload(p)['cacheBust']).toBe(true)),
    row('--no-cache-bust', ['--input-tokens', '100', '--no-cache-bust'], (p) => expect(workload(p)['cacheBust']).toBe(false)),
    row('--shared-prefix-tokens', ['--input-tokens', '100', '--shared-prefix-tokens', '20'], (p) => expect(workload(p)['sharedPrefixTokens']).toBe(20)),
    row('--trace', ['--trace', TRACE_FILE], (p) => expect(workload(p)['trace']).toMatchObject({ path: TRACE_FILE, speedup: 1 })),
    row('--trace-speedup', ['--trace', TRACE_FILE, '--trace-speedup', '2'], (p) => expect(workload(p)['trace']).toMatchObject({ speedup: 2 })),
    row('--turns', ['--turns', '3'], (p) => expect(scenarios(p)['turns']).toBe(3)),
    row('--think-time', ['--turns', '3', '--think-time', '1s..2s'], (p) => expect(scenarios(p)['thinkTime']).toEqual({ kind: 'uniform', minMs: 1000, maxMs: 2000 })),
    row('--data-order', ['--turns', '2', '--data-order', 'random'], (p) => expect(scenarios(p)['order']).toBe('random')),
    row('--seed', ['--turns', '2', '--data-order', 'random', '--seed', '7'], (p) => expect(scenarios(p)['seed']).toBe(7)),
    row('--profile', ['--profile', PROFILE_FILE], (p) => expect((scenarios(p)['profile'] as { scenarios: Array<{ name: string }> }).scenarios.map((x) => x.name)).toEqual(['short', 'chat'])),
  ];
}

async function dryRun(mode: Mode, row: Row): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  const modeArgs = mode === 'platform' && !row.argv.includes('--platform') ? ['--platform', PLATFORM] : [];
  const target = row.target ?? ['--url', URL, '--model', 'm'];
  const io = createFakeIo();
  const argv = mode === 'platform' ? (row.platformArgv ?? row.argv) : row.argv;
  const code = await runCli([...target, ...modeArgs, ...argv, '--dry-run', '--json'], io);
  return { code, json: JSON.parse(io.out()) as Record<string, unknown>, stderr: io.err() };
}

describe('every run flag, in each mode: applied or refused with the reason', () => {
  for (const row of ROWS) {
    for (const mode of ['local', 'platform'] as const) {
      const expected = row[mode];
      it(`${row.flag} in ${mode} mode: ${'refused' in expected ? `refused (${expected.refused})` : 'applied'}`, async () => {
        const { code, json, stderr } = await dryRun(mode, row);
        if ('refused' in expected) {
          expect(code).toBe(2);
          expect(json).toMatchObject({ ok: false, code: expected.refused });
          expect(json['message']).toContain(row.flag);
        } else {
          expect(code, String(json['message'])).toBe(0);
          expect(json['mode']).toBe(row.argv.includes('--local') ? 'local' : row.argv.includes('--platform') ? 'platform' : mode);
          expected.applied(json as Plan, row.flag === '--quiet' ? stderr : '');
        }
      });
    }
  }

  it('the refusals say why', async () => {
    const timeout = await dryRun('platform', { flag: '--timeout', argv: ['--timeout', '45', '--insecure'], ...both(() => undefined) });
    expect(timeout.json['message']).toBe(
      "--timeout, --insecure work only in local mode, but this run is in platform mode: the platform's engine uses its own request timeouts; the platform's engine does its own TLS checks",
    );
    const slo = await dryRun('platform', { flag: '--slo', argv: ['--slo', 'ttft_p95<=900'], ...both(() => undefined) });
    expect(slo.json['message']).toBe("--slo is checked on the task's figures, which only --wait waits for, but this platform run does not wait");
    const withWait = await dryRun('platform', { flag: '--slo', argv: ['--slo', 'ttft_p95<=900', '--wait'], ...both(() => undefined) });
    expect(withWait.code).toBe(0);
    const arrival = await dryRun('local', { flag: '--arrival', argv: ['--arrival', 'constant'], ...both(() => undefined) });
    expect(arrival.json).toMatchObject({ code: 'OPTION_INVALID', message: '--arrival shapes the arrivals of an open loop, but no --rate was given' });
    const scrape = await dryRun('platform', { flag: '--server-metrics', argv: ['--server-metrics', 'http://127.0.0.1:8000/metrics'], ...both(() => undefined) });
    expect(scrape.json).toMatchObject({
      code: 'OPTION_INVALID',
      message: "--server-metrics scrapes the server from this machine while the platform's task runs, which only --wait follows, but this platform run does not wait",
    });
    const burst = await dryRun('platform', { flag: '--burst', argv: ['--burst', '40'], ...both(() => undefined) });
    expect(burst.json['message']).toBe(
      "--burst works only in local mode, but this run is in platform mode: the platform's engine ramps users up at a spawn rate and runs for a duration",
    );
  });

  it('the table covers every option of `run`', () => {
    const run = createProgram({ io: createFakeIo(), json: false }).commands.find((command) => command.name() === 'run');
    const flags = (run?.options ?? []).map((option) => option.long ?? '');
    expect(flags.filter((flag) => !ROWS.some((row) => row.flag === flag))).toEqual([]);
  });
});
