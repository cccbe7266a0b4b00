import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startMockServer, type MockServer } from '../../src/index.js';
import { createFakeIo } from '../helpers/fake-io.js';

/** `run --target … --target …` end to end through the CLI, against two bundled mocks on 127.0.0.1. */
let a: MockServer;
let b: MockServer;
beforeAll(async () => {
  [a, b] = await Promise.all([startMockServer({ ttftMs: 20, outputTokens: 3 }), startMockServer({ ttftMs: 40, outputTokens: 3, responseHeaders: { 'x-litellm-overhead-duration-ms': '4' } })]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

const argv = (out: string, extra: string[] = []): string[] => [
  'run',
  '--local',
  '--target',
  `direct=${a.url}/v1/chat/completions`,
  '--target',
  `gw=${b.url}/v1/chat/completions`,
  '--target-header',
  'gw=Authorization: Bearer sk-gateway-0123456789abcdef',
  '--model',
  'mock-model',
  '--concurrent-users',
  '2',
  '--max-requests',
  '6',
  '--rounds',
  '2',
  '--out',
  out,
  '--no-progress',
  ...extra,
];

describe('run with several targets (CLI)', () => {
  it('prints the delta table with ms and percent, each target’s line and its folder; exit 0', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-targets-')), 'run');
    const io = createFakeIo();
    expect(await runCli(argv(out), io)).toBe(0);
    // A pre-check each, said under the target's name.
    expect(io.err()).toMatch(/Target direct\nPre-check ok: HTTP 200/);
    expect(io.err()).toMatch(/Target gw\nPre-check ok: HTTP 200/);
    const text = io.out();
    expect(text).toContain('Targets compared with direct (2 rounds of');
    expect(text).toMatch(/TTFT p50\s+\d+(\.\d+)? ms\s+\d+(\.\d+)? ms/);
    expect(text).toMatch(/gw: \+\d+(\.\d+)? ms \(\+\d+\.\d%\)/);
    expect(text).toContain('gw: 6 ok · 0 failed · x-litellm-overhead-duration-ms p50 4.00 ms · targets/gw');
    expect(text).toContain(join(out, 'targets/gw/'));
    expect(text).not.toContain(join(out, 'results.jsonl'));
    // The key given for one target never shows.
    expect(io.out() + io.err()).not.toContain('sk-gateway-0123456789abcdef');

    // `report` re-computes one target's folder; the run's top folder says where the records are.
    const top = createFakeIo();
    expect(await runCli(['report', out], top)).toBe(2);
    expect(top.err()).toContain('a run with several targets: each target has its own folder under targets/');
    expect(top.err()).toContain(`give one target's folder instead: ${join(out, 'targets', '<name>')}`);
    const one = createFakeIo();
    expect(await runCli(['report', join(out, 'targets', 'gw'), '--json'], one)).toBe(0);
    expect((JSON.parse(one.out()) as { requests: { ok: number } }).requests.ok).toBe(6);
  }, 60_000);

  it('--json: the summary with targets and comparison, ok true', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-targets-')), 'run');
    const io = createFakeIo();
    expect(await runCli(argv(out, ['--json', '--baseline', 'gw']), io)).toBe(0);
    const json = JSON.parse(io.out()) as { ok: boolean; targets: Array<{ name: string; requests: { ok: number } }>; comparison: { baseline: string; rows: unknown[] } };
    expect(json.ok).toBe(true);
    expect(json.comparison.baseline).toBe('gw');
    expect(json.comparison.rows).toHaveLength(7);
    expect(json.targets.map((t) => [t.name, t.requests.ok])).toEqual([
      ['direct', 6],
      ['gw', 6],
    ]);
  }, 60_000);
});
