import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { HeatmapCell, HeatmapSummary, SweepSummary } from '../../src/model/experiment.js';
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
/** The charts of a run's page with its records, in page order. */
const RUN_CHARTS = ['users', 'rps', 'tokens', 'ttft', 'itl', 'e2e', 'errors', 'ttft-hist', 'itl-hist', 'e2e-hist', 'input-hist', 'output-hist'];
/** A summary key as code spells it (concurrentUsers, latencyMs); product names like vLLM are not. */
const CAMEL_CASE = /\b[a-z]+[A-Z][a-z][A-Za-z]*\b/g;

/** What the page's script leaves on window: its uPlot instances by chart id (the part the test reads). */
interface UPlotLike {
  data: Array<Array<number | null | undefined>>;
  width: number;
  root: BrowserElement;
  cursor: { idx?: number | null };
  scales: Record<string, { min?: number; max?: number }>;
  series: Array<{ show?: boolean }>;
  valToPos(value: number, scale: string, canvasPixels?: boolean): number;
  bbox: { top: number; height: number };
  ctx: { getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> } };
}
interface ReportWindow {
  reportCharts: Record<string, UPlotLike>;
}
// The callbacks given to page.evaluate run in Chromium. The tests' TypeScript has no DOM library (Node's
// globals would clash with it), so the little of the DOM they use is declared here.
interface BrowserElement {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { height: number; width: number; right: number };
  querySelector(selector: string): BrowserElement | null;
  textContent: string | null;
  nextElementSibling: BrowserElement | null;
}
declare const window: ReportWindow;
declare function getComputedStyle(element: BrowserElement): { backgroundColor: string };
declare const document: {
  documentElement: { scrollWidth: number };
  body: { innerText: string };
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): Iterable<BrowserElement>;
};

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
  let interruptedDir: string;
  let comparePage: string;
  let comparison: { metrics: Array<{ key: string; baseline: number | null; candidate: number | null }> };

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

    // A second run, stopped from outside (Ctrl-C) once the mock has answered a few of its requests.
    interruptedDir = join(runDir, '..', 'interrupted');
    const stopIo = createFakeIo();
    const before = mock.stats().requests;
    const stopping = runCli(
      ['run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', '2', '--duration', '300', '--out', interruptedDir, '--no-progress', '--no-color'],
      stopIo,
    );
    for (let i = 0; mock.stats().requests < before + 12; i += 1) {
      if (i > 600) throw new Error(`the run to interrupt did not send 12 requests within 30 s; stderr: ${stopIo.err()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    stopIo.emit('SIGINT');
    expect(await stopping, stopIo.err()).toBe(130);

    // compare: the finished run against the interrupted one, with its page.
    comparePage = join(runDir, '..', 'compare.html');
    const cmpIo = createFakeIo();
    const cmpCode = await runCli(['compare', runDir, interruptedDir, '--json', '--html', comparePage], cmpIo);
    expect([0, 5], cmpIo.err()).toContain(cmpCode);
    comparison = JSON.parse(cmpIo.out()) as typeof comparison;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

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

    await page.waitForSelector('html[data-charts-ready]', { timeout: 10_000 });
    const charts = await page.evaluate(() =>
      Object.entries(window.reportCharts).map(([id, u]) => ({
        id,
        points: u.data.slice(1).reduce((n, values) => n + values.filter((v) => v !== null && v !== undefined).length, 0),
        width: u.width,
        canvas: u.root.querySelector('canvas') !== null,
      })),
    );
    expect(charts.map((c) => c.id)).toEqual(RUN_CHARTS);
    for (const chart of charts) {
      expect(chart.points, `chart ${chart.id} has data`).toBeGreaterThan(0);
      expect(chart.canvas, `chart ${chart.id} is drawn`).toBe(true);
      expect(chart.width).toBeGreaterThan(200);
    }
    // On screen the interactive chart replaces the static one.
    expect(await page.$$eval('svg.chart.static', (svgs) => svgs.filter((s) => s.getBoundingClientRect().height > 0).length)).toBe(0);
    const text = await page.innerText('body');
    expect(text.match(CAMEL_CASE) ?? [], 'camelCase keys in the visible text').toEqual([]);
    expect(text).toContain('Users (concurrency)');

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
    await page.screenshot({ path: join(ARTIFACTS, 'report-desktop.png'), fullPage: true });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('hovering a chart shows the value under the cursor; time charts share the cursor and the zoom; the legend toggles a line', async () => {
    const { context, page, problems } = await openPage(browser, join(runDir, 'report.html'), 1280);
    const ttftHover = await hoverChart(page, 'ttft', 0.5, 0.5);
    const rpsHover = await page.evaluate(() => ({
      idx: window.reportCharts['rps']?.cursor.idx ?? null,
      timeText: document.querySelector('[data-chart-id="rps"] .u-legend tr .u-value')?.textContent ?? '',
    }));
    const ttftData = await page.evaluate(() => (window.reportCharts['ttft'] as UPlotLike).data.map((values) => [...values]));
    const hover = {
      idx: ttftHover.idx,
      t: ttftData[0]?.[ttftHover.idx] ?? null,
      p50: ttftData[1]?.[ttftHover.idx] ?? null,
      timeText: ttftHover.legend[0] ?? '',
      p50Text: ttftHover.legend[1] ?? '',
      rpsIdx: rpsHover.idx,
      rpsTimeText: rpsHover.timeText,
    };
    expect(hover.t).not.toBeNull();
    expect(hover.timeText).toBe(`${String(hover.t)} s`);
    // The legend shows the point's value (ms, to 0.1 ms at this size).
    expect(hover.p50).not.toBeNull();
    expect(Number(hover.p50Text.replace(/ ms$/, '').replace(/,/g, ''))).toBeCloseTo(hover.p50 ?? Number.NaN, 0);
    expect(hover.p50Text).toMatch(/ ms$/);
    // The cursor is shared: the requests chart points at the same second.
    expect(hover.rpsIdx).toBe(hover.idx);
    expect(hover.rpsTimeText).toBe(hover.timeText);

    // Drag across a third of the TTFT chart: every time chart zooms to that range.
    const box = await page.locator('[data-chart-id="ttft"] .u-over').boundingBox();
    if (box === null) throw new Error('the TTFT chart has no plotting area');
    const full = await page.evaluate(() => window.reportCharts['rps']?.scales['x']);
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.up();
    const zoomed = await page.evaluate(() => {
      const charts = window.reportCharts;
      return ['ttft', 'rps', 'users', 'errors'].map((id) => charts[id]?.scales['x']);
    });
    const [ttftZoom] = zoomed;
    expect((ttftZoom?.max ?? 0) - (ttftZoom?.min ?? 0)).toBeLessThan(((full?.max ?? 0) - (full?.min ?? 0)) * 0.6);
    for (const scale of zoomed) expect(scale).toEqual(ttftZoom);

    // A click on a legend entry hides that line, a second shows it again.
    const entry = page.locator('[data-chart-id="rps"] .u-legend tr:nth-child(2) > th');
    await entry.click();
    expect(await page.evaluate(() => window.reportCharts['rps']?.series[1]?.show)).toBe(false);
    await entry.click();
    expect(await page.evaluate(() => window.reportCharts['rps']?.series[1]?.show)).toBe(true);

    // A histogram's legend gives the bar under the cursor: its range and its count.
    const barHover = await hoverChart(page, 'ttft-hist', 0.5, 0.9);
    const barCounts = await page.evaluate(() => (window.reportCharts['ttft-hist'] as UPlotLike).data[1] ?? []);
    const bar = { count: barCounts[barHover.idx] ?? null, rangeText: barHover.legend[0] ?? '', countText: barHover.legend[1] ?? '' };
    expect(bar.rangeText).toMatch(/^[\d.,]+–[\d.,]+ ms$/);
    expect(bar.countText).toBe(`${String(bar.count)} requests`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('at 390 px wide nothing scrolls the page sideways, tables scroll in their own box, charts fit', async () => {
    const { context, page, problems } = await openPage(browser, join(runDir, 'report.html'), 390);
    await page.waitForSelector('html[data-charts-ready]', { timeout: 10_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const widths = await page.evaluate(() => Object.values(window.reportCharts).map((u) => u.root.getBoundingClientRect().right));
    expect(widths).toHaveLength(RUN_CHARTS.length);
    for (const right of widths) expect(right).toBeLessThanOrEqual(390);
    // The latency table is wider than the phone: its box scrolls, the page does not.
    const latency = await page.$eval('#latency .table-wrap', (el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(latency.scroll).toBeGreaterThan(latency.client);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-390px.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('marks an interrupted run: a banner above everything and the verdict', async () => {
    const stopped = JSON.parse(readFileSync(join(interruptedDir, 'summary.json'), 'utf8')) as Summary;
    expect(stopped.verdict).toBe('interrupted');
    const { context, page, problems } = await openPage(browser, join(interruptedDir, 'report.html'), 1280);
    const banner = page.locator('[data-key="banner"]');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.innerText()).toMatch(/^Interrupted at .* s into the run\): interrupted by SIGINT \(Ctrl-C\)\. This run stopped early/);
    // It is the first thing under the title.
    expect(await page.evaluate(() => document.querySelector('header')?.nextElementSibling?.getAttribute('data-key'))).toBe('banner');
    expect(await page.textContent('[data-key="verdict"]')).toBe('INTERRUPTED');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-interrupted.png') });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('prints with every section and a static chart for each interactive one (print media, and a PDF)', async () => {
    const { context, page, problems } = await openPage(browser, join(runDir, 'report.html'), 1280);
    await page.waitForSelector('html[data-charts-ready]', { timeout: 10_000 });
    const sections = await page.$$eval('section[data-section]', (els) => els.map((el) => el.getAttribute('data-section')));
    expect(sections).toEqual(['summary', ...((summary.notes ?? []).length > 0 ? ['notes'] : []), 'latency', 'time', 'distributions', 'errors', 'plan', 'definitions']);
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => ({
      sections: Array.from(document.querySelectorAll('section[data-section]')).map((el) => ({
        id: el.getAttribute('data-section'),
        height: el.getBoundingClientRect().height,
        heading: el.querySelector('h2')?.textContent ?? '',
      })),
      staticCharts: Array.from(document.querySelectorAll('svg.chart.static')).filter((svg) => svg.getBoundingClientRect().height > 50).length,
      liveCharts: Array.from(document.querySelectorAll('.uplot')).filter((el) => el.getBoundingClientRect().height > 0).length,
      text: document.body.innerText,
    }));
    for (const section of printed.sections) {
      expect(section.height, `section ${section.id ?? ''} prints`).toBeGreaterThan(20);
      expect(printed.text).toContain(section.heading);
    }
    expect(printed.staticCharts).toBe(RUN_CHARTS.length);
    expect(printed.liveCharts).toBe(0);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'report.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('without JavaScript the static charts, their legends and every table show', async () => {
    const { context, page } = await openPage(browser, join(runDir, 'report.html'), 1280, { javaScriptEnabled: false });
    const statics = await page.$$eval('svg.chart.static', (svgs) =>
      svgs.map((svg) => ({ id: svg.getAttribute('data-chart'), points: Number(svg.getAttribute('data-points')), height: svg.getBoundingClientRect().height })),
    );
    expect(statics.map((c) => c.id)).toEqual(RUN_CHARTS);
    for (const chart of statics) {
      expect(chart.points, `static chart ${chart.id ?? ''} has data`).toBeGreaterThan(0);
      expect(chart.height).toBeGreaterThan(50);
    }
    expect(await page.locator('.static-legend').first().isVisible()).toBe(true);
    expect(await page.$$eval('table', (tables) => tables.filter((t) => t.getBoundingClientRect().height > 0).length)).toBeGreaterThanOrEqual(3);
    await context.close();
  });

  it('compare --html: a page with the comparison’s figures and every chart drawn, no console error', async () => {
    const { context, page, problems } = await openPage(browser, comparePage, 1280);
    await page.waitForSelector('html[data-charts-ready]', { timeout: 10_000 });
    const charts = await page.evaluate(() =>
      Object.entries(window.reportCharts).map(([id, u]) => ({
        id,
        points: u.data.slice(1).map((values) => values.filter((v) => v !== null && v !== undefined).length),
      })),
    );
    expect(charts.map((c) => c.id)).toEqual(['cmp-rps', 'cmp-tokens', 'cmp-ttft', 'cmp-errors', 'cmp-ttft-pct', 'cmp-itl-pct', 'cmp-e2e-pct']);
    // Two runs, one line each, each with data.
    for (const chart of charts) {
      expect(chart.points, chart.id).toHaveLength(2);
      for (const n of chart.points) expect(n, chart.id).toBeGreaterThan(0);
    }
    for (const m of comparison.metrics.filter((x) => ['rps', 'latency.ttft.p95', 'latency.e2e.p50'].includes(x.key))) {
      expect(await page.getAttribute(`[data-key="compare.${m.key}.baseline"]`, 'data-value')).toBe(String(m.baseline));
      expect(await page.getAttribute(`[data-key="compare.${m.key}.candidate"]`, 'data-value')).toBe(String(m.candidate));
    }
    expect(await page.innerText('[data-key="banner"]')).toContain('stopped early');
    // The page names the two runs by their folders: the temporary folder's random name (e.g. "udCbzB") is not a key.
    const text = (await page.innerText('body')).split(basename(dirname(runDir))).join('');
    expect(text.match(CAMEL_CASE) ?? []).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'compare-desktop.png'), fullPage: true });
    // Narrowed to a phone, the charts follow their boxes (a ResizeObserver resizes each plot).
    await page.setViewportSize({ width: 390, height: 900 });
    await page.waitForFunction(() => Object.values(window.reportCharts).every((u) => u.width <= 390), undefined, { timeout: 5000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'compare-390px.png'), fullPage: true });
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

describe.skipIf(cannotInstall)('the sweep, heatmap and per-scenario views in headless Chromium, from real runs against the mock', () => {
  let mock: MockServer;
  let work: string;
  let browser: Browser;
  let sweep: SweepSummary;
  let heatmap: HeatmapSummary;
  let scenarioRun: Summary;

  beforeAll(async () => {
    if (chromiumMissing) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/ensure-chromium.sh\` (installs Debian's chromium) and rerun`);
    // Two slots: throughput doubles from 1 to 2 users and stays flat at 4 (the knee at 2).
    mock = await startMockServer({ port: 0, maxConcurrent: 2, ttftMs: 30, itlMs: 5, outputTokens: 10, models: ['mock-model'] });
    work = mkdtempSync(join(tmpdir(), 'llm-loadtest-e2e-experiments-'));
    const url = `${mock.url}/v1/chat/completions`;
    const cli = async (args: string[]): Promise<void> => {
      const io = createFakeIo();
      expect(await runCli(args, io), io.err()).toBe(0);
    };
    await cli(['sweep', '--url', url, '--model', 'mock-model', '--users', '1,2,4', '--point-duration', '1', '--settle', '0.3', '--slo', 'ttft_p95<=5s', '--out', join(work, 'sweep'), '--quiet']);
    sweep = JSON.parse(readFileSync(join(work, 'sweep', 'summary.json'), 'utf8')) as SweepSummary;
    await cli(['heatmap', '--url', url, '--model', 'mock-model', '--input-sizes', '32,128', '--output-sizes', '4,16', '--cell-duration', '0.5', '--settle', '0', '--out', join(work, 'heatmap'), '--quiet']);
    heatmap = JSON.parse(readFileSync(join(work, 'heatmap', 'summary.json'), 'utf8')) as HeatmapSummary;
    const profile = join(work, 'mix.yaml');
    writeFileSync(profile, ['seed: 3', 'scenarios:', '  - {name: short-questions, weight: 60, prompts: ["one", "two"]}', '  - {name: chat, weight: 40, turns: 2, script: ["hi", "more"]}'].join('\n'));
    await cli(['run', '--local', '--url', url, '--model', 'mock-model', '--profile', profile, '--concurrent-users', '2', '--duration', '2', '--out', join(work, 'scenarios'), '--no-progress', '--no-color']);
    scenarioRun = JSON.parse(readFileSync(join(work, 'scenarios', 'summary.json'), 'utf8')) as Summary;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('sweep: every chart drawn with the points’ figures, the knee line on the canvas, a value on hover; no sideways scroll at 390 px', async () => {
    expect(sweep.knee.load, sweep.knee.detail).toBe(2);
    const { context, page, problems } = await openPage(browser, join(work, 'sweep', 'report.html'), 1280);
    await page.waitForSelector('html[data-charts-ready]', { timeout: 10_000 });
    const charts = await page.evaluate(() =>
      Object.entries(window.reportCharts).map(([id, u]) => ({ id, x: u.data[0] ?? [], points: u.data.slice(1).reduce((n, values) => n + values.filter((v) => v !== null && v !== undefined).length, 0) })),
    );
    expect(charts.map((c) => c.id)).toEqual(['sweep-rps', 'sweep-tokens', 'sweep-ttft', 'sweep-e2e']);
    for (const chart of charts) {
      expect(chart.x).toEqual([1, 2, 4]);
      expect(chart.points, `chart ${chart.id} has data`).toBeGreaterThan(0);
    }
    // The knee: a dashed red line drawn on the canvas at x = 2 (some of its pixels are the dash gaps).
    const redPixels = await page.evaluate((knee) => {
      const u = window.reportCharts['sweep-rps'] as UPlotLike;
      const x = Math.round(u.valToPos(knee, 'x', true));
      const pixels = u.ctx.getImageData(x, u.bbox.top, 1, u.bbox.height).data;
      let red = 0;
      for (let i = 0; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 170 && (pixels[i + 1] ?? 255) < 90 && (pixels[i + 2] ?? 255) < 90) red += 1;
      return red;
    }, 2);
    expect(redPixels).toBeGreaterThan(10);

    // Hovering the throughput chart shows the load and the req/s of the point under the cursor.
    const rpsHover = await hoverChart(page, 'sweep-rps', 0.98, 0.5);
    const loads = await page.evaluate(() => (window.reportCharts['sweep-rps'] as UPlotLike).data[0] ?? []);
    const hover = { load: loads[rpsHover.idx] ?? null, loadText: rpsHover.legend[0] ?? '', rpsText: rpsHover.legend[1] ?? '' };
    const point = sweep.points.find((p) => p.load === hover.load);
    expect(point, `a point under the cursor (${String(hover.load)})`).toBeDefined();
    expect(hover.loadText).toBe(`${String(hover.load)} users`);
    expect(hover.rpsText).toMatch(/ req\/s$/);
    expect(Number(hover.rpsText.replace(/ req\/s$/, ''))).toBeCloseTo(point?.rps ?? Number.NaN, 1);
    const text = await page.innerText('body');
    expect(text.match(CAMEL_CASE) ?? [], 'camelCase keys in the visible text').toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'sweep-desktop.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();

    const phone = await openPage(browser, join(work, 'sweep', 'report.html'), 390);
    await phone.page.waitForSelector('html[data-charts-ready]', { timeout: 10_000 });
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const right of await phone.page.evaluate(() => Object.values(window.reportCharts).map((u) => u.root.getBoundingClientRect().right))) expect(right).toBeLessThanOrEqual(390);
    await phone.page.screenshot({ path: join(ARTIFACTS, 'sweep-390px.png'), fullPage: true });
    // Printed, each chart is its static SVG.
    await phone.page.emulateMedia({ media: 'print' });
    expect(await phone.page.$$eval('svg.chart.static', (svgs) => svgs.filter((svg) => svg.getBoundingClientRect().height > 50).length)).toBe(4);
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });

  it('heatmap: every grid has a coloured value in each cell, the best green and the worst red; no sideways scroll at 390 px; it reads without JavaScript and in print', async () => {
    for (const [width, javaScriptEnabled, media] of [[1280, true, 'screen'], [390, true, 'screen'], [390, false, 'screen'], [1280, true, 'print']] as const) {
      const { context, page, problems } = await openPage(browser, join(work, 'heatmap', 'report.html'), width, { javaScriptEnabled });
      await page.emulateMedia({ media });
      const cells = await page.$$eval('td.cell', (tds) =>
        tds.map((td) => ({ key: td.getAttribute('data-key') ?? '', value: td.getAttribute('data-value') ?? '', background: getComputedStyle(td).backgroundColor, shown: td.getBoundingClientRect().height > 0 })),
      );
      expect(cells).toHaveLength(5 * heatmap.cells.length);
      for (const cell of cells) {
        expect(cell.value, cell.key).not.toBe('');
        expect(cell.shown, cell.key).toBe(true);
      }
      // E2E p50: the cell with the longest answers is the worst (red), the one with the shortest the best (green).
      const e2e = [...heatmap.cells].sort((a, b) => (a.e2eMs.p50 as number) - (b.e2eMs.p50 as number));
      const background = (c: HeatmapCell | undefined): string | undefined => cells.find((x) => x.key === `heatmap.e2e_p50.${c?.inputTokens}x${c?.outputTokens}`)?.background;
      // hsl(120, 70%, 75%) and hsl(0, 70%, 75%), the scale's ends, as the browser computes them.
      expect(background(e2e[0])).toBe('rgb(147, 236, 147)');
      expect(background(e2e.at(-1))).toBe('rgb(236, 147, 147)');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const text = await page.innerText('body');
      expect(text.match(CAMEL_CASE) ?? [], 'camelCase keys in the visible text').toEqual([]);
      if (javaScriptEnabled && media === 'screen') {
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, `heatmap-${width === 390 ? '390px' : 'desktop'}.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  it('per scenario: TTFT and E2E as bars grouped by scenario, the scenario and its value on hover', async () => {
    const scenarios = scenarioRun.scenarios ?? [];
    expect(scenarios.map((s) => s.scenario)).toEqual(['short-questions', 'chat']);
    const { context, page, problems } = await openPage(browser, join(work, 'scenarios', 'report.html'), 1280);
    await page.waitForSelector('html[data-charts-ready]', { timeout: 10_000 });
    const e2e = await page.evaluate(() => (window.reportCharts['scenarios-e2e'] as UPlotLike).data.map((values) => [...values]));
    expect(e2e).toEqual([[0, 1], scenarios.map((s) => s.e2e.p50), scenarios.map((s) => s.e2e.p95)]);
    expect(await page.evaluate(() => Object.keys(window.reportCharts).filter((id) => id.startsWith('scenarios-')))).toEqual(['scenarios-ttft', 'scenarios-e2e']);
    // The right half of the plot is the second group.
    const { legend } = await hoverChart(page, 'scenarios-e2e', 0.75, 0.5, 1);
    expect(legend[0]).toBe('chat');
    expect(Number(legend[2]?.replace(/ ms$/, '').replace(/,/g, ''))).toBeCloseTo(scenarios[1]?.e2e.p95 ?? Number.NaN, 0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#scenarios').screenshot({ path: join(ARTIFACTS, 'scenarios-desktop.png') });
    expect(problems).toEqual([]);
    await context.close();
  });
});

/** A page opened offline (any request off file: is aborted and fails the test), with its console problems collected. */
/**
 * Move the mouse to (fx, fy) of a chart's plotting area (fractions of its box) and wait until its cursor
 * is on a point (`wantIdx`: that point). Returns the point's index and the legend's text, row by row (row 0
 * is x), as the reader sees them.
 */
async function hoverChart(page: Page, id: string, fx: number, fy: number, wantIdx?: number): Promise<{ idx: number; legend: string[] }> {
  const over = page.locator(`[data-chart-id="${id}"] .u-over`);
  await over.scrollIntoViewIfNeeded();
  const box = await over.boundingBox();
  if (box === null) throw new Error(`the chart ${id} has no plotting area`);
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
  await page.waitForFunction(
    ([chart, want]) => {
      const idx = window.reportCharts[chart]?.cursor.idx;
      return want === null ? idx != null : idx === want;
    },
    [id, wantIdx ?? null] as const,
    { timeout: 5000 },
  );
  return page.evaluate((chart) => {
    const idx = window.reportCharts[chart]?.cursor.idx as number;
    const legend = [...document.querySelectorAll(`[data-chart-id="${chart}"] .u-legend tr .u-value`)].map((cell) => cell.textContent ?? '');
    return { idx, legend };
  }, id);
}

async function openPage(browser: Browser, file: string, width: number, options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    problems.push(`request off the page: ${url}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { context, page, problems };
}
