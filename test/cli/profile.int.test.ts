import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { readRecords } from '../../src/metrics/from-records.js';
import type { RequestRecord, Summary } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { createFakeIo } from '../helpers/fake-io.js';

/**
 * `--profile` end to end against the bundled mock: scenarios and stages drive the run, the report breaks
 * the figures down per scenario and per stage and they sum to the totals; bad profiles, datasets and
 * flags are exit 2 with the place named, never a stack trace.
 */
const EXAMPLES = resolve(import.meta.dirname, '../../examples/profiles');
let mock: MockServer;
const work = mkdtempSync(join(tmpdir(), 'profile-'));
beforeAll(async () => {
  mock = await startMockServer({ ttftMs: 5, itlMs: 1, outputTokens: 8 });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

let runs = 0;
async function run(extra: string[]): Promise<{ code: number; stderr: string; stdout: string; out: string }> {
  runs += 1;
  const out = join(work, `run-${runs}`);
  const io = createFakeIo({ env: {}, cwd: work });
  const code = await runCli(['--url', `${mock.url}/v1/chat/completions`, '--model', 'm', '--local', '--no-progress', '--out', out, ...extra], io);
  return { code, stderr: io.err(), stdout: io.out(), out };
}

function loadRun(out: string): { summary: Summary; records: RequestRecord[]; csv: string; html: string } {
  return {
    summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary,
    records: readRecords(readFileSync(join(out, 'results.jsonl'), 'utf8')).records,
    csv: readFileSync(join(out, 'report.csv'), 'utf8'),
    html: readFileSync(join(out, 'report.html'), 'utf8'),
  };
}

function writeProfile(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe('run --profile', () => {
  it('user stages and three scenarios: per-stage and per-scenario figures sum to the totals, in every report', async () => {
    const profile = writeProfile(
      'mix.yaml',
      [
        'seed: 3',
        'scenarios:',
        '  - {name: single, weight: 55, prompts: ["one", "two"]}',
        '  - {name: chat, weight: 30, turns: 4, script: ["hi", "more"], think_time: 10ms}',
        '  - {name: long, weight: 15, turns: 3, sized: {input_tokens: 300, follow_up_tokens: 10}}',
        'stages: ["2:1500ms", "6:1500ms", "3:1s"]',
      ].join('\n'),
    );
    const { code, stderr, stdout, out } = await run(['--profile', profile]);
    expect(code, stderr).toBe(0);
    const { summary, records, csv, html } = loadRun(out);
    const measured = records.filter((r) => r.phase === 'measure');
    expect(summary.config.stages).toHaveLength(3);
    expect(summary.config.durationS).toBe(4);
    expect(summary.config.concurrentUsers).toBe(6);
    const scenarios = summary.scenarios ?? [];
    expect(scenarios.map((s) => s.scenario)).toEqual(['single', 'chat', 'long']);
    expect(scenarios.map((s) => s.weightShare)).toEqual([0.55, 0.3, 0.15]);
    const sum = (list: ReadonlyArray<{ requests: { ok: number; failed: number; incomplete?: number } }>, key: 'ok' | 'failed' | 'incomplete'): number =>
      list.reduce((total, item) => total + (item.requests[key] ?? 0), 0);
    expect(sum(scenarios, 'ok')).toBe(summary.requests.ok);
    expect(sum(scenarios, 'failed')).toBe(summary.requests.failed);
    expect(sum(scenarios, 'incomplete')).toBe(summary.requests.incomplete);
    expect(summary.requests.ok).toBeGreaterThan(20);
    // Each scenario's turns as configured; the sized prompts were sent as asked.
    expect(new Set(measured.filter((r) => r.scenario === 'single').map((r) => r.turn))).toEqual(new Set([1]));
    expect(Math.max(...measured.filter((r) => r.scenario === 'chat').map((r) => r.turn ?? 0))).toBe(4);
    expect(Math.max(...measured.filter((r) => r.scenario === 'long').map((r) => r.turn ?? 0))).toBe(3);
    const stages = summary.steps ?? [];
    expect(stages.map((s) => s.users)).toEqual([2, 6, 3]);
    expect(sum(stages, 'ok')).toBe(summary.requests.ok);
    expect(sum(stages, 'failed')).toBe(summary.requests.failed);
    expect(sum(stages, 'incomplete')).toBe(summary.requests.incomplete);
    // The users followed the stages (up, then down): the timeline's most users is the peak stage's.
    expect(Math.max(...summary.timeline.map((p) => p.users))).toBe(6);
    expect(summary.timeline[summary.timeline.length - 1]?.users).toBeLessThanOrEqual(3);
    // Console, CSV and HTML show both breakdowns.
    expect(stdout).toContain('Per scenario');
    expect(stdout).toContain('Per stage');
    const scenarioOk = (name: string): number => {
      const line = csv.split('\r\n').find((l) => l.startsWith('scenario,') && l.includes(',requests_ok,') && l.endsWith(`,${name}`));
      return Number(line?.split(',')[10]);
    };
    expect(scenarioOk('single') + scenarioOk('chat') + scenarioOk('long')).toBe(summary.requests.ok);
    expect(html).toContain('<h2>Per scenario</h2>');
    expect(html).toContain('<h2>Per stage</h2>');
  });

  it('rate stages: an open loop whose rate follows the stages', async () => {
    const profile = writeProfile('rate.json', JSON.stringify({ scenarios: [{ name: 'a', weight: 1 }], stages: ['@20:1s', '@60:1s'] }));
    const { code, stderr, out } = await run(['--profile', profile, '--concurrent-users', '20']);
    expect(code, stderr).toBe(0);
    const { summary } = loadRun(out);
    const stages = summary.steps ?? [];
    expect(stages.map((s) => s.rate)).toEqual([20, 60]);
    // Poisson arrivals: within a wide band of each stage's rate × 1 s.
    expect(stages[0]?.requests.ok).toBeGreaterThan(5);
    expect(stages[0]?.requests.ok).toBeLessThan(40);
    expect(stages[1]?.requests.ok).toBeGreaterThan(30);
    expect(stages[1]?.requests.ok).toBeLessThan(100);
    expect((stages[0]?.requests.ok ?? 0) + (stages[1]?.requests.ok ?? 0)).toBe(summary.requests.ok);
  });

  it('--turns with a ShareGPT dataset: conversations of its human turns, the history growing', async () => {
    const data = join(work, 'share.json');
    writeFileSync(
      data,
      JSON.stringify([
        { id: 'a', conversations: [{ from: 'human', value: 'first a' }, { from: 'gpt', value: 'x' }, { from: 'human', value: 'second a' }] },
        { id: 'b', conversations: [{ from: 'human', value: 'first b' }, { from: 'gpt', value: 'y' }, { from: 'human', value: 'second b' }] },
      ]),
    );
    const { code, stderr, out } = await run(['--test-data', data, '--turns', '2', '--concurrent-users', '1', '--max-requests', '4', '--duration', '30']);
    expect(code, stderr).toBe(0);
    const { records } = loadRun(out);
    expect(records.map((r) => [r.scenario, r.turn])).toEqual([
      ['default', 1],
      ['default', 2],
      ['default', 1],
      ['default', 2],
    ]);
    // The pre-check, then 1, 3, 1, 3 messages.
    expect(mock.records.slice(-4).map((r) => r.messages)).toEqual([1, 3, 1, 3]);
  });

  it('--data-order random --seed: the same prompts in the same order on every run', async () => {
    const data = join(work, 'pool.jsonl');
    writeFileSync(data, ['"p0"', '"p1"', '"p2"', '"p3"', '"p4"', '"p5"'].join('\n'));
    const order = async (): Promise<number[]> => {
      mock.reset();
      const { code, stderr } = await run(['--test-data', data, '--data-order', 'random', '--seed', '11', '--concurrent-users', '1', '--max-requests', '12', '--duration', '30', '--skip-precheck']);
      expect(code, stderr).toBe(0);
      return mock.records.map((r) => r.inputTokens ?? -1);
    };
    const first = await order();
    expect(first).toHaveLength(12);
    expect(await order()).toEqual(first);
  });

  for (const example of ['chat-mix.yaml', 'ramp-rate.json', 'support-chat.yaml']) {
    it(`the shipped example ${example} runs briefly against the mock`, async () => {
      const { code, stderr, out } = await run(['--profile', join(EXAMPLES, example), '--max-requests', '6', ...(example === 'support-chat.yaml' ? ['--duration', '30'] : [])]);
      expect(code, stderr).toBe(0);
      const { summary } = loadRun(out);
      expect(summary.requests.ok).toBe(6);
      expect((summary.scenarios ?? []).reduce((total, s) => total + s.requests.ok, 0)).toBe(6);
    });
  }

  it.each([
    ['a missing profile', ['--profile', 'nope.yaml'], 'PROFILE_UNREADABLE', 'cannot read'],
    ['bad YAML', ['--profile', '@bad.yaml'], 'PROFILE_INVALID', 'bad.yaml line 3: not valid YAML or JSON (Flow sequence'] ,
    ['a missing dataset', ['--profile', '@missing-dataset.yaml'], 'PROFILE_UNREADABLE', 'cannot read its dataset'],
    ['a bad dataset', ['--profile', '@bad-dataset.yaml'], 'TEST_DATA_INVALID', 'line 1: not valid JSON'],
    ['stages with --duration', ['--profile', '@staged.yaml', '--duration', '5'], 'OPTION_INVALID', 'cannot be used with a profile that has stages'],
    ['--turns with --profile', ['--profile', '@staged.yaml', '--turns', '2'], 'OPTION_INVALID', 'cannot be used with --profile'],
    ['--profile with --input-tokens', ['--profile', '@staged.yaml', '--input-tokens', '100'], 'OPTION_INVALID', 'sized: {input_tokens: N}'],
    ['a bad --think-time', ['--turns', '2', '--think-time', 'soon'], 'OPTION_INVALID', '--think-time "soon" is invalid'],
    ['--think-time without turns', ['--think-time', '2s'], 'OPTION_INVALID', 'add --turns'],
    ['--turns 0', ['--turns', '0'], 'OPTION_INVALID', '--turns "0" is invalid'],
    ['a bad --seed', ['--seed', '-1', '--turns', '2'], 'OPTION_INVALID', '--seed "-1" is invalid'],
    ['a bad ShareGPT file', ['--test-data', '@bad-sharegpt.json', '--turns', '2'], 'TEST_DATA_INVALID', 'unknown speaker "robot"'],
  ])('%s: exit 2, a clear error, no stack trace', async (_what, args, code, message) => {
    writeProfile('bad.yaml', 'scenarios:\n  - name: [a\n');
    writeProfile('missing-dataset.yaml', 'scenarios:\n  - {name: a, weight: 1, dataset: nowhere.jsonl}\n');
    writeProfile('bad-dataset.yaml', 'scenarios:\n  - {name: a, weight: 1, dataset: broken.jsonl}\n');
    writeFileSync(join(work, 'broken.jsonl'), '{"prompt":\n');
    writeProfile('staged.yaml', 'scenarios:\n  - {name: a, weight: 1}\nstages: ["1:1s"]\n');
    writeFileSync(join(work, 'bad-sharegpt.json'), JSON.stringify([{ conversations: [{ from: 'robot', value: 'beep' }] }]));
    const resolved = args.map((arg) => (arg.startsWith('@') ? join(work, arg.slice(1)) : arg));
    const { code: exit, stderr, stdout } = await run([...resolved, '--json']);
    expect(exit, stderr).toBe(2);
    const all = stderr + stdout;
    expect(all).not.toMatch(/\n\s+at /);
    // The --json envelope carries the code; the message is on stderr too.
    expect((JSON.parse(stdout) as { code: string }).code).toBe(code);
    expect(all).toContain(message);
    expect(all).toContain(code);
  });
});
