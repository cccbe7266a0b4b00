import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { buildRunPlan, runLocal, startMockServer, type MockServer } from '../../src/index.js';
import type { RawRunOptions } from '../../src/input/options.js';
import type { Summary } from '../../src/model/summary.js';
import { createFakeIo } from '../helpers/fake-io.js';

/** `report <run>` on run folders of the newer kinds: what the run measured per scenario or per burst round stays. */
let mock: MockServer;
let root: string;
beforeAll(async () => {
  mock = await startMockServer({ ttftMs: 2, outputTokens: 4 });
  root = mkdtempSync(join(tmpdir(), 'report-rerender-'));
});
afterAll(async () => {
  await mock.close();
  rmSync(root, { recursive: true, force: true });
});

async function run(name: string, raw: RawRunOptions): Promise<{ dir: string; live: Summary }> {
  const dir = join(root, name);
  const plan = await buildRunPlan({ local: true, url: `${mock.url}/v1/chat/completions`, model: 'mock-model', out: dir, ...raw }, { env: {}, cwd: root, readStdin: async () => '' });
  const { summary } = await runLocal({ plan, cwd: root, tickMs: null }).done;
  return { dir, live: summary };
}

async function report(dir: string): Promise<Summary> {
  const io = createFakeIo({ cwd: root });
  expect(await runCli(['report', dir, '--json'], io), io.err()).toBe(0);
  return JSON.parse(io.out()) as Summary;
}

describe('report re-renders a run folder of each kind', () => {
  test('a profile run keeps its per-scenario figures (recomputed from the records: the same counts) in summary.json, report.csv and report.html', async () => {
    const profile = join(root, 'profile.yaml');
    writeFileSync(profile, 'scenarios:\n  - {name: short, weight: 3, prompts: ["hi"]}\n  - {name: chat, weight: 1, turns: 2, prompts: ["Plan a trip"]}\n');
    const { dir, live } = await run('profile', { profile, concurrentUsers: '2', maxRequests: '24' });
    expect(live.scenarios?.map((entry) => entry.scenario)).toEqual(['short', 'chat']);
    const again = await report(dir);
    expect(again.scenarios?.map((entry) => [entry.scenario, entry.weightShare, entry.requests, entry.conversations])).toEqual(
      live.scenarios?.map((entry) => [entry.scenario, entry.weightShare, entry.requests, entry.conversations]),
    );
    expect(again.scenarios?.reduce((sum, entry) => sum + entry.requests.ok, 0)).toBe(live.requests.ok);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).scenarios).toHaveLength(2);
    expect(readFileSync(join(dir, 'report.csv'), 'utf8')).toMatch(/\r\nscenario,.*requests_ok,.*short/);
  }, 60_000);

  test('a burst run keeps its burst section (per round as measured) and its Burst rows', async () => {
    const { dir, live } = await run('burst', { burst: '3', rounds: '2' });
    expect(live.burst?.total.requests).toBe(6);
    const again = await report(dir);
    expect(again.burst).toEqual(live.burst);
    expect(again.requests.total).toBe(6);
    expect(readFileSync(join(dir, 'report.csv'), 'utf8')).toContain('burst,,round_2_requests,');
    expect(readFileSync(join(dir, 'metrics.prom'), 'utf8')).toContain('llm_loadtest_burst_success_ratio{round="all"} 1');
  }, 60_000);
});
