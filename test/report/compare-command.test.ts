import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { makeSyntheticRun, type SyntheticRunOptions } from './synthetic-run.js';

const root = mkdtempSync(join(tmpdir(), 'llm-loadtest-compare-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const STEADY: SyntheticRunOptions = { requests: 600, seed: 1, rate: 20, ttftMedianMs: 200, e2eMedianMs: 2000, sigma: 0.25 };
const NOISY: SyntheticRunOptions = { requests: 40, seed: 11, rate: 8, ttftMedianMs: 200, e2eMedianMs: 2000, sigma: 0.7 };

/** A run folder as the engine leaves it: summary.json and results.jsonl. */
function writeRun(name: string, o: SyntheticRunOptions): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const { summary, records } = makeSyntheticRun(o);
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  writeFileSync(join(dir, 'results.jsonl'), `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return dir;
}

const base = writeRun('base', STEADY);
const same = writeRun('same', STEADY);
const slow = writeRun('slow', { ...STEADY, seed: 2, rate: STEADY.rate / 1.3, ttftMedianMs: 260, e2eMedianMs: 2600 });
const noisyA = writeRun('noisy-a', NOISY);
const noisyB = writeRun('noisy-b', { ...NOISY, seed: 12 });

describe('llm-loadtest compare', () => {
  it('passes identical runs (exit 0)', async () => {
    const io = createFakeIo();
    expect(await runCli(['compare', base, same], io)).toBe(0);
    expect(io.out()).toMatch(/Requests\/s \(successful\)\s+(\d+\.\d)\s+\1\s+0\.00\s+\+0\.0%/);
    expect(io.out()).toContain('no regression beyond 10%');
  });

  it('fails a 30% slower candidate with exit 5', async () => {
    const io = createFakeIo();
    expect(await runCli(['compare', base, slow], io)).toBe(5);
    expect(io.out()).toMatch(/E2E p95 \(ms\)\s+\d+\s+\d+\s+\+\d+(\.\d+)? ms\s+\+2\d\.\d%.*REGRESSION/);
    expect(io.out()).toContain('REGRESSION: Requests/s');
  });

  it('passes a within-noise difference with a note (exit 0)', async () => {
    const io = createFakeIo();
    expect(await runCli(['compare', noisyA, noisyB], io)).toBe(0);
    expect(io.out()).toContain('within noise');
    expect(io.out()).toMatch(/note: TTFT p99 \+\d+\.\d% is beyond the 10% threshold but within the run-to-run spread/);
  });

  it('gates summary files on the threshold alone and says noise was not assessed', async () => {
    const io = createFakeIo();
    expect(await runCli(['compare', join(noisyA, 'summary.json'), join(noisyB, 'summary.json'), '--json'], io)).toBe(5);
    const result = JSON.parse(io.out()) as { ok: boolean; noiseAssessed: boolean; notes: string[] };
    expect(result.ok).toBe(false);
    expect(result.noiseAssessed).toBe(false);
    expect(result.notes[0]).toContain('noise could not be assessed');
    expect(io.err()).toContain('REGRESSION');
  });

  it('compares a run that has records but no summary.json (killed mid-way) by re-computing it', async () => {
    const killed = join(root, 'killed');
    mkdirSync(killed, { recursive: true });
    copyFileSync(join(base, 'results.jsonl'), join(killed, 'results.jsonl'));
    const io = createFakeIo();
    expect(await runCli(['compare', base, killed, '--json'], io)).toBe(0);
    const result = JSON.parse(io.out()) as { noiseAssessed: boolean; metrics: Array<{ key: string; candidate: number | null }> };
    expect(result.noiseAssessed).toBe(true);
    expect(result.metrics.find((m) => m.key === 'latency.e2e.p50')?.candidate).toBeGreaterThan(1500);
  });

  it('--html writes the comparison page beside the table, with the same figures as --json', async () => {
    const page = join(root, 'cmp.html');
    const io = createFakeIo({ cwd: root });
    expect(await runCli(['compare', base, slow, '--json', '--html', 'cmp.html'], io)).toBe(5);
    expect(io.err()).toContain(`Comparison page: ${page}`);
    const result = JSON.parse(io.out()) as { metrics: Array<{ key: string; baseline: number | null; candidate: number | null }> };
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/class="callout bad" data-key="compare.verdict"><b>REGRESSION<\/b>/);
    for (const m of result.metrics.filter((x) => x.key === 'rps' || x.key === 'latency.e2e.p95')) {
      expect(html).toContain(`data-key="compare.${m.key}.baseline" data-value="${String(m.baseline)}"`);
      expect(html).toContain(`data-key="compare.${m.key}.candidate" data-value="${String(m.candidate)}"`);
    }
    const charts = [...html.matchAll(/data-chart-id="([\w-]+)"/g)].map((m) => m[1]);
    expect(charts).toEqual(['cmp-rps', 'cmp-tokens', 'cmp-ttft', 'cmp-errors', 'cmp-ttft-pct', 'cmp-itl-pct', 'cmp-e2e-pct']);
  });

  it('--html into a folder that does not exist is exit 2, and names the flag', async () => {
    const io = createFakeIo({ cwd: root });
    expect(await runCli(['compare', base, same, '--html', join(root, 'no-such-dir', 'x.html'), '--json'], io)).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({ ok: false, code: 'OUT_WRITE_FAILED', category: 'input' });
    expect(io.out()).toContain('cannot write --html');
  });

  it('honours --regress-pct', async () => {
    expect(await runCli(['compare', base, slow, '--regress-pct', '50'], createFakeIo())).toBe(0);
  });

  it.each([
    [['compare', 'nope', 'nope2'], 'RUN_NOT_FOUND'],
    [['compare', '__BASE__', '__BASE__', '--regress-pct', '-3'], 'INVALID_FLAG_VALUE'],
    [['compare', '__BASE__', '__JUNK__'], 'NOT_A_SUMMARY'],
    [['compare', '__BROKEN__', '__BASE__'], 'NOT_A_SUMMARY'],
    [['compare', '__BASE__', '__BASE__', '--seed', 'x'], 'INVALID_FLAG_VALUE'],
  ])('refuses bad input %j with exit 2 (%s)', async (argv, code) => {
    const junk = join(root, 'junk.json');
    writeFileSync(junk, '{"hello":"world"}');
    const broken = join(root, 'broken.json');
    writeFileSync(broken, '{"tool":');
    const io = createFakeIo({ cwd: root });
    const paths: Record<string, string> = { __BASE__: base, __JUNK__: junk, __BROKEN__: broken };
    const args = argv.map((a) => paths[a] ?? a);
    expect(await runCli([...args, '--json'], io)).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({ ok: false, code, category: 'input' });
  });
});
