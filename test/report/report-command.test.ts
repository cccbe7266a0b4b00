import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { Summary } from '../../src/model/summary.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { SMALL_RUN_DIR } from './fixtures.js';

const dirs: string[] = [];
function copyRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'llm-loadtest-report-'));
  dirs.push(dir);
  cpSync(SMALL_RUN_DIR, dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('llm-loadtest report', () => {
  it('re-computes summary.json from the records and writes every report into the run folder', async () => {
    const dir = copyRun();
    const io = createFakeIo({ cwd: dir });
    expect(await runCli(['report', '.'], io)).toBe(0);
    expect(io.err()).toContain('Read 48 records');
    expect(io.err()).not.toContain('Skipped');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    expect(summary.requests).toMatchObject({ total: 40, ok: 37, failed: 2, incomplete: 1 });
    expect(summary.errors.byCategory).toMatchObject({ server_error: 1, rate_limited: 1 });
    // What records do not hold comes from the run's own summary.
    expect(summary.target.model).toBe('gpt-4o-mini');
    expect(summary.precheck?.['model']).toBe('gpt-4o-mini-2024-07-18');
    expect(existsSync(join(dir, 'summary.previous.json'))).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain(`data-key="requests.total" data-value="40"`);
    expect(html).toContain('data-chart="ttft-hist"');
    expect(readFileSync(join(dir, 'metrics.prom'), 'utf8')).toContain('llm_loadtest_requests_total{outcome="ok"} 37');
    expect(readFileSync(join(dir, 'report.csv'), 'utf8').split('\r\n')[0]).toMatch(/^row,t_s,metric,/);
    expect(io.out()).toContain('Requests');
    expect(io.out()).toContain(`  ${join(dir, 'report.html')}\n`);
    expect(io.out()).toContain(`  ${join(dir, 'summary.previous.json')} (the run's own summary`);

    // A second report keeps the run's own summary, not the first re-computation.
    const live = readFileSync(join(dir, 'summary.previous.json'), 'utf8');
    expect(await runCli(['report', '.'], createFakeIo({ cwd: dir }))).toBe(0);
    expect(readFileSync(join(dir, 'summary.previous.json'), 'utf8')).toBe(live);
  });

  it('keeps the live chunk gaps, so a chunk_gap SLO is judged again on them instead of failing for want of data', async () => {
    const dir = copyRun();
    const path = join(dir, 'summary.json');
    const live = JSON.parse(readFileSync(path, 'utf8')) as Summary;
    const chunkGap = { count: 900, mean: 21, min: 2, p50: 19, p90: 30, p95: 34, p99: 48, p999: 70, max: 75 };
    live.latency.chunkGap = chunkGap;
    live.config['slo'] = ['ttft_p95<=2000', 'chunk_gap_p99<=100'];
    writeFileSync(path, JSON.stringify(live));

    const io = createFakeIo({ cwd: dir });
    expect(await runCli(['report', '.'], io)).toBe(0);
    const summary = JSON.parse(readFileSync(path, 'utf8')) as Summary;
    expect(summary.latency.chunkGap).toEqual(chunkGap);
    expect(summary.thresholds.checks.find((check) => check.name === 'chunk_gap_p99<=100')).toMatchObject({ value: 48, passed: true });
    expect(summary.thresholds.passed).toBe(true);
    expect(summary.percentileMethod).toContain('chunk gaps as measured live');
  });

  it('reports a run killed mid-write: the cut last line is skipped and said, without summary.json', async () => {
    const dir = copyRun();
    rmSync(join(dir, 'summary.json'));
    const path = join(dir, 'results.jsonl');
    const text = readFileSync(path, 'utf8').trimEnd();
    writeFileSync(path, text.slice(0, text.length - 40));
    const io = createFakeIo();
    expect(await runCli(['report', path, '--json'], io)).toBe(0);
    expect(io.err()).toContain('Read 47 records');
    expect(io.err()).toContain('Skipped 1 line that is not a complete record');
    expect(io.err()).toContain('No summary.json');
    const summary = JSON.parse(io.out()) as Summary;
    expect(summary.requests.total + 8).toBeLessThanOrEqual(48);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(existsSync(join(dir, 'summary.previous.json'))).toBe(false);
  });

  it.each([
    [['report', 'no/such/run'], 'RUN_NOT_FOUND', 'no/such/run: no such file or folder'],
    [['report', '.'], 'NOT_A_RUN_DIR', 'not a run folder'],
  ])('refuses %j with exit 2 and %s', async (argv, code, message) => {
    const empty = mkdtempSync(join(tmpdir(), 'llm-loadtest-empty-'));
    dirs.push(empty);
    const io = createFakeIo({ cwd: empty });
    expect(await runCli([...argv, '--json'], io)).toBe(2);
    const error = JSON.parse(io.out()) as { code: string; category: string; message: string };
    expect(error).toMatchObject({ code, category: 'input' });
    expect(error.message).toContain(message);
  });

  it('refuses a run folder that holds only summary.json: nothing to re-compute from (exit 2, NO_RECORDS)', async () => {
    const dir = copyRun();
    rmSync(join(dir, 'results.jsonl'));
    const io = createFakeIo({ cwd: dir });
    expect(await runCli(['report', '.', '--json'], io)).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({ ok: false, code: 'NO_RECORDS', category: 'input', message: '.: no results.jsonl to read' });
  });

  it.each([['.'], ['results.jsonl']])('reports %j from the records when the summary.json beside them is damaged, and says so', async (arg) => {
    const dir = copyRun();
    writeFileSync(join(dir, 'summary.json'), '{"tool":');
    const io = createFakeIo({ cwd: dir });
    expect(await runCli(['report', arg, '--json'], io)).toBe(0);
    expect(io.err()).toContain(`Ignored summary.json: ${join(dir, 'summary.json')}: not valid JSON`);
    expect(io.err()).toContain('No summary.json: target, model and settings are unknown');
    expect((JSON.parse(io.out()) as Summary).requests).toMatchObject({ total: 40, ok: 37, failed: 2, incomplete: 1 });
  });

  it('refuses a results.jsonl with no record in it', async () => {
    const dir = copyRun();
    writeFileSync(join(dir, 'results.jsonl'), 'not json\n{"half":');
    const io = createFakeIo({ cwd: dir });
    expect(await runCli(['report', 'results.jsonl'], io)).toBe(2);
    expect(io.err()).toContain('no request records in it (2 lines are not records)');
  });
});
