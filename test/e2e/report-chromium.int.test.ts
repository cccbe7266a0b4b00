import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { RequestRecord, Summary } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { formatMs, formatNumber, formatPct } from '../../src/text/format.js';
import { createFakeIo } from '../helpers/fake-io.js';

/**
 * End to end: a real local run against the bundled mock, its report.html opened in headless Chromium
 * (Debian's, driven by playwright-core; never a downloaded browser). No request may leave the page, no
 * console error, the charts drawn, and the numbers on the page equal to summary.json.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));
const MOCK_TTFT_MS = 60;

const chromiumMissing = !existsSync(CHROMIUM);
// CI without root cannot install it: skip, and say why. Anywhere else a missing browser is a set-up error.
const cannotInstall = chromiumMissing && process.env['CI'] !== undefined && process.getuid?.() !== 0;
if (cannotInstall) {
  console.warn(`report e2e skipped: ${CHROMIUM} is missing and this CI job is not root (run scripts/ensure-chromium.sh as root)`);
}

describe.skipIf(cannotInstall)('report.html in headless Chromium, from a real run against the mock', () => {
  let mock: MockServer;
  let runDir: string;
  let summary: Summary;
  let browser: Browser;

  beforeAll(async () => {
    if (chromiumMissing) {
      throw new Error(`${CHROMIUM} is missing: run \`bash scripts/ensure-chromium.sh\` (installs Debian's chromium) and rerun`);
    }
    mock = await startMockServer({ port: 0, ttftMs: MOCK_TTFT_MS, itlMs: 4, outputTokens: 24, errorRate: 0.1, models: ['mock-model'] });
    runDir = join(mkdtempSync(join(tmpdir(), 'llm-loadtest-e2e-')), 'run');
    const io = createFakeIo();
    const code = await runCli(
      [
        'run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model',
        '--concurrent-users', '4', '--spawn-rate', '4', '--duration', '3', '--out', runDir,
        '--success-threshold', '0.5', '--slo', 'ttft_p95<=5000', '--no-progress', '--no-color',
      ],
      io,
    );
    expect(code, io.err()).toBe(0);
    summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Summary;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
    if (runDir !== undefined) rmSync(join(runDir, '..'), { recursive: true, force: true });
  });

  it('is a real run: requests measured, the mock’s errors counted, TTFT near the configured delay', () => {
    expect(summary.requests.ok).toBeGreaterThan(20);
    expect(summary.errors.byCategory['server_error']).toBeGreaterThan(0);
    expect(summary.latency.ttft.p50).toBeGreaterThanOrEqual(MOCK_TTFT_MS);
    expect(summary.latency.ttft.p50).toBeLessThan(MOCK_TTFT_MS + 40);
  });

  it('opens offline with no console error, draws every chart, and shows summary.json’s numbers', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const outside: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(join(runDir, 'report.html')).href, { waitUntil: 'load' });

    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => ({
        id: svg.getAttribute('data-chart'),
        drawn: [...svg.querySelectorAll('path')].filter((p) => (p.getAttribute('d') ?? '').length > 1).length + svg.querySelectorAll('rect').length,
        width: svg.getBoundingClientRect().width,
      })),
    );
    expect(charts.map((c) => c.id).sort()).toEqual(['e2e-hist', 'errors', 'rps', 'tokens', 'ttft', 'ttft-hist', 'users']);
    for (const chart of charts) {
      expect(chart.drawn, `chart ${chart.id ?? ''} has data`).toBeGreaterThan(0);
      expect(chart.width).toBeGreaterThan(200);
    }

    const shown = await page.$$eval('[data-key][data-value]', (els) =>
      els.map((el) => ({ key: el.getAttribute('data-key') ?? '', value: el.getAttribute('data-value') ?? '', text: el.textContent ?? '' })),
    );
    const byKey = new Map(shown.map((s) => [s.key, s]));
    const expected: Array<[string, number | null, string]> = [
      ['requests.total', summary.requests.total, formatNumber(summary.requests.total, 0)],
      ['requests.ok', summary.requests.ok, formatNumber(summary.requests.ok, 0)],
      ['requests.failed', summary.requests.failed, formatNumber(summary.requests.failed, 0)],
      ['requests.successRate', summary.requests.successRate, formatPct(summary.requests.successRate)],
      ['rps', summary.rps, formatNumber(summary.rps, 2)],
      ['tokens.outputPerSecond', summary.tokens.outputPerSecond, formatNumber(summary.tokens.outputPerSecond, 1)],
      ['goodput', summary.goodput, formatNumber(summary.goodput, 2)],
      ['errors.byCategory.server_error', summary.errors.byCategory['server_error'] ?? null, String(summary.errors.byCategory['server_error'])],
      ...(['ttft', 'ttfo', 'itl', 'e2e'] as const).flatMap((m) =>
        (['p50', 'p95', 'p99', 'max'] as const).map((s): [string, number | null, string] => [`latency.${m}.${s}`, summary.latency[m][s], formatMs(summary.latency[m][s])]),
      ),
    ];
    for (const [key, value, text] of expected) {
      expect(byKey.get(key), key).toEqual({ key, value: value === null ? '' : String(value), text });
    }
    const gen = summary.generator.verdict;
    expect(await page.textContent('[data-key="verdict"]')).toBe(gen === 'ok' ? 'PASSED' : `PASSED, generator ${gen}`);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-e2e.png'), fullPage: true });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('writes a metrics.prom that parses and a report.csv whose totals match the records', () => {
    const families = new Map(parsePrometheusTextFormat(readFileSync(join(runDir, 'metrics.prom'), 'utf8')).map((f) => [f.name, f]));
    const requests = families.get('llm_loadtest_requests_total')?.metrics ?? [];
    expect(Number(requests.find((m) => m.labels?.['outcome'] === 'ok')?.value)).toBe(summary.requests.ok);
    const ttft = families.get('llm_loadtest_ttft_seconds');
    expect(ttft?.type).toBe('HISTOGRAM');
    expect(Number(ttft?.metrics[0]?.count)).toBe(summary.latency.ttft.count);

    const records = readFileSync(join(runDir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RequestRecord);
    const [header, ...rows] = readFileSync(join(runDir, 'report.csv'), 'utf8').trimEnd().split('\r\n').map((l) => l.split(','));
    const col = (name: string): number => (header ?? []).indexOf(name);
    const timeline = rows.filter((r) => r[0] === 'timeline');
    const total = (name: string): number => timeline.reduce((a, r) => a + Number(r[col(name)]), 0);
    const finished = records.filter((r) => r.errorCategory !== 'incomplete');
    expect(total('finished')).toBe(finished.length);
    expect(total('failed')).toBe(finished.filter((r) => !r.ok).length);
    // Each request's tokens are spread over the seconds they arrived in (3 decimals per second): the sum holds.
    expect(total('output_tokens')).toBeCloseTo(finished.reduce((a, r) => a + (r.ok ? (r.outputTokens ?? 0) : 0), 0), 1);
    const value = (metric: string): number => Number(rows.find((r) => r[0] === 'summary' && r[col('metric')] === metric)?.[col('value')]);
    expect(value('requests_total')).toBe(summary.requests.total);
    expect(value('output_tokens')).toBe(summary.tokens.output);
  });

  it('`report` re-computes the same counts from results.jsonl alone', async () => {
    const io = createFakeIo();
    expect(await runCli(['report', runDir, '--json'], io)).toBe(0);
    const again = JSON.parse(io.out()) as Summary;
    // --json output rounds away float noise (6 significant digits below 1); the file keeps the full number.
    expect(again.requests).toEqual({ ...summary.requests, successRate: expect.closeTo(summary.requests.successRate ?? Number.NaN, 6) as unknown });
    expect(again.errors.byCategory).toEqual(summary.errors.byCategory);
    expect(again.tokens.output).toBe(summary.tokens.output);
    expect(again.latency.ttft.p95).toBe(summary.latency.ttft.p95);
  });
});
