import { writeFileSync } from 'node:fs';
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
  /** Replaces --url <URL> --model m (for --curl). */
  target?: string[];
  local: Expect;
  platform: Expect;
}

const outDir = join(tmpdir(), `flags-by-mode-${process.pid}`, 'run');
const tracePath = join(tmpdir(), `flags-by-mode-${process.pid}-trace.jsonl`);
writeFileSync(tracePath, '{"timestamp": 0, "input_length": 100, "output_length": 10}\n');
const workload = (plan: Plan): Record<string, unknown> => plan.load['workload'] as Record<string, unknown>;
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
  { flag: '--input-tokens', argv: ['--input-tokens', '550:50'], local: applied((p) => expect(workload(p)['inputTokens']).toEqual({ mean: 550, stddev: 50 })), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--output-tokens', argv: ['--output-tokens', '64'], local: applied((p) => expect(workload(p)['outputTokens']).toEqual({ mean: 64, stddev: 0 })), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--preset', argv: ['--preset', 'hotpath'], local: applied((p) => expect(workload(p)['inputTokens']).toEqual({ mean: 12_500, stddev: 0 })), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--ignore-eos', argv: ['--ignore-eos', '--output-tokens', '9'], local: applied((p) => expect(workload(p)['ignoreEos']).toBe(true)), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--cache-bust', argv: ['--cache-bust', '--input-tokens', '90'], local: applied((p) => expect(workload(p)['cacheBust']).toBe(true)), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--no-cache-bust', argv: ['--no-cache-bust', '--input-tokens', '90'], local: applied((p) => expect(workload(p)['cacheBust']).toBe(false)), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--shared-prefix-tokens', argv: ['--shared-prefix-tokens', '300', '--input-tokens', '90'], local: applied((p) => expect(workload(p)['sharedPrefixTokens']).toBe(300)), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--trace', argv: ['--trace', tracePath], local: applied((p) => expect(workload(p)['trace']).toEqual({ path: tracePath, speedup: 1, requests: 1 })), platform: refused('OPTION_LOCAL_ONLY') },
  { flag: '--trace-speedup', argv: ['--trace', tracePath, '--trace-speedup', '3'], local: applied((p) => expect(workload(p)['trace']).toMatchObject({ speedup: 3 })), platform: refused('OPTION_LOCAL_ONLY') },
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

async function dryRun(mode: Mode, row: Row): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  const modeArgs = mode === 'platform' && !row.argv.includes('--platform') ? ['--platform', PLATFORM] : [];
  const target = row.target ?? ['--url', URL, '--model', 'm'];
  const io = createFakeIo();
  const code = await runCli([...target, ...modeArgs, ...row.argv, '--dry-run', '--json'], io);
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
